# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Swarm mode: the managers behind ``swarm`` and ``node``, and what ``swarm_info`` reads.

Whether this engine is in a swarm, and as what, comes from ``docker info`` (its ``Swarm`` section):
it answers on workers and on nodes outside any swarm, where ``inspect_swarm`` fails. The swarm's
settings are read from, and written to, its spec at the paths ``SETTINGS`` gives, so an option is
declared once for init, update, comparison and diff.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors, engine_info, inspect_or_none
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager, differences
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

# option -> path in the swarm spec. Durations are nanoseconds, as community.docker's docker_swarm takes them.
SETTINGS = dict(
    name=("Name",),
    labels=("Labels",),
    task_history_retention_limit=("Orchestration", "TaskHistoryRetentionLimit"),
    snapshot_interval=("Raft", "SnapshotInterval"),
    keep_old_snapshots=("Raft", "KeepOldSnapshots"),
    log_entries_for_slow_followers=("Raft", "LogEntriesForSlowFollowers"),
    heartbeat_tick=("Raft", "HeartbeatTick"),
    election_tick=("Raft", "ElectionTick"),
    dispatcher_heartbeat_period=("Dispatcher", "HeartbeatPeriod"),
    node_cert_expiry=("CAConfig", "NodeCertExpiry"),
    ca_force_rotate=("CAConfig", "ForceRotate"),
    autolock_managers=("EncryptionConfig", "AutoLockManagers"),
)
# Given when the swarm is made or joined; the engine does not report them back, so they are not compared.
INIT_ONLY = ("advertise_addr", "listen_addr", "default_addr_pool", "subnet_size", "data_path_addr", "data_path_port")
STATES = ("present", "join", "absent", "remove")


def swarm_membership(client: Any) -> dict:
    """This engine's place in swarm mode, from ``docker info``: state, manager or not, node and cluster IDs."""
    swarm = engine_info(client, fresh=True).get("Swarm") or {}
    return dict(
        state=swarm.get("LocalNodeState") or "inactive",
        manager=bool(swarm.get("ControlAvailable")),
        node_id=swarm.get("NodeID") or "",
        cluster_id=(swarm.get("Cluster") or {}).get("ID", ""),
        managers=swarm.get("Managers") or 0,
        nodes=swarm.get("Nodes") or 0,
        remote_managers=[m.get("Addr") for m in swarm.get("RemoteManagers") or []],
    )


def require_manager(client: Any, doing: str) -> dict:
    """The membership of an engine that must be a swarm manager for ``doing``; fails clearly otherwise."""
    member = swarm_membership(client)
    if member["state"] == "locked":
        raise EngineError(f"{doing} needs an unlocked swarm manager: this node's swarm is locked (autolock); unlock it with docker swarm unlock first")
    if member["state"] != "active":
        raise EngineError(f"{doing} needs a swarm manager: this engine is not in a swarm (state {member['state']}); make one with noar.docker.swarm")
    if not member["manager"]:
        raise EngineError(f"{doing} needs a swarm manager: this engine is a worker; point docker_host at a manager")
    return member


def swarm_facts(client: Any) -> dict:
    """``docker swarm inspect`` with the join tokens, and the unlock key when managers are locked."""
    with engine_errors("inspecting", "the swarm"):
        facts = client.inspect_swarm()
        if ((facts.get("Spec") or {}).get("EncryptionConfig") or {}).get("AutoLockManagers"):
            facts["UnlockKey"] = (client.get_unlock_key() or {}).get("UnlockKey")
    return facts


def spec_get(spec: dict, path: tuple) -> Any:
    """The value at ``path`` (a tuple of keys) in an engine spec, or None."""
    value: Any = spec
    for key in path:
        value = (value or {}).get(key)
    return value


def spec_set(spec: dict, path: tuple, value: Any) -> None:
    """Put ``value`` at ``path`` in an engine spec, making the mappings on the way."""
    for key in path[:-1]:
        spec = spec.setdefault(key, {})
    spec[path[-1]] = value


