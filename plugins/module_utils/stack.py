# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stacks: a Compose application deployed to a swarm (``docker stack deploy``) through the Engine API.

The Compose model is the compose module's (``compose.load_project``, and ``service_params`` for
what a service's containers are); each service's container parameters become ``swarm_service``
options here, and the keys only a swarm reads (``deploy.mode``, ``placement``, ``update_config``,
...) are read here. Every object gets docker stack's name and its ``com.docker.stack.namespace``
label, so ``docker stack ls/ps/rm`` see the stack: networks ``<stack>_<key>`` (overlay), services
``<stack>_<service>``, volumes ``<stack>_<key>`` (each node makes its own, with the volume's driver,
options and labels). Secrets and configs are
versioned, ``<stack>_<key>_v<N>``: a new content makes the next version, the services move to it,
and the old one goes once nothing uses it.

One plan for the whole stack, made before anything changes: networks, new versions of secrets and
configs, services (against the versions they will use), then what is left over.
"""

from __future__ import annotations

import os
import time
from typing import Any

from ansible_collections.noar.docker.plugins.module_utils import compose
from ansible_collections.noar.docker.plugins.module_utils import container_options as copts
from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors, inspect_or_none
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Composite, Manager, plan_diff, task_params
from ansible_collections.noar.docker.plugins.module_utils.network import NETWORK_ARGS, NetworkManager
from ansible_collections.noar.docker.plugins.module_utils.swarm import require_manager
from ansible_collections.noar.docker.plugins.module_utils.swarm_data import SWARM_DATA_ARGS, SwarmDataManager
from ansible_collections.noar.docker.plugins.module_utils.swarm_service import MODULE_ARGS, ServiceManager
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

NAMESPACE = "com.docker.stack.namespace"
# container parameter (compose.service_params) -> swarm_service option: the container table's service fields
# (``limits.memory`` is a suboption), and the four that are a service's own options with other meanings.
RENAMED = dict(
    image="image",
    command="args",
    entrypoint="command",
    env="env",
    **{option.name: field.name for option in copts.OPTIONS.values() for field in option.service if field.same},
)
# Read from the service here (or by the compose model), not through service_params.
SWARM_KEYS = (
    "deploy",
    "secrets",
    "configs",
    "ports",
    "build",
    "pull_policy",
    "depends_on",
    "container_name",
    "scale",
    "expose",
)  # expose: on overlay networks every port is open to the others
# What a swarm service cannot do: the task fails naming the key rather than deploying something else.
NOT_IN_SWARM = (
    "privileged",
    "devices",
    "pid",
    "ipc",
    "network_mode",
    "userns_mode",
    "cgroup_parent",
    "runtime",
    "security_opt",
    "mac_address",
    "domainname",
    "shm_size",
    "oom_score_adj",
    "memswap_limit",
    "cpu_shares",
    "cpuset",
    "device_cgroup_rules",
    "platform",
    "stdin_open",
    "gpus",
    "links",
    "external_links",
    "post_start",
    "pre_stop",
) + compose.CONTAINER_ONLY
DEPLOY_KEYS = ("mode", "replicas", "labels", "resources", "placement", "update_config", "rollback_config", "restart_policy", "endpoint_mode")
DATA_SOURCES = dict(secrets=("file", "environment"), configs=("file", "environment", "content"))


def _rollout(value: dict, where: str) -> dict:
    keys = ("parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise InvalidOption("definition", f"{where}.{unknown[0]}: not a key of {where.rsplit('.', 1)[-1]}")
    return {k: (str(v) if k in ("delay", "monitor") else v) for k, v in value.items()}


def _ports(values: Any, where: str) -> list:
    """Compose ports (``compose.port_entries``) as ``publish`` entries; a host address cannot be given to a swarm (it
    publishes on every node), nor a range."""
    ports = []
    for index, entry in enumerate(compose.port_entries(values, where)):
        at = f"{where}[{index}]"
        if entry.get("host_ip"):
            raise InvalidOption("definition", f"{at}: host_ip {entry['host_ip']}: a swarm publishes on every node's addresses")
        if "-" in entry.get("published", ""):
            raise InvalidOption("definition", f"{at}: {entry['published']}: port ranges are not supported in a stack")
        port = dict(target_port=entry["target"], protocol=entry["protocol"])
        if entry.get("published"):
            port["published_port"] = int(entry["published"])
        if entry["mode"] != "ingress":
            port["mode"] = entry["mode"]
        ports.append(port)
    return ports


def _deploy(service: dict, params: dict, where: str) -> dict:
    """The swarm's keys of ``deploy`` as ``swarm_service`` options; service labels are returned."""
    deploy = service.get("deploy") or {}
    unknown = sorted(set(deploy) - set(DEPLOY_KEYS))
    if unknown:
        raise InvalidOption("definition", f"{where}.deploy.{unknown[0]}: not a deploy key")
    if deploy.get("mode"):
        if deploy["mode"] not in ("replicated", "global"):
            raise InvalidOption("definition", f"{where}.deploy.mode: {deploy['mode']!r} is not replicated or global")
        params["mode"] = deploy["mode"]
    if deploy.get("replicas") is not None or service.get("scale") is not None:
        params["replicas"] = compose.replicas(service)
        params.setdefault("mode", "replicated")
    resources = deploy.get("resources") or {}
    for kind, allowed in (("limits", ("cpus", "memory", "pids")), ("reservations", ("cpus", "memory"))):
        given = resources.get(kind) or {}
        extra = sorted(set(given) - set(allowed))
        if extra:
            raise InvalidOption("definition", f"{where}.deploy.resources.{kind}.{extra[0]}: not supported in a stack")
        for key, value in given.items():
            convert = float if key == "cpus" else (int if key == "pids" else str)
            try:
                value = convert(value)
            except (TypeError, ValueError):
                pass  # as written: swarm_service's argument spec and parsers refuse it by name
            params.setdefault(kind, {})[key] = value
    placement = deploy.get("placement") or {}
    if placement:
        params["placement"] = dict(
            constraints=placement.get("constraints"), preferences=placement.get("preferences"), replicas_max_per_node=placement.get("max_replicas_per_node")
        )
    for key in ("update_config", "rollback_config"):
        if deploy.get(key):
            params[key] = _rollout(deploy[key], f"{where}.deploy.{key}")
    restart = deploy.get("restart_policy")
    if restart:
        params["restart_config"] = {k: (str(v) if k in ("delay", "window") else v) for k, v in restart.items()}
    if deploy.get("endpoint_mode"):
        params["endpoint_mode"] = deploy["endpoint_mode"]
    return compose.key_values(deploy.get("labels"), "definition", f"{where}.deploy.labels")


