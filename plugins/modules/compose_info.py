#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: compose_info
short_description: List Compose projects, or one project's services and containers
version_added: 0.2.0
description:
  - Without O(project_name), lists the Compose projects that have containers on the engine, as
    C(docker compose ls --all) does (their status, configuration files and folder), whoever made them
    (M(noar.docker.compose) or the Compose CLI).
  - With O(project_name), returns its containers as C(docker compose ps --all) does, and the same grouped by service.
  - Reads the containers' C(com.docker.compose.*) labels with one list call. Never changes anything.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.attributes.info_module
options:
  project_name:
    description: The project to describe.
    type: str
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.compose
"""

EXAMPLES = r"""
- name: The projects on this engine
  noar.docker.compose_info:
  register: projects

- name: One project's containers
  noar.docker.compose_info:
    project_name: shop
  register: shop

- name: Every web container is healthy
  ansible.builtin.assert:
    that: shop.services.web | map(attribute='health') | unique | list == ['healthy']
"""

RETURN = r"""
projects:
  description: Without O(project_name), each project with containers on the engine.
  returned: when O(project_name) is not given
  type: list
  elements: dict
  sample: [{name: shop, status: "exited(1), running(2)", config_files: [/srv/shop/compose.yaml], working_dir: /srv/shop}]
exists:
  description: With O(project_name), whether the project has containers on the engine.
  returned: when O(project_name) is given
  type: bool
containers:
  description: With O(project_name), its containers in service order, as C(docker compose ps --all).
  returned: when O(project_name) is given
  type: list
  elements: dict
  sample: [{name: shop-web-1, id: 4f2a..., service: web, number: 1, image: "shop-web:1.2", command: "gunicorn app",
            state: running, status: Up 2 minutes (healthy), health: healthy, created: 1796073538,
            publishers: [{url: 127.0.0.1, published_port: 8080, target_port: 8080, protocol: tcp}]}]
services:
  description: With O(project_name), the same containers grouped by service.
  returned: when O(project_name) is given
  type: dict
  sample: {web: [{name: shop-web-1, state: running, health: healthy}]}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.compose_manager import list_projects, project_containers
from ansible_collections.noar.docker.plugins.module_utils.converge import module_errors


def main():
    module = AnsibleModule(argument_spec=docker_argument_spec(project_name=dict(type="str")), supports_check_mode=True)
    client = connect(module)
    with module_errors(module):
        name = module.params["project_name"]
        if not name:
            module.exit_json(changed=False, projects=list_projects(client))
        containers = project_containers(client, name)
        services: dict = {}
        for container in containers:
            services.setdefault(container["service"], []).append(container)
        module.exit_json(changed=False, exists=bool(containers), containers=containers, services=services)


if __name__ == "__main__":
    main()
