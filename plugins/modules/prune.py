#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: prune
short_description: Remove unused containers, images, networks, volumes and build cache
version_added: 0.1.0
description:
  - What C(docker container prune), C(docker image prune), C(docker network prune), C(docker volume prune) and
    C(docker builder prune) do, for the kinds the task switches on, each narrowed by its own filters.
    Option names follow community.docker's C(docker_prune).
  - The list of what goes is worked out first, from the engine's lists and with the engine's rules; only the
    kinds with something to remove are pruned, and the result holds what the engine says it removed.
  - "Volumes: on engines with API below 1.42 (Docker 23) C(docker volume prune) removes every unused local
    volume, named ones too, with their data. Narrow it with O(volumes_filters) labels."
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description:
      - Lists what would be removed, by the same rules the engine applies, and removes nothing.
      - "The space it reports is an estimate: the sizes of what would go, counting shared image layers once per
        image."
  diff_mode:
    support: full
    description: For each kind, the names of what goes (before) and an empty list (after).
options:
  containers:
    description: Remove containers that are not running (stopped, created, dead); paused and restarting ones stay.
    type: bool
    default: false
  containers_filters:
    description:
      - Filters of C(docker container prune --filter), as a dict; a value can be a list.
      - C(until) (a duration before now such as C(24h), a Unix timestamp or a date), C(label) and C(label!)
        (C(key) or C(key=value)).
    type: dict
  images:
    description: Remove images no container uses; only untagged (dangling) ones unless O(images_filters) has C(dangling=false).
    type: bool
    default: false
  images_filters:
    description:
      - Filters of C(docker image prune --filter), as a dict.
      - C(dangling) (V(false) removes tagged images too, as C(docker image prune -a)), C(until), C(label), C(label!).
    type: dict
  networks:
    description: Remove networks no container is attached to; the engine's own (C(bridge), C(host), C(none)) stay.
    type: bool
    default: false
  networks_filters:
    description: Filters of C(docker network prune --filter), as a dict; C(until), C(label), C(label!).
    type: dict
  volumes:
    description: Remove local volumes no container mounts (see the note on named volumes above).
    type: bool
    default: false
  volumes_filters:
    description:
      - Filters of C(docker volume prune --filter), as a dict; C(label), C(label!), and on API 1.42 or later C(all)
        (named volumes too, not just anonymous ones).
    type: dict
  builder_cache:
    description: Remove build cache nothing uses (BuildKit's cache; the classic builder keeps none).
    type: bool
    default: false
  builder_cache_all:
    description: Remove shared build cache too, as C(docker builder prune --all).
    type: bool
    default: false
  builder_cache_filters:
    description: Filters of C(docker builder prune --filter), as a dict (C(until), C(id), C(type), C(inuse), ...).
    type: dict
  builder_cache_keep_storage:
    description: How much build cache to keep, as C(docker builder prune --keep-storage), in bytes or as V(5G).
    type: str
notes:
  - Check mode cannot see which swarm-scoped networks the engine's network prune removes on a swarm manager; it
    lists local networks only.
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.host_info
    description: C(disk_usage) shows what pruning could reclaim.
"""

EXAMPLES = r"""
- name: What would a cleanup remove? (check mode lists it)
  noar.docker.prune:
    containers: true
    images: true
    networks: true
  check_mode: true
  register: would_go

- name: Remove stopped containers and untagged images older than a day
  noar.docker.prune:
    containers: true
    containers_filters:
      until: 24h
    images: true
    images_filters:
      until: 24h

- name: Remove every image of the CI pipeline that no container uses, tagged or not
  noar.docker.prune:
    images: true
    images_filters:
      dangling: false
      label: ci.pipeline=nightly

- name: Remove the unused volumes of one test run only
  noar.docker.prune:
    volumes: true
    volumes_filters:
      label: test.run=42
"""

RETURN = r"""
containers:
  description: Ids of the containers removed (in check mode, that would be).
  returned: when O(containers=true)
  type: list
  elements: str
containers_space_reclaimed:
  description: Bytes freed by removing the containers.
  returned: when O(containers=true)
  type: int
images:
  description:
    - Ids of the images removed. Layers the engine removed with them are not listed.
    - Unlike community.docker, which returns the engine's raw untag/delete records, these are image Ids; the
      untagged references are in RV(images_untagged).
  returned: when O(images=true)
  type: list
  elements: str
  sample: [sha256:3f53bb00af943dfdf815650be70c0fa7b426e56a66f5e3362b47a129d57d5991]
images_untagged:
  description: References (C(repo:tag), C(repo@digest)) removed from images.
  returned: when O(images=true)
  type: list
  elements: str
images_space_reclaimed:
  description: Bytes freed by removing the images.
  returned: when O(images=true)
  type: int
networks:
  description: Names of the networks removed.
  returned: when O(networks=true)
  type: list
  elements: str
networks_space_reclaimed:
  description: Always 0; networks hold no disk space.
  returned: when O(networks=true)
  type: int
volumes:
  description: Names of the volumes removed.
  returned: when O(volumes=true)
  type: list
  elements: str
volumes_space_reclaimed:
  description: Bytes freed by removing the volumes.
  returned: when O(volumes=true)
  type: int
builder_cache:
  description: Ids of the build cache entries removed.
  returned: when O(builder_cache=true)
  type: list
  elements: str
builder_cache_space_reclaimed:
  description: Bytes freed by removing build cache.
  returned: when O(builder_cache=true)
  type: int
builder_cache_caches_deleted:
  description: The same list as RV(builder_cache), under community.docker's name.
  returned: when O(builder_cache=true)
  type: list
  elements: str
actions:
  description: One C(remove) per object, in the order containers, images, networks, volumes, build cache.
  returned: always
  type: list
  elements: dict
  sample: [{action: remove, target: container web-old}, {action: remove, target: network projeto-test}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.prune import KINDS, PruneManager


def main():
    spec = {}
    for kind in KINDS:
        spec[kind] = dict(type="bool", default=False)
        spec[f"{kind}_filters"] = dict(type="dict")
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            builder_cache_all=dict(type="bool", default=False),
            builder_cache_keep_storage=dict(type="str"),
            **spec,
        ),
        supports_check_mode=True,
    )
    module.exit_json(**converge(module, PruneManager(connect(module), module.params, module.check_mode)))


if __name__ == "__main__":
    main()