def service_options(project: dict, name: str, data_names: dict, warnings: list) -> dict:
    """The ``swarm_service`` parameters of Compose service ``name`` in stack ``project['name']``.

    ``data_names`` maps ``(kind, key)`` of the project's secrets and configs to the swarm object each service
    should use (the version this deployment makes or keeps).
    """
    service = project["model"]["services"][name]
    where = f"services.{name}"
    for key in NOT_IN_SWARM:
        if key in service:
            raise InvalidOption("definition", f"{where}.{key}: a swarm service cannot have it")
    if not service.get("image"):
        raise InvalidOption("definition", f"{where}: a stack needs an image for every service (build and push it first; a swarm's nodes pull it)")
    if service.get("build"):
        warnings.append(f"{where}.build: a stack does not build; the nodes use the image {service['image']}")
    if service.get("depends_on"):
        warnings.append(f"{where}.depends_on: a swarm starts services in no order; use healthchecks and retries")
    # The compose model's reading of the rest: environment, volumes, networks, healthcheck, logging, ...
    bare = {k: v for k, v in service.items() if k not in SWARM_KEYS}
    shaped = dict(project, model=dict(project["model"], services=dict(project["model"]["services"], **{name: bare})))
    container = compose.service_params(shaped, name, warnings)
    # The short syntax's bind makes a missing host path only for a container (docker stack deploy's binds need it
    # there): asked for in the long syntax, it is refused.
    asked = {str(v.get("target")) for v in service.get("volumes") or [] if isinstance(v, dict) and (v.get("bind") or {}).get("create_host_path")}
    for mount in container.get("mounts") or []:
        for key, what in (("selinux", "SELinux relabelling (:z, :Z, bind.selinux)"), ("create_host_path", "bind.create_host_path")):
            if mount.get(key) and (key != "create_host_path" or mount["target"] in asked):
                raise InvalidOption(
                    "definition",
                    f"{where}.volumes: {mount['target']}: {what} cannot be given to a swarm service (the engine does it only for a container's binds)",
                )
        mount.pop("create_host_path", None)
    params: dict = {}
    for key, value in container.items():
        if key in RENAMED and value is not None:
            top, _dot, sub = RENAMED[key].partition(".")
            if sub:
                params.setdefault(top, {})[sub] = value
            else:
                params[top] = value
    volumes = {compose.object_name(project, "volumes", key): key for key in project["model"].get("volumes") or {}}
    for mount in params.get("mounts") or []:
        if mount.get("type") == "volume" and mount.get("source") in volumes:
            mount.update(_volume_options(project, volumes[mount["source"]]))
    tmpfs = container.get("tmpfs") or []
    for entry in tmpfs:
        target, _sep, options = entry.partition(":")
        mount = dict(type="tmpfs", target=target)
        size = dict(o.split("=", 1) for o in options.split(",") if "=" in o).get("size")
        if size:
            mount["tmpfs_size"] = size
        params.setdefault("mounts", []).append(mount)
    if container.get("stop_timeout") is not None:
        params["stop_grace_period"] = f"{container['stop_timeout']}s"
    params["networks"] = []
    for network in container.get("networks") or []:
        for key in ("ipv4_address", "ipv6_address", "mac_address", "gw_priority"):
            if network.get(key) is not None:
                raise InvalidOption("definition", f"{where}.networks: {key} (network {network['name']}): a swarm service's task has no fixed endpoint setting")
        attached = dict(name=network["name"], aliases=network.get("aliases"))
        if network.get("driver_opts"):
            attached["options"] = network["driver_opts"]
        params["networks"].append(attached)
    labels = _deploy(service, params, where)
    if "restart_config" not in params and container.get("restart_policy"):
        # restart, as compose reads it, in a swarm's terms (deploy.restart_policy wins, as in docker stack).
        params["restart_config"] = dict(condition=compose.restart_condition(container["restart_policy"]))
        if container.get("restart_retries"):
            params["restart_config"]["max_attempts"] = container["restart_retries"]
    params["labels"] = dict(labels, **{NAMESPACE: project["name"], "com.docker.stack.image": service["image"]})
    own = compose.key_values(service.get("labels"), "definition", f"{where}.labels")
    params["container_labels"] = dict(own, **{NAMESPACE: project["name"]})
    if service.get("ports"):
        params["publish"] = _ports(service["ports"], f"{where}.ports")
    for kind in ("secrets", "configs"):
        refs = []
        for index, entry in enumerate(service.get(kind) or []):
            entry = dict(source=entry) if isinstance(entry, str) else dict(entry)
            at = f"{where}.{kind}[{index}]"
            if (kind, entry.get("source")) not in data_names:
                raise InvalidOption("definition", f"{at}: {kind[:-1]} {entry.get('source')!r} is not declared under the top-level {kind}")
            target = str(entry.get("target") or entry["source"])
            if kind == "configs" and not target.startswith("/"):
                target = "/" + target
            ref = {
                f"{kind[:-1]}_name": data_names[(kind, entry["source"])],
                "filename": target,
                "uid": str(entry.get("uid", "0")),
                "gid": str(entry.get("gid", "0")),
                "mode": compose.file_mode(entry.get("mode", 0o444), at),
            }
            refs.append(ref)
        if refs:
            params[kind] = refs
    return params


