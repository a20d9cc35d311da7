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
  - Given the project's files (O(project_src), O(files) or O(definition)), also returns RV(drift), how the engine
    differs from them. It is what M(noar.docker.compose) would do (state V(present), orphans removed), planned as in
    its check mode, so a pipeline can gate on RV(drift.in_sync) before or after a deployment.
  - Reads the containers' C(com.docker.compose.*) labels with one list call. Never changes anything.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.compose_project
  - noar.docker.attributes.info_module
options:
  services:
    description: With the project's files, only these services' drift (and their dependencies').
    type: list
    elements: str
  secrets_env:
    description: With the project's files, the values of secrets taken from the environment, as given to
      M(noar.docker.compose) (their digests count in the config hash).
    type: dict
  files_dir:
    description: With the project's files, the folder M(noar.docker.compose) writes secrets and configs under.
    type: path
    default: ~/.local/share/noar/compose
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

- name: What differs from the files
  noar.docker.compose_info:
    project_src: /srv/shop
  register: shop_drift

- name: Stop the pipeline when the engine does not run what the files say
  ansible.builtin.assert:
    that: shop_drift.drift.in_sync
    fail_msg: "missing {{ shop_drift.drift.missing }}, changed {{ shop_drift.drift.changed }}, extra {{ shop_drift.drift.extra }}"
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
drift:
  description: With the project's files, how the engine differs from them.
  returned: when O(project_src), O(files) or O(definition) is given
  type: dict
  contains:
    in_sync:
      description: Whether M(noar.docker.compose) would change nothing.
      type: bool
    services:
      description: Each service's state, V(missing) (a container to create), V(changed) (to recreate, update or
        reconnect; its config hash or settings differ), V(stopped) or V(in_sync).
      type: dict
      sample: {web: changed, db: in_sync}
    missing:
      description: The services with a container to create.
      type: list
      elements: str
    changed:
      description: The services with a container to recreate, update or reconnect.
      type: list
      elements: str
    stopped:
      description: The services with a container to start.
      type: list
      elements: str
    extra:
      description: Services the project's containers have that the files no longer define.
      type: list
      elements: str
    images:
      description: The services whose image would be pulled or built.
      type: list
      elements: str
    actions:
      description: The actions M(noar.docker.compose) would take, as its RV(noar.docker.compose#module:actions).
      type: list
      elements: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.compose import PROJECT_ARGS
from ansible_collections.noar.docker.plugins.module_utils.compose_manager import (
    list_projects,
    project_containers,
    project_drift,
)
from ansible_collections.noar.docker.plugins.module_utils.converge import module_errors


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            **PROJECT_ARGS,
            services=dict(type="list", elements="str"),
            secrets_env=dict(type="dict", no_log=True),
            files_dir=dict(type="path", default="~/.local/share/noar/compose"),
        ),
        supports_check_mode=True,
    )
    client = connect(module)
    params = module.params
    result: dict = dict(changed=False)
    with module_errors(module):
        name = params["project_name"]
        if any(params.get(key) for key in ("project_src", "files")) or params.get("definition") is not None:
            drift = project_drift(client, params, dict(os.environ))
            for warning in drift.pop("warnings"):
                module.warn(warning)
            name = drift.pop("project_name")
            result["drift"] = drift
        if not name:
            module.exit_json(projects=list_projects(client), **result)
        containers = project_containers(client, name)
        services: dict = {}
        for container in containers:
            services.setdefault(container["service"], []).append(container)
        module.exit_json(exists=bool(containers), containers=containers, services=services, **result)


if __name__ == "__main__":
    main()
