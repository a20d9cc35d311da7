#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: limits
short_description: Change the resource limits of existing containers in place (docker update)
version_added: 0.1.0
description:
  - Sets memory, CPU, pids, block I/O and restart limits on one container, a list, or every container that
    O(filters) select, without restarting them (same container Id, still running), as C(docker update) does.
  - The whole selection is validated before anything changes, against the host (CPUs, memory, memory nodes) and
    against each container (its other limits and, when lowering memory, what it uses now). One container that
    cannot take the new limits fails the task, naming the container and the option, and no container is changed.
  - If the engine refuses an update halfway, the containers already updated are set back to what they had.
  - Only the options the task sets are compared and changed; option names and units are those of
    M(noar.docker.container).
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Selects and validates as a real run does, and returns the same per-container before/after.
  diff_mode:
    support: full
    description: The changed limits of each container, before and after, keyed by container name.
options:
  name:
    description: The containers, by name or Id. Each must exist.
    type: list
    elements: str
    aliases: [names]
  filters:
    description:
      - Without O(name), every container these C(docker ps --all --filter) filters match, for example
        C(label), C(name), C(status).
    type: dict
  memory:
    description: Memory limit, as V(512m) or V(1g); at least V(6m) and at most the host's memory.
    type: str
  memory_reservation:
    description: Soft memory limit; not above the container's memory limit.
    type: str
  memory_swap:
    description: Memory plus swap; at least the memory limit, or V(-1)/V(unlimited).
    type: str
  cpus:
    description: How many CPUs' worth of time, as V(0.5) or V(2); at most the host's CPU count.
    type: float
  cpu_shares:
    description: Relative CPU weight (default 1024).
    type: int
  cpu_period:
    description: CFS period in microseconds, with O(cpu_quota).
    type: int
  cpu_quota:
    description: CFS quota in microseconds per O(cpu_period).
    type: int
  cpuset_cpus:
    description: CPUs the containers may use, as V(0-1) or V(0,2); each must exist on the host.
    type: str
  cpuset_mems:
    description: Memory nodes (NUMA) the containers may use, as V(0).
    type: str
  pids_limit:
    description: Most processes at once; V(-1) or V(0) for no limit.
    type: int
  blkio_weight:
    description: Block I/O weight, 10 to 1000. Ignored, with a warning, where the kernel has no such control.
    type: int
  restart_policy:
    description: What the engine does when a container stops.
    type: str
    choices: ['no', on-failure, always, unless-stopped]
  restart_retries:
    description: With O(restart_policy=on-failure), how many restarts at most.
    type: int
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.container_stats
    description: Usage against these limits.
  - module: noar.docker.container
    description: Sets the same limits when it creates a container.
"""

EXAMPLES = r"""
- name: Give every web replica more memory, live
  noar.docker.limits:
    filters:
      label: com.docker.compose.service=web
    memory: 768m
    memory_reservation: 512m
    cpus: 1.5

- name: Cap a runaway batch job's processes and CPUs
  noar.docker.limits:
    name: [report-builder]
    pids_limit: 200
    cpuset_cpus: "1"
"""

RETURN = r"""
containers:
  description: Each selected container with what changed.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The container's name.
      type: str
    id:
      description: The container's Id (it does not change).
      type: str
    changed:
      description: Whether its limits were (or, in check mode, would be) changed.
      type: bool
    before:
      description: The changed limits as they were, normalised (sizes in bytes, cpus in nano-CPUs).
      type: dict
    after:
      description: The changed limits as they are now.
      type: dict
    host_config:
      description: The limit fields of the container's C(HostConfig), read back from the engine.
      type: dict
  sample: [{name: web-1, id: 0f5e..., changed: true, before: {memory: 536870912}, after: {memory: 805306368}}]
actions:
  description: One C(update) per container that changes.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.limits import LimitsManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            name=dict(type="list", elements="str", aliases=["names"]),
            filters=dict(type="dict"),
            memory=dict(type="str"),
            memory_reservation=dict(type="str"),
            memory_swap=dict(type="str"),
            cpus=dict(type="float"),
            cpu_shares=dict(type="int"),
            cpu_period=dict(type="int"),
            cpu_quota=dict(type="int"),
            cpuset_cpus=dict(type="str"),
            cpuset_mems=dict(type="str"),
            pids_limit=dict(type="int"),
            blkio_weight=dict(type="int"),
            restart_policy=dict(type="str", choices=["no", "on-failure", "always", "unless-stopped"]),
            restart_retries=dict(type="int"),
        ),
        mutually_exclusive=[("name", "filters")],
        required_one_of=[("name", "filters")],
        supports_check_mode=True,
    )
    module.exit_json(**converge(module, LimitsManager(connect(module), module.params)))


if __name__ == "__main__":
    main()