def _volume_options(project: dict, key: str) -> dict:
    """What a node makes the stack's volume ``key`` with when a task first mounts it, as docker stack deploy says:
    the volume's labels and the stack's, its driver and driver options. An external volume exists already."""
    if compose.is_external(project, "volumes", key):
        return {}
    definition = compose.declared(project, "volumes", key, compose.VOLUME_KEYS)
    labels = compose.key_values(definition.get("labels"), "definition", f"volumes.{key}.labels")
    options: dict = dict(labels=dict({str(k): str(v) for k, v in labels.items()}, **{NAMESPACE: project["name"]}))
    if definition.get("driver") or definition.get("driver_opts"):
        options["volume_driver"] = definition.get("driver") or "local"
        options["volume_options"] = {str(k): str(v) for k, v in (definition.get("driver_opts") or {}).items()}
    return options


class Removals(Manager):
    """Removes a stack's networks, secrets or configs by ID. A network is removed once the tasks of the services
    removed before it have left it: their containers stop on their nodes after the services are gone."""

    RETRY_SECONDS = 60

    def __init__(self, client: Any, kind: str) -> None:
        self.client = client
        self.kind = kind

    def apply(self, plan: list) -> None:
        for action in plan:
            deadline = time.monotonic() + self.RETRY_SECONDS
            while True:
                try:
                    with engine_errors("removing", action.target):
                        getattr(self.client, f"remove_{self.kind}")(action.data["id"])
                except EngineError as exc:
                    if exc.details.get("status_code") == 404:
                        break
                    if self.kind != "network" or time.monotonic() > deadline:
                        raise
                else:
                    # This node keeps its own copy of a swarm network until its last container left it.
                    if self.kind != "network" or inspect_or_none(action.target, self.client.inspect_network, action.data["id"]) is None:
                        break
                    if time.monotonic() > deadline:
                        raise EngineError(f"{action.target} was removed from the swarm but is still on this node after {self.RETRY_SECONDS} s")
                time.sleep(1)


