# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Swarm services: the manager behind ``swarm_service``.

A service is one spec the swarm owns. Each option is declared once in ``SERVICE_OPTIONS``: its
argument spec, its path in the spec and how the task's value becomes the engine's. The manager
builds the parts the task sets, compares only those with the swarm's (a part the engine fills in
further, as defaults, still matches), and sends the whole current spec back with them replaced; the
swarm then rolls the tasks as ``update_config`` says. What services share with containers (mounts,
healthcheck, sizes, CPUs, durations, secret-looking variables in diffs) is parsed by the container
option table's own functions.
"""

from __future__ import annotations

import copy
import shlex
import time
from dataclasses import dataclass
from typing import Any, Callable

from ansible_collections.noar.docker.plugins.module_utils import container_options as copts
from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors, inspect_or_none
from ansible_collections.noar.docker.plugins.module_utils.compose import file_mode
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager
from ansible_collections.noar.docker.plugins.module_utils.swarm import require_manager, spec_get, spec_set
from ansible_collections.noar.docker.plugins.module_utils.units import (
    InvalidOption,
    as_text,
    duration_to_nano,
    parse_duration,
)

CS = ("TaskTemplate", "ContainerSpec")
# How long a swarm takes to notice a started update; waiting looks no earlier than this.
SETTLE_SECONDS = 1.0


@dataclass(frozen=True)
class ServiceOption:
    """One task option: its argument spec, where it lives in the service spec, and how it gets there."""

    name: str
    path: tuple
    spec: dict
    # (task value, manager) -> the engine's value; the manager resolves names of networks, secrets, configs.
    parse: Callable = lambda value, manager: value
    ordered: bool = True  # False: a list compared as a set (sorted on both sides)
    also: tuple = ()  # other options that make this one part of the task


def _words(value: Any, manager: ServiceManager) -> list:
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError as exc:
            raise InvalidOption("command", f"{value!r} cannot be split into words as a shell would: {exc}") from None
    return [as_text(item) for item in value]


def _image(value: Any, manager: ServiceManager) -> str:
    name = str(value).strip()
    if not name:
        raise InvalidOption("image", "an image is required for a service")
    last = name.rsplit("/", 1)[-1]
    name = name if "@" in name or ":" in last else name + ":latest"
    if manager.params.get("resolve_image") and "@" not in name:
        name += "@" + manager.registry_digest(name)
    return name


def _env(value: Any, manager: ServiceManager) -> list:
    env: dict = {}
    for path in manager.params.get("env_files") or ():
        env.update(copts.parse_env_file(path))
    if isinstance(value, dict):
        env.update({str(k): as_text(v) for k, v in value.items()})
        items = [f"{k}={v}" for k, v in env.items()]
    else:
        items = [f"{k}={v}" for k, v in env.items()] + [as_text(item) for item in value or ()]
    bad = [item for item in items if "=" not in item]
    if bad:
        raise InvalidOption("env", f"{bad[0]!r}: each entry is NAME=value")
    return sorted(items)


def _text_dict(value: Any, manager: ServiceManager) -> dict:
    return {str(k): as_text(v) for k, v in value.items()}


def _nano(option: str) -> Callable[[Any], int]:
    return lambda value: duration_to_nano(parse_duration(value, option))


def _sub(option: str, fields: dict) -> Callable:
    """A dict option whose keys map to engine fields: ``key -> (engine field, converter)``."""

    def parse(value: Any, manager: ServiceManager) -> dict:
        result = {}
        for key, item in (value or {}).items():
            if item is None:
                continue
            field, convert = fields[key]
            result[field] = convert(item) if convert else item
        return result

    return parse


def _mode(value: Any, manager: ServiceManager) -> dict:
    replicas = manager.params.get("replicas")
    if value == "global":
        if replicas not in (None, -1):
            raise InvalidOption("replicas", "a global service runs one task on each node: replicas is for mode=replicated")
        return dict(Global={})
    if replicas is None or replicas == -1:
        return dict(Replicated={})
    if replicas < 0:
        raise InvalidOption("replicas", f"must be 0 or more (or -1 to leave it as it is), got {replicas}")
    return dict(Replicated=dict(Replicas=replicas))


def _publish(value: Any, manager: ServiceManager) -> list:
    ports = []
    for index, port in enumerate(value):
        if not port.get("target_port"):
            raise InvalidOption("publish", f"publish[{index}]: target_port is required")
        engine = dict(Protocol=port.get("protocol") or "tcp", TargetPort=int(port["target_port"]))
        if port.get("published_port") is not None:
            engine["PublishedPort"] = int(port["published_port"])
        if port.get("mode"):
            engine["PublishMode"] = port["mode"]
        ports.append(engine)
    return sorted(ports, key=lambda p: (p["TargetPort"], p["Protocol"], p.get("PublishedPort", 0)))


def _placement(value: Any, manager: ServiceManager) -> dict:
    result: dict = {}
    if value.get("constraints") is not None:
        result["Constraints"] = sorted(str(c) for c in value["constraints"])
    if value.get("preferences") is not None:
        preferences = []
        for item in value["preferences"]:
            if set(item) != {"spread"}:
                raise InvalidOption("placement.preferences", f"{item!r}: each preference is spread: <node attribute>")
            preferences.append(dict(Spread=dict(SpreadDescriptor=str(item["spread"]))))
        result["Preferences"] = preferences
    if value.get("replicas_max_per_node") is not None:
        result["MaxReplicas"] = int(value["replicas_max_per_node"])
    return result


def _networks(value: Any, manager: ServiceManager) -> list:
    result = []
    for item in value:
        item = dict(name=item) if isinstance(item, str) else item
        network = manager.network(item["name"])
        engine = dict(Target=network["Id"])
        if item.get("aliases"):
            engine["Aliases"] = [str(a) for a in item["aliases"]]
        if item.get("options"):
            engine["DriverOpts"] = _text_dict(item["options"], manager)
        result.append(engine)
    return sorted(result, key=lambda n: n["Target"])


def _references(kind: str) -> Callable:
    """``secrets``/``configs``: each by name, resolved to the swarm object, mounted as a file."""
    id_key, name_key = f"{kind.capitalize()}ID", f"{kind.capitalize()}Name"

    def parse(value: Any, manager: ServiceManager) -> list:
        result = []
        for index, item in enumerate(value):
            name = item[f"{kind}_name"]
            object_id = item.get(f"{kind}_id") or manager.swarm_object(kind, name)["ID"]
            mode = item.get("mode")
            result.append(
                {
                    id_key: object_id,
                    name_key: name,
                    "File": dict(
                        Name=item.get("filename") or name,
                        UID=str(item.get("uid") or "0"),
                        GID=str(item.get("gid") or "0"),
                        Mode=file_mode(0o444 if mode is None else mode, f"{kind}s[{index}]", f"{kind}s"),
                    ),
                }
            )
        return sorted(result, key=lambda r: r["File"]["Name"])

    return parse


def _renamed(exc: InvalidOption, container: str, service: str) -> InvalidOption:
    """A container option's refusal under the service option's name (``memory: ...`` as ``limits.memory: ...``)."""
    if exc.option == container or exc.option.startswith((container + ".", container + "[")):
        return InvalidOption(service + exc.option[len(container) :], exc.reason)
    return exc


def _through_container(option: copts.Option, field: copts.ServiceField) -> Callable:
    """(task value, manager) -> the service spec's value: read by the container option's own parser and checked by
    the rules that option takes alone (``limit_problems``: the 6m memory floor), then converted."""
    read = option.parse
    if read is None:  # a table entry that steers the container module cannot be a service's
        raise TypeError(f"container option {option.name} has a service field but no parser")

    def parse(value: Any, manager: ServiceManager) -> Any:
        try:
            if field.api:
                manager.context().require_api(field.name, field.api)
            view = read(field.accept(value), manager.context())
            for _option, why in copts.limit_problems({option.name: view}):
                raise InvalidOption(option.name, why)
        except InvalidOption as exc:
            raise _renamed(exc, option.name, field.name) from None
        return field.convert(view)

    return parse


def _bound_spec(option: copts.Option, field: copts.ServiceField) -> dict:
    # A container option's aliases are its module's (ports, log_opt): a service's are in field.spec.
    return copy.deepcopy(field.spec) if field.spec else {k: v for k, v in option.spec.items() if k != "aliases"}


def _bound_options() -> dict:
    """The service options that are container options (their ``service`` fields in the container table); a dotted
    field name (``limits.memory``) is a suboption, and the suboptions of one name make one dict option."""
    made: dict = {}
    groups: dict = {}
    for option in copts.OPTIONS.values():
        for field in option.service:
            top, _dot, sub = field.name.partition(".")
            if sub:
                groups.setdefault(top, []).append((sub, option, field))
            else:
                made[top] = ServiceOption(top, field.path, _bound_spec(option, field), _through_container(option, field), ordered=field.ordered)
    for top, members in groups.items():
        path = members[0][2].path[:-1]
        parsers = {sub: (field.path[-1], _through_container(option, field)) for sub, option, field in members}

        def parse(value: Any, manager: ServiceManager, parsers: dict = parsers) -> dict:
            return {key: convert(item, manager) for sub, (key, convert) in parsers.items() if (item := (value or {}).get(sub)) is not None}

        made[top] = ServiceOption(top, path, dict(type="dict", options={sub: _bound_spec(option, field) for sub, option, field in members}), parse)
    return made


_ROLLOUT = dict(
    parallelism=("Parallelism", int),
    delay=("Delay", _nano("update_config.delay")),
    failure_action=("FailureAction", None),
    monitor=("Monitor", _nano("update_config.monitor")),
    max_failure_ratio=("MaxFailureRatio", float),
    order=("Order", None),
)
_ROLLOUT_SPEC = dict(
    type="dict",
    options=dict(
        parallelism=dict(type="int"),
        delay=dict(type="str"),
        failure_action=dict(type="str", choices=["continue", "pause", "rollback"]),
        monitor=dict(type="str"),
        max_failure_ratio=dict(type="float"),
        order=dict(type="str", choices=["stop-first", "start-first"]),
    ),
)
_REFERENCE_SPEC = dict(filename=dict(type="str"), uid=dict(type="str"), gid=dict(type="str"), mode=dict(type="raw"))

SERVICE_OPTIONS = {
    option.name: option
    for option in (
        ServiceOption("image", CS + ("Image",), dict(type="str"), _image),
        ServiceOption("command", CS + ("Command",), dict(type="raw"), _words),
        ServiceOption("args", CS + ("Args",), dict(type="list", elements="str"), _words),
        ServiceOption("env", CS + ("Env",), dict(type="raw"), _env, ordered=False, also=("env_files",)),
        ServiceOption("stop_grace_period", CS + ("StopGracePeriod",), dict(type="str"), lambda value, manager: _nano("stop_grace_period")(value)),
        ServiceOption(
            "secrets",
            CS + ("Secrets",),
            dict(
                type="list",
                elements="dict",
                options=dict(secret_name=dict(type="str", required=True), secret_id=dict(type="str"), **_REFERENCE_SPEC),
                no_log=False,
            ),
            _references("secret"),
        ),
        ServiceOption(
            "configs",
            CS + ("Configs",),
            dict(type="list", elements="dict", options=dict(config_name=dict(type="str", required=True), config_id=dict(type="str"), **_REFERENCE_SPEC)),
            _references("config"),
        ),
        ServiceOption(
            "restart_config",
            ("TaskTemplate", "RestartPolicy"),
            dict(
                type="dict",
                options=dict(
                    condition=dict(type="str", choices=["none", "on-failure", "any"]),
                    delay=dict(type="str"),
                    max_attempts=dict(type="int"),
                    window=dict(type="str"),
                ),
            ),
            _sub(
                "restart_config",
                dict(
                    condition=("Condition", None),
                    delay=("Delay", _nano("restart_config.delay")),
                    max_attempts=("MaxAttempts", int),
                    window=("Window", _nano("restart_config.window")),
                ),
            ),
        ),
        ServiceOption(
            "placement",
            ("TaskTemplate", "Placement"),
            dict(
                type="dict",
                options=dict(
                    constraints=dict(type="list", elements="str"), preferences=dict(type="list", elements="dict"), replicas_max_per_node=dict(type="int")
                ),
            ),
            _placement,
        ),
        ServiceOption("networks", ("TaskTemplate", "Networks"), dict(type="list", elements="raw"), _networks),
        ServiceOption("labels", ("Labels",), dict(type="dict"), _text_dict),
        ServiceOption("mode", ("Mode",), dict(type="str", choices=["replicated", "global"]), _mode),
        ServiceOption("update_config", ("UpdateConfig",), _ROLLOUT_SPEC, _sub("update_config", _ROLLOUT)),
        ServiceOption("rollback_config", ("RollbackConfig",), _ROLLOUT_SPEC, _sub("rollback_config", _ROLLOUT)),
        ServiceOption(
            "publish",
            ("EndpointSpec", "Ports"),
            dict(
                type="list",
                elements="dict",
                options=dict(
                    published_port=dict(type="int"),
                    target_port=dict(type="int", required=True),
                    protocol=dict(type="str", default="tcp", choices=["tcp", "udp", "sctp"]),
                    mode=dict(type="str", choices=["ingress", "host"]),
                ),
            ),
            _publish,
        ),
        ServiceOption("endpoint_mode", ("EndpointSpec", "Mode"), dict(type="str", choices=["vip", "dnsrr"])),
    )
}
# The options services share with containers: declared once, in the container table.
SERVICE_OPTIONS.update(_bound_options())

MODULE_ARGS: dict[str, dict] = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    replicas=dict(type="int", default=-1),
    env_files=dict(type="list", elements="path"),
    resolve_image=dict(type="bool", default=False),
    force_update=dict(type="bool", default=False),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=300),
    **{name: dict(option.spec) for name, option in SERVICE_OPTIONS.items()},
)


def _empty(value: Any) -> bool:
    return value in (None, False, 0, "", [], {})


def satisfies(desired: Any, actual: Any) -> bool:
    """Whether the engine's ``actual`` holds ``desired``: every key the task set, recursively; lists item by item.

    The engine leaves out zero values and fills in defaults, so an empty desired value matches a missing
    one and keys the task did not set are not compared.
    """
    if isinstance(desired, dict):
        actual = actual if isinstance(actual, dict) else {}
        return all(satisfies(value, actual.get(key)) for key, value in desired.items())
    if isinstance(desired, list):
        actual = actual or []
        return len(desired) == len(actual) and all(satisfies(d, a) for d, a in zip(desired, actual))
    if _empty(desired):
        return _empty(actual)
    return desired == actual


def _image_without_digest(image: Any) -> str:
    return str(image or "").split("@", 1)[0]


class ServiceManager(Manager):
    """Plans and applies one ``swarm_service`` task."""

    def __init__(self, client: Any, params: dict, pending: set | frozenset = frozenset(), manager_checked: bool = False) -> None:
        self.client = client
        self.params = params
        self.name = params["name"]
        # (kind, name) of networks, secrets and configs a larger plan (a stack) makes before this one is applied.
        self.pending = pending
        # A stack checks once that its engine is a swarm manager, not once per service.
        self.manager_checked = manager_checked
        self.service: dict = {}
        self.warnings: list = []
        self._objects: dict = {}
        self._context: copts.Context | None = None

    # Names the task uses, resolved once per run.
    def network(self, name: str) -> dict:
        found = self._objects.get(("network", name))
        if found is None:
            found = inspect_or_none(f"network {name}", self.client.inspect_network, name)
            if found is None and ("network", name) in self.pending:
                return dict(Id=f"(network {name}, to be made)", Scope="swarm")
            if found is None:
                raise InvalidOption("networks", f"no network named {name}")
            if found.get("Scope") != "swarm":
                raise InvalidOption(
                    "networks", f"network {name} is a {found.get('Driver')} network of one engine; a service needs a swarm-scoped (overlay) network"
                )
            self._objects[("network", name)] = found
        return found

    def swarm_object(self, kind: str, name: str) -> dict:
        found = self._objects.get((kind, name))
        if found is None:
            with engine_errors("listing", f"{kind}s"):
                listed = getattr(self.client, f"{kind}s")(filters={"name": name})
            found = next((item for item in listed if (item.get("Spec") or {}).get("Name") == name), None)
            if found is None and (kind, name) in self.pending:
                return dict(ID=f"({kind} {name}, to be made)")
            if found is None:
                raise InvalidOption(f"{kind}s", f"no {kind} named {name} in this swarm")
            self._objects[(kind, name)] = found
        return found

    def context(self) -> copts.Context:
        """What the container options' parsers read besides a value: the task and the engine's API version."""
        if self._context is None:
            self._context = copts.Context(self.params, api_version=getattr(self.client, "api_version", None) or "1.41")
        return self._context

    def registry_digest(self, image: str) -> str:
        """The digest the registry has for ``image`` now (``resolve_image``), as the swarm would pin it."""
        try:
            with engine_errors("asking the registry about", f"image {image}"):
                return self.client.inspect_distribution(image)["Descriptor"]["digest"]
        except EngineError as exc:
            raise InvalidOption(
                "resolve_image", f"{exc.msg}; without a registry, leave resolve_image false (the nodes then use the image of that name they have)"
            ) from None

    def read(self) -> dict | None:
        if not self.manager_checked:
            require_manager(self.client, "managing a service")
        self.service = inspect_or_none(f"service {self.name}", self.client.inspect_service, self.name) or {}
        return self.service or None

    def desired(self) -> dict:
        """``option -> engine value`` for each option the task sets."""
        want = {}
        for name, option in SERVICE_OPTIONS.items():
            value = self.params.get(name)
            if value is None and any(self.params.get(other) is not None for other in option.also):
                value = {}
            if name == "mode" and value is None and (self.params.get("replicas") not in (None, -1) or not self.service):
                value = "replicated"  # replicas alone, or a new service: the engine's default mode
            if value is None:
                continue
            parsed = option.parse(value, self)
            want[name] = sorted(parsed) if isinstance(parsed, list) and not option.ordered else parsed
        # What the container options' parsers found worth saying (log options that are not text, ...), once.
        self.warnings.extend(w for w in self.context().warnings if w not in self.warnings)
        return want

    def differs(self, want: dict, spec: dict) -> dict:
        changed = {}
        for name, value in want.items():
            have = spec_get(spec, SERVICE_OPTIONS[name].path)
            if name == "image" and "@" not in value:
                have = _image_without_digest(have)
            if isinstance(have, list) and not SERVICE_OPTIONS[name].ordered:
                have = sorted(have)
            elif isinstance(have, list) and name in ("mounts", "secrets", "configs", "networks", "publish"):
                have = sorted(have, key=_SORT_KEYS[name])
            if not satisfies(value, have) or (name == "mode" and set(value) != set(have or {})):
                changed[name] = (have, value)
        return changed

    def plan(self, actual: dict | None) -> list:
        if self.params["state"] == "absent":
            if not actual:
                return []
            return [Action("remove", f"service {self.name}", before=dict(service=self.name), after=dict(service="absent"))]
        want = self.desired()
        if not actual:
            if "image" not in want:
                raise InvalidOption("image", f"service {self.name} does not exist; making it needs an image")
            return [Action("create", f"service {self.name}", before=dict(state="absent"), after=self._shown(dict(want)), data=dict(want=want))]
        spec = actual.get("Spec") or {}
        changed = self.differs(want, spec)
        if "mode" in changed and set(changed["mode"][0] or {}) != set(want["mode"]):
            return [
                Action(
                    "recreate",
                    f"service {self.name}",
                    before=self._shown({"mode": changed["mode"][0]}),
                    after=self._shown({"mode": changed["mode"][1]}),
                    reason="mode cannot change in place",
                    data=dict(want=want),
                )
            ]
        if self.params.get("force_update"):
            changed.setdefault("force_update", (None, True))
        if not changed:
            return []
        return [
            Action(
                "update",
                f"service {self.name}",
                before=self._shown({k: v[0] for k, v in changed.items()}),
                after=self._shown({k: v[1] for k, v in changed.items()}),
                reason="changed: " + ", ".join(sorted(changed)),
                data=dict(want=want),
            )
        ]

    @staticmethod
    def _shown(values: dict) -> dict:
        # Diffs are printed: variables that look like secrets are masked, as containers' are.
        if "env" in values and isinstance(values["env"], list):
            values = dict(values, env=sorted(f"{k}={v}" for k, v in copts.show_env(copts.split_env(values["env"])).items()))
        return values

    def apply(self, plan: list) -> None:
        # What was pending when this was planned exists now: its IDs are read again.
        want = None
        if self.pending:
            self._objects = {}
            want = self.desired()
        for action in plan:
            if want is not None and "want" in action.data:
                action.data["want"] = want
            # A service made again keeps what the task does not set from the one it replaces.
            kept = ("Labels", "TaskTemplate", "UpdateConfig", "RollbackConfig", "EndpointSpec")
            spec: dict = dict(Name=self.name, **{key: copy.deepcopy(value) for key, value in (self.service.get("Spec") or {}).items() if key in kept})
            if action.kind in ("remove", "recreate"):
                with engine_errors("removing", action.target):
                    self.client.remove_service(self.service["ID"])
                self.service = {}
            if action.kind in ("create", "recreate"):
                for name, value in action.data["want"].items():
                    spec_set(spec, SERVICE_OPTIONS[name].path, value)
                if "Mode" not in spec:
                    spec["Mode"] = dict(Replicated={})
                with engine_errors("creating", action.target):
                    made = self.client.create_service(
                        spec["TaskTemplate"],
                        name=self.name,
                        labels=spec.get("Labels"),
                        mode=spec["Mode"],
                        update_config=spec.get("UpdateConfig"),
                        rollback_config=spec.get("RollbackConfig"),
                        endpoint_spec=spec.get("EndpointSpec"),
                    )
                self._collect_warnings(made)
            if action.kind == "update":
                self._update(action.data["want"])
        if plan and self.params["state"] == "present":
            if self.params.get("wait"):
                self.wait_converged()
            self.service = self.client.inspect_service(self.name)

    def _update(self, want: dict) -> None:
        spec = copy.deepcopy(self.service["Spec"])
        for name, value in want.items():
            path = SERVICE_OPTIONS[name].path
            current = spec_get(spec, path)
            # A dict the task sets in part keeps the engine's other keys (update_config.order alone keeps
            # the parallelism it had).
            if isinstance(value, dict) and isinstance(current, dict) and name != "mode":
                value = dict(current, **value)
            spec_set(spec, path, value)
        if self.params.get("force_update"):
            template = spec.setdefault("TaskTemplate", {})
            template["ForceUpdate"] = int(template.get("ForceUpdate") or 0) + 1
        with engine_errors("updating", f"service {self.name}"):
            answer = self.client.update_service(
                self.service["ID"],
                self.service["Version"]["Index"],
                task_template=spec["TaskTemplate"],
                name=self.name,
                labels=spec.get("Labels") or {},
                mode=spec.get("Mode"),
                update_config=spec.get("UpdateConfig"),
                rollback_config=spec.get("RollbackConfig"),
                endpoint_spec=spec.get("EndpointSpec") or {},
            )
        self._collect_warnings(answer)

    def _collect_warnings(self, answer: Any) -> None:
        for warning in (answer or {}).get("Warnings") or []:
            if "could not be accessed on a registry" not in warning:  # images made locally have no registry digest
                self.warnings.append(f"service {self.name}: {warning}")

    def wait_converged(self) -> None:
        """Until the rollout finished and every task runs; a rollback or pause fails, with the swarm's reason."""
        deadline = time.monotonic() + int(self.params.get("wait_timeout") or 300)
        time.sleep(SETTLE_SECONDS)
        while True:
            service = self.client.inspect_service(self.name)
            status = service.get("UpdateStatus") or {}
            state = status.get("State") or ""
            if state in ("rollback_completed", "rollback_paused"):
                raise EngineError(
                    f"service {self.name}: the update failed and the swarm rolled it back ({status.get('Message') or state})", update_status=status
                )
            if state == "paused":
                raise EngineError(f"service {self.name}: the swarm paused the update ({status.get('Message')})", update_status=status)
            rolling = state in ("updating", "rollback_started")
            if not rolling and self._running(service):
                return
            if time.monotonic() > deadline:
                raise EngineError(
                    f"service {self.name} did not converge within wait_timeout="
                    f"{self.params.get('wait_timeout')} seconds (update state {state or 'none'}; "
                    f"tasks: {self._task_states()})"
                )
            time.sleep(1)

    def _running(self, service: dict) -> bool:
        with engine_errors("listing", f"tasks of service {self.name}"):
            tasks = self.client.tasks(filters={"service": service["ID"], "desired-state": "running"})
        running = [t for t in tasks if (t.get("Status") or {}).get("State") == "running"]
        replicas = (((service.get("Spec") or {}).get("Mode") or {}).get("Replicated") or {}).get("Replicas")
        if replicas is None:  # global: one on each node that should run it
            return bool(tasks) and len(running) == len(tasks)
        return len(running) == replicas and len(tasks) == replicas

    def _task_states(self) -> str:
        tasks = self.client.tasks(filters={"service": self.name, "desired-state": "running"})
        return ", ".join(sorted(f"{(t.get('Status') or {}).get('State')}: {(t.get('Status') or {}).get('Err') or ''}" for t in tasks)) or "none"

    def plan_result(self, plan: list) -> dict:
        return dict(
            changes=sorted({key for action in plan for key in action.after if key != "state"}), rebuilt=any(action.kind == "recreate" for action in plan)
        )

    def result(self) -> dict:
        return dict(swarm_service=self.service)


_SORT_KEYS = dict(
    mounts=lambda m: m.get("Target") or "",
    secrets=lambda r: (r.get("File") or {}).get("Name") or "",
    configs=lambda r: (r.get("File") or {}).get("Name") or "",
    networks=lambda n: n.get("Target") or "",
    publish=lambda p: (p.get("TargetPort") or 0, p.get("Protocol") or "", p.get("PublishedPort") or 0),
)
