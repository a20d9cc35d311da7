#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: secret
short_description: Swarm secrets - immutable, with rolling versions
version_added: 0.2.0
description:
  - From a swarm manager, makes sure a secret (a password or key,
    mounted in a service's containers under /run/secrets and never shown by the engine) exists with the
    content and labels the task gives, or is absent.
  - The engine never returns a secret's content, so the content's SHA-224 is kept in the label C(ansible_key) (as
    community.docker's C(docker_secret) does, so secrets it made are recognised, not made again).
  - Option names and return values follow community.docker's C(docker_secret).
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.swarm_data
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.config
  - module: noar.docker.swarm_info
"""

EXAMPLES = r"""
- name: The database's secret, versioned; services using it move to each new version
  noar.docker.secret:
    name: projeto-db-password
    data: "{{ projeto_db_password }}"
    rolling_versions: true
    versions_to_keep: 2

- name: Gone
  noar.docker.secret:
    name: projeto-db-password
    rolling_versions: true
    state: absent
"""

RETURN = r"""
secret_id:
  description: The ID of the secret (its newest version); null when absent, or not made yet in check mode.
  returned: always
  type: str
secret_name:
  description: The name of the secret (C(<name>_v<N>) with O(rolling_versions=true)); null when absent.
  returned: always
  type: str
actions:
  description: What was done (C(create), C(move) a service to a new version, C(remove)), or in check mode would be.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.swarm_data import SWARM_DATA_ARGS, SwarmDataManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            **SWARM_DATA_ARGS,
        ),
        mutually_exclusive=[("data", "data_src")],
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, SwarmDataManager(client, module.params, "secret")))


if __name__ == "__main__":
    main()
