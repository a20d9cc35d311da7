# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container options, each declared once.

One ``Option`` says everything about a task option: its argument-spec entry, how the task's value is
normalised, how the same view is read from ``docker inspect``, where it goes in the create body, how
it is compared by default (community.docker's defaults: sets and dicts ``allow_more_present``, lists
and scalars ``strict``), and whether ``docker update`` changes it in place. The module's argument
spec, the desired and actual views, the create body, the update body and the comparison are all made
from ``OPTIONS``; nothing else re-declares an option.

An option a Swarm service also has carries a ``ServiceField`` (its ``service`` binding): the name the
``swarm_service`` module gives it, where a service spec keeps it, and how the container's normalised value
becomes the service's. ``swarm_service`` makes those options from this table (their argument spec and
their parser are the container's), so both modules check a value the same way by construction.

Options with ``read=None`` steer the module (state, pull, ...) and are never compared.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import os
import re
import shlex
import socket
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, require_api
from ansible_collections.noar.docker.plugins.module_utils.converge import COMPARISONS, compare
from ansible_collections.noar.docker.plugins.module_utils.units import (
    UNLIMITED,
    InvalidOption,
    as_text,
    cpus_to_nano,
    duration_to_nano,
    format_duration,
    format_size,
    parse_cpus,
    parse_duration,
    parse_port_range,
    parse_size,
)

MIN_MEMORY = 6 * 1024 * 1024  # the engine refuses less than 6 MiB
STATES = ("present", "started", "stopped", "healthy", "absent")
MOUNT_TYPES = ("bind", "npipe", "tmpfs", "volume", "cluster", "image")
PROPAGATIONS = ("private", "rprivate", "shared", "rshared", "slave", "rslave")
VOLUME_MODES = {"ro", "rw", "z", "Z", "shared", "rshared", "slave", "rslave", "private", "rprivate", "nocopy", "consistent", "cached", "delegated"}


class Context:
    """What normalising a task needs besides an option's own value: the other options, the image's
    configuration (its defaults are folded in where the engine folds them), and the engine."""

    def __init__(self, params: dict, image: Optional[dict] = None, api_version: str = "1.41"):
        self.params = params
        self.image_config = (image or {}).get("Config") or {}
        self.api_version = api_version
        self.warnings: list = []  # what normalising found worth saying, for the module to warn about

    def require_api(self, option: str, version: str) -> None:
        """Fail for an option the engine's API is too old for, rather than have it dropped silently."""
        require_api(self.api_version, option, version)


CONTAINER_SPEC = ("TaskTemplate", "ContainerSpec")


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class ServiceField:
    """Where a Swarm service keeps a container option: the ``swarm_service`` option (``limits.memory`` for a
    suboption) and its path in the service spec. ``convert`` turns the container's normalised value into the
    spec's, ``accept`` the service's spelling of a task value into the container's (docker_swarm_service's
    ``driver_config`` of a mount). ``same``: a container's value of this option is the service's (False where a
    service field is only parsed alike, as ``reservations.cpus`` is by ``cpus``)."""

    name: str
    path: tuple
    convert: Callable = _same
    ordered: bool = True  # False: a list compared as a set (sorted on both sides)
    spec: Optional[dict] = None  # the service's argument spec, where it differs from the container's
    accept: Callable = _same
    api: str = ""  # the Engine API version a service needs for it
    same: bool = True


@dataclass(frozen=True)
class Option:
    """One task option (see the module docstring)."""

    name: str
    spec: dict
    parse: Optional[Callable] = None  # (task value, Context) -> the normalised value
    read: Optional[Callable] = None  # (inspect data) -> the same normalised form; None: not compared
    write: Optional[Callable] = None  # (create body, normalised value) -> None
    comparison: str = "strict"
    update: Optional[str] = None  # field of POST /containers/{id}/update; None: a change recreates
    show: Optional[Callable] = None  # (normalised value, what the task wrote) -> what a diff shows
    matches: Optional[Callable] = None  # (comparison: str, desired: Any, actual: Any) -> bool, for structured shapes
    also: tuple = ()  # other options that make this one part of the view
    field: str = ""  # the engine field it is written to, to name it in engine refusals
    service: tuple = ()  # ServiceFields: where Swarm services keep it (none: containers only)

    def given(self, params: dict) -> bool:
        return any(params.get(name) is not None for name in (self.name,) + self.also)


def bind(option: Option, *fields: ServiceField) -> Option:
    """``option`` as Swarm services also have it (``fields``: see ``ServiceField``)."""
    return dataclasses.replace(option, service=fields)


def switch(name: str, **spec: Any) -> Option:
    """A module option that steers what the module does and is not a property of the container."""
    return Option(name, spec)


# ---------------------------------------------------------------------------------------------
# Normalisers shared by simple options: one form for the task's value and the engine's


def _dig(container: dict, path: str) -> Any:
    value: Any = container
    for key in path.split("."):
        value = (value or {}).get(key)
    return value


def text_map(value: dict, option: str) -> dict:
    """A mapping option's keys and values as text; an empty key names nothing, so it is refused here rather
    than by the engine in words that do not name the option."""
    result = {}
    for key, item in (value or {}).items():
        if not str(key).strip():
            raise InvalidOption(option, "a key cannot be empty")
        result[as_text(key)] = as_text(item)
    return result


KINDS: dict = {
    # kind: (task value -> view, engine value -> view, argument spec, default comparison)
    "str": (lambda v, o: as_text(v), lambda v: v or "", dict(type="str"), "strict"),
    "bool": (lambda v, o: bool(v), bool, dict(type="bool"), "strict"),
    "int": (lambda v, o: int(v), lambda v: v or 0, dict(type="int"), "strict"),
    "size": (parse_size, lambda v: v or 0, dict(type="str"), "strict"),
    "list": (lambda v, o: [as_text(i) for i in v], lambda v: list(v or []), dict(type="list", elements="str"), "strict"),
    "set": (lambda v, o: sorted({as_text(i) for i in v}), lambda v: sorted(v or []), dict(type="list", elements="str"), "allow_more_present"),
    "dict": (text_map, lambda v: dict(v or {}), dict(type="dict"), "allow_more_present"),
}


def simple(name: str, path: str, kind: str, *, update: bool = False, comparison: Optional[str] = None, show: Optional[Callable] = None, **spec: Any) -> Option:
    """An option that is one engine field: ``path`` is ``Config.X`` or ``HostConfig.X`` in inspect data."""
    to_view, from_engine, base_spec, default_comparison = KINDS[kind]
    section, engine_field = path.split(".", 1)

    def write(body: dict, value: Any) -> None:
        (body if section == "Config" else body.setdefault("HostConfig", {}))[engine_field] = value

    spec = {**base_spec, **spec}
    if spec["type"] != "list":
        spec.pop("elements", None)
    return Option(
        name,
        spec,
        parse=lambda value, ctx: to_view(value, name),
        read=lambda container: from_engine(_dig(container, path)),
        write=write,
        comparison=comparison or default_comparison,
        update=engine_field if update else None,
        show=show,
        field=engine_field.rsplit(".", 1)[-1],
    )


def _show_cpus(value: Any, written: Any = None) -> Any:
    return value / 1e9 if isinstance(value, int) else value


_SECRET_KEY = re.compile(r"pass|secret|token|key|credential", re.IGNORECASE)


def show_env(value: Any, written: Any = None) -> Any:
    # Diffs are printed; values of variables that look like secrets are not.
    return {k: ("********" if _SECRET_KEY.search(k) else v) for k, v in value.items()}


def _show_healthcheck(value: Any, written: Any = None) -> Any:
    return {k: (format_duration(v / 1e9) if k in _DURATIONS else v) for k, v in value.items()}


# ---------------------------------------------------------------------------------------------
# Structured options: a parser, a reader and a writer of their own


_PORT = r"\d+(-\d+)?"
_HOST_IP = re.compile(r"[0-9a-fA-F:.]+(%[0-9A-Za-z_.-]+)?")
_HOST_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")


@functools.lru_cache(maxsize=None)
def resolve_host(name: str, value: str) -> str:
    """A bind address given as a host name, as this host resolves it (an IPv4 address where it has one)."""
    try:
        found = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        found = []
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise InvalidOption(
            "published_ports",
            f"{value!r}: the bind address {name!r} is a host name that does not resolve here; write an IP address or a name this host resolves",
        )
    return next((a for a in addresses if ":" not in a), addresses[0])


