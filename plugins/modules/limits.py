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
  - noar.docker.limits
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
from ansible_collections.noar.docker.plugins.module_utils.container_options import LIMIT_OPTIONS, argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.limits import LimitsManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            name=dict(type="list", elements="str", aliases=["names"]),
            filters=dict(type="dict"),
            **argument_spec(LIMIT_OPTIONS),
        ),
        mutually_exclusive=[("name", "filters")],
        required_one_of=[("name", "filters")],
        supports_check_mode=True,
    )
    module.exit_json(**converge(module, LimitsManager(connect(module), module.params)))


if __name__ == "__main__":
    main()
