#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_stats
short_description: One usage snapshot per container, beside its configured limits
version_added: 0.1.0
description:
  - For one container, a list, or the containers O(filters) select (running ones by default), reads the engine's
    stats once per container (no streaming; a few at a time) and returns what C(docker stats --no-stream) shows,
    computed the same way, with the container's configured limits beside it.
  - Never changes anything.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.attributes.info_module
options:
  name:
    description: The containers, by name or Id. Each must exist.
    type: list
    elements: str
    aliases: [names]
  filters:
    description: Without O(name), C(docker ps --filter) filters; only running containers unless O(all) or a C(status) filter.
    type: dict
  all:
    description: Without O(name), stopped containers too (their usage is zero).
    type: bool
    default: false
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.limits
"""

EXAMPLES = r"""
- name: How close is each web replica to its memory limit?
  noar.docker.container_stats:
    filters:
      label: com.docker.compose.service=web
  register: web_usage

- name: Warn about replicas above 90 % of their memory
  ansible.builtin.debug:
    msg: "{{ item.name }} uses {{ item.memory_percent }} % of its memory"
  loop: "{{ web_usage.containers | selectattr('memory_percent', '>', 90) }}"
"""

RETURN = r"""
containers:
  description: One snapshot per container.
  returned: always
  type: list
  elements: dict
  contains:
    name: {description: The container's name., type: str}
    id: {description: The container's Id., type: str}
    state: {description: "The container's state: running, exited, ...", type: str}
    read: {description: "When the engine took the sample (RFC 3339, UTC); null for a container that does not run.", type: str}
    restart_count: {description: Times the engine restarted the container under its restart policy., type: int}
    oom_killed: {description: Whether the container's last exit was a kill by the kernel's OOM killer., type: bool}
    oom_kills:
      description:
        - OOM kills in the container's memory cgroup since it started (of any of its processes), from the kernel's
          own counter, read in the managed host's cgroups through the container's main process. Null when the
          container does not run, when O(docker_host) is not a V(unix://) socket, or when the cgroup cannot be read.
        - RV(containers[].oom_killed), the engine's flag, misses kills of processes other than the main one.
      type: int
    cpu_percent: {description: "CPU use since the previous sample, 100 per CPU, as docker stats shows it.", type: float}
    online_cpus: {description: CPUs the container sees., type: int}
    memory_usage: {description: "Bytes of memory in use, page cache it could drop not counted.", type: int}
    memory_limit: {description: Bytes it may use (the host's memory when it has no limit)., type: int}
    memory_percent: {description: memory_usage against memory_limit., type: float}
    pids_current: {description: Processes running in it., type: int}
    pids_limit: {description: Most processes allowed; null for none., type: int}
    network_rx_bytes: {description: Bytes received on all its networks., type: int}
    network_tx_bytes: {description: Bytes sent on all its networks., type: int}
    block_read_bytes: {description: Bytes read from block devices., type: int}
    block_write_bytes: {description: Bytes written to block devices., type: int}
    limits:
      description: The configured limits (C(memory), C(memory_reservation), C(memory_swap), C(cpus), C(cpu_shares),
        C(cpu_period), C(cpu_quota), C(cpuset_cpus), C(cpuset_mems), C(pids_limit), C(blkio_weight)); null when unset.
      type: dict
  sample:
    - {name: web-1, state: running, cpu_percent: 0.42, memory_usage: 41943040, memory_limit: 268435456,
       memory_percent: 15.62, pids_current: 5, pids_limit: 100, limits: {memory: 268435456, cpus: 0.5}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.container_stats import gather_stats
from ansible_collections.noar.docker.plugins.module_utils.converge import module_errors


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            name=dict(type="list", elements="str", aliases=["names"]),
            filters=dict(type="dict"),
            all=dict(type="bool", default=False),
        ),
        mutually_exclusive=[("name", "filters")],
        supports_check_mode=True,
    )
    client = connect(module)
    with module_errors(module):
        module.exit_json(changed=False, containers=gather_stats(client, module.params))


if __name__ == "__main__":
    main()