def parse_published_ports(values: Any, ctx: Optional[Context] = None) -> list:
    """``[container/proto, host_ip, host_port]`` triples, as docker run's ``-p`` reads them.

    A host range for one container port is kept whole (the engine picks a free port in it); ranges of
    unequal length are cut to the shorter, as community.docker does.
    """
    default_ip = (ctx.params.get("default_host_ip") if ctx else None) or ""
    result: list = []
    for value in values or []:
        text, proto = str(value).strip(), "tcp"
        if "/" in text:
            text, proto = text.rsplit("/", 1)
        ip = None
        if text.startswith("["):  # [IPv6]:host:container, zone ids allowed
            ip, _sep, text = text[1:].partition("]:")
            parts = text.split(":") if _sep else ["x", "x", "x"]
        else:
            parts = text.split(":")
            if len(parts) == 3:
                ip = parts.pop(0)
        if len(parts) == 1:
            parts = ["", parts[0]]
        if ip and not _HOST_IP.fullmatch(ip) and _HOST_NAME.fullmatch(ip):
            ip = resolve_host(ip, value)
        if (
            len(parts) != 2
            or proto not in ("tcp", "udp", "sctp")
            or not re.fullmatch(_PORT, parts[1])
            or (parts[0] and not re.fullmatch(_PORT, parts[0]))
            or (ip and not _HOST_IP.fullmatch(ip))
        ):
            raise InvalidOption(
                "published_ports",
                f"{value!r} is not a port mapping: write CONTAINER, HOST:CONTAINER or IP:HOST:CONTAINER, "
                "optionally with /tcp, /udp or /sctp (as 127.0.0.1:8080:80/tcp)",
            )
        host, container = parts
        containers = parse_port_range(container, "published_ports", value)
        ip = default_ip if ip is None or ip == "" and default_ip else ip
        if not host:
            result.extend([f"{port}/{proto}", ip, ""] for port in containers)
            continue
        hosts = parse_port_range(host, "published_ports", value)
        if len(containers) == 1 and len(hosts) > 1:
            result.append([f"{containers[0]}/{proto}", ip, f"{hosts[0]}-{hosts[-1]}"])
            continue
        if len(hosts) == 1:
            hosts = [hosts[0] + offset for offset in range(len(containers))]
        result.extend([f"{c}/{proto}", ip, str(h)] for h, c in zip(hosts, containers))
    return sorted(result)


def _read_published_ports(container: dict) -> list:
    bindings = []
    for port, binds in (_dig(container, "HostConfig.PortBindings") or {}).items():
        for bind in binds or [{}]:
            bindings.append([port, bind.get("HostIp") or "", bind.get("HostPort") or ""])
    return sorted(bindings)


def _write_published_ports(body: dict, value: Any) -> None:
    bindings: dict = {}
    for port, ip, host_port in value:
        bindings.setdefault(port, []).append(dict(HostIp=ip, HostPort=host_port))
    body.setdefault("HostConfig", {})["PortBindings"] = bindings


def _bindings_by_port(triples: Any) -> dict:
    # Without an address, the engine (and community.docker's default) may have written 0.0.0.0.
    ports: dict = {}
    for port, ip, host in triples or []:
        ports.setdefault(port, set()).add(("" if ip == "0.0.0.0" else ip, host))
    return ports


def _ports_match(comparison: str, desired: Any, actual: Any) -> bool:
    """Compared per container port, as community.docker does: allow_more_present allows other published ports,
    but each port the task names must have exactly its bindings (a moved address or host range is a change)."""
    desired_ports, actual_ports = _bindings_by_port(desired), _bindings_by_port(actual)
    if comparison == "strict" and set(actual_ports) != set(desired_ports):
        return False
    return all(actual_ports.get(port) == bindings for port, bindings in desired_ports.items())


def parse_exposed_ports(values: Any, ctx: Optional[Context] = None) -> list:
    """Ports to expose, the image's and the published ones included (the engine adds them)."""
    result = set(ctx.image_config.get("ExposedPorts") or {}) if ctx else set()
    for value in values or []:
        text, _sep, proto = str(value).strip().partition("/")
        proto = proto or "tcp"
        if proto not in ("tcp", "udp", "sctp") or not re.fullmatch(_PORT, text):
            raise InvalidOption("exposed_ports", f"{value!r} is not a port: write 80 or 80/udp")
        result.update(f"{port}/{proto}" for port in parse_port_range(text, "exposed_ports", value))
    if ctx and ctx.params.get("published_ports"):
        result.update(mapping[0] for mapping in parse_published_ports(ctx.params["published_ports"], ctx))
    return sorted(result)


def _refuse_repeated_targets(option: str, targets: list) -> None:
    """The engine refuses a mount point given twice, but only once the container is being created."""
    seen: set = set()
    for target in targets:
        if target.rstrip("/") in seen:
            raise InvalidOption(option, f"the mount point {target} appears twice")
        seen.add(target.rstrip("/"))


def parse_volumes(values: Any, ctx: Optional[Context] = None) -> dict:
    """Binds (``src:dst[:mode]``, src a path or a volume name) and anonymous volumes (``/dst``, ``/dst:rw``)."""
    binds, anonymous = [], set((ctx.image_config.get("Volumes") or {}) if ctx else ())
    targets = []
    for value in values or []:
        parts = str(value).split(":")
        if len(parts) == 2 and parts[0].startswith("/") and set(parts[1].split(",")) <= VOLUME_MODES:
            if "ro" in parts[1].split(","):
                raise InvalidOption("volumes", f"{value!r}: an anonymous volume cannot be read-only here; use mounts with type volume and read_only")
            parts = parts[:1]
        if len(parts) == 1:
            if not parts[0].startswith("/"):
                raise InvalidOption("volumes", f"{value!r}: an anonymous volume needs an absolute path in the container")
            anonymous.add(parts[0])
            targets.append(parts[0])
            continue
        if len(parts) > 3 or not parts[0] or not parts[1].startswith("/"):
            raise InvalidOption("volumes", f"{value!r} is not SOURCE:/container/path[:ro|rw]")
        targets.append(parts[1])
        mode = parts[2] if len(parts) == 3 else "rw"
        if not set(mode.split(",")) <= VOLUME_MODES:
            raise InvalidOption("volumes", f"{value!r}: unknown mode {mode!r} (use ro or rw)")
        binds.append(f"{parts[0]}:{parts[1]}:{_rw(mode)}")
    _refuse_repeated_targets("volumes", targets)
    return dict(binds=sorted(binds), anonymous=sorted(anonymous))


def _rw(mode: str) -> str:
    return mode if {"ro", "rw"} & set(mode.split(",")) else "rw," + mode


def _read_volumes(container: dict) -> dict:
    binds = []
    for bind in _dig(container, "HostConfig.Binds") or []:
        parts = bind.split(":")
        binds.append(":".join(parts[:2] + [_rw(parts[2] if len(parts) > 2 else "rw")]))
    return dict(binds=sorted(binds), anonymous=sorted(_dig(container, "Config.Volumes") or {}))


def _write_volumes(body: dict, value: Any) -> None:
    body["Volumes"] = {path: {} for path in value["anonymous"]}
    body.setdefault("HostConfig", {})["Binds"] = value["binds"]


def _volumes_match(comparison: str, desired: Any, actual: Any) -> bool:
    return all(compare(comparison, desired[key], (actual or {}).get(key) or []) for key in ("binds", "anonymous"))


def volume_targets(view: dict) -> set:
    volumes = view.get("volumes") or dict(binds=[], anonymous=[])
    return {b.split(":")[1] for b in volumes["binds"]} | set(volumes["anonymous"])


# mounts: task suboption -> (engine path within a mount, how the task's value is normalised)
_MOUNT_FIELDS = dict(
    type=("Type", str),
    source=("Source", str),
    read_only=("ReadOnly", bool),
    consistency=("Consistency", str),
    propagation=("BindOptions.Propagation", str),
    create_mountpoint=("BindOptions.CreateMountpoint", bool),
    non_recursive=("BindOptions.NonRecursive", bool),
    read_only_non_recursive=("BindOptions.ReadOnlyNonRecursive", bool),
    read_only_force_recursive=("BindOptions.ReadOnlyForceRecursive", bool),
    no_copy=("VolumeOptions.NoCopy", bool),
    labels=("VolumeOptions.Labels", dict),
    volume_driver=("VolumeOptions.DriverConfig.Name", str),
    volume_options=("VolumeOptions.DriverConfig.Options", dict),
    subpath=("VolumeOptions.Subpath", str),
    tmpfs_size=("TmpfsOptions.SizeBytes", int),
    tmpfs_mode=("TmpfsOptions.Mode", int),
    tmpfs_options=("TmpfsOptions.Options", list),
)
_MOUNT_ONLY_FOR = dict(
    propagation="bind",
    create_mountpoint="bind",
    non_recursive="bind",
    read_only_non_recursive="bind",
    read_only_force_recursive="bind",
    no_copy="volume",
    labels="volume",
    volume_driver="volume",
    volume_options="volume",
    tmpfs_size="tmpfs",
    tmpfs_mode="tmpfs",
    tmpfs_options="tmpfs",
)
_MOUNT_API = dict(create_mountpoint="1.42", read_only_non_recursive="1.44", read_only_force_recursive="1.44", subpath="1.45", tmpfs_options="1.46")
_MOUNT_TYPE_API = dict(cluster="1.42", image="1.47")


def _octal(value: Any, option: str) -> int:
    try:
        return int(str(value), 8)
    except ValueError:
        raise InvalidOption(option, f"{value!r} is not an octal file mode (as 1777)") from None


