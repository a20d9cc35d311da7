#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image_pull
short_description: Pull an image from its registry
version_added: 0.2.0
description:
  - Pulls O(name) from the registry in its name, with community.docker's C(docker_image_pull) options and
    return values. M(noar.docker.image) with O(noar.docker.image#module:source=pull) does the same job
    among others.
  - With O(pull=always) (the default) the registry is asked for the manifest digest first, and the pull is
    done (and reported changed) only when the engine does not hold that image yet; check mode asks the same
    question, so it predicts exactly.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Asks the registry for the manifest digest, as a real run does; pulls nothing.
  diff_mode:
    support: full
    description: C(diff.before)/C(diff.after) hold the image Id before and what replaces it.
options:
  name:
    description:
      - The image, as V(app), V(registry.example.com/team/app), with a tag (V(app:1.2), which wins over O(tag))
        or a digest (V(app@sha256:...)). An image Id cannot be pulled.
    type: str
    required: true
  tag:
    description: The tag, when O(name) has none.
    type: str
    default: latest
  platform:
    description:
      - Ask for this platform, as V(linux/arm64). With O(pull=not_present), an image of another platform on
        the engine is pulled again.
    type: str
  pull:
    description:
      - V(always) pulls whenever the registry holds another image than the engine; V(not_present) only when
        the engine has no image of that name (or of another platform).
    type: str
    choices: [always, not_present]
    default: always
requirements:
  - docker (Docker SDK for Python) >= 7.0
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.image
  - module: noar.docker.login
"""

EXAMPLES = r"""
- name: Pull the database image, again whenever the registry has a newer one
  noar.docker.image_pull:
    name: registry.example.com/noar/db:16

- name: Pull it only when it is not on the engine
  noar.docker.image_pull:
    name: registry.example.com/noar/db
    tag: "16"
    pull: not_present
"""

RETURN = r"""
image:
  description: The image's C(docker inspect) data (in check mode, before a pull; empty when it was absent).
  returned: success
  type: dict
  sample: {Id: "sha256:3f1c...", RepoTags: ["registry.example.com/noar/db:16"]}
actions:
  description: C(pull) when the image was (or would be) pulled, with C(target) and C(reason).
  returned: always
  type: list
  elements: dict
timings:
  description:
    - Where the task spent its time, in seconds, in the shape M(noar.docker.image) documents (C(total), and
      C(phases) with the layers).
  returned: when the image was pulled
  type: dict
"""

from ansible_collections.noar.docker.plugins.module_utils.image import run_image_job


def main():
    run_image_job(
        dict(
            name=dict(type="str", required=True),
            tag=dict(type="str", default="latest"),
            platform=dict(type="str"),
            pull=dict(type="str", default="always", choices=["always", "not_present"]),
        ),
        lambda p: dict(
            name=p["name"], tag=p["tag"], state="present", source="pull", platform=p["platform"], force_source=p["pull"] == "always", pull_option="pull"
        ),
    )


if __name__ == "__main__":
    main()