def settings_of(spec: dict) -> dict:
    return {option: spec_get(spec, path) for option, path in SETTINGS.items()}


class SwarmManager(Manager):
    """Plans and applies one ``swarm`` task: init, update settings, rotate tokens, join, leave, remove a node."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self.warnings: list = []
        self.spec: dict = {}
        self.facts: dict = {}

    def read(self) -> dict:
        member = swarm_membership(self.client)
        if member["state"] == "active" and member["manager"]:
            self.facts = swarm_facts(self.client)
            self.spec = self.facts.get("Spec") or {}
        return member

    def desired_settings(self) -> dict:
        want: dict = {option: self.params[option] for option in SETTINGS if self.params.get(option) is not None}
        if "labels" in want:
            want["labels"] = {str(k): str(v) for k, v in want["labels"].items()}
        for option in (
            "heartbeat_tick",
            "election_tick",
            "snapshot_interval",
            "keep_old_snapshots",
            "log_entries_for_slow_followers",
            "task_history_retention_limit",
            "subnet_size",
            "dispatcher_heartbeat_period",
            "node_cert_expiry",
            "ca_force_rotate",
        ):
            value = self.params.get(option)
            if value is not None and value < 0:
                raise InvalidOption(option, f"must be 0 or more, got {value}")
        if want.get("election_tick") is not None and want.get("heartbeat_tick") is not None and want["election_tick"] <= want["heartbeat_tick"]:
            raise InvalidOption("election_tick", "must be greater than heartbeat_tick (raft elects a leader after several missed heartbeats)")
        return want

    def plan(self, actual: dict) -> list:
        state = self.params["state"]
        member = actual
        if member["state"] == "locked" and state != "absent":
            raise EngineError("this node's swarm is locked (autolock): unlock it with docker swarm unlock first")
        if state == "present":
            return self._plan_present(member)
        if state == "join":
            return self._plan_join(member)
        if state == "absent":
            return self._plan_leave(member)
        return self._plan_remove(member)

    def _refuse_live_restore(self, doing: str) -> None:
        # The engine refuses swarm mode with live-restore on: said while planning, so check mode says it too.
        if engine_info(self.client).get("LiveRestoreEnabled"):
            raise EngineError(
                f"{doing} needs an engine without live-restore, which swarm mode refuses: set "
                "live-restore to false in its daemon.json (the engine role's engine_daemon_config)"
            )

    def _plan_present(self, member: dict) -> list:
        want = self.desired_settings()
        if member["state"] != "active" or self.params.get("force"):
            self._refuse_live_restore("making a swarm")
            init = {option: self.params.get(option) for option in INIT_ONLY if self.params.get(option) is not None}
            reason = "force=true: a new cluster from this manager's state" if member["state"] == "active" else ""
            return [
                Action("init", "swarm", before=dict(state=member["state"]), after=dict(state="active", **init, **want), reason=reason, data=dict(settings=want))
            ]
        if not member["manager"]:
            raise EngineError(
                "state=present manages a swarm from one of its managers, and this engine is a worker: "
                "point docker_host at a manager, or leave the swarm first (state=absent)"
            )
        differs = differences(want, settings_of(self.spec))
        plan = []
        if differs:
            plan.append(
                Action(
                    "update",
                    "swarm",
                    before={k: v[0] for k, v in differs.items()},
                    after={k: v[1] for k, v in differs.items()},
                    reason="changed: " + ", ".join(sorted(differs)),
                    data=dict(settings=want),
                )
            )
        for role in ("worker", "manager"):
            if self.params.get(f"rotate_{role}_token"):
                plan.append(Action("rotate", f"{role} join token", data=dict(role=role)))
        return plan

    def _plan_join(self, member: dict) -> list:
        for option in ("join_token", "remote_addrs"):
            if not self.params.get(option):
                raise InvalidOption(option, f"state=join needs {option}")
        if member["state"] in ("active", "pending"):
            return []
        self._refuse_live_restore("joining a swarm")
        after = dict(state="active", remote_addrs=self.params["remote_addrs"])
        after.update({k: self.params[k] for k in ("advertise_addr", "listen_addr", "data_path_addr") if self.params.get(k) is not None})
        return [Action("join", "swarm", before=dict(state=member["state"]), after=after)]

    def _plan_leave(self, member: dict) -> list:
        if member["state"] == "inactive":
            return []
        if member["manager"] and member["managers"] <= 1 and not self.params.get("force"):
            raise InvalidOption(
                "force",
                "this engine is the swarm's last manager: leaving erases the swarm's state (services, secrets, configs); set force=true to do it anyway",
            )
        return [Action("leave", "swarm", before=dict(state=member["state"]), after=dict(state="inactive"))]

    def _plan_remove(self, member: dict) -> list:
        node_id = self.params.get("node_id")
        if not node_id:
            raise InvalidOption("node_id", "state=remove needs node_id: the ID or hostname of the node to remove")
        require_manager(self.client, "removing a node")
        node = inspect_or_none(f"node {node_id}", self.client.inspect_node, node_id)
        if node is None:
            return []
        status = (node.get("Status") or {}).get("State")
        if status != "down" and not self.params.get("force"):
            raise InvalidOption(
                "force", f"node {node_id} is {status}: make it leave the swarm first (state=absent on that node), or set force=true to remove it as it is"
            )
        self.params["node_id"] = node["ID"]
        return [Action("remove", f"node {node_id}", before=dict(node=node_id, status=status), after=dict(node="absent"))]

    def apply(self, plan: list) -> None:
        # A settings update and token rotations are one engine call.
        rotate = {action.data["role"] for action in plan if action.kind == "rotate"}
        settings = next((action.data["settings"] for action in plan if action.kind == "update"), None)
        if settings is not None or rotate:
            self._update(settings or {}, rotate)
        for action in plan:
            if action.kind == "init":
                spec: dict = {}
                for option, value in action.data["settings"].items():
                    spec_set(spec, SETTINGS[option], value)
                kwargs = {option: self.params.get(option) for option in INIT_ONLY if self.params.get(option) is not None}
                with engine_errors("initialising", "the swarm"):
                    self.client.init_swarm(force_new_cluster=bool(self.params.get("force")), swarm_spec=spec or None, **kwargs)
            elif action.kind == "join":
                with engine_errors("joining", "the swarm at " + ", ".join(self.params["remote_addrs"])):
                    self.client.join_swarm(
                        self.params["remote_addrs"],
                        self.params["join_token"],
                        **{k: self.params[k] for k in ("listen_addr", "advertise_addr", "data_path_addr") if self.params.get(k) is not None},
                    )
            elif action.kind == "leave":
                with engine_errors("leaving", "the swarm"):
                    self.client.leave_swarm(force=bool(self.params.get("force")))
            elif action.kind == "remove":
                with engine_errors("removing", action.target):
                    self.client.remove_node(self.params["node_id"], force=bool(self.params.get("force")))
        self.read()

    def _update(self, settings: dict, rotate: set) -> None:
        # The swarm's version changes with every update, so it is read right before this one.
        facts = swarm_facts(self.client)
        spec = copy.deepcopy(facts.get("Spec") or {})
        for option, value in settings.items():
            spec_set(spec, SETTINGS[option], value)
        with engine_errors("updating", "the swarm"):
            self.client.update_swarm(
                version=facts["Version"]["Index"], swarm_spec=spec, rotate_worker_token="worker" in rotate, rotate_manager_token="manager" in rotate
            )

    def result(self) -> dict:
        return dict(swarm_facts=self.facts if self.params["state"] == "present" else {})


NODE_FIELDS = dict(availability="Availability", role="Role")


class NodeManager(Manager):
    """Plans and applies one ``node`` task: a node's availability, role and labels, from a manager."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self.node: dict = {}

    def read(self) -> dict:
        require_manager(self.client, "managing a node")
        hostname = self.params["hostname"]
        self.node = inspect_or_none(f"node {hostname}", self.client.inspect_node, hostname) or {}
        if not self.node:
            raise InvalidOption("hostname", f"no node with ID or hostname {hostname!r} in this swarm")
        return self.node

    def desired_labels(self, have: dict) -> dict:
        given = {str(k): str(v) for k, v in (self.params.get("labels") or {}).items()}
        if self.params.get("labels_state") == "replace" and self.params.get("labels") is not None:
            labels = given
        else:
            labels = dict(have, **given)
        for key in self.params.get("labels_to_remove") or ():
            if key in given:
                raise InvalidOption("labels_to_remove", f"label {key!r} is both set (labels) and removed")
            labels.pop(key, None)
        return labels

    def plan(self, actual: dict) -> list:
        spec = actual.get("Spec") or {}
        have: dict = dict(availability=spec.get("Availability"), role=spec.get("Role"), labels=spec.get("Labels") or {})
        want = {k: self.params[k] for k in NODE_FIELDS if self.params.get(k) is not None}
        want["labels"] = self.desired_labels(have["labels"])
        differs = differences(want, have)
        if not differs:
            return []
        return [
            Action(
                "update",
                f"node {self.params['hostname']}",
                before={k: v[0] for k, v in differs.items()},
                after={k: v[1] for k, v in differs.items()},
                reason="changed: " + ", ".join(sorted(differs)),
                data=dict(want=want),
            )
        ]

    def apply(self, plan: list) -> None:
        for action in plan:
            spec = copy.deepcopy(self.node.get("Spec") or {})
            for option, field in NODE_FIELDS.items():
                if option in action.data["want"]:
                    spec[field] = action.data["want"][option]
            spec["Labels"] = action.data["want"]["labels"]
            with engine_errors("updating", action.target):
                self.client.update_node(self.node["ID"], self.node["Version"]["Index"], spec)
        self.node = self.client.inspect_node(self.node["ID"])

    def result(self) -> dict:
        return dict(node=self.node)


