#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: volume
short_description: Create and remove Docker volumes
version_added: 0.1.0
description:
  - Makes sure a named volume exists with the driver, driver options and labels asked for, or is absent.
    Option names follow community.docker's C(docker_volume).
  - A volume cannot change in place. One that differs from the task is recreated only with
    O(recreate=options-changed) or O(recreate=always), since recreating it throws its data away; otherwise it
    is left as it is, with a warning.
  - A volume that containers use is never removed or recreated; the task fails naming them, and nothing changes.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Plans from the same inspect data a real run uses, including the in-use check, and changes nothing.
  diff_mode:
    support: full
    description: The driver, driver options and labels before and after.
options:
  name:
    description: The volume's name.
    type: str
    required: true
    aliases: [volume_name]
  driver:
    description: The volume driver.
    type: str
    default: local
  driver_options:
    description:
      - The driver's options, as C(docker volume create --opt). For the V(local) driver, V(type), V(device) and V(o)
        make a tmpfs volume or bind a host folder (see the examples).
      - Compared only when given, so a task that leaves it out never recreates a tmpfs or bind volume.
    type: dict
  labels:
    description: Labels of the volume. Only the labels given are compared.
    type: dict
  recreate:
    description:
      - V(never) leaves a volume that differs as it is (with a warning); V(options-changed) recreates it when its
        driver, options or labels differ; V(always) recreates it on every run. Recreating loses the volume's data.
    type: str
    choices: [never, options-changed, always]
    default: never
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.volume_info
  - module: noar.docker.container
"""

EXAMPLES = r"""
- name: A volume for the database's data
  noar.docker.volume:
    name: projeto-db-data
    labels:
      app: projeto-no-ar

- name: A volume kept in memory (tmpfs), 64 MiB
  noar.docker.volume:
    name: scratch
    driver_options:
      type: tmpfs
      device: tmpfs
      o: size=64m

- name: A volume that binds a host folder
  noar.docker.volume:
    name: uploads
    driver_options:
      type: none
      device: /srv/uploads
      o: bind

- name: Remove a volume (fails while a container uses it)
  noar.docker.volume:
    name: scratch
    state: absent
"""

RETURN = r"""
volume:
  description: The volume's C(docker volume inspect) data; empty when it is absent.
  returned: always
  type: dict
  sample: {Name: projeto-db-data, Driver: local, Mountpoint: /var/lib/docker/volumes/projeto-db-data/_data, Labels: {app: projeto-no-ar}}
actions:
  description: What was done (C(create), C(recreate), C(remove)), or in check mode would be.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.volume import VOLUME_ARGS, VolumeManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(**VOLUME_ARGS),
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, VolumeManager(client, module.params)))


if __name__ == "__main__":
    main()
