#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image
short_description: Build, pull, load, import, tag, push and remove Docker images
version_added: 0.1.0
description:
  - Makes sure an image is on the engine, from the O(source) named, and optionally tags it under another
    name (O(repository)) and pushes it; or removes it (O(state=absent)). Option names follow
    community.docker's C(docker_image).
  - "Idempotence: a build or an import carries a label, C(org.noar.docker.source-hash), holding a hash of what
    went into it (for a build: the context's file names, modes and contents after C(.dockerignore), the
    Dockerfile, O(build.args), O(build.target), O(build.labels) and the Ids of the base images on the engine;
    for an import: the tarball and O(changes)). An image whose label matches is not built again, so an
    unchanged build reports C(changed=false) without running, and check mode knows it too."
  - A pull with O(force_source) and a push compare the registry's manifest digest with the image's
    C(RepoDigests), so pulling or pushing what is already there is unchanged. A load reads the image Id
    from the archive's C(manifest.json).
  - Pushing and pulling use the credentials stored by M(noar.docker.login) in the Docker client
    configuration (C(DOCKER_CONFIG), else C(~/.docker/config.json)).
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Predicts from the same facts a real run uses (source hash label, registry digest, archive manifest).
  diff_mode:
    support: full
    description: C(diff.before)/C(diff.after) hold the image Id before and what replaces it.
options:
  name:
    description:
      - The image's name, as V(app), V(registry.example.com/team/app) or with a tag, V(app:1.2) (a tag written
        here wins over O(tag)).
    type: str
    required: true
  tag:
    description: The tag, when O(name) has none.
    type: str
    default: latest
  state:
    description: V(present) makes sure the image is there; V(absent) removes the name (C(docker rmi)).
    type: str
    choices: [present, absent]
    default: present
  source:
    description:
      - Where the image comes from. V(build) from a Dockerfile (O(build)); V(pull) from its registry; V(load)
        from a C(docker save) tarball (O(load_path)); V(import) from a filesystem tarball (O(import_path), as
        C(docker import)); V(local) only uses an image already on the engine (to tag or push it).
      - Required when O(state=present).
    type: str
    choices: [build, pull, load, import, local]
  force_source:
    description:
      - Build, load or import again even when the source hash label or Id says nothing changed; with
        V(pull), ask the registry and pull when it holds another image than the engine.
    type: bool
    default: false
  build:
    description: How to build, with O(source=build).
    type: dict
    suboptions:
      path:
        description: The build context folder on the managed host.
        type: path
        required: true
      dockerfile:
        description: The Dockerfile, relative to O(build.path) (or absolute).
        type: str
        default: Dockerfile
      args:
        description: Build arguments (C(--build-arg)).
        type: dict
      target:
        description: The stage of a multi-stage Dockerfile to build (C(--target)).
        type: str
      labels:
        description: Labels to put on the image.
        type: dict
      nocache:
        description: Do not use the build cache.
        type: bool
        default: false
      pull:
        description: Pull newer base images while building. The source hash only sees the base images on the engine.
        type: bool
        default: false
      cache_from:
        description: Images to use as cache sources.
        type: list
        elements: str
      network:
        description: The network mode of the build's C(RUN) steps (C(--network)).
        type: str
      etc_hosts:
        description: Extra C(/etc/hosts) entries for the build's C(RUN) steps, as hostname to IP address.
        type: dict
      shm_size:
        description: The size of C(/dev/shm) in the build's C(RUN) steps, as V(64M).
        type: str
      platform:
        description:
          - The engine's own platform (as V(linux/amd64)) is accepted; building for another needs BuildKit, and fails
            the task saying so.
        type: str
      http_timeout:
        description: Seconds to wait for the build to answer, instead of O(timeout).
        type: int
      rm:
        description: Remove the build's intermediate containers, also after a failed build.
        type: bool
        default: true
      container_limits:
        description: Limits of the build's C(RUN) containers.
        type: dict
        suboptions:
          memory:
            description: Memory limit, as V(512M).
            type: str
          memswap:
            description: Memory and swap together, as V(1G); V(-1) for unlimited swap.
            type: str
          cpushares:
            description: CPU shares (a relative weight).
            type: int
          cpusetcpus:
            description: The CPUs the build may use, as V(0-3) or V(0,1).
            type: str
      use_config_proxy:
        description: Pass the proxy settings of the Docker client configuration to the build as build arguments.
        type: bool
  load_path:
    description: A C(docker save) tarball (plain or compressed) that holds O(name):O(tag), with O(source=load).
    type: path
  archive_path:
    description:
      - With O(state=present), also save the image to this C(docker save) tarball; unchanged when the file already
        holds this image under this name.
    type: path
  pull:
    description: How to pull, with O(source=pull).
    type: dict
    suboptions:
      platform:
        description: The platform to pull, as V(linux/arm64).
        type: str
  import_path:
    description: A filesystem tarball to import as O(name):O(tag), with O(source=import).
    type: path
  changes:
    description: Dockerfile instructions applied while importing (C(docker import --change)), as V(CMD ["/bin/sh"]).
    type: list
    elements: str
  repository:
    description:
      - Also tag the image under this name (C(docker tag)), as V(registry.example.com/app) or V(app:stable);
        without a tag in it, O(tag) is used. With O(push), this name is what is pushed.
    type: str
  force_tag:
    description:
      - Move O(repository) to this image even when it already names another one. Without it such a name is left
        as it is, with a warning. A name produced by this run's build, pull, load or import always moves.
    type: bool
    default: false
  push:
    description:
      - Push the image (or O(repository)) to the registry in its name. Unchanged when the registry already holds
        the same manifest.
    type: bool
    default: false
  force_absent:
    description: With O(state=absent), remove the name even when containers use the image (C(docker rmi --force)).
    type: bool
    default: false
