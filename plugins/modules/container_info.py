#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_info
short_description: Inspect one container, or list containers as docker ps does
version_added: 0.1.0
description:
  - With O(name), returns whether the container exists and its C(docker inspect) data.
  - Without O(name), lists containers as C(docker ps) does, with O(all) and O(filters).
  - Never changes anything.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.attributes.info_module
options:
  name:
    description: The container's name or Id.
    type: str
  all:
    description: Without O(name), list stopped containers too (C(docker ps --all)).
    type: bool
    default: false
  filters:
    description:
      - Without O(name), the filters of C(docker ps --filter), as C(label), C(status), C(name), C(ancestor). A value may be a
        string or a list.
    type: dict
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.container
"""

EXAMPLES = r"""
- name: Is the web container there, and what is its state?
  noar.docker.container_info:
    name: web
  register: web

- name: Show its state
  ansible.builtin.debug:
    msg: "{{ web.container.State.Status if web.exists else 'absent' }}"

- name: List every container of the application, stopped ones included
  noar.docker.container_info:
    all: true
    filters:
      label: app=projeto-no-ar
  register: app
"""

RETURN = r"""
exists:
  description: Whether the container named O(name) exists.
  returned: when O(name) is given
  type: bool
  sample: true
container:
  description: The container's C(docker inspect) data; empty when it does not exist.
  returned: when O(name) is given
  type: dict
containers:
  description: The containers, each with C(id), C(name), C(image), C(state), C(status), C(ports) and C(labels).
  returned: when O(name) is not given
  type: list
  elements: dict
  sample:
    - id: 8e47bf643eb9...
      name: web
      image: nginx:1.25
      state: running
      status: Up 2 minutes
      ports: [{IP: 127.0.0.1, PrivatePort: 80, PublicPort: 8080, Type: tcp}]
      labels: {app: web}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.host import describe


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            name=dict(type="str"),
            all=dict(type="bool", default=False),
            filters=dict(type="dict"),
        ),
        supports_check_mode=True,
    )
    describe(module, connect(module), "container", include_all=module.params["all"])


if __name__ == "__main__":
    main()
