#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: node
short_description: A swarm node's availability, role and labels
version_added: 0.2.0
description:
  - From a manager, brings one node of the swarm to the availability, role and labels the task sets
    (C(docker node update), C(docker node promote/demote)). Options the task leaves out are not changed.
  - Option names and return values follow community.docker's C(docker_node).
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Plans from the node's inspect data and changes nothing.
  diff_mode:
    support: full
    description: The availability, role and labels that differ, before and after.
options:
  hostname:
    description: The node's hostname or ID.
    type: str
    required: true
  availability:
    description: V(active) takes tasks; V(pause) keeps its tasks but takes no new ones; V(drain) moves its tasks away.
    type: str
    choices: [active, pause, drain]
  role:
    description: V(manager) promotes the node, V(worker) demotes it. The engine refuses to demote the last manager.
    type: str
    choices: [manager, worker]
  labels:
    description: Node labels (placement constraints use them as C(node.labels.<key>)).
    type: dict
  labels_state:
    description: V(merge) adds O(labels) to those the node has; V(replace) makes O(labels) the node's only labels.
    type: str
    choices: [merge, replace]
    default: merge
  labels_to_remove:
    description: Label keys to take off the node. A key cannot be in O(labels) too.
    type: list
    elements: str
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.swarm
  - module: noar.docker.swarm_info
"""

EXAMPLES = r"""
- name: The database's server
  noar.docker.node:
    hostname: server-2
    labels:
      projeto.db: "true"

- name: Move a server's tasks away before maintenance
  noar.docker.node:
    hostname: server-3
    availability: drain
"""

RETURN = r"""
node:
  description: The node's C(docker node inspect) data.
  returned: always
  type: dict
  sample: {ID: 3kd9..., Spec: {Role: worker, Availability: active, Labels: {projeto.db: "true"}}}
actions:
  description: What was done (C(update)), or in check mode would be.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.swarm import NodeManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(
            hostname=dict(type="str", required=True),
            availability=dict(type="str", choices=["active", "pause", "drain"]),
            role=dict(type="str", choices=["manager", "worker"]),
            labels=dict(type="dict"),
            labels_state=dict(type="str", default="merge", choices=["merge", "replace"]),
            labels_to_remove=dict(type="list", elements="str"),
        ),
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, NodeManager(client, module.params)))


if __name__ == "__main__":
    main()