requirements:
  - docker (Docker SDK for Python) >= 7.0
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.login
  - module: noar.docker.image_info
  - module: noar.docker.image_export
  - module: noar.docker.image_load
"""

EXAMPLES = r"""
- name: Build the runtime stage of a multi-stage Dockerfile
  noar.docker.image:
    name: registry.example.com/noar/web
    tag: "1.4.0"
    source: build
    build:
      path: /srv/web
      target: runtime
      args:
        APP_VERSION: "1.4.0"

- name: Tag it as stable and push that name (logged in with noar.docker.login)
  noar.docker.image:
    name: registry.example.com/noar/web:1.4.0
    source: local
    repository: registry.example.com/noar/web:stable
    force_tag: true
    push: true

- name: Pull an image when it is not on the engine yet
  noar.docker.image:
    name: registry.example.com/noar/db
    tag: "16"
    source: pull

- name: Load an image from a docker save tarball (air-gapped hosts)
  noar.docker.image:
    name: noar/web:1.4.0
    source: load
    load_path: /var/cache/images/web-1.4.0.tar

- name: Import a container export as an image, with a command
  noar.docker.image:
    name: noar/rootfs:1
    source: import
    import_path: /var/cache/rootfs.tar
    changes:
      - CMD ["/bin/sh"]

- name: Remove an image
  noar.docker.image:
    name: noar/web:1.3.0
    state: absent
"""

RETURN = r"""
image:
  description: The image's C(docker inspect) data; empty when it is absent.
  returned: always
  type: dict
  sample: {Id: "sha256:3f1c...", RepoTags: ["noar/web:1.4.0"], Config: {Labels: {}}}
actions:
  description: What was done (or, in check mode, would be), in order; each with C(action), C(target) and C(reason).
  returned: always
  type: list
  elements: dict
  sample: [{action: build, target: "noar/web:1.4.0", reason: its sources changed}, {action: push, target: "noar/web:1.4.0"}]
build_log:
  description:
    - The last lines of the build's output. On a failed build they come with the failure, whose C(msg) names
      the failing Dockerfile step.
  returned: when the image was built, and on a failed build
  type: list
  elements: str
timings:
  description:
    - Where the task spent its time, for long builds, pulls and pushes (under C(async) too), in seconds.
    - C(total) is the whole task; C(phases) lists each C(build), C(pull), C(push) or C(load) it ran, in order,
      with its C(action), C(target) and C(seconds); a build's C(steps) hold each Dockerfile step's C(step), C(of),
      C(instruction) and C(seconds); a pull's or push's C(layers) hold each layer the engine reported on, with its
      C(id), final C(status) (V(Pull complete), V(Already exists), V(Pushed), V(Layer already exists), V(Mounted))
      and C(seconds); they are empty when the engine needed no layer, as for a pull of an image it has.
  returned: when something was built, pulled, pushed or loaded
  type: dict
  sample:
    total: 12.41
    phases:
      - action: build
        target: web:1.4.0
        seconds: 12.2
        steps:
          - {step: 1, of: 2, instruction: FROM debian:bookworm-slim, seconds: 0.02}
          - {step: 2, of: 2, instruction: RUN apt-get update && apt-get install -y python3, seconds: 12.1}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.image import SOURCES, ImageManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            name=dict(type="str", required=True),
            tag=dict(type="str", default="latest"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            source=dict(type="str", choices=list(SOURCES)),
            force_source=dict(type="bool", default=False),
            build=dict(
                type="dict",
                options=dict(
                    path=dict(type="path", required=True),
                    dockerfile=dict(type="str", default="Dockerfile"),
                    args=dict(type="dict"),
                    target=dict(type="str"),
                    labels=dict(type="dict"),
                    nocache=dict(type="bool", default=False),
                    pull=dict(type="bool", default=False),
                    cache_from=dict(type="list", elements="str"),
                    network=dict(type="str"),
                    etc_hosts=dict(type="dict"),
                    shm_size=dict(type="str"),
                    platform=dict(type="str"),
                    http_timeout=dict(type="int"),
                    rm=dict(type="bool", default=True),
                    container_limits=dict(
                        type="dict", options=dict(memory=dict(type="str"), memswap=dict(type="str"), cpushares=dict(type="int"), cpusetcpus=dict(type="str"))
                    ),
                    use_config_proxy=dict(type="bool"),
                ),
            ),
            load_path=dict(type="path"),
            archive_path=dict(type="path"),
            pull=dict(type="dict", options=dict(platform=dict(type="str"))),
            import_path=dict(type="path"),
            changes=dict(type="list", elements="str"),
            repository=dict(type="str"),
            force_tag=dict(type="bool", default=False),
            push=dict(type="bool", default=False),
            force_absent=dict(type="bool", default=False),
        ),
        required_if=[
            ("state", "present", ["source"]),
            ("source", "build", ["build"]),
            ("source", "load", ["load_path"]),
            ("source", "import", ["import_path"]),
        ],
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, ImageManager(client, module.params)))


if __name__ == "__main__":
    main()