class StackManager(Composite):
    """Plans and applies one ``stack`` task: a Compose project on a swarm, as the parts of a ``Composite``: networks
    (phase 1), new secret and config versions (2), services (3), services pruned (4), old versions removed (5);
    removing a stack: services (1), secrets and configs (2), networks (3)."""

    def __init__(self, client: Any, params: dict, environ: dict) -> None:
        super().__init__()
        self.client = client
        self.params = params
        self.environ = environ
        self.name = params["name"]
        self.project: dict = {}
        self.pending: set = set()  # (kind, name) of objects this plan makes, that services will use

    def read(self) -> dict:
        require_manager(self.client, "deploying a stack")
        label = dict(label=f"{NAMESPACE}={self.name}")
        with engine_errors("listing", f"the objects of stack {self.name}"):
            return dict(
                services=self.client.services(filters=label),
                networks=self.client.networks(filters=label),
                secrets=self.client.secrets(filters=label),
                configs=self.client.configs(filters=label),
            )

    def plan(self, actual: dict) -> list:
        if self.params["state"] == "absent":
            return self._plan_absent(actual)
        project_params = dict(self.params, project_name=self.name, services=None, dependencies=True)
        # docker_stack's compose: files and inline definitions, merged in order (definitions after the files).
        for entry in self.params.get("compose") or ():
            if isinstance(entry, dict):
                project_params["definition"] = compose.merge(project_params.get("definition") or {}, entry, "compose")
            else:
                project_params["files"] = list(project_params.get("files") or []) + [str(entry)]
        self.project = compose.load_project(project_params, self.environ)
        model = self.project["model"]
        used_networks = {n for s in model["services"].values() for n in (s.get("networks") or ["default"])}
        for key in sorted(set(model.get("networks") or {}) | (used_networks & {"default"})):
            if not compose.is_external(self.project, "networks", key):
                params = self._network_params(key)
                self.pending.add(("network", params["name"]))
                self.add(1, NetworkManager(self.client, params))
        data_names = self._plan_data(actual)
        warnings: list = []
        wanted = set()
        for service in model["services"]:
            # Waited for by apply once every service is there: one waited for alone could need a later one.
            params = task_params(
                MODULE_ARGS,
                dict(
                    service_options(self.project, service, data_names, warnings),
                    name=f"{self.name}_{service}",
                    wait=False,
                    wait_timeout=self.params.get("wait_timeout"),
                    resolve_image=self.params.get("resolve_image") in ("always", "changed"),
                ),
                f"services.{service}",
            )
            wanted.add(params["name"])
            self.add(3, ServiceManager(self.client, params, pending=self.pending, manager_checked=True))
        self.warnings.extend(warnings)
        for service in actual["services"]:
            if service["Spec"]["Name"] not in wanted:
                if self.params.get("prune"):
                    removal = dict(name=service["Spec"]["Name"], state="absent")
                    self.add(4, ServiceManager(self.client, removal, manager_checked=True))
                else:
                    self.warnings.append(f"service {service['Spec']['Name']} of stack {self.name} is not in the Compose file any more; prune=true removes it")
        return self.planned()

    def _network_params(self, key: str) -> dict:
        params: dict = (
            compose.network_params(self.project, key)
            if key in (self.project["model"].get("networks") or {})
            else dict(name=compose.object_name(self.project, "networks", key))
        )
        labels = {k: v for k, v in (params.get("labels") or {}).items() if not k.startswith("com.docker.compose.")}
        params.update(
            driver="overlay" if params.get("driver") in (None, "bridge") else params["driver"], labels=dict(labels, **{NAMESPACE: self.name}), scope="swarm"
        )
        return task_params(NETWORK_ARGS, params, f"networks.{key}")

    def _plan_data(self, actual: dict) -> dict:
        """Secrets and configs: the name each service uses; new versions are planned (phase 2), old ones removed
        after the services moved (phase 5)."""
        names = {}
        for kind in ("secrets", "configs"):
            for key, definition in (self.project["model"].get(kind) or {}).items():
                definition = definition or {}
                where = f"{kind}.{key}"
                if definition.get("external"):
                    names[(kind, key)] = definition.get("name") or key
                    continue
                given = [k for k in DATA_SOURCES[kind] if definition.get(k) is not None]
                if len(given) != 1:
                    raise InvalidOption("definition", f"{where}: needs exactly one of {', '.join(DATA_SOURCES[kind])} (or external)")
                source, value = given[0], definition[given[0]]
                params: dict = dict(
                    name=definition.get("name") or f"{self.name}_{key}", rolling_versions=True, versions_to_keep=2, labels={NAMESPACE: self.name}
                )
                if source == "file":
                    params["data_src"] = os.path.normpath(os.path.join(self.project["working_dir"], str(value)))
                    if not os.path.isfile(params["data_src"]):
                        raise InvalidOption("definition", f"{where}.file: {params['data_src']} does not exist")
                elif source == "environment":
                    found = (self.params.get("secrets_env") or {}).get(value, self.project["environment"].get(value))
                    if found is None:
                        raise InvalidOption(
                            "definition", f"{where}.environment: variable {value} is not set (secrets_env, the env files or the module's environment)"
                        )
                    params["data"] = str(found)
                else:
                    params["data"] = str(value)
                manager = SwarmDataManager(self.client, task_params(SWARM_DATA_ARGS, params, where), kind[:-1], move_services=False, manager_checked=True)
                plan = manager.plan(manager.read())
                created = [a for a in plan if a.kind == "create"]
                if created:
                    names[(kind, key)] = created[0].data["name"]
                    self.pending.add((kind[:-1], created[0].data["name"]))
                    self.add(2, manager, created)
                else:
                    names[(kind, key)] = manager.current["Spec"]["Name"]
                removed = [a for a in plan if a.kind == "remove"]
                if removed:
                    self.add(5, manager, removed)
        return names

    def _plan_absent(self, actual: dict) -> list:
        for service in actual["services"]:
            removal = dict(name=service["Spec"]["Name"], state="absent")
            self.add(1, ServiceManager(self.client, removal, manager_checked=True))
        removals = [(2, kind[:-1], item["Spec"]["Name"], item["ID"]) for kind in ("secrets", "configs") for item in actual[kind]]
        removals += [(3, "network", network["Name"], network["Id"]) for network in actual["networks"]]
        for phase, kind, name, object_id in removals:
            self.add(
                phase,
                Removals(self.client, kind),
                [Action("remove", f"{kind} {name}", before=dict(name=name), after=dict(state="absent"), data=dict(id=object_id))],
            )
        return self.planned()

    def wait(self) -> None:
        # Each service's own wait is off (a service waited for alone could need a later one): all of them, here.
        if self.params.get("wait") or not self.params.get("detach", True):
            for _phase, manager, _plan in self.parts:
                if isinstance(manager, ServiceManager) and manager.params["state"] == "present":
                    manager.wait_converged()

    def diff(self, plan: list) -> dict:
        return plan_diff(plan)

    def result(self) -> dict:
        services = {}
        for _phase, manager, steps in self.parts:
            if isinstance(manager, ServiceManager):
                services[manager.name] = dict(actions=[a.as_dict() for a in steps], changes=manager.plan_result(steps)["changes"])
        return dict(stack=self.name, services=services)


MODULE_ARGS_STACK = dict(
    name=dict(type="str", required=True),
    compose=dict(type="list", elements="raw"),
    project_src=dict(type="path"),
    files=dict(type="list", elements="path"),
    definition=dict(type="dict"),
    env_files=dict(type="list", elements="path"),
    profiles=dict(type="list", elements="str"),
    secrets_env=dict(type="dict", no_log=True),
    prune=dict(type="bool", default=False),
    resolve_image=dict(type="str", default="never", choices=["always", "changed", "never"]),
    with_registry_auth=dict(type="bool", default=False),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    wait=dict(type="bool", default=False),
    detach=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=300),
)