def _tmpfs_options(value: Any, option: str) -> list:
    result = []
    for entry in value:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise InvalidOption(option, f"{entry!r}: each entry is a mapping of one option to its value (or null)")
        ((key, item),) = entry.items()
        result.append([str(key)] if item is None else [str(key), as_text(item)])
    return result


def parse_mounts(values: Any, ctx: Optional[Context] = None) -> list:
    """Each mount as the fields the task set, in the engine's terms; the engine fills in the others."""
    result = []
    for index, mount in enumerate(values or []):
        where = f"mounts[{index}]"
        if not mount.get("target"):
            raise InvalidOption("mounts", f"{where}: every mount needs a target (the path in the container)")
        kind = mount.get("type") or "volume"
        if kind == "bind" and not mount.get("source"):
            raise InvalidOption("mounts", f"{where}: a bind mount needs a source path on the host")
        if kind == "tmpfs" and mount.get("source"):
            raise InvalidOption("mounts", f"{where}: a tmpfs mount has no source")
        if ctx and kind in _MOUNT_TYPE_API:
            ctx.require_api(f"{where}.type", _MOUNT_TYPE_API[kind])
        item = dict(target=mount["target"], type=kind)
        for key, (_path, kind_of) in _MOUNT_FIELDS.items():
            value = mount.get(key)
            if value is None or key == "type":
                continue
            if key in _MOUNT_ONLY_FOR and _MOUNT_ONLY_FOR[key] != kind:
                raise InvalidOption("mounts", f"{where}.{key} is only for type {_MOUNT_ONLY_FOR[key]} mounts, not {kind}")
            if ctx and key in _MOUNT_API:
                ctx.require_api(f"{where}.{key}", _MOUNT_API[key])
            if key == "tmpfs_size":
                value = parse_size(value, f"{where}.tmpfs_size")
            elif key == "tmpfs_mode":
                value = _octal(value, f"{where}.tmpfs_mode")
            elif key == "tmpfs_options":
                value = _tmpfs_options(value, f"{where}.tmpfs_options")
            elif kind_of is dict:
                value = {as_text(k): as_text(v) for k, v in value.items()}
            else:
                value = kind_of(value)
            item[key] = value
        result.append(item)
    _refuse_repeated_targets("mounts", [m["target"] for m in result])
    return sorted(result, key=lambda m: m["target"])


def _read_mounts(container: dict) -> list:
    result = []
    for mount in _dig(container, "HostConfig.Mounts") or []:
        item = dict(target=mount.get("Target"))
        for key, (path, kind_of) in _MOUNT_FIELDS.items():
            value = _dig(mount, path)
            item[key] = value if value is not None else kind_of()
        result.append(item)
    return sorted(result, key=lambda m: m["target"])


def write_mounts(body: dict, value: Any) -> None:
    """Mounts into a create body's HostConfig; a swarm service's ContainerSpec takes the same (swarm_service)."""
    mounts = []
    for mount in value:
        engine: dict = dict(Target=mount["target"])
        for key, item in mount.items():
            if key == "target":
                continue
            *parents, last = _MOUNT_FIELDS[key][0].split(".")
            place = engine
            for parent in parents:
                place = place.setdefault(parent, {})
            place[last] = item
        mounts.append(engine)
    body.setdefault("HostConfig", {})["Mounts"] = mounts


def _mounts_match(comparison: str, desired: Any, actual: Any) -> bool:
    # Each mount is compared on the fields the task set.
    by_target = {m["target"]: m for m in actual or []}
    for mount in desired:
        have = by_target.get(mount["target"])
        if have is None or any(have.get(key) != value for key, value in mount.items()):
            return False
    return comparison != "strict" or set(by_target) <= {m["target"] for m in desired}


def parse_tmpfs(values: Any, ctx: Optional[Context] = None) -> dict:
    result = {}
    for value in values or []:
        path, _sep, options = str(value).partition(":")
        if not path.startswith("/"):
            raise InvalidOption("tmpfs", f"{value!r}: write /path or /path:options (as /run:size=64m)")
        result[path] = options
    return result


def parse_ulimits(values: Any, ctx: Optional[Context] = None) -> list:
    result = []
    for value in values or []:
        parts = str(value).split(":")
        try:
            soft = int(parts[1])
            hard = int(parts[2]) if len(parts) > 2 else soft
        except (IndexError, ValueError):
            raise InvalidOption("ulimits", f"{value!r} is not NAME:SOFT[:HARD] (as nofile:1024:2048)") from None
        if len(parts) > 3 or not parts[0]:
            raise InvalidOption("ulimits", f"{value!r} is not NAME:SOFT[:HARD] (as nofile:1024:2048)")
        result.append(f"{parts[0]}:{soft}:{hard}")
    return sorted(result)


def _write_ulimits(body: dict, value: Any) -> None:
    limits = []
    for ulimit in value:
        name, soft, hard = ulimit.split(":")
        limits.append(dict(Name=name, Soft=int(soft), Hard=int(hard)))
    body.setdefault("HostConfig", {})["Ulimits"] = limits


_DURATIONS = ("interval", "timeout", "start_period", "start_interval")
_HEALTH_FIELDS = dict(test="Test", interval="Interval", timeout="Timeout", start_period="StartPeriod", start_interval="StartInterval", retries="Retries")


def parse_healthcheck(value: Any, ctx: Optional[Context] = None) -> dict:
    """The fields the task set; without ``test`` the healthcheck is off unless ``test_cli_compatible``."""
    if not value:
        return {}
    result: dict = {}
    test = value.get("test")
    if test is None and value.get("test_cli_compatible"):
        test = (ctx.image_config.get("Healthcheck") or {}).get("Test") if ctx else None
    if test is None:
        return dict(test=["NONE"])  # community.docker's classic meaning: a healthcheck without a test is off
    if test is not None:
        if isinstance(test, str):
            test = ["CMD-SHELL", test]
        else:
            test = [str(t) for t in test]
            if test and test[0] not in ("CMD", "CMD-SHELL", "NONE"):
                test = ["CMD"] + test
        result["test"] = test
    for key in _DURATIONS:
        if value.get(key) is not None:
            if key == "start_interval" and ctx:
                ctx.require_api("healthcheck.start_interval", "1.44")
            result[key] = duration_to_nano(parse_duration(value[key], f"healthcheck.{key}"))
    if value.get("retries") is not None:
        retries = int(value["retries"])
        if retries < 0:
            raise InvalidOption("healthcheck.retries", f"cannot be negative, got {retries}")
        result["retries"] = retries
    return result


def _read_healthcheck(container: dict) -> dict:
    health = _dig(container, "Config.Healthcheck") or {}
    if not health:
        return {}
    result = dict(test=health.get("Test") or [])
    result.update({key: health[engine] for key, engine in _HEALTH_FIELDS.items() if key != "test" and health.get(engine)})
    return result


def write_healthcheck(body: dict, value: Any) -> None:
    """A healthcheck into a create body; a swarm service's ContainerSpec takes the same (swarm_service)."""
    if not value or "test" not in value or value["test"] == ["NONE"]:
        body["Healthcheck"] = dict(Test=["NONE"])
        return
    body["Healthcheck"] = {engine: value.get(key, 0) for key, engine in _HEALTH_FIELDS.items() if key in value or key != "start_interval"}


def _healthcheck_match(comparison: str, desired: Any, actual: Any) -> bool:
    if not desired or desired.get("test") == ["NONE"]:
        return not actual or actual.get("test") == ["NONE"]
    return all((actual or {}).get(key) == value for key, value in desired.items())


def capability_names(values: Any, ctx: Optional[Context] = None) -> list:
    """Capabilities without their CAP_ prefix, upper case and sorted (a swarm service writes them with it)."""
    return sorted({str(v).upper().replace("CAP_", "", 1) for v in values or []})


def parse_env_file(path: str) -> dict:
    if not os.path.isfile(path):
        raise InvalidOption("env_file", f"no such file: {path}")
    result = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, val = line.partition("=")
            if not key or " " in key.strip():
                raise InvalidOption("env_file", f"{path} line {number}: expected NAME=value")
            result[key.strip()] = val if sep else os.environ.get(key.strip(), "")
    return result


def split_env(items: Any) -> dict:
    return dict(item.partition("=")[::2] for item in items or [])


def _parse_env(value: Any, ctx: Context) -> dict:
    # YAML turns unquoted yes, 1.0 or 010 into other values without a word: refused, as community.docker does.
    for key, item in (value or {}).items():
        if not isinstance(item, str):
            raise InvalidOption(
                "env", f'the value of {key} is not a string ({item!r}); YAML reads unquoted yes, 1.0 or 010 as other values, so quote it (as "1.0")'
            )
    env = split_env(ctx.image_config.get("Env"))
    if ctx.params.get("env_file"):
        env.update(parse_env_file(ctx.params["env_file"]))
    env.update(text_map(value, "env"))
    return env


def _env_match(comparison: str, desired: Any, actual: Any) -> bool:
    if comparison == "strict":
        # The engine gives a container a PATH when its image has none: not drift either.
        actual = {k: v for k, v in (actual or {}).items() if k in desired or k != "PATH"}
    return compare(comparison, desired, actual)