def _short_node(node: dict) -> dict:
    spec, desc, status = node.get("Spec") or {}, node.get("Description") or {}, node.get("Status") or {}
    manager = node.get("ManagerStatus") or {}
    return dict(
        ID=node.get("ID"),
        Hostname=desc.get("Hostname"),
        Status=status.get("State"),
        Addr=status.get("Addr"),
        Availability=spec.get("Availability"),
        Role=spec.get("Role"),
        Labels=spec.get("Labels") or {},
        ManagerStatus="Leader" if manager.get("Leader") else manager.get("Reachability"),
        EngineVersion=(desc.get("Engine") or {}).get("EngineVersion"),
    )


def _short_service(service: dict, running: dict) -> dict:
    spec = service.get("Spec") or {}
    mode = spec.get("Mode") or {}
    replicated = mode.get("Replicated")
    ports = (service.get("Endpoint") or {}).get("Ports") or []
    return dict(
        ID=service.get("ID"),
        Name=spec.get("Name"),
        Mode="replicated" if replicated is not None else "global",
        Replicas=replicated.get("Replicas") if replicated is not None else None,
        Running=running.get(service.get("ID"), 0),
        Image=((spec.get("TaskTemplate") or {}).get("ContainerSpec") or {}).get("Image"),
        Ports=[f"*:{p.get('PublishedPort')}->{p.get('TargetPort')}/{p.get('Protocol')}" for p in ports],
        Labels=spec.get("Labels") or {},
    )


