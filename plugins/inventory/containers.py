# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: containers
short_description: The containers of a Docker engine as inventory hosts
version_added: 0.1.0
description:
  - Lists the containers of one engine (stopped ones too, unless O(running_only)) and makes each a host named
    after the container, ready to use through the C(noar.docker.docker) connection. Options, host variables and
    groups are those of community.docker's C(docker_containers) inventory, so its inventory files work here
    once O(plugin) names this plugin.
  - The inventory source is a YAML file whose name ends in C(docker.yml), C(docker.yaml), C(containers.yml) or
    C(containers.yaml).
  - "Each host gets C(docker_name), C(docker_short_id) (the Id's first 13 characters), and for
    O(connection_type=docker-api) or V(docker-cli) C(ansible_host) and C(ansible_connection=noar.docker.docker)
    (with O(configure_docker_daemon), the engine options as C(ansible_docker_docker_host), ...); for V(ssh),
    C(ansible_ssh_host) and C(ansible_ssh_port) from the port published for O(private_ssh_port)."
  - "Ours besides: C(docker_id), C(docker_image_name) (the image as the container names it), C(docker_labels)
    (a dict), C(docker_status) (V(running), V(exited), ...) and C(docker_networks) (network name to C(ip),
    C(ipv6), C(gateway), C(mac), C(aliases))."
  - "O(compose), O(groups), O(keyed_groups) and O(filters) see every top-level key of the container's
    C(docker inspect) data as C(docker_<key in lowercase>) (C(docker_state), C(docker_config),
    C(docker_hostconfig), C(docker_image) (the image Id), and C(docker_name) as the inspect data's C(Name), with its
    leading slash), as community.docker's plugin shows them; hosts carry them too with O(verbose_output)."
extends_documentation_fragment:
  - ansible.builtin.constructed