def _parse_labels(value: Any, ctx: Context) -> dict:
    image_labels = dict(ctx.image_config.get("Labels") or {})
    labels = text_map(value, "labels")
    strict = (ctx.params.get("comparisons") or {}).get("labels", (ctx.params.get("comparisons") or {}).get("*"))
    if strict == "strict" and ctx.params.get("image_label_mismatch") == "fail":
        extra = sorted(set(image_labels) - set(labels))
        if extra:
            raise InvalidOption("labels", f"the image has labels the task does not set ({', '.join(extra)}) and image_label_mismatch is fail")
    image_labels.update(labels)
    return image_labels


def _split(text: str, option: str) -> list:
    try:
        return shlex.split(text)
    except ValueError as exc:
        raise InvalidOption(option, f"{text!r} cannot be split into words as a shell would: {exc}") from None


def _parse_command(value: Any, ctx: Context) -> Any:
    compatibility = ctx.params.get("command_handling") == "compatibility"
    if isinstance(value, str):
        command = _split(value, "command")
    elif compatibility:
        command = _split(" ".join(str(c) for c in value), "command")
    else:
        command = [str(c) for c in value]
    if not command and not ctx.params.get("entrypoint"):
        # The engine fills an empty command in from the image (unless an entrypoint is given).
        return list(ctx.image_config.get("Cmd") or [])
    return command


def _parse_cpus(value: Any, ctx: Context) -> int:
    # Checked against the host's CPUs only when it changes (limits.HostLimits), to spare an engine call.
    return cpus_to_nano(parse_cpus(value, "cpus"))


def _parse_swap(value: Any, ctx: Context) -> int:
    return parse_size(value, "memory_swap", allow_unlimited=True)


def _parse_blkio_weight(value: Any, ctx: Context) -> int:
    value = int(value)
    if value and not 10 <= value <= 1000:
        raise InvalidOption("blkio_weight", f"must be between 10 and 1000 (or 0 for none), got {value}")
    return value


def _parse_devices(values: Any, ctx: Context) -> list:
    result = []
    for value in values:
        parts = str(value).split(":")
        if len(parts) > 3 or not parts[0]:
            raise InvalidOption("devices", f"{value!r} is not HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]]")
        host = parts[0]
        container = parts[1] if len(parts) > 1 and parts[1] else host
        permissions = parts[2] if len(parts) > 2 else "rwm"
        if not permissions or set(permissions) - set("rwm"):
            raise InvalidOption("devices", f"{value!r}: permissions are letters of rwm")
        result.append(dict(PathOnHost=host, PathInContainer=container, CgroupPermissions=permissions))
    return sorted(result, key=lambda d: d["PathInContainer"])


def _device_rates(option: str, kind: str) -> Callable[[Any, Context], list]:
    def parse(values: Any, ctx: Context) -> list:
        result = []
        for index, item in enumerate(values):
            rate = item["rate"]
            rate = parse_size(rate, f"{option}[{index}].rate") if kind == "bps" else int(rate)
            if rate < 0:
                raise InvalidOption(f"{option}[{index}].rate", f"cannot be negative, got {rate}")
            result.append(dict(Path=str(item["path"]), Rate=rate))
        return sorted(result, key=lambda d: d["Path"])

    return parse


def _parse_device_requests(values: Any, ctx: Context) -> list:
    result = []
    for item in values:
        result.append(
            dict(
                Driver=item.get("driver") or "",
                Count=item.get("count") or 0,
                DeviceIDs=[str(i) for i in item.get("device_ids") or []],
                Capabilities=[[str(c) for c in group] for group in item.get("capabilities") or []],
                Options={str(k): as_text(v) for k, v in (item.get("options") or {}).items()},
            )
        )
    return result


def _read_device_requests(container: dict) -> list:
    return [
        dict(
            Driver=r.get("Driver") or "",
            Count=r.get("Count") or 0,
            DeviceIDs=r.get("DeviceIDs") or [],
            Capabilities=r.get("Capabilities") or [],
            Options=r.get("Options") or {},
        )
        for r in _dig(container, "HostConfig.DeviceRequests") or []
    ]


def _parse_links(values: Any, ctx: Context) -> list:
    result = []
    for value in values:
        other, _sep, alias = str(value).partition(":")
        if not other:
            raise InvalidOption("links", f"{value!r} is not CONTAINER[:ALIAS]")
        result.append(f"{other.lstrip('/')}:{alias or other.lstrip('/')}")
    return sorted(set(result))


def _read_links(container: dict) -> list:
    # The engine keeps /other:/this/alias.
    result = []
    for link in _dig(container, "HostConfig.Links") or []:
        other, _sep, alias = link.partition(":")
        result.append(f"{other.lstrip('/')}:{alias.rsplit('/', 1)[-1]}")
    return sorted(result)


def _write_links(body: dict, value: Any) -> None:
    body.setdefault("HostConfig", {})["Links"] = value


def _parse_etc_hosts(value: Any, ctx: Context) -> list:
    for host, address in value.items():
        if not str(host).strip() or str(host) != str(host).strip() or ":" in str(host):
            raise InvalidOption("etc_hosts", f"{host!r} is not a hostname")
        if address is None or not str(address).strip():
            raise InvalidOption("etc_hosts", f"{host}: needs an address (as 192.0.2.10, or host-gateway)")
    return sorted(f"{host}:{address}" for host, address in value.items())


def _parse_storage_opts(value: Any) -> dict:
    # Every storage driver that takes a per-container option takes size, and only size; the engine's refusal of
    # another ("Unknown option x") would not name this option.
    opts = text_map(value, "storage_opts")
    unknown = sorted(set(opts) - {"size"})
    if unknown:
        raise InvalidOption("storage_opts", f"{unknown[0]!r} is not a storage option; the engine takes size")
    if "size" in opts:
        parse_size(opts["size"], "storage_opts.size")
    return opts


# The engine's restart policies: the restart_policy option's choices, and what Compose's ``restart`` may name.
RESTART_POLICIES = ("no", "on-failure", "always", "unless-stopped")


def _parse_restart_retries(value: Any, ctx: Context) -> int:
    if value < 0:
        raise InvalidOption("restart_retries", f"cannot be negative, got {value}")
    return int(value)


def _write_restart(body: dict, value: Any, view: Optional[dict] = None) -> None:
    host = body.setdefault("HostConfig", {})
    policy = host.setdefault("RestartPolicy", dict(Name="no", MaximumRetryCount=0))
    if isinstance(value, str):
        policy["Name"] = value
    else:
        policy["MaximumRetryCount"] = value


def _parse_log_options(value: Any, ctx: Context) -> dict:
    # Converted, with community.docker's warning: the logging drivers read every option as text.
    for key, item in (value or {}).items():
        if not isinstance(item, str):
            ctx.warnings.append(
                f"Non-string value found for log_options option '{key}'. The value is automatically "
                f"converted to '{as_text(item)}'. If this is not correct, or you want to avoid such "
                "warnings, please quote the value."
            )
    return text_map(value, "log_options")


def _write_log(key: str) -> Callable[[dict, Any], None]:
    def write(body: dict, value: Any) -> None:
        log = body.setdefault("HostConfig", {}).setdefault("LogConfig", dict(Type="", Config={}))
        log[key] = value

    return write


def _parse_networks(values: Any, ctx: Context) -> dict:
    networks = {}
    for index, net in enumerate(values):
        if not net.get("name"):
            raise InvalidOption("networks", f"networks[{index}] needs a name")
        if net.get("mac_address"):
            ctx.require_api(f"networks[{index}].mac_address", "1.44")
        if net.get("gw_priority") is not None:
            ctx.require_api(f"networks[{index}].gw_priority", "1.48")
        networks[net["name"]] = dict(
            aliases=sorted(net.get("aliases") or []),
            ipv4_address=net.get("ipv4_address") or "",
            ipv6_address=net.get("ipv6_address") or "",
            links=sorted(_parse_links(net.get("links") or [], ctx)),
            mac_address=net.get("mac_address") or "",
            driver_opts=text_map(net.get("driver_opts") or {}, f"networks[{index}].driver_opts"),
            gw_priority=net.get("gw_priority"),
        )
    return networks


def _read_networks(container: dict) -> dict:
    networks = {}
    for name, endpoint in (_dig(container, "NetworkSettings.Networks") or {}).items():
        ipam = endpoint.get("IPAMConfig") or {}
        networks[name] = dict(
            aliases=sorted(endpoint.get("Aliases") or []),
            ipv4_address=ipam.get("IPv4Address") or "",
            ipv6_address=ipam.get("IPv6Address") or "",
            links=sorted(_read_links(dict(HostConfig=dict(Links=endpoint.get("Links"))))),
            mac_address=endpoint.get("MacAddress") or "",
            driver_opts=endpoint.get("DriverOpts") or {},
            gw_priority=endpoint.get("GwPriority") or 0,
        )
    return networks


