#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: compose_build
short_description: Build a Compose project's images, as docker compose build does
version_added: 0.2.0
description:
  - Builds the images of a Compose project's services that have a C(build) section (or of the ones named in
    O(services)) through the Engine API's builder, with the options and return values of community.docker's
    C(docker_compose_v2_build), and no Compose CLI.
  - An image is built again only when its build context changed (the image's source-hash label), as
    M(noar.docker.compose) with O(noar.docker.compose#module:build=always) builds; so a rerun is unchanged and check
    mode predicts which images are built. O(no_cache) and O(pull) apply to the builds that run.
  - The project is read by the same loader as M(noar.docker.compose), with the same options.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.compose_project
attributes:
  check_mode:
    support: full
    description: The build contexts are hashed and compared with the images; nothing is built.
  diff_mode:
    support: full
    description: Each image's Id before, and that it is rebuilt.
options:
  services:
    description: Only these services' images (with their dependencies' when O(with_dependencies) is set).
    type: list
    elements: str
  with_dependencies:
    description: Also build the images of the services that the O(services) depend on.
    type: bool
    default: false
  no_cache:
    description: Build without the builder's cache.
    type: bool
    default: false
  pull:
    description: Pull a newer version of each base image while building.
    type: bool
    default: false
  memory_limit:
    description: The memory limit of each build step's container, in bytes.
    type: int
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.compose
  - module: noar.docker.compose_pull
  - module: noar.docker.image_build
"""

EXAMPLES = r"""
- name: Build the project's images before a release
  noar.docker.compose_build:
    project_src: /srv/projeto-no-ar

- name: Only the web image, afresh
  noar.docker.compose_build:
    project_src: /srv/projeto-no-ar
    services: [web]
    no_cache: true
    pull: true
"""

RETURN = r"""
actions:
  description:
    - One C(build) entry per image built (or that would be), with community.docker's keys C(what) (V(image)),
      C(id) (the service) and C(status) (V(Building)), and C(target), the image.
  returned: always
  type: list
  elements: dict
  sample: [{action: build, target: "projeto-no-ar-web:latest", what: image, id: web, status: Building}]
project_name:
  description: The project's name.
  returned: success
  type: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.compose import PROJECT_ARGS
from ansible_collections.noar.docker.plugins.module_utils.compose_jobs import ComposeBuildManager
from ansible_collections.noar.docker.plugins.module_utils.converge import converge, module_errors


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            **PROJECT_ARGS,
            services=dict(type="list", elements="str"),
            with_dependencies=dict(type="bool", default=False),
            no_cache=dict(type="bool", default=False),
            pull=dict(type="bool", default=False),
            memory_limit=dict(type="int"),
        ),
        supports_check_mode=True,
    )
    client = connect(module)
    with module_errors(module):
        manager = ComposeBuildManager(client, module.params, dict(os.environ), module.check_mode)
    module.exit_json(**converge(module, manager))


if __name__ == "__main__":
    main()
