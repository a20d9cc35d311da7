#!/usr/bin/python
# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: network
short_description: Create, change and remove Docker networks
version_added: 0.1.0
description:
  - Makes sure a network exists with the driver, options, IPAM pools, flags and labels asked for, and with the
    containers in O(connected) attached; or that it is absent. Option names follow community.docker's
    C(docker_network).
  - Only the settings the task gives are compared. A network cannot change them in place; one that differs is
    recreated, but only when no container is attached or O(force) is set, and then its containers are
    connected again (with their aliases).
  - V(host) and V(none) are not networks to create; they are a container's O(noar.docker.container#module:network_mode).
  - Subnets are checked before anything is created (CIDR form, gateway and ranges inside, no overlap with another
    network), as are the driver (known to the engine; V(overlay) needs swarm mode) and the containers named.
extends_documentation_fragment:
  - noar.docker.docker
attributes:
  check_mode:
    support: full
    description: Plans from the same inspect data a real run uses, checks subnets, driver and containers, and changes nothing.
  diff_mode:
    support: full
    description: The settings that differ, and the containers connected or disconnected.
options:
  name:
    description: The network's name.
    type: str
    required: true
    aliases: [network_name]
  driver:
    description: The network driver, as V(bridge), V(overlay), V(macvlan), V(ipvlan) or a plugin's name.
    type: str
    default: bridge
  driver_options:
    description:
      - The driver's options, as V(parent) for V(macvlan)/V(ipvlan) or V(com.docker.network.bridge.name). Only the
        options given are compared.
    type: dict
  ipam_driver:
    description: The IPAM driver.
    type: str
  ipam_driver_options:
    description: Options of the IPAM driver. Only the options given are compared.
    type: dict
  ipam_config:
    description: The address pools.
    type: list
    elements: dict
    suboptions:
      subnet:
        description: The subnet in CIDR form.
        type: str
      iprange:
        description: The part of the subnet containers get addresses from.
        type: str
      gateway:
        description: The gateway's address.
        type: str
      aux_addresses:
        description: Addresses the IPAM driver must not give to containers, by host name.
        type: dict
  enable_ipv6:
    description: Enable IPv6.
    type: bool
  internal:
    description: Keep containers on this network from reaching anything outside it.
    type: bool
  attachable:
    description: Let standalone containers attach to an overlay network.
    type: bool
  ingress:
    description: Make it the swarm's routing-mesh (ingress) network.
    type: bool
  config_only:
    description: A configuration-only network, holding settings (subnets, driver options) that others take with O(config_from).
    type: bool
  config_from:
    description: The configuration-only network whose settings this network takes.
    type: str
  enable_ipv4:
    description: Give the network IPv4 addresses (Engine API 1.47 or later; older engines always do, and refuse the option).
    type: bool
  scope:
    description: The network's scope.
    type: str
    choices: [local, global, swarm]
  labels:
    description: Labels of the network. Only the labels given are compared.
    type: dict
  connected:
    description:
      - Containers (names or Ids) to attach. Without O(appends), containers attached but not listed are
        disconnected.
    type: list
    elements: str
    aliases: [containers]
  appends:
    description: Only add the O(connected) containers; leave others attached.
    type: bool
    default: false
    aliases: [incremental]
  force:
    description:
      - Recreate a network that differs even with containers attached (they are reconnected), and with
        O(state=absent), disconnect its containers and remove it.
    type: bool
    default: false
  state:
    description: V(present) or V(absent).
    type: str
    choices: [present, absent]
    default: present
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.network_info
  - module: noar.docker.container
"""

EXAMPLES = r"""
- name: The application's back network, internal, with a fixed subnet
  noar.docker.network:
    name: projeto-back
    internal: true
    ipam_config:
      - subnet: 172.30.10.0/24
        gateway: 172.30.10.1

- name: A macvlan network on the host's eth1
  noar.docker.network:
    name: lan
    driver: macvlan
    driver_options:
      parent: eth1
    ipam_config:
      - subnet: 192.168.50.0/24
        gateway: 192.168.50.1

- name: Attach two containers, leaving the others attached
  noar.docker.network:
    name: projeto-back
    connected: [web-1, web-2]
    appends: true

- name: Remove a network, disconnecting its containers
  noar.docker.network:
    name: old-net
    state: absent
    force: true
"""

RETURN = r"""
network:
  description: The network's C(docker network inspect) data; empty when it is absent.
  returned: always
  type: dict
  sample: {Name: projeto-back, Driver: bridge, Internal: true, IPAM: {Config: [{Subnet: 172.30.10.0/24, Gateway: 172.30.10.1}]}}
actions:
  description: What was done (C(create), C(recreate), C(connect), C(disconnect), C(remove)), or in check mode would be.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.noar.docker.plugins.module_utils.client import connect, docker_argument_spec
from ansible_collections.noar.docker.plugins.module_utils.converge import converge
from ansible_collections.noar.docker.plugins.module_utils.network import NETWORK_ARGS, NetworkManager


def main():
    module = AnsibleModule(
        argument_spec=docker_argument_spec(**NETWORK_ARGS),
        supports_check_mode=True,
    )
    client = connect(module)
    module.exit_json(**converge(module, NetworkManager(client, module.params)))


if __name__ == "__main__":
    main()
