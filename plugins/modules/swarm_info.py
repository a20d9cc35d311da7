#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_info
short_description: Whether this engine is in a swarm, and the swarm's nodes, services and tasks
version_added: 0.2.0
description:
  - Says whether the engine is in a swarm and whether it is a manager; on a manager, returns the swarm's
    C(docker swarm inspect) data and, when asked, its nodes (C(docker node ls)), services (C(docker service ls))
    and tasks (C(docker service ps)).
  - Option names and return values follow community.docker's C(docker_swarm_info).
  - On a manager the result holds the join tokens, so Ansible shows only C(changed) for the task, as with
    C(no_log); register the result and show the parts you need (for example with C(ansible.builtin.debug)), or set
    O(join_tokens=false) when the task does not need them, and its result is shown as any other.
  - Never changes anything.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.swarm
  - noar.docker.attributes.info_module
options:
  nodes:
    description: List the swarm's nodes.
    type: bool
    default: false
  nodes_filters:
    description: Filters of C(docker node ls --filter), as C(role), C(label), C(name), C(membership).
    type: dict
  services:
    description: List the swarm's services.
    type: bool
    default: false
  services_filters:
    description: Filters of C(docker service ls --filter), as C(name), C(label), C(mode).
    type: dict
  tasks:
    description: List the swarm's tasks.
    type: bool
    default: false
  tasks_filters:
    description: Filters of C(docker service ps --filter), as C(service), C(node), C(desired-state).
    type: dict
  join_tokens:
    description:
      - Return the join tokens (and, when the managers are locked, the unlock key) in RV(swarm_facts).
      - V(false) leaves them out, so that the task's result is not hidden from the output (unless O(unlock_key=true)).
    type: bool
    default: true
  unlock_key:
    description: Return the managers' unlock key as RV(swarm_unlock_key) (only set when they are locked).
    type: bool
    default: false
  verbose_output:
    description: Return the engine's full data for each node, service and task instead of the short form.
    type: bool
    default: false
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.swarm
  - module: noar.docker.node
"""

EXAMPLES = r"""
- name: Where this engine stands
  noar.docker.swarm_info:
  register: swarm

- name: The managers, and the tasks still running
  noar.docker.swarm_info:
    nodes: true
    nodes_filters:
      role: manager
    tasks: true
    tasks_filters:
      desired-state: running
  register: cluster

- name: Show them
  ansible.builtin.debug:
    msg: "{{ cluster.nodes | map(attribute='Hostname') }}"

- name: The services, shown in the output (no join tokens in the result)
  noar.docker.swarm_info:
    services: true
    join_tokens: false
"""

RETURN = r"""
can_talk_to_docker:
  description: Whether the engine answered.
  returned: always
  type: bool
docker_swarm_active:
  description: Whether the engine is in a swarm.
  returned: always
  type: bool
docker_swarm_manager:
  description: Whether the engine is a manager of its swarm.
  returned: always
  type: bool
node_id:
  description: This engine's node ID in its swarm; empty outside one.
  returned: always
  type: str
swarm_facts:
  description: The swarm's C(docker swarm inspect) data with C(JoinTokens) (not with O(join_tokens=false)); empty unless
    the engine is a manager.
  returned: always
  type: dict
swarm_unlock_key:
  description: The managers' unlock key; null when they are not locked.
  returned: with O(unlock_key=true) on a manager
  type: str
nodes:
  description: The nodes, each with C(ID), C(Hostname), C(Status), C(Addr), C(Availability), C(Role), C(Labels),
    C(ManagerStatus) and C(EngineVersion) (the engine's data with O(verbose_output=true)).
  returned: with O(nodes=true) on a manager
  type: list
  elements: dict
services:
  description: The services, each with C(ID), C(Name), C(Mode), C(Replicas), C(Running), C(Image), C(Ports) and
    C(Labels) (the engine's data with O(verbose_output=true)).
  returned: with O(services=true) on a manager
  type: list
  elements: dict
tasks:
  description: The tasks, each with C(ID), C(Name), C(ServiceID), C(Image), C(Node), C(DesiredState),
    C(CurrentState) and C(Error) (the engine's data with O(verbose_output=true)).
  returned: with O(tasks=true) on a manager
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import module_errors
from ansible_collections.noar.docker.plugins.module_utils.swarm import SEAL_ARGS, gather_swarm, seal


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            nodes=dict(type="bool", default=False),
            nodes_filters=dict(type="dict"),
            services=dict(type="bool", default=False),
            services_filters=dict(type="dict"),
            tasks=dict(type="bool", default=False),
            tasks_filters=dict(type="dict"),
            join_tokens=dict(type="bool", default=True),
            unlock_key=dict(type="bool", default=False),
            verbose_output=dict(type="bool", default=False),
            **SEAL_ARGS,
        ),
        supports_check_mode=True,
    )
    client = connect(module, can_talk_to_docker=False)
    with module_errors(module):
        module.exit_json(changed=False, **seal(gather_swarm(client, module.params), module.params["seal_key"]))


if __name__ == "__main__":
    main()
