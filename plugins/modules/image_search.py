#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image_search
short_description: Search Docker Hub or a private registry for images
version_added: 0.1.0
description:
  - Without O(registry_url), searches Docker Hub through the engine, as C(docker search) does.
  - With O(registry_url), searches a private registry through its v2 API (C(/v2/_catalog) and each
    repository's tags list), with the credentials M(noar.docker.login) stored for it. Registries on
    C(127.0.0.1) or C(localhost) are spoken to over http, others over https unless the URL says otherwise.
  - Never changes anything.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.attributes.info_module
options:
  term:
    description: What the repository name must contain (case-insensitive for a private registry).
    type: str
    required: true
  registry_url:
    description: A private registry, as V(registry.example.com), V(127.0.0.1:5000) or V(https://registry.example.com).
    type: str
  limit:
    description: At most this many results.
    type: int
    default: 25
  config_path:
    description: The Docker client configuration that holds the registry's credentials (see M(noar.docker.login)).
    type: path
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.login
"""

EXAMPLES = r"""
- name: Which web images does the private registry hold?
  noar.docker.image_search:
    term: web
    registry_url: registry.example.com
  register: found

- name: Search Docker Hub
  noar.docker.image_search:
    term: nginx
    limit: 5
"""

RETURN = r"""
results:
  description:
    - For a private registry, each matching repository with its C(name) (registry included) and C(tags).
    - For Docker Hub, each result with C(name), C(description), C(star_count), C(is_official) and C(is_automated).
  returned: always
  type: list
  elements: dict
  sample: [{name: "registry.example.com/noar/web", tags: ["1.4.0", "stable"]}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import module_errors
from ansible_collections.noar.docker.plugins.module_utils.registry import search_hub, search_registry


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            term=dict(type="str", required=True),
            registry_url=dict(type="str"),
            limit=dict(type="int", default=25),
            config_path=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    with module_errors(module):
        if params["registry_url"]:
            results = search_registry(params["registry_url"], params["term"], params, params["limit"])
        else:
            results = search_hub(connect(module), params["term"], params["limit"])
        module.exit_json(changed=False, results=results)


if __name__ == "__main__":
    main()
