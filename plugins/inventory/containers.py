# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: containers
short_description: The containers of a Docker engine as inventory hosts
version_added: 0.1.0
description:
  - Lists the containers of one engine (running ones by default) in a single Engine API call and makes each a
    host named after the container, ready to use through the C(noar.docker.docker) connection.
  - Groups and variables come from Ansible's constructed features (O(keyed_groups), O(groups), O(compose)), for
    example a group per C(com.docker.compose.service) label.
  - The inventory source is a YAML file whose name ends in C(containers.yml) or C(containers.yaml).
  - "Each host gets: C(docker_id), C(docker_name), C(docker_image), C(docker_labels) (a dict), C(docker_state),
    C(docker_networks) (network name to C(ip), C(ipv6), C(gateway), C(mac), C(aliases)), and
    C(ansible_connection=noar.docker.docker) with the engine's address in C(ansible_docker_docker_host), as community.docker names it."
extends_documentation_fragment:
  - ansible.builtin.constructed
options:
  plugin:
    description: The name of this plugin, to say that the file is its source.
    type: str
    required: true
    choices: [noar.docker.containers]
  running_only:
    description: List only running containers. V(false) lists stopped ones too (C(docker ps --all)).
    type: bool
    default: true
  filters:
    description:
      - Filters of C(docker ps --filter), as a dict; a value can be a list. For example C(label) (C(key) or
        C(key=value)), C(name), C(status), C(network), C(ancestor).
      - A C(status) filter lists stopped containers too, whatever O(running_only) says.
    type: dict
    default: {}
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
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - plugin: noar.docker.docker
    plugin_type: connection
"""

EXAMPLES = r"""
---
# app.containers.yml: the running containers of a compose project, grouped by service
plugin: noar.docker.containers
filters:
  label: com.docker.compose.project=projeto
keyed_groups:
  - key: docker_labels['com.docker.compose.service']
    prefix: service
compose:
  ansible_python_interpreter: "'/usr/bin/python3'"

---
# all.containers.yml: every container of a remote engine, stopped ones too, grouped by state and by a label
plugin: noar.docker.containers
docker_host: tcp://build.example.com:2376
validate_certs: true
ca_path: /etc/docker-ci/ca.pem
running_only: false
keyed_groups:
  - key: docker_state
    prefix: state
  - key: docker_labels.tier | default('none')
    prefix: tier
groups:
  databases: "'postgres' in docker_image"
"""

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable

from ansible_collections.noar.docker.plugins.module_utils.client import (
    DOCKER_COMMON_ARGS,
    HAS_DOCKER,
    EngineError,
    build_client,
)
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

if HAS_DOCKER:
    import docker.errors

# Connection variables that carry the engine options to the noar.docker.docker connection.
CONNECTION_VARS = dict(docker_host="ansible_docker_docker_host", api_version="ansible_docker_api_version",
                       tls="ansible_docker_tls", validate_certs="ansible_docker_validate_certs",
                       ca_path="ansible_docker_ca_path", client_cert="ansible_docker_client_cert",
                       client_key="ansible_docker_client_key", tls_hostname="ansible_docker_tls_hostname")


def container_vars(item: dict) -> dict:
    """The host variables of one container, from its entry in the engine's container list."""
    networks = {}
    for name, network in ((item.get("NetworkSettings") or {}).get("Networks") or {}).items():
        networks[name] = dict(ip=network.get("IPAddress") or None, ipv6=network.get("GlobalIPv6Address") or None,
                              gateway=network.get("Gateway") or None, mac=network.get("MacAddress") or None,
                              aliases=network.get("Aliases") or [])
    return dict(
        docker_id=item["Id"],
        docker_name=(item.get("Names") or ["/" + item["Id"][:12]])[0].lstrip("/"),
        docker_image=item.get("Image"),
        docker_labels=item.get("Labels") or {},
        docker_state=item.get("State"),
        docker_networks=networks,
    )


class InventoryModule(BaseInventoryPlugin, Constructable):
    """Containers as hosts, grouped and composed by Ansible's constructed features."""

    NAME = "noar.docker.containers"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(("containers.yml", "containers.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        if not HAS_DOCKER:
            raise AnsibleParserError("the noar.docker.containers inventory needs the Docker SDK for Python on the "
                                     "controller: pip install docker")
        params = {option: self.get_option(option) for option in DOCKER_COMMON_ARGS}
        filters = {str(k): v for k, v in (self.get_option("filters") or {}).items()}
        try:
            client = build_client(params)
        except (EngineError, InvalidOption) as exc:
            raise AnsibleParserError(f"{path}: cannot reach the engine: {exc}") from None
        try:
            listed = client.containers(all=not self.get_option("running_only") or "status" in filters,
                                       filters=filters)
        except docker.errors.APIError as exc:
            raise AnsibleParserError(f"{path}: listing containers failed: {exc.explanation or exc}") from None
        finally:
            client.close()
        for item in listed:
            self._add_container(item, params)

    def _add_container(self, item: dict, params: dict):
        host_vars = container_vars(item)
        host = self.inventory.add_host(host_vars["docker_name"])
        host_vars["ansible_connection"] = "noar.docker.docker"
        for option, variable in CONNECTION_VARS.items():
            if params.get(option) not in (None, False, ""):
                host_vars[variable] = params[option]
        for name, value in host_vars.items():
            self.inventory.set_variable(host, name, value)
        strict = self.get_option("strict")
        self._set_composite_vars(self.get_option("compose"), host_vars, host, strict=strict)
        self._add_host_to_composed_groups(self.get_option("groups"), host_vars, host, strict=strict)
        self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host_vars, host, strict=strict)