def _short_task(task: dict, names: dict, hosts: dict) -> dict:
    status = task.get("Status") or {}
    service = names.get(task.get("ServiceID"), task.get("ServiceID"))
    return dict(
        ID=task.get("ID"),
        Name=f"{service}.{task.get('Slot') or task.get('NodeID')}",
        ServiceID=task.get("ServiceID"),
        Image=((task.get("Spec") or {}).get("ContainerSpec") or {}).get("Image"),
        Node=hosts.get(task.get("NodeID"), task.get("NodeID")),
        DesiredState=task.get("DesiredState"),
        CurrentState=status.get("State"),
        Error=status.get("Err") or "",
    )


# The results' secrets: where the join tokens and the unlock key are.
SECRET_PATHS = (("swarm_facts", "JoinTokens", "Worker"), ("swarm_facts", "JoinTokens", "Manager"), ("swarm_facts", "UnlockKey"), ("swarm_unlock_key",))
SEALED = "noar-sealed:"
SEAL_ARGS = dict(seal_key=dict(type="str", no_log=True))  # documented by the doc fragment noar.docker.swarm


def _pad(key: str, where: str, length: int) -> bytes:
    """A one-time pad for one value: SHA-256 of the run's key, the value's place and a counter."""
    pad = b""
    while len(pad) < length:
        pad += hashlib.sha256(f"{key}/{where}/{len(pad)}".encode()).digest()
    return pad[:length]