options:
  plugin:
    description: The name of this plugin, to say that the file is its source.
    type: str
    required: true
    choices: [noar.docker.containers]
  connection_type:
    description:
      - How Ansible reaches the containers. V(docker-api) and V(docker-cli) both use the C(noar.docker.docker)
        connection (it speaks the Engine API; no C(docker) CLI is needed); V(docker-api) also hands it the
        engine options when O(configure_docker_daemon) is on. V(ssh) connects to an SSH server in the container
        through the port published for O(private_ssh_port).
    type: str
    choices: [docker-api, docker-cli, ssh]
    default: docker-api
  configure_docker_daemon:
    description: With O(connection_type=docker-api), hand this plugin's engine options to the connection.
    type: bool
    default: true
  verbose_output:
    description:
      - Also set every top-level key of the container's C(docker inspect) data as a host variable
        C(docker_<key in lowercase>) (C(docker_hostconfig), C(docker_state), ...). Without it they are only seen by
        O(compose), O(groups), O(keyed_groups) and O(filters).
    type: bool
    default: false
  default_ip:
    description: With O(connection_type=ssh), the address used when the SSH port is published on all addresses.
    type: str
    default: 127.0.0.1
  private_ssh_port:
    description: With O(connection_type=ssh), the port the SSH server listens on inside the containers.
    type: int
    default: 22
  add_legacy_groups:
    description:
      - "Add the groups community.docker's old C(docker) inventory script made: the container's Id, name and short
        Id, C(image_<image>), C(stack_<stack>), C(service_<swarm service>), the O(docker_host), and C(running) or
        C(stopped)."
    type: bool
    default: false
  filters:
    description:
      - Which containers become hosts, as a list of conditions, each C(include) or C(exclude) with a Jinja2
        expression over the host's variables (those O(compose) sees, and C(inventory_hostname)). The first
        condition that matches decides; a container no condition matches is included. As community.docker's
        C(filters).
      - A dict here is taken as O(engine_filters), as earlier versions of this plugin read it.
    type: raw
    default: []
  engine_filters:
    description:
      - Filters the engine applies while listing (C(docker ps --filter)), as a dict; a value can be a list. For
        example C(label) (C(key) or C(key=value)), C(name), C(status), C(network), C(ancestor). Faster than
        O(filters) on an engine with many containers, as the containers left out are never inspected.
      - A C(status) filter lists stopped containers too, whatever O(running_only) says.
    type: dict
    default: {}
  running_only:
    description: List only running containers (C(docker ps) without C(--all)).
    type: bool
    default: false
  docker_host:
    description: The engine, as V(unix:///path/to/docker.sock) or V(tcp://host:2376).
    type: str
    default: unix:///var/run/docker.sock
    env:
      - name: DOCKER_HOST
  api_version:
    description: The Engine API version to speak; V(auto) asks the engine.
    type: str
    default: auto
    env:
      - name: DOCKER_API_VERSION
  timeout:
    description: Seconds to wait for the engine to answer.
    type: int
    default: 60
    env:
      - name: DOCKER_TIMEOUT
  tls:
    description: Talk to the engine over TLS without checking its certificate. Prefer O(validate_certs).
    type: bool
    default: false
    env:
      - name: DOCKER_TLS
  validate_certs:
    description: Talk to the engine over TLS and check its certificate against O(ca_path).
    type: bool
    default: false
    env:
      - name: DOCKER_TLS_VERIFY
  ca_path:
    description: The CA certificate that signed the engine's certificate.
    type: path
  client_cert:
    description: The client certificate to present to the engine; needs O(client_key).
    type: path
  client_key:
    description: The key of O(client_cert).
    type: path
  tls_hostname:
    description: The name the engine's certificate must carry, when it differs from the host in O(docker_host).
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
  - plugin: noar.docker.docker
    plugin_type: connection
"""

EXAMPLES = r"""
---
# projeto.docker.yml: the running containers of a compose project, grouped by service
plugin: noar.docker.containers
running_only: true
engine_filters:
  label: com.docker.compose.project=projeto
keyed_groups:
  - key: docker_labels['com.docker.compose.service']
    prefix: service
compose:
  ansible_python_interpreter: "'/usr/bin/python3'"

---
# all.docker.yml, written for community.docker.docker_containers: every container of a remote engine,
# grouped by state, databases apart, and none of the build containers
plugin: noar.docker.containers
docker_host: tcp://build.example.com:2376
validate_certs: true
ca_path: /etc/docker-ci/ca.pem
keyed_groups:
  - key: docker_state.Status
    prefix: state
groups:
  databases: "'postgres' in docker_config.Image"
filters:
  - exclude: docker_config.Labels['role'] | default('') == 'build'
"""

import re

from ansible.errors import AnsibleParserError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable

from ansible_collections.noar.docker.plugins.module_utils.client import (
    DOCKER_COMMON_ARGS,
    EngineError,
    build_client,
    engine_errors,
)
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

try:
    # The whole SDK, its SSH transport included: the controller may reach several engines, ssh:// ones too.
    import docker  # noqa: F401  pylint: disable=unused-import
except ImportError:
    HAS_DOCKER = False
else:
    HAS_DOCKER = True

# The connection variables that carry the engine options to the noar.docker.docker connection, as
# community.docker's inventory names them.
CONNECTION_VARS = dict(
    docker_host="ansible_docker_docker_host",
    api_version="ansible_docker_api_version",
    timeout="ansible_docker_timeout",
    tls="ansible_docker_tls",
    validate_certs="ansible_docker_validate_certs",
    ca_path="ansible_docker_ca_cert",
    client_cert="ansible_docker_client_cert",
    client_key="ansible_docker_client_key",
    tls_hostname="ansible_docker_tls_hostname",
    use_ssh_client="ansible_docker_use_ssh_client",
)
CONNECTION = "noar.docker.docker"


def inspect_vars(inspect: dict) -> dict:
    """``docker_<key>`` for each top-level key of a container's inspect data (``HostConfig`` -> ``docker_hostconfig``)."""
    return {"docker_" + re.sub(r"[^\w-]", "_", key).lower().lstrip("_"): value for key, value in inspect.items()}


def container_vars(inspect: dict) -> dict:
    """Our own host variables of one container, from its inspect data."""
    networks = {}
    for name, network in ((inspect.get("NetworkSettings") or {}).get("Networks") or {}).items():
        networks[name] = dict(
            ip=network.get("IPAddress") or None,
            ipv6=network.get("GlobalIPv6Address") or None,
            gateway=network.get("Gateway") or None,
            mac=network.get("MacAddress") or None,
            aliases=network.get("Aliases") or [],
        )
    config = inspect.get("Config") or {}
    return dict(
        docker_id=inspect["Id"],
        docker_image_name=config.get("Image"),
        docker_labels=config.get("Labels") or {},
        docker_status=(inspect.get("State") or {}).get("Status"),
        docker_networks=networks,
    )


def ssh_address(inspect: dict, port: int, default_ip: str) -> tuple:
    """``(host, port)`` where the container's SSH port ``port`` is published, as community.docker finds it."""
    published = (((inspect.get("NetworkSettings") or {}).get("Ports") or {}).get(f"{port}/tcp") or [{}])[0] or {}
    host_ip = published.get("HostIp", "")
    return (default_ip if host_ip == "0.0.0.0" else host_ip), int(published.get("HostPort") or 0)


def read_filters(value, path: str) -> tuple:
    """``(conditions, engine filters)`` from the ``filters`` option: a list of include/exclude conditions, or a
    dict, which earlier versions took as engine filters."""
    if isinstance(value, dict):
        return [], value
    conditions = []
    for index, entry in enumerate(value or []):
        if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in ("include", "exclude"):
            raise AnsibleParserError(f"{path}: filters[{index}] must be a dict with one key, include or exclude; got {entry!r}")
        conditions.append(next(iter(entry.items())))
    return conditions, {}


class EngineInventory:
    """What the inventory plugins share: the engine client from the shared connection options, and
    community.docker's ``filters`` (for a plugin that is ``Constructable``, for ``_compose``)."""

    NAME = ""

    def _engine_client(self, path: str) -> tuple:
        """``(client, params)``, or an ``AnsibleParserError`` that says why the engine cannot be used."""
        if not HAS_DOCKER:
            raise AnsibleParserError(f"the {self.NAME} inventory needs the Docker SDK for Python on the controller: pip install docker")
        params = {option: self.get_option(option) for option in DOCKER_COMMON_ARGS}
        try:
            return build_client(params), params
        except (EngineError, InvalidOption) as exc:
            raise AnsibleParserError(f"{path}: cannot reach the engine: {exc}") from None

    def _construct(self, name: str, variables: dict) -> None:
        """Ansible's constructed features (compose, groups, keyed_groups) for one host."""
        strict = self.get_option("strict")
        self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
        self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)

    def _included(self, name: str, variables: dict, conditions: list) -> bool:
        """The first condition that matches decides; none matching includes."""
        for kind, condition in conditions:
            if isinstance(condition, bool):
                matched = condition
            else:
                matched = boolean(self._compose(condition, dict(variables, inventory_hostname=name)), strict=False)
            if matched:
                return kind == "include"
        return True


