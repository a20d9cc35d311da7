#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: network_info
short_description: Inspect one network, or list networks as docker network ls does
version_added: 0.1.0
description:
  - With O(name), returns whether the network exists and its C(docker network inspect) data.
  - Without O(name), lists networks as C(docker network ls) does, with O(filters).
  - Never changes anything.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.attributes.info_module
options:
  name:
    description: The network's name or Id.
    type: str
    aliases: [network_name]
  filters:
    description: Without O(name), the filters of C(docker network ls --filter), as C(driver), C(label), C(name), C(scope), C(type).
    type: dict
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.network
"""

EXAMPLES = r"""
- name: The back network's subnet
  noar.docker.network_info:
    name: projeto-back
  register: back

- name: Networks of the application
  noar.docker.network_info:
    filters:
      label: app=projeto-no-ar
  register: app_networks
"""

RETURN = r"""
exists:
  description: Whether the network named O(name) exists.
  returned: when O(name) is given
  type: bool
network:
  description: The network's C(docker network inspect) data; empty when it does not exist.
  returned: when O(name) is given
  type: dict
networks:
  description: The networks, each with C(id), C(name), C(driver), C(scope), C(internal) and C(labels).
  returned: when O(name) is not given
  type: list
  elements: dict
  sample: [{id: 3c1f..., name: projeto-back, driver: bridge, scope: local, internal: true, labels: {}}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.host import describe


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            name=dict(type="str", aliases=["network_name"]),
            filters=dict(type="dict"),
        ),
        supports_check_mode=True,
    )
    describe(module, connect(module), "network")


if __name__ == "__main__":
    main()
