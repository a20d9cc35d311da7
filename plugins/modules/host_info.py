#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: host_info
short_description: Facts about a Docker engine, and optional lists of its objects
version_added: 0.1.0
description:
  - Returns what C(docker info) and C(docker version) report, with the facts playbooks check most under stable
    names in RV(engine) (server and API version, storage, logging and cgroup drivers, cgroup version, CPUs, memory,
    security options, swarm state).
  - Optionally lists the engine's containers, images, networks and volumes, each with filters, and the disk usage
    that C(docker system df) shows.
  - Never changes anything.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.attributes.info_module
options:
  containers:
    description: List the containers, as C(docker ps) does.
    type: bool
    default: false
  containers_all:
    description: With O(containers), list stopped containers too (C(docker ps --all)).
    type: bool
    default: false
  containers_filters:
    description:
      - Filters for O(containers), as C(docker ps --filter) takes them, for example C(label), C(name), C(status),
        C(ancestor). A value may be a string or a list.
    type: dict
  images:
    description: List the images, as C(docker images) does.
    type: bool
    default: false
  images_filters:
    description: Filters for O(images), for example C(dangling), C(label), C(reference).
    type: dict
  networks:
    description: List the networks, as C(docker network ls) does.
    type: bool
    default: false
  networks_filters:
    description: Filters for O(networks), for example C(driver), C(label), C(name).
    type: dict
  volumes:
    description: List the volumes, as C(docker volume ls) does.
    type: bool
    default: false
  volumes_filters:
    description: Filters for O(volumes), for example C(dangling), C(driver), C(label).
    type: dict
  disk_usage:
    description: Return the engine's disk usage, as C(docker system df) shows it.
    type: bool
    default: false
  verbose_output:
    description:
      - Return the engine's full records for the lists and the disk usage instead of the short ones.
    type: bool
    default: false
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - name: docker info
    description: The command this module reads the facts of.
    link: https://docs.docker.com/reference/cli/docker/system/info/
"""

EXAMPLES = r"""
- name: Read the engine's facts
  noar.docker.host_info:
  register: docker_host

- name: Fail unless the engine uses the systemd cgroup driver
  ansible.builtin.assert:
    that: docker_host.engine.cgroup_driver == 'systemd'

- name: List the running containers of one application, and the disk usage
  noar.docker.host_info:
    containers: true
    containers_filters:
      label: app=projeto-no-ar
    disk_usage: true
  register: docker_host

- name: Ask a remote engine over TLS
  noar.docker.host_info:
    docker_host: tcp://docker.example.com:2376
    validate_certs: true
    ca_path: /etc/docker-certs/ca.pem
    client_cert: /etc/docker-certs/cert.pem
    client_key: /etc/docker-certs/key.pem
"""

RETURN = r"""
can_talk_to_docker:
  description: Whether the engine answered. When it does not, the module fails with the reason and this V(false).
  returned: both on success and on failure
  type: bool
  sample: true
engine:
  description: The engine's main facts under stable names.
  returned: success
  type: dict
  sample:
    server_version: 20.10.24+dfsg1
    api_version: "1.41"
    storage_driver: overlay2
    containerd_image_store: false
    logging_driver: json-file
    cgroup_driver: cgroupfs
    cgroup_version: "1"
    cpus: 2
    memory: 25275850752
    live_restore: false
    security_options: ["name=seccomp,profile=default"]
    swarm_state: inactive
host_info:
  description: Everything C(docker info) reports, as the engine returns it.
  returned: success
  type: dict
version:
  description: Everything C(docker version) reports for the server, as the engine returns it.
  returned: success
  type: dict
containers:
  description:
    - The containers matching O(containers_filters); each with community.docker's keys C(Id), C(Image),
      C(Command), C(Created), C(Status), C(Ports), C(Names), and ours C(id), C(name), C(image), C(state),
      C(status), C(labels) and C(ports); or the engine's full record with O(verbose_output).
  returned: when O(containers) is true
  type: list
  elements: dict
images:
  description:
    - The images matching O(images_filters); each with community.docker's keys C(Id), C(RepoTags), C(Created),
      C(Size), and ours C(id), C(repo_tags), C(repo_digests), C(created), C(size), C(labels), C(containers).
  returned: when O(images) is true
  type: list
  elements: dict
networks:
  description:
    - The networks matching O(networks_filters); each with community.docker's keys C(Id), C(Driver), C(Name),
      C(Scope), and ours C(id), C(name), C(driver), C(scope), C(internal), C(labels).
  returned: when O(networks) is true
  type: list
  elements: dict
volumes:
  description:
    - The volumes matching O(volumes_filters); each with community.docker's keys C(Driver), C(Name), and ours
      C(name), C(driver), C(mountpoint), C(labels).
  returned: when O(volumes) is true
  type: list
  elements: dict
disk_usage:
  description:
    - Counts and bytes for images, containers, volumes and the build cache, and the size of all layers (as
      C(layers_size), and as community.docker's C(LayersSize)); the engine's full record with O(verbose_output).
  returned: when O(disk_usage) is true
  type: dict
  sample:
    LayersSize: 2205328
    layers_size: 2205328
    images: {count: 1, active: 0, size: 2205328}
    containers: {count: 0, running: 0, size: 0}
    volumes: {count: 0, size: 0}
    build_cache: {count: 0, size: 0}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import module_errors
from ansible_collections.noar.docker.plugins.module_utils.host import gather


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            containers=dict(type="bool", default=False),
            containers_all=dict(type="bool", default=False),
            containers_filters=dict(type="dict"),
            images=dict(type="bool", default=False),
            images_filters=dict(type="dict"),
            networks=dict(type="bool", default=False),
            networks_filters=dict(type="dict"),
            volumes=dict(type="bool", default=False),
            volumes_filters=dict(type="dict"),
            disk_usage=dict(type="bool", default=False),
            verbose_output=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    # can_talk_to_docker comes with a failure too, as community.docker's host_info returns it.
    client = connect(module, can_talk_to_docker=False)
    with module_errors(module):
        module.exit_json(changed=False, **gather(client, module.params))


if __name__ == "__main__":
    main()