class InventoryModule(BaseInventoryPlugin, Constructable, EngineInventory):
    """Containers as hosts, grouped and composed by Ansible's constructed features."""

    NAME = "noar.docker.containers"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(("docker.yml", "docker.yaml", "containers.yml", "containers.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        conditions, engine_filters = read_filters(self.get_option("filters"), path)
        engine_filters = {str(k): v for k, v in dict(engine_filters, **(self.get_option("engine_filters") or {})).items()}
        client, params = self._engine_client(path)
        try:
            with engine_errors("listing", "containers"):
                listed = client.containers(all=not self.get_option("running_only") or "status" in engine_filters, filters=engine_filters)
                # One inspect per container: constructed expressions and filters see its whole record.
                inspected = [client.inspect_container(item["Id"]) for item in listed]
        except EngineError as exc:
            raise AnsibleParserError(f"{path}: {exc.msg}") from None
        finally:
            client.close()
        if self.get_option("add_legacy_groups"):
            self.inventory.add_group("running")
            self.inventory.add_group("stopped")
        for inspect in inspected:
            self._add_container(inspect, params, conditions)

    def _connection_vars(self, name: str, inspect: dict, params: dict) -> dict:
        kind = self.get_option("connection_type")
        if kind == "ssh":
            host, port = ssh_address(inspect, self.get_option("private_ssh_port"), self.get_option("default_ip"))
            return dict(ansible_ssh_host=host, ansible_ssh_port=port)
        found = dict(ansible_host=name)
        if kind == "docker-api" and self.get_option("configure_docker_daemon"):
            found.update({variable: params[option] for option, variable in CONNECTION_VARS.items() if params.get(option) is not None})
        found["ansible_connection"] = CONNECTION
        return found

    def _add_container(self, inspect: dict, params: dict, conditions: list):
        container_id = inspect["Id"]
        name = (inspect.get("Name") or "").lstrip("/") or container_id[:13]
        facts = dict(docker_name=name, docker_short_id=container_id[:13])
        facts.update(self._connection_vars(name, inspect, params))
        ours = container_vars(inspect)
        # As community.docker's plugin builds them: the inspect keys come last (docker_name becomes "/name").
        full = dict(ours, **facts)
        full.update(inspect_vars(inspect))
        labels = ours["docker_labels"]
        if labels.get("com.docker.stack.namespace"):
            full["docker_stack"] = labels["com.docker.stack.namespace"]
        if labels.get("com.docker.swarm.service.name"):
            full["docker_service"] = labels["com.docker.swarm.service.name"]
        if not self._included(name, full, conditions):
            return
        host_vars = dict(ours, **(full if self.get_option("verbose_output") else facts))
        self.inventory.add_host(name)
        for variable, value in host_vars.items():
            self.inventory.set_variable(name, variable, value)
        self._construct(name, full)
        if self.get_option("add_legacy_groups"):
            self._add_legacy_groups(name, inspect, full, params)

    def _add_legacy_groups(self, name: str, inspect: dict, full: dict, params: dict):
        """The old docker inventory script's groups; added last, as a group named like the host would
        otherwise take the host's variables."""
        groups = [f"image_{ours}" for ours in [full.get("docker_image_name")] if ours]
        groups += [f"stack_{full['docker_stack']}"] if full.get("docker_stack") else []
        groups += [f"service_{full['docker_service']}"] if full.get("docker_service") else []
        groups += [inspect["Id"], name, inspect["Id"][:13], params.get("docker_host") or ""]
        groups.append("running" if (inspect.get("State") or {}).get("Running") is True else "stopped")
        for group in groups:
            if group:
                self.inventory.add_group(group)
                self.inventory.add_host(name, group=group)
