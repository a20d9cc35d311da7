#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image_push
short_description: Push an image on the engine to its registry
version_added: 0.2.0
description:
  - Pushes O(name) to the registry in its name, with community.docker's C(docker_image_push) options and
    return values. M(noar.docker.image) with O(noar.docker.image#module:push=true) does the same job among
    others.
  - The registry is asked for its manifest digest first; when it already holds the engine's image the task
    is unchanged, and check mode predicts from the same answer.
  - Uses the credentials stored by M(noar.docker.login).
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Asks the registry for the manifest digest, as a real run does; pushes nothing.
  diff_mode:
    support: none
    description: A push changes the registry, not the engine's image; C(actions) says what was pushed.
options:
  name:
    description:
      - The image, as V(registry.example.com/team/app) or with a tag (V(registry.example.com/app:1.2), which wins
        over O(tag)). It must be on the engine, and its name must say the registry or the account.
    type: str
    required: true
  tag:
    description: The tag, when O(name) has none.
    type: str
    default: latest
requirements:
  - docker (Docker SDK for Python) >= 7.0
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.login
  - module: noar.docker.image_tag
"""

EXAMPLES = r"""
- name: Push the web image (logged in with noar.docker.login)
  noar.docker.image_push:
    name: registry.example.com/noar/web:1.4.0
"""

RETURN = r"""
image:
  description: The pushed image's C(docker inspect) data.
  returned: success
  type: dict
  sample: {Id: "sha256:3f1c...", RepoDigests: ["registry.example.com/noar/web@sha256:9b2a..."]}
actions:
  description: C(push) when the image was (or would be) pushed.
  returned: always
  type: list
  elements: dict
timings:
  description:
    - Where the task spent its time, in seconds, in the shape M(noar.docker.image) documents (C(total), and
      C(phases) with the layers).
  returned: when the image was pushed
  type: dict
"""

from ansible_collections.noar.docker.plugins.module_utils.image import run_image_job


def main():
    run_image_job(
        dict(name=dict(type="str", required=True), tag=dict(type="str", default="latest")),
        lambda p: dict(name=p["name"], tag=p["tag"], state="present", source="local", push=True, push_option="name"),
    )


if __name__ == "__main__":
    main()
