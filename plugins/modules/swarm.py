#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm
short_description: Make, join, leave and configure a Docker Swarm
version_added: 0.2.0
description:
  - V(present) makes this engine the first manager of a new swarm (C(docker swarm init)), or, on a manager,
    brings the swarm's settings to what the task sets (C(docker swarm update)) and rotates join tokens.
    V(join) joins a swarm with a join token. V(absent) leaves the swarm. V(remove) removes another node from
    the swarm, from a manager.
  - Option names and return values follow community.docker's C(docker_swarm).
  - The result of a manager holds the swarm's join tokens (and its unlock key with
    O(autolock_managers=true)). They never appear in the output; when a result carries them, Ansible shows
    only C(changed) and the warnings, as with C(no_log). Register the result to use them, and pass them on
    as O(join_token), which is never logged.
extends_documentation_fragment:
  - noar.docker.docker
  - noar.docker.swarm
attributes:
  check_mode:
    support: full
    description: Plans from what the engine reports (membership, the swarm's settings, node status) and changes nothing.
  diff_mode:
    support: full
    description: The membership state and the settings that differ, before and after.
options:
  state:
    description:
      - V(present) initialises a swarm on an engine outside one, or updates the settings of the swarm this
        engine manages. It fails on a worker.
      - V(join) joins the swarm at O(remote_addrs) with O(join_token); an engine already in a swarm is left
        as it is.
      - V(absent) leaves the swarm. The last manager leaves only with O(force=true), since that erases the swarm.
      - V(remove) removes the node O(node_id) from the swarm this engine manages. A node still up is removed
        only with O(force=true); make it leave first (V(absent) on that node).
    type: str
    choices: [present, join, absent, remove]
    default: present
  advertise_addr:
    description:
      - The address other nodes reach this one at, as V(192.0.2.10), V(192.0.2.10:2377) or an interface
        (V(eth0)). Used at init and join only, so it is not compared.
    type: str
  listen_addr:
    description: Where this node listens for swarm traffic. Used at init and join only.
    type: str
    default: 0.0.0.0:2377
  data_path_addr:
    description: The address or interface for data traffic (overlay networks). Used at init and join only.
    type: str
  data_path_port:
    description: The UDP port of data traffic (VXLAN), default 4789. Used at init only.
    type: int
  default_addr_pool:
    description: The subnets overlay networks take their subnets from, as V(10.20.0.0/16). Used at init only.
    type: list
    elements: str
  subnet_size:
    description: The prefix length of each overlay network's subnet from O(default_addr_pool). Used at init only.
    type: int
  force:
    description:
      - With V(absent), leave even as the last manager. With V(remove), remove a node that is still up.
      - With V(present) on a manager, C(docker swarm init --force-new-cluster) - a new single-manager swarm from
        this manager's state, for recovering a swarm that lost its quorum. That changes on every run.
    type: bool
    default: false
  join_token:
    description: The worker or manager token to join with (V(join)). Never logged.
    type: str
  remote_addrs:
    description: Addresses of managers of the swarm to join (V(join)), as V(192.0.2.10:2377).
    type: list
    elements: str
  node_id:
    description: The ID or hostname of the node to remove (V(remove)).
    type: str
  name:
    description: The swarm's name. Only V(default) is accepted by the engine.
    type: str
  labels:
    description: The swarm's labels. Compared as a whole.
    type: dict
  task_history_retention_limit:
    description: How many finished tasks of each service slot the swarm keeps.
    type: int
  snapshot_interval:
    description: Raft log entries between snapshots.
    type: int
  keep_old_snapshots:
    description: How many old raft snapshots to keep.
    type: int
  log_entries_for_slow_followers:
    description: Raft log entries kept for slow followers after a snapshot.
    type: int
  heartbeat_tick:
    description: Raft ticks between heartbeats.
    type: int
  election_tick:
    description: Raft ticks without a leader before an election; greater than O(heartbeat_tick).
    type: int
  dispatcher_heartbeat_period:
    description: How often agents send a heartbeat to the dispatcher, in nanoseconds.
    type: int
  node_cert_expiry:
    description: How long node certificates are valid, in nanoseconds.
    type: int
  ca_force_rotate:
    description: Raise it to make the swarm rotate its CA certificate and key.
    type: int
  autolock_managers:
    description: Lock the managers' raft data with a key (the result's C(swarm_facts.UnlockKey)).
    type: bool
  rotate_worker_token:
    description: Replace the worker join token (changes on every run that sets it).
    type: bool
    default: false
  rotate_manager_token:
    description: Replace the manager join token (changes on every run that sets it).
    type: bool
    default: false
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.swarm_info
  - module: noar.docker.node
"""

EXAMPLES = r"""
- name: The first manager makes the swarm
  noar.docker.swarm:
    advertise_addr: 192.0.2.10
  register: swarm

- name: A worker joins it (the token is never logged)
  noar.docker.swarm:
    state: join
    join_token: "{{ hostvars[groups['swarm_managers'][0]].swarm.swarm_facts.JoinTokens.Worker }}"
    remote_addrs: [192.0.2.10:2377]
    advertise_addr: 192.0.2.11

- name: Keep fewer finished tasks
  noar.docker.swarm:
    task_history_retention_limit: 2

- name: A server leaves
  noar.docker.swarm:
    state: absent

- name: ... and the managers forget it
  noar.docker.swarm:
    state: remove
    node_id: server-3
"""

RETURN = r"""
swarm_facts:
  description:
    - The swarm's C(docker swarm inspect) data, with C(JoinTokens) (C(Worker), C(Manager)) and, when managers are
      locked, C(UnlockKey). Ansible shows none of it (see the description); read it from the registered result.
    - Empty unless O(state=present).
  returned: always
  type: dict
  sample: {ID: 7lp1..., JoinTokens: {Worker: SWMTKN-1-..., Manager: SWMTKN-1-...}, Spec: {Name: default}}
actions:
  description: What was done (C(init), C(update), C(rotate), C(join), C(leave), C(remove)), or in check mode would be.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.swarm import SEAL_ARGS, STATES, SwarmManager, seal


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            state=dict(type="str", default="present", choices=list(STATES)),
            advertise_addr=dict(type="str"),
            listen_addr=dict(type="str", default="0.0.0.0:2377"),
            data_path_addr=dict(type="str"),
            data_path_port=dict(type="int"),
            default_addr_pool=dict(type="list", elements="str"),
            subnet_size=dict(type="int"),
            force=dict(type="bool", default=False),
            join_token=dict(type="str", no_log=True),
            remote_addrs=dict(type="list", elements="str"),
            node_id=dict(type="str"),
            name=dict(type="str"),
            labels=dict(type="dict"),
            task_history_retention_limit=dict(type="int"),
            snapshot_interval=dict(type="int"),
            keep_old_snapshots=dict(type="int"),
            log_entries_for_slow_followers=dict(type="int"),
            heartbeat_tick=dict(type="int"),
            election_tick=dict(type="int"),
            dispatcher_heartbeat_period=dict(type="int"),
            node_cert_expiry=dict(type="int"),
            ca_force_rotate=dict(type="int"),
            autolock_managers=dict(type="bool"),
            rotate_worker_token=dict(type="bool", default=False),
            rotate_manager_token=dict(type="bool", default=False),
            **SEAL_ARGS,
        ),
        required_if=[("state", "join", ("join_token", "remote_addrs")), ("state", "remove", ("node_id",))],
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**seal(converge(module, SwarmManager(client, module.params)), module.params["seal_key"]))


if __name__ == "__main__":
    main()
