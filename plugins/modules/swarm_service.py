#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_service
short_description: Swarm services - replicated or global, rolled out as their update_config says
version_added: 0.2.0
description:
  - From a swarm manager, makes sure a service exists with what the task sets, or is absent
    (C(docker service create/update/rm)).
  - Only what the task sets is compared; the rest of the service's spec is kept as it is. A change is sent
    as one update, which the swarm rolls out over the service's tasks as O(update_config) says (with
    C(failure_action=rollback), a failing release is rolled back by the swarm).
  - Changing O(mode) (replicated and global) cannot happen in place; the service is removed and made again.
  - Option names follow community.docker's C(docker_swarm_service), and the limits, mounts and healthcheck
    are read as noar.docker.container reads them.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Plans from the service's inspect data (and the networks, secrets and configs it names) and
      changes nothing.
  diff_mode:
    support: full
    description: The parts of the spec that differ, in the engine's terms, before and after; variables whose names
      look like secrets are masked.
options:
  name:
    description: The service's name.
    type: str
    required: true
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
  image:
    description: The image, as V(name:tag) or with a digest. Required to make the service. A name without a tag
      means V(:latest). The swarm may pin a digest to it; that is not a difference.
    type: str
  command:
    description: Replaces the image's entrypoint, as a list or a string split as a shell would.
    type: raw
  args:
    description: Replaces the image's command (the arguments of the entrypoint).
    type: list
    elements: str
  env:
    description: Environment variables, as a mapping or a list of V(NAME=value), after those of O(env_files).
      Compared as a whole.
    type: raw
  env_files:
    description: Files of V(NAME=value) lines on the managed host, read in order.
    type: list
    elements: path
  resolve_image:
    description: Pin the image to the digest its registry has for it now, so every node runs the same image, and
      update the service when the registry's digest changes. Without it, the nodes use the image of that name they
      have or pull.
    type: bool
    default: false
  labels:
    description: The service's labels.
    type: dict
  container_labels:
    description: Labels of the service's containers.
    type: dict
  mode:
    description: V(replicated) runs O(replicas) tasks; V(global) one on each node. A new service is replicated
      unless told. A change makes the service again.
    type: str
    choices: [replicated, global]
  replicas:
    description: How many tasks a replicated service runs. V(-1) leaves the number as it is (1 for a new service).
    type: int
    default: -1
  user:
    description: The user the containers run as.
    type: str
  working_dir:
    description: The containers' working directory, an absolute path inside them.
    type: str
  hostname:
    description: The containers' hostname (Go templates such as C({{.Task.Slot}}) work).
    type: str
  hosts:
    description: Extra C(/etc/hosts) entries, as a mapping of hostname to address.
    type: dict
  groups:
    description: Extra groups of the containers' user.
    type: list
    elements: str
  read_only:
    description: Mount the containers' root filesystem read-only.
    type: bool
  init:
    description: Run an init process in each container.
    type: bool
  tty:
    description: Allocate a pseudo-TTY.
    type: bool
  stop_signal:
    description: The signal that stops the containers.
    type: str
  stop_grace_period:
    description: How long a container may take to stop before it is killed, as V(10s) or V(1m).
    type: str
  cap_add:
    description: Capabilities added to the containers' default set.
    type: list
    elements: str
  cap_drop:
    description: Capabilities taken from the containers' default set.
    type: list
    elements: str
  dns:
    description: DNS servers of the containers.
    type: list
    elements: str
  dns_search:
    description: DNS search domains of the containers.
    type: list
    elements: str
  dns_options:
    description: DNS resolver options of the containers.
    type: list
    elements: str
  ulimits:
    description:
      - Ulimits of the containers as C(NAME:SOFT[:HARD]), as V(nofile:1024:2048) (Docker API 1.41 or later).
      - Read and checked as the O(noar.docker.container#module:ulimits) of a container.
    type: list
    elements: str
  sysctls:
    description: Kernel parameters of the containers' namespaces, as V(net.core.somaxconn).
    type: dict
  mounts:
    description: Mounts, as noar.docker.container's O(noar.docker.container#module:mounts) (volume, bind, tmpfs), with
      docker_swarm_service's spellings C(readonly) and C(driver_config) too. A named volume is made on each node that
      runs a task.
    type: list
    elements: dict
    suboptions:
      target: {description: 'The path in the container.', type: str, required: true}
      source: {description: 'The volume''s name or the host path.', type: str}
      type: {description: 'The kind of mount.', type: str, default: volume, choices: [bind, npipe, tmpfs, volume, cluster, image]}
      read_only: {description: 'Read-only.', type: bool, aliases: [readonly]}
      driver_config:
        description: 'The driver of a volume the mount makes: C(name) and C(options).'
        type: dict
        suboptions:
          name: {description: The driver., type: str}
          options: {description: Its options., type: dict}
      consistency: {description: 'Consistency (ignored on Linux).', type: str, choices: [cached, consistent, default, delegated]}
      propagation: {description: 'Bind propagation.', type: str, choices: [private, rprivate, shared, rshared, slave, rslave]}
      no_copy: {description: 'Do not copy the image''s files into a new volume.', type: bool}
      labels: {description: 'Labels of a volume the mount makes.', type: dict}
      volume_driver: {description: 'The driver of a volume the mount makes.', type: str}
      volume_options: {description: 'The driver''s options.', type: dict}
      tmpfs_size: {description: 'The size of a tmpfs mount, as V(64m).', type: str}
      tmpfs_mode: {description: 'The mode of a tmpfs mount, in octal.', type: str}
      tmpfs_options: {description: 'Options of a tmpfs mount.', type: list, elements: dict}
      create_mountpoint: {description: 'Create a missing bind source.', type: bool}
      non_recursive: {description: 'Do not bind submounts.', type: bool}
      read_only_non_recursive: {description: 'Read-only, but not submounts.', type: bool}
      read_only_force_recursive: {description: 'Read-only, submounts too.', type: bool}
      subpath: {description: 'A path inside the volume to mount.', type: str}
  healthcheck:
    description: The containers' healthcheck, as noar.docker.container's; the swarm routes only to healthy tasks and
      an update waits for health.
    type: dict
    suboptions:
      test: {description: 'The command (a string runs in a shell).', type: raw}
      test_cli_compatible: {description: 'Without O(healthcheck.test) keep the image''s test.', type: bool, default: false}
      interval: {description: 'Between checks, as V(10s).', type: str}
      timeout: {description: 'How long a check may take.', type: str}
      retries: {description: 'Failures in a row that make a task unhealthy.', type: int}
      start_period: {description: 'Grace period after start.', type: str}
      start_interval: {description: 'Between checks in the start period.', type: str}
  secrets:
    description: Swarm secrets mounted in the containers (under C(/run/secrets/) unless O(secrets[].filename) is a path).
    type: list
    elements: dict
    suboptions:
      secret_name: {description: 'The secret''s name.', type: str, required: true}
      secret_id: {description: 'Its ID (looked up by name when not given).', type: str}
      filename: {description: 'The file name (default the secret''s name).', type: str}
      uid: {description: 'The file''s owner.', type: str}
      gid: {description: 'The file''s group.', type: str}
      mode: {description: 'The file''s mode (default V(0444)).', type: raw}
  configs:
    description: Swarm configs mounted in the containers.
    type: list
    elements: dict
    suboptions:
      config_name: {description: 'The config''s name.', type: str, required: true}
      config_id: {description: 'Its ID (looked up by name when not given).', type: str}
      filename: {description: 'The file''s path in the container (default C(/<config name>)).', type: str}
      uid: {description: 'The file''s owner.', type: str}
      gid: {description: 'The file''s group.', type: str}
      mode: {description: 'The file''s mode (default V(0444)).', type: raw}
  limits:
    description: What each task may use at most.
    type: dict
    suboptions:
      cpus: {description: 'CPUs'' worth of time, as V(0.5).', type: float}
      memory: {description: 'Memory, as V(256m).', type: str}
      pids: {description: 'Processes (Docker API 1.41 or later); C(0) or C(-1) for no limit, as a container''s C(pids_limit).', type: int}
  reservations:
    description: What the swarm reserves on a node for each task (tasks go only where it is free).
    type: dict
    suboptions:
      cpus: {description: 'CPUs, as V(0.25).', type: float}
      memory: {description: 'Memory, as V(64m).', type: str}
  restart_config:
    description: When the swarm restarts a task's container.
    type: dict
    suboptions:
      condition: {description: 'When.', type: str, choices: [none, on-failure, any]}
      delay: {description: 'Between restarts, as V(5s).', type: str}
      max_attempts: {description: 'How many (0 is unlimited).', type: int}
      window: {description: 'How long a restart is watched before it counts as successful.', type: str}
  placement:
    description: Where tasks may run.
    type: dict
    suboptions:
      constraints: {description: 'As V(node.role==worker) or V(node.labels.projeto.db==true).', type: list, elements: str}
      preferences: {description: 'Spread tasks, as V([{spread: node.labels.zone}]).', type: list, elements: dict}
      replicas_max_per_node: {description: 'At most this many tasks on one node.', type: int}
  networks:
    description: Overlay networks the tasks join, by name or as mappings with C(name), C(aliases) and C(options).
    type: list
    elements: raw
  logging:
    description: The containers' log driver.
    type: dict
    suboptions:
      driver: {description: 'The driver.', type: str}
      options: {description: 'Its options.', type: dict}
  update_config:
    description: How a change rolls out.
    type: dict
    suboptions: &rollout
      parallelism: {description: 'Tasks changed at once (0 is all).', type: int}
      delay: {description: 'Between batches, as V(10s).', type: str}
      failure_action: {description: 'What a failed batch does.', type: str, choices: [continue, pause, rollback]}
      monitor: {description: 'How long each task is watched for failure after it changes.', type: str}
      max_failure_ratio: {description: 'The share of tasks that may fail.', type: float}
      order: {description: 'V(start-first) starts the new task before stopping the old one.', type: str, choices: [stop-first, start-first]}
  rollback_config:
    description: How a rollback rolls out; the same keys as O(update_config).
    type: dict
    suboptions: *rollout
  publish:
    description: Published ports. V(ingress) answers on every node and balances over the tasks; V(host) publishes on
      the nodes that run a task.
    type: list
    elements: dict
    suboptions:
      published_port: {description: 'The port on the nodes (a free one is chosen when left out).', type: int}
      target_port: {description: 'The port in the containers.', type: int, required: true}
      protocol: {description: 'The protocol.', type: str, default: tcp, choices: [tcp, udp, sctp]}
      mode: {description: 'How.', type: str, choices: [ingress, host]}
  endpoint_mode:
    description: V(vip) gives the service one virtual address; V(dnsrr) answers its name with its tasks' addresses.
    type: str
    choices: [vip, dnsrr]
  force_update:
    description: Roll the tasks even when nothing changed (changes on every run).
    type: bool
    default: false
  wait:
    description: After a change, wait until the rollout finished and every task runs. A rollout the swarm rolled back
      or paused fails the task, with the swarm's reason.
    type: bool
    default: false
  wait_timeout:
    description: How long O(wait) waits, in seconds.
    type: int
    default: 300
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.swarm_info
  - module: noar.docker.secret
  - module: noar.docker.config
"""

EXAMPLES = r"""
- name: The web tier, spread over the nodes, rolled start-first and back on failure
  noar.docker.swarm_service:
    name: projeto-web
    image: registry.example.org/projeto/web:1.1.0
    replicas: 3
    networks: [projeto-front, projeto-back]
    limits: {cpus: 0.5, memory: 256m, pids: 128}
    reservations: {memory: 64m}
    healthcheck:
      test: [CMD, wget, -q, -O, /dev/null, http://127.0.0.1:8000/healthz]
      interval: 5s
    placement:
      preferences: [{spread: node.id}]
    update_config: {parallelism: 1, order: start-first, failure_action: rollback, monitor: 10s}
    secrets:
      - secret_name: projeto-db-password_v2
        filename: db_password
    wait: true

- name: The proxy, published on every node's port 8080
  noar.docker.swarm_service:
    name: projeto-proxy
    image: registry.example.org/projeto/proxy:1.1.0
    publish:
      - {published_port: 8080, target_port: 80}

- name: Gone
  noar.docker.swarm_service:
    name: projeto-proxy
    state: absent
"""

RETURN = r"""
swarm_service:
  description: The service's C(docker service inspect) data; empty when it is absent or not made yet in check mode.
  returned: always
  type: dict
changes:
  description: The options that differed (all the task set, for a new service).
  returned: always
  type: list
  elements: str
rebuilt:
  description: Whether the service was removed and made again (a change of O(mode)).
  returned: always
  type: bool
actions:
  description: What was done (C(create), C(update), C(recreate), C(remove)), or in check mode would be.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.swarm_service import MODULE_ARGS, ServiceManager


def main():
    module = AnsibleModule(argument_spec=docker_argument_spec(**MODULE_ARGS), supports_check_mode=True)
    client = connect(module)
    module.exit_json(**converge(module, ServiceManager(client, module.params)))


if __name__ == "__main__":
    main()
