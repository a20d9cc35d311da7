# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: swarm
short_description: The nodes of a Docker Swarm as inventory hosts
version_added: 0.2.0
description:
  - Asks a manager of a swarm for its nodes and makes each a host named after the node's hostname, with
    C(ansible_host) its address in the swarm. Options, host variables and groups are those of community.docker's
    C(docker_swarm) inventory, so its inventory files work here once O(plugin) names this plugin.
  - The inventory source is a YAML file whose name ends in C(docker_swarm.yml), C(docker_swarm.yaml), C(swarm.yml)
    or C(swarm.yaml).
  - "Groups: C(managers), C(workers), C(leader) and C(nonleaders) (as community.docker's), and ours:
    C(availability_<active|pause|drain>) and C(label_<key>_<value>) for each node label (characters other than
    letters, digits and C(_) become C(_))."
  - "Host variables: C(docker_swarm_node_attributes) (the node's C(docker node inspect) data, with
    O(verbose_output)), and ours: C(docker_swarm_node_id), C(docker_swarm_role), C(docker_swarm_availability),
    C(docker_swarm_status) (V(ready), V(down), ...), C(docker_swarm_labels) (a dict) and C(docker_swarm_leader)."
  - O(compose), O(groups), O(keyed_groups) and O(filters) see every host variable, the node's inspect data included.
extends_documentation_fragment:
  - ansible.builtin.constructed
options:
  plugin:
    description: The name of this plugin, to say that the file is its source.
    type: str
    required: true
    choices: [noar.docker.swarm]
  verbose_output:
    description: Also set C(docker_swarm_node_attributes), the node's whole inspect data.
    type: bool
    default: true
  include_host_uri:
    description: Also set C(ansible_host_uri), the node's engine as V(tcp://<address>:<port>) (for O(docker_host)).
    type: bool
    default: false
  include_host_uri_port:
    description: The port of C(ansible_host_uri).
    type: int
    default: 2376
  filters:
    description:
      - Include and exclude conditions, in order; the first that matches decides, and a host no condition matches
        is included.
    type: list
    elements: dict
    suboptions:
      include:
        description: A Jinja2 condition; a host it matches is included.
        type: str
      exclude:
        description: A Jinja2 condition; a host it matches is excluded.
        type: str
  docker_host:
    description: A manager's engine, as O(noar.docker.swarm#module:docker_host) of the modules.
    type: str
    default: unix:///var/run/docker.sock
    aliases: [docker_url]
    env:
      - name: DOCKER_HOST
  api_version:
    description: The Engine API version to speak (V(auto) asks the engine).
    type: str
    default: auto
    aliases: [docker_api_version]
    env:
      - name: DOCKER_API_VERSION
  timeout:
    description: Seconds to wait for the engine.
    type: int
    default: 60
    env:
      - name: DOCKER_TIMEOUT
  tls:
    description: TLS without checking the engine's certificate.
    type: bool
    default: false
    env:
      - name: DOCKER_TLS
  validate_certs:
    description: TLS, checking the engine's certificate against O(ca_path).
    type: bool
    default: false
    aliases: [tls_verify]
    env:
      - name: DOCKER_TLS_VERIFY
  ca_path:
    description: The CA certificate that signed the engine's certificate.
    type: path
    aliases: [ca_cert, tls_ca_cert, cacert_path]
  client_cert:
    description: The client certificate to present to the engine.
    type: path
    aliases: [tls_client_cert, cert_path]
  client_key:
    description: The key of O(client_cert).
    type: path
    aliases: [tls_client_key, key_path]
  tls_hostname:
    description: The name the engine's certificate must carry.
    type: str
    env:
      - name: DOCKER_TLS_HOSTNAME
  use_ssh_client:
    description: For an V(ssh://) O(docker_host), use the C(ssh) command instead of paramiko's own SSH client.
    type: bool
    default: false
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - module: noar.docker.swarm_info
  - plugin: noar.docker.containers
    plugin_type: inventory
"""

EXAMPLES = r"""
# swarm.yml: the swarm's nodes, reached over SSH at their swarm addresses; the database's server in a group.
plugin: noar.docker.swarm
docker_host: ssh://admin@192.0.2.10
use_ssh_client: true
keyed_groups:
  - prefix: zone
    key: docker_swarm_labels.zone | default('none')
groups:
  database: docker_swarm_labels['projeto.db'] | default('') == 'true'
"""

import re

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable

from ansible_collections.noar.docker.plugins.inventory.containers import EngineInventory, read_filters
from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors
from ansible_collections.noar.docker.plugins.module_utils.swarm import require_manager


def group_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def node_vars(node: dict) -> dict:
    """Our host variables of one node, from its inspect data."""
    spec, status = node.get("Spec") or {}, node.get("Status") or {}
    return dict(
        docker_swarm_node_id=node["ID"],
        docker_swarm_role=spec.get("Role"),
        docker_swarm_availability=spec.get("Availability"),
        docker_swarm_status=status.get("State"),
        docker_swarm_labels=spec.get("Labels") or {},
        docker_swarm_leader=bool((node.get("ManagerStatus") or {}).get("Leader")),
    )


def node_address(node: dict) -> str:
    """Where the node is reached: its address in the swarm (a manager reports 0.0.0.0 for itself at times; its
    manager address then)."""
    address = (node.get("Status") or {}).get("Addr") or ""
    if address in ("", "0.0.0.0"):
        address = ((node.get("ManagerStatus") or {}).get("Addr") or "").rsplit(":", 1)[0]
    return address


class InventoryModule(BaseInventoryPlugin, Constructable, EngineInventory):
    """Swarm nodes as hosts."""

    NAME = "noar.docker.swarm"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(("docker_swarm.yml", "docker_swarm.yaml", "swarm.yml", "swarm.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        conditions = read_filters(self.get_option("filters"), path)[0]
        client = self._engine_client(path)[0]
        try:
            require_manager(client, "listing a swarm's nodes")
            with engine_errors("listing", "swarm nodes"):
                nodes = client.nodes()
        except EngineError as exc:
            raise AnsibleParserError(f"{path}: {exc.msg}") from None
        finally:
            client.close()
        for group in ("managers", "workers", "leader", "nonleaders"):
            self.inventory.add_group(group)
        for node in sorted(nodes, key=lambda n: (n.get("Description") or {}).get("Hostname") or n["ID"]):
            self._add_node(node, conditions)

    def _add_node(self, node: dict, conditions: list):
        name = (node.get("Description") or {}).get("Hostname") or node["ID"]
        ours = node_vars(node)
        facts = dict(ansible_host=node_address(node))
        if self.get_option("include_host_uri"):
            facts["ansible_host_uri"] = f"tcp://{facts['ansible_host']}:{self.get_option('include_host_uri_port')}"
        full = dict(ours, docker_swarm_node_attributes=node, **facts)
        if not self._included(name, full, conditions):
            return
        host_vars = full if self.get_option("verbose_output") else dict(ours, **facts)
        self.inventory.add_host(name)
        for variable, value in host_vars.items():
            self.inventory.set_variable(name, variable, value)
        groups = [
            "managers" if ours["docker_swarm_role"] == "manager" else "workers",
            "leader" if ours["docker_swarm_leader"] else "nonleaders",
            f"availability_{ours['docker_swarm_availability']}",
        ]
        groups += [group_name(f"label_{key}_{value}") for key, value in sorted(ours["docker_swarm_labels"].items())]
        for group in groups:
            self.inventory.add_group(group)
            self.inventory.add_host(name, group=group)
        self._construct(name, full)
