#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image_tag
short_description: Give an image on the engine more names
version_added: 0.2.0
description:
  - Tags the image O(name) as each of O(repository) (C(docker tag)), with community.docker's C(docker_image_tag)
    options, defaults and return values. Names that already point at the image are unchanged.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Reads where each name points now; tags nothing.
  diff_mode:
    support: full
    description: For each new name, the image it named before (or V(absent)) and the one it names after.
options:
  name:
    description:
      - The image to tag, as V(app), V(registry.example.com/app), with a tag (V(app:1.2), which wins over
        O(tag)), or its Id (V(sha256:...)).
    type: str
    required: true
  tag:
    description: The tag, when O(name) has none; also the tag of each O(repository) that has none.
    type: str
    default: latest
  repository:
    description: The new names, as V(registry.example.com/app:stable); without a tag, the tag of O(name) is used.
    type: list
    elements: str
    required: true
  existing_images:
    description:
      - When a name of O(repository) already names another image, V(overwrite) moves it to this one and
        V(keep) leaves it where it is.
    type: str
    choices: [keep, overwrite]
    default: overwrite
requirements:
  - docker (Docker SDK for Python) >= 7.0
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.image_push
"""

EXAMPLES = r"""
- name: Name the release for the registry and as stable
  noar.docker.image_tag:
    name: noar/web:1.4.0
    repository:
      - registry.example.com/noar/web
      - registry.example.com/noar/web:stable
"""

RETURN = r"""
image:
  description: The tagged image's C(docker inspect) data.
  returned: success
  type: dict
  sample: {Id: "sha256:3f1c...", RepoTags: ["noar/web:1.4.0", "registry.example.com/noar/web:stable"]}
tagged_images:
  description: The names that were (or, in check mode, would be) set on the image.
  returned: success
  type: list
  elements: str
  sample: ["registry.example.com/noar/web:1.4.0", "registry.example.com/noar/web:stable"]
actions:
  description: One C(tag) for each name set.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.noar.docker.plugins.module_utils.image import run_image_job


def main():
    run_image_job(
        dict(
            name=dict(type="str", required=True),
            tag=dict(type="str", default="latest"),
            repository=dict(type="list", elements="str", required=True),
            existing_images=dict(type="str", default="overwrite", choices=["keep", "overwrite"]),
        ),
        lambda p: dict(name=p["name"], tag=p["tag"], state="present", source="local", repository=p["repository"], existing_images=p["existing_images"]),
        lambda manager, result: result.update(tagged_images=manager.tagged()),
    )


if __name__ == "__main__":
    main()