def seal(result: dict, key: str | None, unseal: bool = False) -> dict:
    """``result`` with its tokens and unlock key sealed (or, with ``unseal``, opened again) with ``key``.

    A module's result crosses the connection as text that ``-vvv`` prints whole (the ssh connection shows
    it): the swarm's action plugin gives each run a fresh random key, the module returns the secrets
    XORed with pads derived from it, and the action opens them on the controller before anyone sees them.
    """
    if not key:
        return result
    for path in SECRET_PATHS:
        parent: Any = result
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        value = parent.get(path[-1]) if isinstance(parent, dict) else None
        if not isinstance(value, str) or not value or (unseal != value.startswith(SEALED)):
            continue
        where = "/".join(path)
        if unseal:
            data = bytes.fromhex(value[len(SEALED) :])
            parent[path[-1]] = bytes(a ^ b for a, b in zip(data, _pad(key, where, len(data)))).decode(errors="replace")
        else:
            data = value.encode()
            parent[path[-1]] = SEALED + bytes(a ^ b for a, b in zip(data, _pad(key, where, len(data)))).hex()
    return result


def gather_swarm(client: Any, params: dict) -> dict:
    """What ``swarm_info`` returns: membership, the swarm's facts on a manager, and the lists asked for."""
    member = swarm_membership(client)
    active = member["state"] == "active"
    result = dict(
        can_talk_to_docker=True, docker_swarm_active=active, docker_swarm_manager=active and member["manager"], swarm_facts={}, node_id=member["node_id"]
    )
    if not result["docker_swarm_manager"]:
        return result
    result["swarm_facts"] = swarm_facts(client)
    if params.get("unlock_key"):
        result["swarm_unlock_key"] = result["swarm_facts"].get("UnlockKey")
    if not params.get("join_tokens", True):
        for key in ("JoinTokens", "UnlockKey"):
            result["swarm_facts"].pop(key, None)
    verbose = params.get("verbose_output")
    with engine_errors("listing", "swarm objects"):
        nodes = client.nodes() if params.get("nodes") or params.get("tasks") else []
        services = client.services() if params.get("services") or params.get("tasks") else []
        if params.get("nodes"):
            listed = client.nodes(filters=params.get("nodes_filters")) if params.get("nodes_filters") else nodes
            result["nodes"] = listed if verbose else [_short_node(node) for node in listed]
        if params.get("services"):
            listed = client.services(filters=params.get("services_filters")) if params.get("services_filters") else services
            running: dict = {}
            for task in client.tasks(filters={"desired-state": "running"}):
                if (task.get("Status") or {}).get("State") == "running":
                    running[task.get("ServiceID")] = running.get(task.get("ServiceID"), 0) + 1
            result["services"] = listed if verbose else [_short_service(service, running) for service in listed]
        if params.get("tasks"):
            names = {s["ID"]: (s.get("Spec") or {}).get("Name") for s in services}
            hosts = {n["ID"]: (n.get("Description") or {}).get("Hostname") for n in nodes}
            tasks = client.tasks(filters=params.get("tasks_filters"))
            result["tasks"] = tasks if verbose else [_short_task(task, names, hosts) for task in tasks]
    return result
