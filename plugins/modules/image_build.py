#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image_build
short_description: Build an image from a Dockerfile
version_added: 0.2.0
description:
  - Builds O(name) from the context folder O(path), with community.docker's C(docker_image_build) options,
    defaults and return values. M(noar.docker.image) with O(noar.docker.image#module:source=build) does the same
    job and rebuilds when the sources change.
  - The build goes through the engine API's classic builder; BuildKit (C(docker buildx)) is not used. The
    options only BuildKit has (O(secrets), O(outputs), and O(platform) other than the engine's own) fail
    clearly rather than being ignored.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Knows from O(rebuild) and the image on the engine whether a build would run; builds nothing.
  diff_mode:
    support: full
    description: C(diff.before)/C(diff.after) hold the image Id before and what replaces it.
options:
  name:
    description:
      - The image's name, as V(app), V(registry.example.com/team/app) or with a tag, V(app:1.2) (which wins over
        O(tag)). Image Ids and digests cannot be used.
    type: str
    required: true
  tag:
    description: The tag, when O(name) has none.
    type: str
    default: latest
  path:
    description: The build context folder on the managed host.
    type: path
    required: true
  dockerfile:
    description: The Dockerfile, relative to O(path) (or absolute); V(Dockerfile) when not given.
    type: str
  cache_from:
    description: Images to use as cache sources.
    type: list
    elements: str
  pull:
    description: Pull newer base images while building.
    type: bool
    default: false
  network:
    description: The network of the build's C(RUN) steps.
    type: str
  nocache:
    description: Do not use the build cache.
    type: bool
    default: false
  etc_hosts:
    description: Extra C(/etc/hosts) entries for the build's C(RUN) steps, as hostname to IP address.
    type: dict
  args:
    description: Build arguments (C(--build-arg)); values that are not strings are turned into strings.
    type: dict
  target:
    description: The stage of a multi-stage Dockerfile to build (C(--target)).
    type: str
  platform:
    description:
      - The engine's own platform (as V(linux/amd64)) is accepted; another one needs BuildKit, and fails the task
        saying so.
    type: list
    elements: str
  shm_size:
    description: The size of C(/dev/shm) in the build's C(RUN) steps, as V(64M) or V(1G).
    type: str
  labels:
    description: Labels to put on the image.
    type: dict
  rebuild:
    description:
      - V(never) leaves an image of that name alone; V(always) builds it again on every run (and reports
        changed). M(noar.docker.image) rebuilds exactly when the sources changed.
    type: str
    choices: [never, always]
    default: never
  secrets:
    description: Not available without BuildKit; setting it fails the task, saying so.
    type: list
    elements: dict
    suboptions:
      id:
        description: The secret's identifier.
        type: str
        required: true
      type:
        description: Where the secret comes from.
        type: str
        required: true
        choices: [file, env, value]
      src:
        description: The file, for O(secrets[].type=file).
        type: path
      env:
        description: The environment variable, for O(secrets[].type=env).
        type: str
      value:
        description: The value, for O(secrets[].type=value).
        type: str
  outputs:
    description: Not available without BuildKit; setting it fails the task, saying so.
    type: list
    elements: dict
    suboptions:
      type:
        description: The exporter.
        type: str
        required: true
        choices: [local, tar, oci, docker, image]
      dest:
        description: The destination path.
        type: path
      context:
        description: The Docker context to import the result into.
        type: str
      name:
        description: The names to store the image under.
        type: list
        elements: str
      push:
        description: Whether to push the image.
        type: bool
        default: false
requirements:
  - docker (Docker SDK for Python) >= 7.0
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.image
"""

EXAMPLES = r"""
- name: Build the web image once
  noar.docker.image_build:
    name: noar/web:1.4.0
    path: /srv/web
    args:
      APP_VERSION: "1.4.0"

- name: Build it on every run
  noar.docker.image_build:
    name: noar/web:1.4.0
    path: /srv/web
    rebuild: always
"""

RETURN = r"""
image:
  description: The image's C(docker inspect) data (in check mode, as it is before the build; empty when absent).
  returned: success
  type: dict
  sample: {Id: "sha256:3f1c...", RepoTags: ["noar/web:1.4.0"]}
build_log:
  description: The last lines of the build's output; on a failed build they come with the failure.
  returned: when the image was built, and on a failed build
  type: list
  elements: str
actions:
  description: C(build) when the image was (or would be) built, with its C(reason).
  returned: always
  type: list
  elements: dict
timings:
  description:
    - Where the task spent its time, in seconds, in the shape M(noar.docker.image) documents (C(total), and
      C(phases) with the build's steps).
  returned: when the image was built
  type: dict
"""

from ansible_collections.noar.docker.plugins.module_utils.image import BUILDKIT_ONLY, run_image_job

BUILD_OPTIONS = ("path", "dockerfile", "cache_from", "pull", "network", "nocache", "etc_hosts", "args", "target", "shm_size", "labels") + BUILDKIT_ONLY


def main():
    run_image_job(
        dict(
            name=dict(type="str", required=True),
            tag=dict(type="str", default="latest"),
            path=dict(type="path", required=True),
            dockerfile=dict(type="str"),
            cache_from=dict(type="list", elements="str"),
            pull=dict(type="bool", default=False),
            network=dict(type="str"),
            nocache=dict(type="bool", default=False),
            etc_hosts=dict(type="dict"),
            args=dict(type="dict"),
            target=dict(type="str"),
            platform=dict(type="list", elements="str"),
            shm_size=dict(type="str"),
            labels=dict(type="dict"),
            rebuild=dict(type="str", default="never", choices=["never", "always"]),
            secrets=dict(
                type="list",
                elements="dict",
                no_log=False,
                options=dict(
                    id=dict(type="str", required=True),
                    type=dict(type="str", required=True, choices=["file", "env", "value"]),
                    src=dict(type="path"),
                    env=dict(type="str"),
                    value=dict(type="str", no_log=True),
                ),
            ),
            outputs=dict(
                type="list",
                elements="dict",
                options=dict(
                    type=dict(type="str", required=True, choices=["local", "tar", "oci", "docker", "image"]),
                    dest=dict(type="path"),
                    context=dict(type="str"),
                    name=dict(type="list", elements="str"),
                    push=dict(type="bool", default=False),
                ),
            ),
        ),
        lambda p: dict(
            name=p["name"], tag=p["tag"], state="present", source="build", rebuild=p["rebuild"], build={key: p[key] for key in BUILD_OPTIONS}, build_prefix=""
        ),
    )


if __name__ == "__main__":
    main()
