#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image_info
short_description: Inspect images, the named ones or all that docker images lists
version_added: 0.1.0
description:
  - With O(name), returns the C(docker inspect) data of each named image that is on the engine.
  - Without O(name), returns the C(docker inspect) data of each image C(docker images) lists, with O(filters) and
    O(all) (as community.docker's C(docker_image_info), which has no filters).
  - Never changes anything.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.attributes.info_module
options:
  name:
    description: One image or a list, as V(app:1.0), an Id, or V(registry.example.com/app@sha256:...). Absent ones are left out.
    type: list
    elements: str
  filters:
    description:
      - Without O(name), the filters of C(docker images --filter), as C(dangling), C(label), C(reference),
        C(before), C(since). A value may be a string or a list.
    type: dict
  all:
    description: Without O(name), list intermediate images too (C(docker images --all)).
    type: bool
    default: false
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.image
"""

EXAMPLES = r"""
- name: Inspect the web image
  noar.docker.image_info:
    name: noar/web:1.4.0
  register: web

- name: List dangling images
  noar.docker.image_info:
    filters:
      dangling: true
  register: dangling
"""

RETURN = r"""
images:
  description:
    - The C(docker inspect) data of each image found by O(name), or without it of each image listed.
  returned: always
  type: list
  elements: dict
  sample: [{Id: "sha256:3f1c...", RepoTags: ["noar/web:1.4.0"], RepoDigests: [], Created: "2026-11-30T12:00:00Z", Size: 1985576}]
missing:
  description: The names given in O(name) that are not on the engine.
  returned: when O(name) is given
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec, find
from ansible_collections.noar.docker.plugins.module_utils.converge import module_errors
from ansible_collections.noar.docker.plugins.module_utils.host import list_objects


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            name=dict(type="list", elements="str"),
            filters=dict(type="dict"),
            all=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    client = connect(module)
    with module_errors(module):
        names = module.params["name"]
        if names:
            images, missing = [], []
            for name in names:
                found = find(client, "image", name)
                if found is None:
                    missing.append(name)
                else:
                    images.append(found)
            module.exit_json(changed=False, images=images, missing=missing)
        # Inspect data for the listed images too, as community.docker's image_info returns them.
        listed = list_objects(client, "images", module.params["filters"], verbose=True, include_all=module.params["all"])
        module.exit_json(changed=False, images=[image for image in (find(client, "image", item["Id"]) for item in listed) if image is not None])


if __name__ == "__main__":
    main()
