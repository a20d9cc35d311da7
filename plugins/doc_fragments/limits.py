# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """The resource limits that noar.docker.container and noar.docker.limits share; both change them in
    place (docker update), and both check them against the host and the container the same way."""

    DOCUMENTATION = r"""
options:
  memory:
    description:
      - Memory limit, as V(512m) or V(1g); at least V(6m) and at most the host's memory. Changes in place.
      - Lowering it on a running container below what the container uses now fails, naming the container.
    type: str
  memory_reservation:
    description: Soft memory limit; not above the memory limit. Changes in place.
    type: str
  memory_swap:
    description: Memory plus swap; at least the memory limit, or V(-1)/V(unlimited). Changes in place.
    type: str
  cpus:
    description: How many CPUs' worth of time, as V(0.5) or V(2); at most the host's CPU count. Changes in place.
    type: float
  cpu_shares:
    description: Relative CPU weight (the engine's default is 1024). Changes in place.
    type: int
  cpu_period:
    description: CFS period in microseconds, with O(cpu_quota); not together with O(cpus). Changes in place.
    type: int
  cpu_quota:
    description: CFS quota in microseconds per O(cpu_period). Changes in place.
    type: int
  cpuset_cpus:
    description: CPUs the container may run on, as V(0-1) or V(0,2); each must exist on the host. Changes in place.
    type: str
  cpuset_mems:
    description: Memory nodes (NUMA) the container may use, as V(0); each must exist on the host. Changes in place.
    type: str
  pids_limit:
    description: Most processes at once; V(-1) or V(0) for no limit. Changes in place.
    type: int
  blkio_weight:
    description:
      - Block I/O weight, 10 to 1000. Changes in place.
      - Where the engine's kernel has no Block I/O weight control (a local engine whose cgroup has no
        C(blkio.weight) or C(io) controller) the engine would discard it, so the module warns and neither
        applies nor compares it.
    type: int
  restart_policy:
    description: What the engine does when the container stops. Changes in place.
    type: str
    choices: ['no', on-failure, always, unless-stopped]
  restart_retries:
    description: With O(restart_policy=on-failure), how many restarts at most. Changes in place.
    type: int
"""
