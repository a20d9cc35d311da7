#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: volume_info
short_description: Inspect one volume, or list volumes as docker volume ls does
version_added: 0.1.0
description:
  - With O(name), returns whether the volume exists and its C(docker volume inspect) data.
  - Without O(name), lists volumes as C(docker volume ls) does, with O(filters).
  - Never changes anything.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.attributes.info_module
options:
  name:
    description: The volume's name.
    type: str
    aliases: [volume_name]
  filters:
    description: Without O(name), the filters of C(docker volume ls --filter), as C(dangling), C(label), C(driver), C(name).
    type: dict
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.volume
"""

EXAMPLES = r"""
- name: Does the database volume exist?
  noar.docker.volume_info:
    name: projeto-db-data
  register: db_data

- name: Volumes no container uses
  noar.docker.volume_info:
    filters:
      dangling: true
  register: unused
"""

RETURN = r"""
exists:
  description: Whether the volume named O(name) exists.
  returned: when O(name) is given
  type: bool
volume:
  description: The volume's C(docker volume inspect) data; empty when it does not exist.
  returned: when O(name) is given
  type: dict
volumes:
  description: The volumes, each with C(name), C(driver), C(mountpoint) and C(labels).
  returned: when O(name) is not given
  type: list
  elements: dict
  sample: [{name: projeto-db-data, driver: local, mountpoint: /var/lib/docker/volumes/projeto-db-data/_data, labels: {}}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.host import describe


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            name=dict(type="str", aliases=["volume_name"]),
            filters=dict(type="dict"),
        ),
        supports_check_mode=True,
    )
    describe(module, connect(module), "volume")


if __name__ == "__main__":
    main()