def endpoint_matches(want: dict, have: Optional[dict]) -> bool:
    """A container's endpoint on a network has what the task asks (the engine adds the short id to the aliases)."""
    return (
        have is not None
        and all(want[key] in ("", have[key]) for key in ("ipv4_address", "ipv6_address"))
        and set(want["aliases"]) <= set(have["aliases"])
        and set(want["links"]) <= set(have["links"])
        and want["mac_address"] in ("", have["mac_address"])
        and all(have.get("driver_opts", {}).get(key) == value for key, value in want.get("driver_opts", {}).items())
        and want.get("gw_priority") in (None, have.get("gw_priority", 0))
    )


def _networks_match(comparison: str, desired: Any, actual: Any) -> bool:
    return all(endpoint_matches(want, (actual or {}).get(net)) for net, want in desired.items()) and (
        comparison != "strict" or set(actual or {}) <= set(desired)
    )


def endpoint_body(net: dict) -> dict:
    """The Engine API's EndpointSettings of one network of the task (at create, and to connect)."""
    endpoint: dict = dict(Aliases=net["aliases"] or None)
    ipam = {key: net[field_] for key, field_ in (("IPv4Address", "ipv4_address"), ("IPv6Address", "ipv6_address")) if net[field_]}
    if ipam:
        endpoint["IPAMConfig"] = ipam
    if net["links"]:
        endpoint["Links"] = net["links"]
    if net["mac_address"]:
        endpoint["MacAddress"] = net["mac_address"]
    if net.get("driver_opts"):
        endpoint["DriverOpts"] = net["driver_opts"]
    if net.get("gw_priority") is not None:
        endpoint["GwPriority"] = net["gw_priority"]
    return endpoint


def _parse_network_mode(value: Any, ctx: Context) -> str:
    return "bridge" if value == "default" else str(value)


def _read_network_mode(container: dict) -> str:
    mode = _dig(container, "HostConfig.NetworkMode")
    return "bridge" if mode in ("default", None, "") else mode


SIGNALS = (
    "HUP",
    "INT",
    "QUIT",
    "ILL",
    "TRAP",
    "ABRT",
    "IOT",
    "BUS",
    "FPE",
    "KILL",
    "USR1",
    "SEGV",
    "USR2",
    "PIPE",
    "ALRM",
    "TERM",
    "STKFLT",
    "CHLD",
    "CONT",
    "STOP",
    "TSTP",
    "TTIN",
    "TTOU",
    "URG",
    "XCPU",
    "XFSZ",
    "VTALRM",
    "PROF",
    "WINCH",
    "IO",
    "POLL",
    "PWR",
    "SYS",
    "RTMIN",
    "RTMAX",
)


def _mode(option: str, *modes: str, container: bool = True) -> Callable[[Any, Context], str]:
    """A parser for a namespace mode: one of ``modes``, or ``container:NAME`` where the engine takes it."""

    def parse(value: Any, ctx: Context) -> str:
        text = str(value)
        if text in modes or (container and text.startswith("container:") and len(text) > len("container:")):
            return text
        allowed = ", ".join(m for m in modes if m) + (" or container:NAME" if container else "")
        raise InvalidOption(option, f"{text!r} is not a mode the engine takes ({allowed})")

    return parse


def _absolute(value: Any, option: str) -> str:
    text = str(value)
    if text and not text.startswith("/"):
        raise InvalidOption(option, f"must be an absolute path inside the container, as /srv/app; got {text!r}")
    return text


def parse_signal(value: Any, option: str) -> str:
    """A signal as the engine takes it: a number (1-64), or a name with or without SIG (SIGTERM, RTMIN+3)."""
    text = str(value).strip()
    name = text.upper()[3:] if text.upper().startswith("SIG") else text.upper()
    base, _sep, offset = name.replace("-", "+").partition("+")
    if text.isdigit() and 1 <= int(text) <= 64:
        return text
    if base in SIGNALS and (not offset or (base in ("RTMIN", "RTMAX") and offset.isdigit())):
        return text
    raise InvalidOption(option, f"{value!r} is not a signal (as SIGTERM, SIGINT, 15 or SIGRTMIN+3)")


