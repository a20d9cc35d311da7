#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image_remove
short_description: Remove an image's name, and the image with its last name
version_added: 0.2.0
description:
  - Removes O(name) from the engine (C(docker rmi)), with community.docker's C(docker_image_remove) options
    and return values. M(noar.docker.image) with O(noar.docker.image#module:state=absent) does the same job.
  - An image used by a container is refused, naming the containers, unless O(force).
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description:
      - Predicts the names that go and whether the image goes with them. RV(deleted) then holds the image's Id
        only; a real run also lists the parent images and layers the engine deleted.
  diff_mode:
    support: full
    description: C(diff.before)/C(diff.after) hold the image Id before, and V(untagged) or V(absent) after.
options:
  name:
    description:
      - The image, as V(app), V(registry.example.com/app), with a tag (V(app:1.2), which wins over O(tag)), or
        its Id (V(sha256:...)), which removes all its names.
    type: str
    required: true
  tag:
    description: The tag, when O(name) has none.
    type: str
    default: latest
  force:
    description:
      - Remove the name even when containers use the image, and remove an image by Id whose names are in
        several repositories (C(docker rmi --force)).
    type: bool
    default: false
  prune:
    description: Also delete the image's untagged parent images (C(docker rmi) without C(--no-prune)).
    type: bool
    default: true
requirements:
  - docker (Docker SDK for Python) >= 7.0
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.image
  - module: noar.docker.prune
"""

EXAMPLES = r"""
- name: Remove the previous release
  noar.docker.image_remove:
    name: noar/web:1.3.0
"""

RETURN = r"""
image:
  description: The image's C(docker inspect) data before the removal; empty when it was not there.
  returned: success
  type: dict
  sample: {Id: "sha256:3f1c...", RepoTags: ["noar/web:1.3.0"]}
deleted:
  description: The Ids the engine deleted (images and layers), sorted.
  returned: success
  type: list
  elements: str
  sample: ["sha256:3f1c..."]
untagged:
  description: The names the engine removed, sorted.
  returned: success
  type: list
  elements: str
  sample: ["noar/web:1.3.0"]
actions:
  description: C(remove) when a name was (or would be) removed.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.noar.docker.plugins.module_utils.image import run_image_job


def _shape(manager, result):
    result.update(manager.removed, image=manager.before or {})


def main():
    run_image_job(
        dict(
            name=dict(type="str", required=True),
            tag=dict(type="str", default="latest"),
            force=dict(type="bool", default=False),
            prune=dict(type="bool", default=True),
        ),
        lambda p: dict(name=p["name"], tag=p["tag"], state="absent", force_absent=p["force"], prune=p["prune"]),
        _shape,
    )


if __name__ == "__main__":
    main()
