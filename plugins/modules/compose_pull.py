#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: compose_pull
short_description: Pull a Compose project's images, as docker compose pull does
version_added: 0.2.0
description:
  - Pulls the images of a Compose project's services (or of the ones named in O(services)) through the Engine API,
    with the options and return values of community.docker's C(docker_compose_v2_pull), and no Compose CLI.
  - The registry is asked for each image's manifest digest first, so an image the engine already holds unchanged
    is not pulled again (the task is then unchanged, with O(policy=always) too) and check mode predicts exactly.
  - Services that are built are left out when O(ignore_buildable) is set, and always when they name no image.
  - The project is read by the same loader as M(noar.docker.compose), with the same options.
  - Registry credentials are the ones M(noar.docker.login) stored.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.compose_project
attributes:
  check_mode:
    support: full
    description: The registry is asked for each image's digest; nothing is pulled.
  diff_mode:
    support: full
    description: Each image's Id before and after.
options:
  services:
    description: Only these services' images (with their dependencies' when O(include_deps) is set).
    type: list
    elements: str
  include_deps:
    description: Also pull the images of the services that the O(services) depend on.
    type: bool
    default: false
  policy:
    description:
      - V(always) asks the registry about every image and pulls the ones it holds in a newer version;
        V(missing) pulls only images the engine does not have.
    type: str
    choices: [always, missing]
    default: always
  ignore_buildable:
    description: Leave out the services that have a C(build) section, even when they name an image.
    type: bool
    default: false
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.compose
  - module: noar.docker.image_pull
"""

EXAMPLES = r"""
- name: Pull the new images before a maintenance window
  noar.docker.compose_pull:
    project_src: /srv/projeto-no-ar

- name: Only what the web service needs, if missing
  noar.docker.compose_pull:
    project_src: /srv/projeto-no-ar
    services: [web]
    include_deps: true
    policy: missing
"""

RETURN = r"""
actions:
  description:
    - One C(pull) entry per image pulled (or that would be), with community.docker's keys C(what) (V(image)),
      C(id) (the first service that uses it) and C(status) (V(Pulling)), and C(target), the image.
  returned: always
  type: list
  elements: dict
  sample: [{action: pull, target: "registry.example.com/web:1.2", what: image, id: web, status: Pulling}]
project_name:
  description: The project's name.
  returned: success
  type: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.compose import PROJECT_ARGS
from ansible_collections.noar.docker.plugins.module_utils.compose_jobs import ComposePullManager
from ansible_collections.noar.docker.plugins.module_utils.converge import converge, module_errors


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            **PROJECT_ARGS,
            services=dict(type="list", elements="str"),
            include_deps=dict(type="bool", default=False),
            policy=dict(type="str", choices=["always", "missing"], default="always"),
            ignore_buildable=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    client = connect(module)
    with module_errors(module):
        manager = ComposePullManager(client, module.params, dict(os.environ))
    module.exit_json(**converge(module, manager))


if __name__ == "__main__":
    main()