# The operating systems and architectures platforms are written with (Go's names, as the engine takes them).
PLATFORM_OS = ("linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "solaris", "illumos", "aix", "android")
PLATFORM_ARCH = ("amd64", "arm64", "arm", "386", "ppc64le", "ppc64", "s390x", "riscv64", "mips", "mipsle", "mips64", "mips64le", "loong64")


def _parse_platform(value: Any, ctx: Context) -> str:
    parts = str(value).lower().split("/")
    if not parts[0] or len(parts) > 3:
        raise InvalidOption("platform", f"{value!r} is not OS[/ARCH[/VARIANT]] (as linux/amd64)")
    if parts[0] not in PLATFORM_OS or (len(parts) > 1 and parts[1] not in PLATFORM_ARCH):
        raise InvalidOption("platform", f"{value!r} names an unknown operating system or architecture (as linux/amd64, linux/arm64)")
    return parts[0]


def _read_platform(container: dict) -> str:
    return (container.get("Platform") or "linux").lower()


def _ranged(name: str, low: int, high: Optional[int], also: tuple = (0,), unit: str = "") -> Callable[[Any, Context], int]:
    """A parser for an int option the engine takes only in ``low..high`` (or as one of ``also``: 0 is "not set")."""

    def parse(value: Any, ctx: Context) -> int:
        if value not in also and (value < low or (high is not None and value > high)):
            allowed = f"between {low} and {high}" if high is not None else f"at least {low}"
            others = " or ".join(str(v) for v in also)
            raise InvalidOption(name, f"must be {allowed}{unit}" + (f" (or {others})" if others else "") + f", got {value}")
        return int(value)

    return parse


def _parse_oom_score_adj(value: Any, ctx: Context) -> int:
    if not -1000 <= value <= 1000:
        raise InvalidOption("oom_score_adj", f"must be between -1000 and 1000, got {value}")
    return int(value)


def _parse_swappiness(value: Any, ctx: Context) -> int:
    if not 0 <= value <= 100:
        raise InvalidOption("memory_swappiness", f"must be between 0 and 100, got {value}")
    return int(value)


def _parse_default_host_ip(value: Any, ctx: Context) -> str:
    if value and not _HOST_IP.fullmatch(value):
        raise InvalidOption("default_host_ip", f"{value!r} is not an IPv4 or IPv6 address (or empty)")
    return value


def _structured(name: str, spec: dict, parse: Callable, read: Callable, write: Optional[Callable], comparison: str = "strict", **extra: Any) -> Option:
    return Option(name, spec, parse=parse, read=read, write=write, comparison=comparison, **extra)


def _custom(name: str, path: str, kind: str, parse: Callable, **kwargs: Any) -> Option:
    """A one-field option whose task value needs its own parser (ranges, units, the image's defaults)."""
    base = simple(name, path, kind, **kwargs)
    return Option(
        base.name, base.spec, parse=parse, read=base.read, write=base.write, comparison=base.comparison, update=base.update, show=base.show, field=base.field
    )


def _dicts(name: str, path: str, parse: Callable, key: str, **spec: Any) -> Option:
    """A set of engine mappings (devices, device rates), kept in order of ``key``."""
    base = simple(name, path, "set", **spec)
    return Option(
        name,
        base.spec,
        parse=parse,
        read=lambda container: sorted(_dig(container, path) or [], key=lambda item: item.get(key) or ""),
        write=base.write,
        comparison="allow_more_present",
        field=base.field,
    )


# How Swarm services keep what containers keep (the ServiceFields of the table below).
_LIMITS = ("TaskTemplate", "Resources", "Limits")
_RESERVATIONS = ("TaskTemplate", "Resources", "Reservations")


def _as_written(write: Callable, *path: str) -> Callable:
    """A service field's value as a container option's ``write`` leaves it at ``path`` of a create body: a service
    spec keeps mounts, a healthcheck and ulimits in the same shapes."""

    def convert(value: Any) -> Any:
        written: Any = {}
        write(written, value)
        for key in path:
            written = written[key]
        return written

    return convert


def _service_mount_spec() -> dict:
    """The mounts' spec, with docker_swarm_service's spellings too (readonly, driver_config)."""
    options: dict = copy.deepcopy(_MOUNT_SPEC)
    spec: dict = dict(type="list", elements="dict", options=options)
    options["read_only"]["aliases"] = ["readonly"]
    options["driver_config"] = dict(type="dict", options=dict(name=dict(type="str"), options=dict(type="dict")))
    return spec


def _from_driver_config(value: Any) -> list:
    """docker_swarm_service's ``driver_config`` of a mount is the container mounts' volume_driver and volume_options."""
    return [
        dict(
            {k: v for k, v in mount.items() if k != "driver_config"},
            **(
                {"volume_driver": mount["driver_config"].get("name"), "volume_options": mount["driver_config"].get("options")}
                if mount.get("driver_config")
                else {}
            ),
        )
        for mount in value
    ]


def _service_capabilities(value: Any) -> list:
    return ["CAP_" + name for name in value]


def _capabilities(name: str, engine_field: str, service_name: str, service_field: str) -> Option:
    """Capabilities added or dropped: names without CAP_ in a container's HostConfig, with it in a service's spec."""
    return bind(
        _structured(
            name,
            dict(type="list", elements="str"),
            capability_names,
            lambda c: capability_names(_dig(c, "HostConfig." + engine_field)),
            lambda body, value: body.setdefault("HostConfig", {}).update({engine_field: value}),
            "allow_more_present",
            field=engine_field,
        ),
        ServiceField(service_name, CONTAINER_SPEC + (service_field,), _service_capabilities, ordered=False),
    )


def _service_hosts(value: Any) -> list:
    # A container's ExtraHosts are HOST:ADDRESS, a service's Hosts /etc/hosts lines.
    return sorted(f"{address} {host}" for host, _sep, address in (entry.partition(":") for entry in value))


def _service_pids(value: Any) -> int:
    return max(int(value), 0)  # a container's unlimited (-1) is a service's 0


_RATE_SPEC = dict(type="list", elements="dict", options=dict(path=dict(type="str", required=True), rate=dict(type="str", required=True)))
_IOPS_SPEC = dict(type="list", elements="dict", options=dict(path=dict(type="str", required=True), rate=dict(type="int", required=True)))
_MOUNT_SPEC = dict(
    target=dict(type="str", required=True),
    source=dict(type="str"),
    type=dict(type="str", default="volume", choices=list(MOUNT_TYPES)),
    read_only=dict(type="bool"),
    consistency=dict(type="str", choices=["cached", "consistent", "default", "delegated"]),
    propagation=dict(type="str", choices=list(PROPAGATIONS)),
    no_copy=dict(type="bool"),
    labels=dict(type="dict"),
    volume_driver=dict(type="str"),
    volume_options=dict(type="dict"),
    tmpfs_size=dict(type="str"),
    tmpfs_mode=dict(type="str"),
    tmpfs_options=dict(type="list", elements="dict"),
    create_mountpoint=dict(type="bool"),
    non_recursive=dict(type="bool"),
    read_only_non_recursive=dict(type="bool"),
    read_only_force_recursive=dict(type="bool"),
    subpath=dict(type="str"),
)

# Limits that `limits` shares with `container` (one argument spec, one doc fragment, one validation).
LIMIT_OPTIONS = (
    "memory",
    "memory_reservation",
    "memory_swap",
    "cpus",
    "cpu_shares",
    "cpu_period",
    "cpu_quota",
    "cpuset_cpus",
    "cpuset_mems",
    "pids_limit",
    "blkio_weight",
    "restart_policy",
    "restart_retries",
)

OPTIONS = {
    option.name: option
    for option in (
        # What the module does; not properties of the container.
        switch("name", type="str", required=True),
        switch("state", type="str", default="started", choices=list(STATES)),
        switch("healthy_wait_timeout", type="float", default=300),
        switch("image", type="str"),
        switch("pull", type="raw", default="missing", choices=["never", "missing", "always", True, False]),
        switch("pull_check_mode_behavior", type="str", default="image_not_present", choices=["image_not_present", "always"]),
        switch("image_comparison", type="str", default="desired-image", choices=["desired-image", "current-image"]),
        switch("image_name_mismatch", type="str", default="recreate", choices=["recreate", "ignore"]),
        switch("image_label_mismatch", type="str", default="ignore", choices=["ignore", "fail"]),
        switch("env_file", type="path"),
        switch("detach", type="bool"),
        switch("cleanup", type="bool", default=False),
        switch("output_logs", type="bool", default=False),
        switch("recreate", type="bool", default=False),
        switch("restart", type="bool", default=False),
        switch("force_kill", type="bool", default=False, aliases=["forcekill"]),
        Option("kill_signal", dict(type="str"), parse=lambda v, ctx: parse_signal(v, "kill_signal")),
        switch("keep_volumes", type="bool", default=True),
        switch("removal_wait_timeout", type="float"),
        switch("comparisons", type="dict"),
        switch("container_default_behavior", type="str", default="no_defaults", choices=["compatibility", "no_defaults"]),
        switch("command_handling", type="str", default="correct", choices=["compatibility", "correct"]),
        switch("networks_cli_compatible", type="bool", default=True),
        Option("default_host_ip", dict(type="str"), parse=_parse_default_host_ip),
        Option("paused", dict(type="bool"), parse=lambda v, ctx: bool(v), read=lambda c: bool(_dig(c, "State.Paused"))),
        Option("platform", dict(type="str"), parse=_parse_platform, read=_read_platform),
        # Config: what runs.
        _custom("command", "Config.Cmd", "list", _parse_command, type="raw"),
        simple("entrypoint", "Config.Entrypoint", "list"),
        Option(
            "env",
            dict(type="dict"),
            parse=_parse_env,
            read=lambda c: split_env(_dig(c, "Config.Env")),
            write=lambda body, value: body.update(Env=[f"{k}={v}" for k, v in value.items()]),
            comparison="allow_more_present",
            show=show_env,
            matches=_env_match,
            also=("env_file",),
        ),
        bind(_custom("labels", "Config.Labels", "dict", _parse_labels), ServiceField("container_labels", CONTAINER_SPEC + ("Labels",))),
        bind(simple("user", "Config.User", "str"), ServiceField("user", CONTAINER_SPEC + ("User",))),
        bind(
            _custom("working_dir", "Config.WorkingDir", "str", lambda v, ctx: _absolute(v, "working_dir")),
            ServiceField("working_dir", CONTAINER_SPEC + ("Dir",)),
        ),
        bind(simple("hostname", "Config.Hostname", "str"), ServiceField("hostname", CONTAINER_SPEC + ("Hostname",))),
        simple("domainname", "Config.Domainname", "str"),
        simple("mac_address", "Config.MacAddress", "str"),
        bind(simple("tty", "Config.Tty", "bool"), ServiceField("tty", CONTAINER_SPEC + ("TTY",))),
        simple("interactive", "Config.OpenStdin", "bool"),
        bind(
            Option(
                "stop_signal",
                dict(type="str"),
                parse=lambda v, ctx: parse_signal(v, "stop_signal"),
                read=lambda c: _dig(c, "Config.StopSignal") or "SIGTERM",
                write=lambda body, value: body.update(StopSignal=value),
            ),
            ServiceField("stop_signal", CONTAINER_SPEC + ("StopSignal",)),
        ),
        # community.docker does not compare it: a container keeps the timeout it was made with.
        Option(
            "stop_timeout",
            dict(type="int"),
            parse=_ranged("stop_timeout", 0, 2**31 - 1, (-1,), " seconds"),
            read=lambda c: _dig(c, "Config.StopTimeout") if _dig(c, "Config.StopTimeout") is not None else 10,
            write=lambda body, value: body.update(StopTimeout=value),
            comparison="ignore",
        ),
        bind(
            _structured(
                "healthcheck",
                dict(
                    type="dict",
                    options=dict(
                        test=dict(type="raw"),
                        test_cli_compatible=dict(type="bool", default=False),
                        interval=dict(type="str"),
                        timeout=dict(type="str"),
                        retries=dict(type="int"),
                        start_period=dict(type="str"),
                        start_interval=dict(type="str"),
                    ),
                ),
                parse_healthcheck,
                _read_healthcheck,
                write_healthcheck,
                show=_show_healthcheck,
                matches=_healthcheck_match,
                field="Healthcheck",
            ),
            ServiceField("healthcheck", CONTAINER_SPEC + ("Healthcheck",), _as_written(write_healthcheck, "Healthcheck")),
        ),
        # Ports, storage, networks.
        _structured(
            "published_ports",
            dict(type="list", elements="str", aliases=["ports"]),
            parse_published_ports,
            _read_published_ports,
            _write_published_ports,
            "allow_more_present",
            matches=_ports_match,
            field="PortBindings",
        ),
        _structured(
            "exposed_ports",
            dict(type="list", elements="str", aliases=["exposed", "expose"]),
            parse_exposed_ports,
            lambda c: sorted(_dig(c, "Config.ExposedPorts") or {}),
            lambda body, value: body.update(ExposedPorts={port: {} for port in value}),
            "allow_more_present",
            also=("published_ports",),
            field="ExposedPorts",
        ),
        simple("publish_all_ports", "HostConfig.PublishAllPorts", "bool"),
        _structured(
            "volumes",
            dict(type="list", elements="str"),
            parse_volumes,
            _read_volumes,
            _write_volumes,
            "allow_more_present",
            matches=_volumes_match,
            field="Binds",
        ),
        bind(
            _structured(
                "mounts",
                dict(type="list", elements="dict", options=_MOUNT_SPEC),
                parse_mounts,
                _read_mounts,
                write_mounts,
                "allow_more_present",
                matches=_mounts_match,
                field="Mounts",
            ),
            ServiceField(
                "mounts",
                CONTAINER_SPEC + ("Mounts",),
                _as_written(write_mounts, "HostConfig", "Mounts"),
                spec=_service_mount_spec(),
                accept=_from_driver_config,
            ),
        ),
        _custom("tmpfs", "HostConfig.Tmpfs", "dict", parse_tmpfs, type="list", elements="str"),
        simple("volume_driver", "HostConfig.VolumeDriver", "str"),
        simple("volumes_from", "HostConfig.VolumesFrom", "set"),
        _structured(
            "networks",
            dict(
                type="list",
                elements="dict",
                options=dict(
                    name=dict(type="str", required=True),
                    aliases=dict(type="list", elements="str"),
                    ipv4_address=dict(type="str"),
                    ipv6_address=dict(type="str"),
                    links=dict(type="list", elements="str"),
                    mac_address=dict(type="str"),
                    driver_opts=dict(type="dict"),
                    gw_priority=dict(type="int"),
                ),
            ),
            _parse_networks,
            _read_networks,
            None,
            "allow_more_present",
            matches=_networks_match,
            field="network",
        ),
        Option("network_mode", dict(type="str"), parse=_parse_network_mode, read=_read_network_mode),
        _structured("links", dict(type="list", elements="str"), _parse_links, _read_links, _write_links, "allow_more_present", field="Links"),
        bind(simple("dns_servers", "HostConfig.Dns", "list"), ServiceField("dns", CONTAINER_SPEC + ("DNSConfig", "Nameservers"))),
        bind(simple("dns_opts", "HostConfig.DnsOptions", "set"), ServiceField("dns_options", CONTAINER_SPEC + ("DNSConfig", "Options"), ordered=False)),
        bind(simple("dns_search_domains", "HostConfig.DnsSearch", "list"), ServiceField("dns_search", CONTAINER_SPEC + ("DNSConfig", "Search"))),
        bind(
            _custom("etc_hosts", "HostConfig.ExtraHosts", "set", _parse_etc_hosts, type="dict"),
            ServiceField("hosts", CONTAINER_SPEC + ("Hosts",), _service_hosts, ordered=False),
        ),
        # Limits: changed in place.
        Option(
            "restart_policy",
            dict(type="str", choices=list(RESTART_POLICIES)),
            parse=lambda v, ctx: v,
            read=lambda c: _dig(c, "HostConfig.RestartPolicy.Name") or "no",
            write=_write_restart,
            update="RestartPolicy",
        ),
        Option(
            "restart_retries",
            dict(type="int"),
            parse=_parse_restart_retries,
            read=lambda c: _dig(c, "HostConfig.RestartPolicy.MaximumRetryCount") or 0,
            write=_write_restart,
            update="RestartPolicy",
        ),
        bind(simple("memory", "HostConfig.Memory", "size", update=True), ServiceField("limits.memory", _LIMITS + ("MemoryBytes",))),
        bind(
            simple("memory_reservation", "HostConfig.MemoryReservation", "size", update=True),
            ServiceField("reservations.memory", _RESERVATIONS + ("MemoryBytes",)),
        ),
        _custom("memory_swap", "HostConfig.MemorySwap", "size", _parse_swap, update=True),
        bind(
            _custom("cpus", "HostConfig.NanoCpus", "int", _parse_cpus, update=True, show=_show_cpus, type="float"),
            ServiceField("limits.cpus", _LIMITS + ("NanoCPUs",)),
            ServiceField("reservations.cpus", _RESERVATIONS + ("NanoCPUs",), same=False),
        ),
        _custom("cpu_shares", "HostConfig.CpuShares", "int", _ranged("cpu_shares", 2, 262144), update=True),
        _custom("cpu_period", "HostConfig.CpuPeriod", "int", _ranged("cpu_period", 1000, 1000000, unit=" microseconds"), update=True),
        _custom("cpu_quota", "HostConfig.CpuQuota", "int", _ranged("cpu_quota", 1000, None, (0, -1), " microseconds"), update=True),
        simple("cpuset_cpus", "HostConfig.CpusetCpus", "str", update=True),
        simple("cpuset_mems", "HostConfig.CpusetMems", "str", update=True),
        # The kernel counts at most 4194304 processes (pid_max's ceiling); -1 is unlimited, 0 the engine's default.
        bind(
            _custom("pids_limit", "HostConfig.PidsLimit", "int", _ranged("pids_limit", 1, 4194304, (0, -1)), update=True),
            ServiceField("limits.pids", _LIMITS + ("Pids",), _service_pids),
        ),
        _custom("blkio_weight", "HostConfig.BlkioWeight", "int", _parse_blkio_weight, update=True),
        # Other resources: a change recreates.
        _custom("memory_swappiness", "HostConfig.MemorySwappiness", "int", _parse_swappiness),
        simple("kernel_memory", "HostConfig.KernelMemory", "size"),
        simple("shm_size", "HostConfig.ShmSize", "size"),
        simple("oom_killer", "HostConfig.OomKillDisable", "bool"),
        _custom("oom_score_adj", "HostConfig.OomScoreAdj", "int", _parse_oom_score_adj),
        bind(
            _structured(
                "ulimits",
                dict(type="list", elements="str"),
                parse_ulimits,
                lambda c: sorted(f"{u['Name']}:{u['Soft']}:{u['Hard']}" for u in _dig(c, "HostConfig.Ulimits") or []),
                _write_ulimits,
                "allow_more_present",
                field="Ulimits",
            ),
            ServiceField("ulimits", CONTAINER_SPEC + ("Ulimits",), _as_written(_write_ulimits, "HostConfig", "Ulimits"), api="1.41"),
        ),
        _dicts("devices", "HostConfig.Devices", _parse_devices, "PathInContainer", type="list", elements="str"),
        simple("device_cgroup_rules", "HostConfig.DeviceCgroupRules", "list"),
        _dicts("device_read_bps", "HostConfig.BlkioDeviceReadBps", _device_rates("device_read_bps", "bps"), "Path", **_RATE_SPEC),
        _dicts("device_write_bps", "HostConfig.BlkioDeviceWriteBps", _device_rates("device_write_bps", "bps"), "Path", **_RATE_SPEC),
        _dicts("device_read_iops", "HostConfig.BlkioDeviceReadIOps", _device_rates("device_read_iops", "iops"), "Path", **_IOPS_SPEC),
        _dicts("device_write_iops", "HostConfig.BlkioDeviceWriteIOps", _device_rates("device_write_iops", "iops"), "Path", **_IOPS_SPEC),
        _structured(
            "device_requests",
            dict(
                type="list",
                elements="dict",
                options=dict(
                    capabilities=dict(type="list", elements="list"),
                    count=dict(type="int"),
                    device_ids=dict(type="list", elements="str"),
                    driver=dict(type="str"),
                    options=dict(type="dict"),
                ),
            ),
            _parse_device_requests,
            _read_device_requests,
            lambda body, value: body.setdefault("HostConfig", {}).update(DeviceRequests=value),
            "allow_more_present",
            field="DeviceRequests",
        ),
        _custom("storage_opts", "HostConfig.StorageOpt", "dict", lambda v, ctx: _parse_storage_opts(v)),
        # Security and namespaces.
        bind(simple("read_only", "HostConfig.ReadonlyRootfs", "bool"), ServiceField("read_only", CONTAINER_SPEC + ("ReadOnly",))),
        simple("privileged", "HostConfig.Privileged", "bool"),
        _capabilities("capabilities", "CapAdd", "cap_add", "CapabilityAdd"),
        _capabilities("cap_drop", "CapDrop", "cap_drop", "CapabilityDrop"),
        simple("security_opts", "HostConfig.SecurityOpt", "set"),
        bind(simple("groups", "HostConfig.GroupAdd", "set"), ServiceField("groups", CONTAINER_SPEC + ("Groups",), ordered=False)),
        simple("cgroupns_mode", "HostConfig.CgroupnsMode", "str", choices=["host", "private"]),
        simple("cgroup_parent", "HostConfig.CgroupParent", "str"),
        _custom("ipc_mode", "HostConfig.IpcMode", "str", _mode("ipc_mode", "", "none", "private", "shareable", "host")),
        _custom("pid_mode", "HostConfig.PidMode", "str", _mode("pid_mode", "", "host")),
        _custom("userns_mode", "HostConfig.UsernsMode", "str", _mode("userns_mode", "", "host", container=False)),
        simple("uts", "HostConfig.UTSMode", "str"),
        simple("runtime", "HostConfig.Runtime", "str"),
        bind(simple("sysctls", "HostConfig.Sysctls", "dict"), ServiceField("sysctls", CONTAINER_SPEC + ("Sysctls",))),
        bind(simple("init", "HostConfig.Init", "bool"), ServiceField("init", CONTAINER_SPEC + ("Init",))),
        simple("auto_remove", "HostConfig.AutoRemove", "bool"),
        # Logging.
        bind(
            Option(
                "log_driver", dict(type="str"), parse=lambda v, ctx: str(v), read=lambda c: _dig(c, "HostConfig.LogConfig.Type") or "", write=_write_log("Type")
            ),
            ServiceField("logging.driver", ("TaskTemplate", "LogDriver", "Name")),
        ),
        bind(
            Option(
                "log_options",
                dict(type="dict", aliases=["log_opt"]),
                parse=_parse_log_options,
                read=lambda c: dict(_dig(c, "HostConfig.LogConfig.Config") or {}),
                write=_write_log("Config"),
                comparison="allow_more_present",
                field="log opt",
            ),
            ServiceField("logging.options", ("TaskTemplate", "LogDriver", "Options")),
        ),
    )
}

COMPARED = {name: option for name, option in OPTIONS.items() if option.read is not None}
UPDATE_FIELDS = {name: option.update for name, option in OPTIONS.items() if option.update}

# container_default_behavior=compatibility: the defaults community.docker's module had before 2.0.
COMPATIBILITY_DEFAULTS = dict(
    auto_remove=False, detach=True, init=False, interactive=False, memory="0", paused=False, privileged=False, read_only=False, tty=False
)


def argument_spec(names: Optional[Iterable[str]] = None) -> dict:
    """The argument spec of ``names`` (default: every option), from the table."""
    return {name: dict(option.spec) for name, option in OPTIONS.items() if names is None or name in names}


# ---------------------------------------------------------------------------------------------
# The views and bodies made from the table


def desired_view(params: dict, ctx: Context, names: Optional[Iterable[str]] = None) -> dict:
    """The compared options the task sets, normalised; checked alone and together."""
    view = {}
    for name, option in OPTIONS.items():
        if option.parse is not None and (names is None or name in names) and option.given(params):
            value = option.parse(params.get(name), ctx)
            if option.read is not None:
                view[name] = value
    check_together(view)
    return view


def restart_problem(policy: Optional[str], retries: Optional[int]) -> Optional[str]:
    """Why the engine would refuse ``restart_retries`` with ``policy`` (it takes a count only with on-failure)."""
    if retries and (policy or "no") != "on-failure":
        return f"applies only with restart_policy on-failure; the restart policy would be {policy or 'no'!r}"
    return None


def cpu_conflict(view: dict) -> Optional[str]:
    """Why the engine would refuse ``cpus`` with ``cpu_period`` or ``cpu_quota`` (it refuses a period or a quota above
    0 beside NanoCpus); ``view`` is all the container would have, at create time and for a change in place alike."""
    if view.get("cpus") and ((view.get("cpu_period") or 0) > 0 or (view.get("cpu_quota") or 0) > 0):
        return "cannot be set with cpu_period or cpu_quota: the engine takes one way of limiting CPU or the other"
    return None


def limit_problems(view: dict, changed: Optional[Iterable[str]] = None) -> list:
    """``(option, why)`` for each rule between options that the engine would break, on all the container would
    have: the same rules at create time (``check_together``) and for a change in place (``limits.check_container``,
    which passes the options it changes as ``changed``: only the rules they take part in are checked)."""

    def involved(*names: str) -> bool:
        return changed is None or bool(set(names) & set(changed))

    problems = []
    policy, retries = view.get("restart_policy"), view.get("restart_retries")
    problem = restart_problem(policy, retries) if changed is not None or "restart_policy" in view else None
    if problem and involved("restart_policy", "restart_retries"):
        problems.append(("restart_retries", problem))
    problem = cpu_conflict(view)
    if problem and involved("cpus", "cpu_period", "cpu_quota"):
        problems.append(("cpus", problem))
    memory, swap, reservation = view.get("memory") or 0, view.get("memory_swap"), view.get("memory_reservation")
    if 0 < memory < MIN_MEMORY and involved("memory"):
        problems.append(("memory", f"{format_size(memory)} is below the engine's minimum of 6m"))
    if reservation and 0 < reservation < MIN_MEMORY and involved("memory_reservation"):
        problems.append(("memory_reservation", f"{format_size(reservation)} is below the engine's minimum of 6m"))
    if swap not in (None, UNLIMITED, 0) and involved("memory", "memory_swap"):
        if not memory:
            problems.append(("memory_swap", "needs a memory limit (the engine takes memory_swap only with memory)"))
        elif swap < memory:
            problems.append(
                ("memory_swap", f"{format_size(swap)} is below memory ({format_size(memory)}); it counts memory plus swap, so it must be at least memory")
            )
    if reservation and memory and reservation > memory and involved("memory", "memory_reservation"):
        problems.append(("memory_reservation", f"{format_size(reservation)} is above memory ({format_size(memory)})"))
    return problems


def check_together(view: dict) -> None:
    """Options that each parse but cannot work together."""
    for option, why in limit_problems(view):
        raise InvalidOption(option, why)
    both = volume_targets(view) & {m["target"] for m in view.get("mounts") or []}
    if both:
        raise InvalidOption("mounts", f"{', '.join(sorted(both))} is mounted by both volumes and mounts; name each path in one of them")


def actual_view(container: dict, names: Optional[Iterable[str]] = None) -> dict:
    """The same view as ``desired_view``, read from ``docker inspect``."""
    return {name: option.read(container) for name, option in COMPARED.items() if option.read is not None and (names is None or name in names)}


def create_body(view: dict, image_ref: str) -> dict:
    """The Engine API body of ``POST /containers/create`` for the desired view."""
    body: dict = dict(Image=image_ref, Labels={}, AttachStdout=True, AttachStderr=True, HostConfig={})
    for name, value in view.items():
        write = COMPARED[name].write
        if write is not None:
            write(body, value)
    networks = view.get("networks") or {}
    mode = view.get("network_mode") or (next(iter(networks)) if networks else None)
    if mode:
        body["HostConfig"]["NetworkMode"] = mode
    if networks and mode in networks:
        body["NetworkingConfig"] = dict(EndpointsConfig={mode: endpoint_body(networks[mode])})
    return body


def update_body(view: dict, container: dict, names: Iterable[str]) -> dict:
    """The ``POST /containers/{id}/update`` body that sets the options ``names`` of ``view`` on ``container``."""
    body = {}
    for name in names:
        engine_field = UPDATE_FIELDS.get(name)
        if engine_field and engine_field != "RestartPolicy":
            body[engine_field] = view[name]
    if "memory" in names and "memory_swap" not in view:
        # The engine keeps the old memory+swap total and refuses a memory above it; follow what it
        # does at create time (twice the memory) unless the container had unlimited swap.
        old_swap = (container.get("HostConfig") or {}).get("MemorySwap") or 0
        if old_swap > 0:
            body["MemorySwap"] = 2 * view["memory"]
    if "restart_policy" in names or "restart_retries" in names:
        body["RestartPolicy"] = dict(
            Name=view.get("restart_policy") or (container.get("HostConfig") or {}).get("RestartPolicy", {}).get("Name") or "no",
            MaximumRetryCount=view.get("restart_retries", 0),
        )
    return body


def option_matches(name: str, comparison: str, desired: Any, actual: Any) -> bool:
    """Whether ``actual`` satisfies ``desired`` for one option under a comparison kind."""
    if desired is None or comparison == "ignore":
        return True
    matches = COMPARED[name].matches
    return matches(comparison, desired, actual) if matches else compare(comparison, desired, actual)


def parse_comparisons(value: Any) -> dict:
    """Per-option comparisons; ``'*'`` sets every option at once."""
    result = {name: option.comparison for name, option in COMPARED.items()}
    result["image"] = "strict"
    value = value or {}
    if "*" in value:
        if value["*"] not in COMPARISONS:
            raise InvalidOption("comparisons", f"'*': unknown comparison {value['*']!r}; use {', '.join(COMPARISONS)}")
        result = {name: value["*"] for name in result}
    for name, kind in value.items():
        if name == "*":
            continue
        if name not in result:
            raise InvalidOption("comparisons", f"unknown option {name!r}; options that can be compared: " + ", ".join(sorted(result)))
        if kind not in COMPARISONS:
            raise InvalidOption("comparisons", f"{name}: unknown comparison {kind!r}; use {', '.join(COMPARISONS)}")
        result[name] = kind
    return result


def show(name: str, value: Any, params: dict) -> Any:
    """A normalised value as a diff shows it."""
    option = OPTIONS.get(name)
    return option.show(value, params.get(name)) if option and option.show and value is not None else value


def refusing_option(message: str, names: Iterable[str]) -> Optional[str]:
    """Of the options ``names``, the one whose engine field an engine refusal names (``invalid CapDrop: ...``),
    so that the failure can name the option; the longest field wins (MemorySwap over Memory)."""

    def squeezed(text: str) -> str:  # "--security-opt" and "SecurityOpt" alike
        return re.sub(r"[^a-z0-9]", "", text.lower())

    text = squeezed(message)
    found = [(len(OPTIONS[name].field), name) for name in names if name in OPTIONS and OPTIONS[name].field and squeezed(OPTIONS[name].field) in text]
    return max(found)[1] if found else None


def named_refusal(exc: EngineError, names: Iterable[str]) -> Exception:
    """An engine refusal, as ``InvalidOption`` when it names one of the options ``names`` by its engine field."""
    option = refusing_option(exc.msg, names)
    return InvalidOption(option, exc.msg) if option else exc
