# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Containers: the option model, and the manager that plans and applies ``container`` tasks.

Each option is declared once in ``OPTIONS``: how it is compared by default, whether a change can
be applied in place (``docker update``) or needs the container recreated, and how a diff shows it.
``desired_view`` normalises the task and ``actual_view`` reads ``docker inspect`` into the same
view, so comparing, diffing and creating all read one form.
"""

from __future__ import annotations

import os
import re
import shlex
import time
from dataclasses import dataclass

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors, find, require
from ansible_collections.noar.docker.plugins.module_utils.converge import COMPARISONS, Action, Manager, compare
from ansible_collections.noar.docker.plugins.module_utils.image import (
    follow_stream,
    holds_digest,
    reference,
    remote_digest,
    split_name,
)
from ansible_collections.noar.docker.plugins.module_utils.units import (
    UNLIMITED,
    InvalidOption,
    cpus_to_nano,
    duration_to_nano,
    format_duration,
    format_size,
    parse_cpus,
    parse_duration,
    parse_size,
    size_unit,
)

MIN_MEMORY = 6 * 1024 * 1024  # the engine refuses less than 6 MiB
STATES = ("present", "started", "stopped", "healthy", "absent")


@dataclass(frozen=True)
class Option:
    """One task option: its default comparison, and whether ``docker update`` can change it."""

    name: str
    comparison: str = "strict"
    updatable: bool = False
    # How a diff shows the normalised value, given also what the task wrote: sizes in the unit the
    # user wrote (or short), CPUs and durations as users write them.
    show: object = None


def _show_size(value, written=None):
    return format_size(value, size_unit(written) if written is not None else None) if isinstance(value, int) else value


def _show_cpus(value, written=None):
    return value / 1e9 if isinstance(value, int) else value


_SECRET_KEY = re.compile(r"pass|secret|token|key|credential", re.IGNORECASE)


def _show_env(value, written=None):
    # Diffs are printed; values of variables that look like secrets are not.
    return {k: ("********" if _SECRET_KEY.search(k) else v) for k, v in value.items()}


def _show_healthcheck(value, written=None):
    return {k: (format_duration(v / 1e9) if k in ("interval", "timeout", "start_period") else v)
            for k, v in value.items()}


OPTIONS = {o.name: o for o in (
    Option("image"),
    Option("command"),
    Option("entrypoint"),
    Option("env", show=_show_env),
    Option("labels"),
    Option("published_ports"),
    Option("exposed_ports"),
    Option("volumes"),
    Option("mounts"),
    Option("tmpfs"),
    Option("networks", comparison="allow_more_present"),
    Option("network_mode"),
    Option("restart_policy", updatable=True),
    Option("restart_retries", updatable=True),
    Option("memory", updatable=True, show=_show_size),
    Option("memory_reservation", updatable=True, show=_show_size),
    Option("memory_swap", updatable=True, show=_show_size),
    Option("cpus", updatable=True, show=_show_cpus),
    Option("cpu_shares", updatable=True),
    Option("cpu_period", updatable=True),
    Option("cpu_quota", updatable=True),
    Option("cpuset_cpus", updatable=True),
    Option("pids_limit", updatable=True),
    Option("blkio_weight", updatable=True),
    Option("ulimits"),
    Option("healthcheck", show=_show_healthcheck),
    Option("user"),
    Option("working_dir"),
    Option("hostname"),
    Option("read_only"),
    Option("capabilities"),
    Option("cap_drop"),
    Option("security_opts"),
    Option("privileged"),
    Option("cgroupns_mode"),
    Option("sysctls"),
    Option("etc_hosts"),
    Option("dns_servers"),
    Option("init"),
    Option("log_driver"),
    Option("log_options"),
    Option("stop_signal"),
    Option("stop_timeout"),
)}

# docker update field for each option that can change in place.
UPDATE_FIELDS = dict(
    memory="Memory", memory_reservation="MemoryReservation", memory_swap="MemorySwap", cpus="NanoCpus",
    cpu_shares="CpuShares", cpu_period="CpuPeriod", cpu_quota="CpuQuota", cpuset_cpus="CpusetCpus",
    pids_limit="PidsLimit", blkio_weight="BlkioWeight",
)


# ---------------------------------------------------------------------------------------------
# Parsing what the task says


def _port_range(text: str, option: str, value) -> list:
    if "-" in text:
        start, end = (int(p) for p in text.split("-", 1))
    else:
        start = end = int(text)
    if not 0 < start <= end <= 65535:
        raise InvalidOption(option, f"{value!r}: ports must be between 1 and 65535, low to high")
    return list(range(start, end + 1))


def parse_published_ports(values) -> list:
    """``[container/proto, host_ip, host_port]`` triples from ``8080:80``, ``127.0.0.1:8080:80/udp``, ranges."""
    result = []
    for value in values or []:
        text, proto = str(value).strip(), "tcp"
        if "/" in text:
            text, proto = text.rsplit("/", 1)
        ip = ""
        if text.startswith("[") and "]:" in text:  # [IPv6]:host:container
            ip, text = text[1:].split("]:", 1)
            parts = text.split(":")
            parts = parts if len(parts) == 2 else ["x", "x"]
        else:
            parts = text.split(":")
            if len(parts) == 3:
                ip = parts.pop(0)
        host, container = (["", parts[0]] if len(parts) == 1 else parts) if len(parts) <= 2 else ("x", "x")
        if proto not in ("tcp", "udp", "sctp") or not re.fullmatch(r"\d+(-\d+)?", container) \
                or (host and not re.fullmatch(r"\d+(-\d+)?", host)) or (ip and not re.fullmatch(r"[0-9a-fA-F:.]+", ip)):
            raise InvalidOption(
                "published_ports",
                f"{value!r} is not a port mapping: write CONTAINER, HOST:CONTAINER or IP:HOST:CONTAINER, "
                "optionally with /tcp, /udp or /sctp (as 127.0.0.1:8080:80/tcp)")
        containers = _port_range(container, "published_ports", value)
        hosts = _port_range(host, "published_ports", value) if host else [None]
        if len(hosts) == 1:
            hosts = hosts * len(containers)
        elif len(hosts) != len(containers):
            raise InvalidOption("published_ports", f"{value!r}: the host and container ranges differ in length")
        for host_port, container_port in zip(hosts, containers):
            result.append([f"{container_port}/{proto}", ip, "" if host_port is None else str(host_port)])
    return sorted(result)


def parse_exposed_ports(values) -> list:
    result = set()
    for value in values or []:
        text = str(value).strip()
        proto = "tcp"
        if "/" in text:
            text, proto = text.split("/", 1)
        if proto not in ("tcp", "udp", "sctp") or not re.fullmatch(r"\d+(-\d+)?", text):
            raise InvalidOption("exposed_ports", f"{value!r} is not a port: write 80 or 80/udp")
        result.update(f"{port}/{proto}" for port in _port_range(text, "exposed_ports", value))
    return sorted(result)


def parse_volumes(values):
    """Binds (``src:dst[:mode]``, src a path or a volume name) and anonymous volumes (``/dst``)."""
    binds, anonymous = [], []
    for value in values or []:
        parts = str(value).split(":")
        if len(parts) == 1:
            if not parts[0].startswith("/"):
                raise InvalidOption("volumes", f"{value!r}: an anonymous volume needs an absolute path in the container")
            anonymous.append(parts[0])
            continue
        if len(parts) > 3 or not parts[0] or not parts[1].startswith("/"):
            raise InvalidOption("volumes", f"{value!r} is not SOURCE:/container/path[:ro|rw]")
        mode = parts[2] if len(parts) == 3 else "rw"
        modes = set(mode.split(","))
        if not modes <= {"ro", "rw", "z", "Z", "shared", "rshared", "slave", "rslave", "private", "rprivate",
                         "nocopy", "consistent", "cached", "delegated"}:
            raise InvalidOption("volumes", f"{value!r}: unknown mode {mode!r} (use ro or rw)")
        if "ro" not in modes and "rw" not in modes:
            mode = "rw," + mode
        binds.append(f"{parts[0]}:{parts[1]}:{mode}")
    return sorted(binds), sorted(anonymous)


def _normalise_bind(bind: str) -> str:
    parts = bind.split(":")
    if len(parts) == 2:
        parts.append("rw")
    elif "ro" not in parts[2].split(",") and "rw" not in parts[2].split(","):
        parts[2] = "rw," + parts[2]
    return ":".join(parts)


def parse_mounts(values) -> list:
    result = []
    for index, mount in enumerate(values or []):
        where = f"mounts[{index}]"
        target = mount.get("target")
        if not target:
            raise InvalidOption("mounts", f"{where}: every mount needs a target (the path in the container)")
        kind = mount.get("type") or "volume"
        source = mount.get("source")
        if kind == "bind" and not source:
            raise InvalidOption("mounts", f"{where}: a bind mount needs a source path on the host")
        if kind == "tmpfs" and source:
            raise InvalidOption("mounts", f"{where}: a tmpfs mount has no source")
        item = dict(type=kind, source=source or "", target=target, read_only=bool(mount.get("read_only")))
        if kind == "tmpfs":
            if mount.get("tmpfs_size") is not None:
                item["tmpfs_size"] = parse_size(mount["tmpfs_size"], f"{where}.tmpfs_size")
            if mount.get("tmpfs_mode") is not None:
                item["tmpfs_mode"] = _parse_mode(mount["tmpfs_mode"], f"{where}.tmpfs_mode")
        result.append(item)
    return sorted(result, key=lambda m: m["target"])


def _parse_mode(value, option):
    try:
        return int(str(value), 8)
    except ValueError:
        raise InvalidOption(option, f"{value!r} is not an octal file mode (as 1777)") from None


def parse_tmpfs(values) -> dict:
    result = {}
    for value in values or []:
        path, _sep, options = str(value).partition(":")
        if not path.startswith("/"):
            raise InvalidOption("tmpfs", f"{value!r}: write /path or /path:options (as /run:size=64m)")
        result[path] = options
    return result


def parse_ulimits(values) -> list:
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


def parse_healthcheck(value) -> dict:
    if not value:
        return None
    result = {}
    test = value.get("test")
    if test is not None:
        if isinstance(test, str):
            test = ["CMD-SHELL", test]
        else:
            test = [str(t) for t in test]
            if test and test[0] not in ("CMD", "CMD-SHELL", "NONE"):
                test = ["CMD"] + test
        result["test"] = test
    for key in ("interval", "timeout", "start_period"):
        if value.get(key) is not None:
            result[key] = duration_to_nano(parse_duration(value[key], f"healthcheck.{key}"))
    if value.get("retries") is not None:
        retries = int(value["retries"])
        if retries < 0:
            raise InvalidOption("healthcheck.retries", f"cannot be negative, got {retries}")
        result["retries"] = retries
    return result


def _caps(values) -> list:
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


def _env_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------------------------------------
# The normalised view of the task, and of the engine's inspect data


def desired_view(params: dict, image: dict | None, host_cpus: int | None) -> dict:
    """The options the task sets, normalised; image defaults folded in where the engine folds them."""
    p = params
    view = {}
    image_config = (image or {}).get("Config") or {}

    if p.get("command") is not None:
        view["command"] = shlex.split(p["command"]) if isinstance(p["command"], str) else [str(c) for c in p["command"]]
    if p.get("entrypoint") is not None:
        view["entrypoint"] = [str(c) for c in p["entrypoint"]]
    if p.get("env") is not None or p.get("env_file") is not None:
        env = dict(_split_env(image_config.get("Env")))
        if p.get("env_file"):
            env.update(parse_env_file(p["env_file"]))
        env.update({str(k): _env_value(v) for k, v in (p.get("env") or {}).items()})
        view["env"] = env
    if p.get("labels") is not None:
        labels = dict(image_config.get("Labels") or {})
        labels.update({str(k): str(v) for k, v in p["labels"].items()})
        view["labels"] = labels
    published = parse_published_ports(p.get("published_ports")) if p.get("published_ports") is not None else None
    if published is not None:
        view["published_ports"] = published
    if p.get("exposed_ports") is not None or published:
        exposed = set(image_config.get("ExposedPorts") or {})
        exposed.update(parse_exposed_ports(p.get("exposed_ports")))
        exposed.update(mapping[0] for mapping in published or [])
        view["exposed_ports"] = sorted(exposed)
    if p.get("volumes") is not None:
        binds, anonymous = parse_volumes(p["volumes"])
        view["volumes"] = dict(binds=binds, anonymous=sorted(set(anonymous) | set(image_config.get("Volumes") or {})))
    if p.get("mounts") is not None:
        view["mounts"] = parse_mounts(p["mounts"])
    if p.get("tmpfs") is not None:
        view["tmpfs"] = parse_tmpfs(p["tmpfs"])
    if p.get("networks") is not None:
        networks = {}
        for index, net in enumerate(p["networks"]):
            if not net.get("name"):
                raise InvalidOption("networks", f"networks[{index}] needs a name")
            networks[net["name"]] = dict(aliases=sorted(net.get("aliases") or []),
                                         ipv4_address=net.get("ipv4_address") or "")
        view["networks"] = networks
    if p.get("network_mode") is not None:
        view["network_mode"] = "bridge" if p["network_mode"] == "default" else p["network_mode"]
    if p.get("restart_policy") is not None:
        view["restart_policy"] = p["restart_policy"]
    if p.get("restart_retries") is not None:
        if p["restart_retries"] < 0:
            raise InvalidOption("restart_retries", f"cannot be negative, got {p['restart_retries']}")
        view["restart_retries"] = p["restart_retries"]

    for name in ("memory", "memory_reservation"):
        if p.get(name) is not None:
            view[name] = parse_size(p[name], name)
    if p.get("memory_swap") is not None:
        view["memory_swap"] = parse_size(p["memory_swap"], "memory_swap", allow_unlimited=True)
    if p.get("cpus") is not None:
        view["cpus"] = cpus_to_nano(parse_cpus(p["cpus"], "cpus", host_cpus=host_cpus))
    for name in ("cpu_shares", "cpu_period", "cpu_quota", "pids_limit", "blkio_weight", "stop_timeout"):
        if p.get(name) is not None:
            view[name] = int(p[name])
    if view.get("blkio_weight") and not 10 <= view["blkio_weight"] <= 1000:
        raise InvalidOption("blkio_weight", f"must be between 10 and 1000 (or 0 for none), got {view['blkio_weight']}")
    if p.get("cpuset_cpus") is not None:
        view["cpuset_cpus"] = str(p["cpuset_cpus"])
    if p.get("ulimits") is not None:
        view["ulimits"] = parse_ulimits(p["ulimits"])
    if p.get("healthcheck") is not None:
        view["healthcheck"] = parse_healthcheck(p["healthcheck"])
    for name in ("user", "working_dir", "hostname", "cgroupns_mode", "log_driver", "stop_signal"):
        if p.get(name) is not None:
            view[name] = str(p[name])
    for name in ("read_only", "privileged", "init"):
        if p.get(name) is not None:
            view[name] = bool(p[name])
    if p.get("capabilities") is not None:
        view["capabilities"] = _caps(p["capabilities"])
    if p.get("cap_drop") is not None:
        view["cap_drop"] = _caps(p["cap_drop"])
    if p.get("security_opts") is not None:
        view["security_opts"] = sorted(str(s) for s in p["security_opts"])
    if p.get("sysctls") is not None:
        view["sysctls"] = {str(k): str(v) for k, v in p["sysctls"].items()}
    if p.get("etc_hosts") is not None:
        view["etc_hosts"] = sorted(f"{host}:{ip}" for host, ip in p["etc_hosts"].items())
    if p.get("dns_servers") is not None:
        view["dns_servers"] = [str(s) for s in p["dns_servers"]]
    if p.get("log_options") is not None:
        view["log_options"] = {str(k): _env_value(v) for k, v in p["log_options"].items()}
    _check_limits(view)
    return view


def _check_limits(view: dict) -> None:
    if view.get("cpus") and (view.get("cpu_period") or view.get("cpu_quota")):
        raise InvalidOption("cpus", "cannot be set with cpu_period or cpu_quota: the engine takes one way of "
                                    "limiting CPU or the other")
    memory = view.get("memory")
    if memory is not None and 0 < memory < MIN_MEMORY:
        raise InvalidOption("memory", f"{format_size(memory)} is below the engine's minimum of 6m")
    swap = view.get("memory_swap")
    if swap not in (None, UNLIMITED, 0) and memory and swap < memory:
        raise InvalidOption("memory_swap", f"{format_size(swap)} is below memory ({format_size(memory)}); "
                                           "it counts memory plus swap, so it must be at least memory")
    if swap not in (None, UNLIMITED, 0) and not memory:
        raise InvalidOption("memory_swap", "needs memory to be set as well")
    reservation = view.get("memory_reservation")
    if reservation and memory and reservation > memory:
        raise InvalidOption("memory_reservation", f"{format_size(reservation)} is above memory ({format_size(memory)})")


def _split_env(items) -> list:
    pairs = []
    for item in items or []:
        key, _sep, value = item.partition("=")
        pairs.append((key, value))
    return pairs


def actual_view(container: dict) -> dict:
    """The same view as ``desired_view``, read from ``docker inspect``."""
    config = container.get("Config") or {}
    host = container.get("HostConfig") or {}
    restart = host.get("RestartPolicy") or {}
    health = config.get("Healthcheck") or {}
    log_config = host.get("LogConfig") or {}
    bindings = []
    for port, binds in (host.get("PortBindings") or {}).items():
        for bind in binds or [{}]:
            bindings.append([port, bind.get("HostIp") or "", bind.get("HostPort") or ""])
    mounts = []
    for mount in host.get("Mounts") or []:
        item = dict(type=mount.get("Type"), source=mount.get("Source") or "", target=mount.get("Target"),
                    read_only=bool(mount.get("ReadOnly")))
        tmpfs = mount.get("TmpfsOptions") or {}
        if "SizeBytes" in tmpfs:
            item["tmpfs_size"] = tmpfs["SizeBytes"]
        if "Mode" in tmpfs:
            item["tmpfs_mode"] = tmpfs["Mode"]
        mounts.append(item)
    networks = {}
    for name, endpoint in ((container.get("NetworkSettings") or {}).get("Networks") or {}).items():
        ipam = endpoint.get("IPAMConfig") or {}
        networks[name] = dict(aliases=sorted(endpoint.get("Aliases") or []),
                              ipv4_address=ipam.get("IPv4Address") or "")
    healthcheck = {}
    if health:
        healthcheck = dict(test=health.get("Test") or [])
        for key, field in (("interval", "Interval"), ("timeout", "Timeout"), ("start_period", "StartPeriod"),
                           ("retries", "Retries")):
            if health.get(field):
                healthcheck[key] = health[field]
    return dict(
        image=container.get("Image"),
        command=config.get("Cmd") or [],
        entrypoint=config.get("Entrypoint") or [],
        env=dict(_split_env(config.get("Env"))),
        labels=dict(config.get("Labels") or {}),
        published_ports=sorted(bindings),
        exposed_ports=sorted(config.get("ExposedPorts") or {}),
        volumes=dict(binds=sorted(_normalise_bind(b) for b in host.get("Binds") or []),
                     anonymous=sorted(config.get("Volumes") or {})),
        mounts=sorted(mounts, key=lambda m: m["target"]),
        tmpfs=dict(host.get("Tmpfs") or {}),
        networks=networks,
        network_mode="bridge" if host.get("NetworkMode") in ("default", None) else host.get("NetworkMode"),
        restart_policy=restart.get("Name") or "no",
        restart_retries=restart.get("MaximumRetryCount") or 0,
        memory=host.get("Memory") or 0,
        memory_reservation=host.get("MemoryReservation") or 0,
        memory_swap=host.get("MemorySwap") or 0,
        cpus=host.get("NanoCpus") or 0,
        cpu_shares=host.get("CpuShares") or 0,
        cpu_period=host.get("CpuPeriod") or 0,
        cpu_quota=host.get("CpuQuota") or 0,
        cpuset_cpus=host.get("CpusetCpus") or "",
        pids_limit=host.get("PidsLimit") or 0,
        blkio_weight=host.get("BlkioWeight") or 0,
        ulimits=sorted(f"{u['Name']}:{u['Soft']}:{u['Hard']}" for u in host.get("Ulimits") or []),
        healthcheck=healthcheck,
        user=config.get("User") or "",
        working_dir=config.get("WorkingDir") or "",
        hostname=config.get("Hostname") or "",
        read_only=bool(host.get("ReadonlyRootfs")),
        capabilities=_caps(host.get("CapAdd")),
        cap_drop=_caps(host.get("CapDrop")),
        security_opts=sorted(host.get("SecurityOpt") or []),
        privileged=bool(host.get("Privileged")),
        cgroupns_mode=host.get("CgroupnsMode") or "",
        sysctls=dict(host.get("Sysctls") or {}),
        etc_hosts=sorted(host.get("ExtraHosts") or []),
        dns_servers=list(host.get("Dns") or []),
        init=bool(host.get("Init")),
        log_driver=log_config.get("Type") or "",
        log_options=dict(log_config.get("Config") or {}),
        stop_signal=config.get("StopSignal") or "SIGTERM",
        stop_timeout=config.get("StopTimeout") if config.get("StopTimeout") is not None else 10,
    )


def _endpoint_matches(want: dict, have) -> bool:
    """A container's endpoint on a network has what the task asks (the engine adds the short id to the aliases)."""
    return have is not None and want["ipv4_address"] in ("", have["ipv4_address"]) \
        and set(want["aliases"]) <= set(have["aliases"])


def option_matches(name: str, comparison: str, desired, actual) -> bool:
    """Compare one option; the few whose engine form differs from a plain value are handled here."""
    if desired is None or comparison == "ignore":
        return True
    if name == "healthcheck":
        if not desired:
            return not actual
        return all(actual.get(key) == value for key, value in desired.items())
    if name == "volumes":
        return (compare(comparison, desired["binds"], actual["binds"])
                and compare(comparison, desired["anonymous"], actual["anonymous"]))
    if name == "networks":
        return all(_endpoint_matches(want, actual.get(net)) for net, want in desired.items()) \
            and (comparison != "strict" or set(actual) <= set(desired))
    if name == "mounts":
        # Each mount is compared on the fields the task set; the engine fills in the others.
        by_target = {m["target"]: m for m in actual}
        for mount in desired:
            have = by_target.get(mount["target"])
            if have is None or any(have.get(key) != value for key, value in mount.items()):
                return False
        return comparison != "strict" or set(by_target) <= {m["target"] for m in desired}
    if name == "env" and comparison == "strict":
        # The engine gives a container a PATH when its image has none: not drift either.
        actual = {k: v for k, v in (actual or {}).items() if k in desired or k != "PATH"}
    return compare(comparison, desired, actual)


# ---------------------------------------------------------------------------------------------
# Creating a container from the view


def create_body(view: dict, image_ref: str) -> dict:
    """The Engine API body of ``POST /containers/create`` for the desired view."""
    body = dict(Image=image_ref, Labels=view.get("labels") or {}, AttachStdout=True, AttachStderr=True)
    for name, field in (("command", "Cmd"), ("entrypoint", "Entrypoint"), ("user", "User"),
                        ("working_dir", "WorkingDir"), ("hostname", "Hostname"), ("stop_signal", "StopSignal"),
                        ("stop_timeout", "StopTimeout")):
        if name in view:
            body[field] = view[name]
    if "env" in view:
        body["Env"] = [f"{k}={v}" for k, v in view["env"].items()]
    if "exposed_ports" in view:
        body["ExposedPorts"] = {port: {} for port in view["exposed_ports"]}
    if "volumes" in view:
        body["Volumes"] = {path: {} for path in view["volumes"]["anonymous"]}
    if "healthcheck" in view:
        hc = view["healthcheck"]
        body["Healthcheck"] = dict(Test=hc.get("test") or ["NONE"], Interval=hc.get("interval", 0),
                                   Timeout=hc.get("timeout", 0), StartPeriod=hc.get("start_period", 0),
                                   Retries=hc.get("retries", 0)) if hc else dict(Test=["NONE"])
    host = {}
    bindings = {}
    for port, ip, host_port in view.get("published_ports") or []:
        bindings.setdefault(port, []).append(dict(HostIp=ip, HostPort=host_port))
    if bindings:
        host["PortBindings"] = bindings
    if "volumes" in view:
        host["Binds"] = view["volumes"]["binds"]
    if "mounts" in view:
        host["Mounts"] = [_mount_body(m) for m in view["mounts"]]
    if "tmpfs" in view:
        host["Tmpfs"] = view["tmpfs"]
    if "restart_policy" in view or "restart_retries" in view:
        host["RestartPolicy"] = dict(Name=view.get("restart_policy", "no"),
                                     MaximumRetryCount=view.get("restart_retries", 0))
    for name, field in UPDATE_FIELDS.items():
        if name in view:
            host[field] = view[name]
    for name, field in (("read_only", "ReadonlyRootfs"), ("privileged", "Privileged"), ("init", "Init"),
                        ("capabilities", "CapAdd"), ("cap_drop", "CapDrop"), ("security_opts", "SecurityOpt"),
                        ("cgroupns_mode", "CgroupnsMode"), ("sysctls", "Sysctls"), ("etc_hosts", "ExtraHosts"),
                        ("dns_servers", "Dns")):
        if name in view:
            host[field] = view[name]
    if "ulimits" in view:
        host["Ulimits"] = [_ulimit_body(u) for u in view["ulimits"]]
    if "log_driver" in view or "log_options" in view:
        host["LogConfig"] = dict(Type=view.get("log_driver", ""), Config=view.get("log_options") or {})
    networks = view.get("networks") or {}
    mode = view.get("network_mode") or (next(iter(networks)) if networks else None)
    if mode:
        host["NetworkMode"] = mode
    body["HostConfig"] = host
    if networks and mode in networks:
        body["NetworkingConfig"] = dict(EndpointsConfig={mode: _endpoint(networks[mode])})
    return body


def _ulimit_body(ulimit: str) -> dict:
    name, soft, hard = ulimit.split(":")
    return dict(Name=name, Soft=int(soft), Hard=int(hard))


def _endpoint(net: dict) -> dict:
    endpoint = dict(Aliases=net["aliases"] or None)
    if net["ipv4_address"]:
        endpoint["IPAMConfig"] = dict(IPv4Address=net["ipv4_address"])
    return endpoint


def _mount_body(mount: dict) -> dict:
    body = dict(Type=mount["type"], Target=mount["target"], ReadOnly=mount["read_only"])
    if mount["source"]:
        body["Source"] = mount["source"]
    if mount["type"] == "tmpfs":
        options = {}
        if "tmpfs_size" in mount:
            options["SizeBytes"] = mount["tmpfs_size"]
        if "tmpfs_mode" in mount:
            options["Mode"] = mount["tmpfs_mode"]
        if options:
            body["TmpfsOptions"] = options
    return body


# ---------------------------------------------------------------------------------------------
# The manager


def parse_comparisons(value) -> dict:
    """Per-option comparisons; ``'*'`` sets every option at once."""
    result = {name: option.comparison for name, option in OPTIONS.items()}
    value = value or {}
    if "*" in value:
        if value["*"] not in COMPARISONS:
            raise InvalidOption("comparisons", f"'*': unknown comparison {value['*']!r}; use {', '.join(COMPARISONS)}")
        result = {name: value["*"] for name in result}
    for name, kind in value.items():
        if name == "*":
            continue
        if name not in OPTIONS:
            raise InvalidOption("comparisons", f"unknown option {name!r}; options that can be compared: "
                                               + ", ".join(sorted(OPTIONS)))
        if kind not in COMPARISONS:
            raise InvalidOption("comparisons", f"{name}: unknown comparison {kind!r}; use {', '.join(COMPARISONS)}")
        result[name] = kind
    return result


def _show(name: str, value, params: dict):
    show = OPTIONS[name].show
    return show(value, params.get(name)) if show and value is not None else value


class ContainerManager(Manager):
    """Plans and applies one ``container`` task."""

    def __init__(self, client, params: dict):
        self.client = client
        self.params = params
        self.name = params["name"]
        self.state = params["state"]
        self.comparisons = None  # parsed while planning, so a bad one fails like any bad input
        self.container = None  # inspect data, as read or as left by apply
        self.image = None
        self.view = None
        self.output = None
        self.status = None
        self.warnings = []

    # -- reading

    def read(self):
        self.container = find(self.client, "container", self.name)
        return self.container

    def _host_cpus(self):
        with engine_errors("reading", "engine info"):
            return self.client.info().get("NCPU")

    # -- planning

    def _resolve_image(self, actual):
        """The image the container must run, pulled per ``pull``; None when the task names none."""
        ref = self.params.get("image")
        if not ref:
            if actual is None:
                raise InvalidOption("image", f"container {self.name} does not exist, so image is needed to create it")
            return None, []
        repository, tag = split_name(ref, option="image")
        ref = reference(repository, tag)
        pull = self.params.get("pull")
        image = find(self.client, "image", ref)
        actions = []
        if pull == "always" and image is not None:
            # Pulled only when the registry holds another image than the engine, so a re-run is unchanged
            # and check mode knows it.
            digest = remote_digest(self.client, ref, "pulling")
            if digest is None:
                raise EngineError(f"pulling image {ref} failed: its registry holds no such image")
            if not holds_digest(image, repository, digest):
                actions.append(Action("pull", ref, reason="pull=always: the registry holds another image"))
        elif image is None and pull in ("missing", "always"):
            actions.append(Action("pull", ref, reason="not on the engine"))
        elif image is None:
            raise InvalidOption("image", f"{ref} is not on the engine and pull is never")
        return image, actions

    def plan(self, actual):
        state = self.state
        self.comparisons = parse_comparisons(self.params.get("comparisons"))
        if state == "absent":
            if actual is None:
                return []
            return [Action("remove", self.name, before=dict(state=_state_of(actual)), after=dict(state="absent"))]

        image, plan = self._resolve_image(actual)
        self.image = image
        view = desired_view(self.params, image, self._host_cpus() if self.params.get("cpus") is not None else None)
        self._check_networks(view)
        if view.get("blkio_weight") and blkio_weight_supported(self.params) is False:
            # The engine would discard it with a warning and report 0, so comparing it would show a change
            # on every run.
            del view["blkio_weight"]
            self.warnings.append("blkio_weight: this host's kernel has no Block I/O weight control (no blkio.weight "
                                 "or io.weight cgroup file), so the value is neither applied nor compared")
        self.view = view
        if state == "healthy" and not view.get("healthcheck") and not ((image or {}).get("Config") or {}).get(
                "Healthcheck") and not (actual and (actual.get("Config") or {}).get("Healthcheck")):
            raise InvalidOption("state", "healthy needs a healthcheck, from the healthcheck option or the image")
        running_wanted = state in ("started", "healthy")

        if actual is None:
            after = {name: _show(name, value, self.params) for name, value in view.items()}
            after["state"] = "running" if running_wanted else "created"
            plan.append(Action("create", self.name, before=dict(state="absent"), after=after))
            if running_wanted:
                plan.append(Action("start", self.name))
            return plan

        have = actual_view(actual)
        differs = {}
        for name, value in view.items():
            if not option_matches(name, self.comparisons[name], value, have.get(name)):
                differs[name] = (have.get(name), value)
        # A pull planned for an existing container brings another image (pull=always pulls only then).
        pulling = any(action.kind == "pull" for action in plan)
        image_changed = (pulling or (image is not None and image.get("Id") != actual.get("Image"))) \
            and self.comparisons["image"] != "ignore"
        before = {name: _show(name, old, self.params) for name, (old, _new) in differs.items()}
        after = {name: _show(name, new, self.params) for name, (_old, new) in differs.items()}
        if image_changed:
            before["image"], after["image"] = actual.get("Image"), "(pulled)" if pulling else image.get("Id")
        recreate_for = sorted(n for n in differs if not OPTIONS[n].updatable and n != "networks")
        if image_changed:
            recreate_for.insert(0, "image")
        current = _state_of(actual)
        if self.params.get("recreate") or recreate_for:
            reason = "recreate=true" if not recreate_for else "changed: " + ", ".join(recreate_for)
            plan.append(Action("recreate", self.name, before=before, after=after, reason=reason))
            if running_wanted or (state == "present" and current == "running"):
                plan.append(Action("start", self.name))
            return plan

        updates = {n: differs[n] for n in differs if OPTIONS[n].updatable}
        if updates:
            plan.append(Action("update", self.name,
                               before={n: before[n] for n in updates}, after={n: after[n] for n in updates},
                               reason="in place: " + ", ".join(sorted(updates))))
        if "networks" in differs:
            plan.extend(self._plan_networks(view["networks"], have["networks"], before, after))

        if running_wanted and current != "running":
            plan.append(Action("start", self.name, before=dict(state=current), after=dict(state="running")))
        elif state == "stopped" and current == "running":
            plan.append(Action("stop", self.name, before=dict(state=current), after=dict(state="exited")))
        elif running_wanted and self.params.get("restart"):
            plan.append(Action("restart", self.name, reason="restart=true"))
        return plan

    def _check_networks(self, view):
        """Networks must exist before anything is applied: the engine only finds out when it starts the container."""
        mode = view.get("network_mode")
        if mode and mode.startswith("container:"):
            other = require(self.client, "container", mode.split(":", 1)[1], "network_mode")
            # The engine keeps the other container's Id, whatever name the task used.
            view["network_mode"] = "container:" + other["Id"]
            mode = None
        names = [("networks", n) for n in view.get("networks") or {}]
        if mode and mode not in ("bridge", "host", "none"):
            names.insert(0, ("network_mode", mode))
        for option, net in names:
            require(self.client, "network", net, option)

    def _plan_networks(self, desired, actual, before, after):
        actions = []
        for net, want in desired.items():
            have = actual.get(net)
            if _endpoint_matches(want, have):
                continue
            if have is not None:
                actions.append(Action("disconnect", f"{self.name} from {net}", reason="aliases or address changed"))
            actions.append(Action("connect", f"{self.name} to {net}", before=dict(networks=before.get("networks")),
                                  after=dict(networks=after.get("networks"))))
        if self.comparisons["networks"] == "strict":
            for net in actual:
                if net not in desired:
                    actions.append(Action("disconnect", f"{self.name} from {net}",
                                          before=dict(networks=before.get("networks")),
                                          after=dict(networks=after.get("networks"))))
        return actions

    # -- applying

    def apply(self, plan):
        for action in plan:
            getattr(self, "_apply_" + action.kind)(action)
        if self.container is not None:
            self.container = find(self.client, "container", self.container["Id"])

    def _apply_pull(self, action):
        repository, tag = split_name(action.target)
        with engine_errors("pulling", f"image {action.target}"):
            follow_stream(self.client.pull(repository, tag=tag, stream=True, decode=True), "pulling", action.target)
        self.image = find(self.client, "image", action.target)
        if self.image is None:
            raise EngineError(f"pulling image {action.target} brought no image")

    def _create(self, name):
        # By name, as docker run does, so that docker ps shows it; the Id was already resolved for comparing.
        ref = reference(*split_name(self.params["image"])) if self.params.get("image") else self.container["Config"]["Image"]
        body = create_body(self.view, ref)
        with engine_errors("creating", f"container {self.name}"):
            created = self.client.create_container_from_config(body, name=name)
        self.warnings.extend(created.get("Warnings") or [])
        container_id = created["Id"]
        try:
            self._connect_extra_networks(container_id, body)
        except EngineError:
            self._remove(container_id, force=True)
            raise
        return container_id

    def _connect_extra_networks(self, container_id, body):
        primary = (body.get("HostConfig") or {}).get("NetworkMode")
        for net, want in (self.view.get("networks") or {}).items():
            if net == primary:
                continue
            self._connect(container_id, net, want)

    def _connect(self, container_id, net, want):
        with engine_errors("connecting", f"container {self.name} to network {net}"):
            self.client.connect_container_to_network(container_id, net, aliases=want["aliases"] or None,
                                                     ipv4_address=want["ipv4_address"] or None)

    def _apply_create(self, action):
        container_id = self._create(self.name)
        self.container = find(self.client, "container", container_id)

    def _apply_recreate(self, action):
        # The new container is made first, under a temporary name, so that a create the engine refuses
        # leaves the old one untouched.
        old = self.container
        temporary = f"{self.name}-noar-{int(time.time())}"
        new_id = self._create(temporary)
        self._stop(old)
        self._remove(old["Id"], force=True)
        with engine_errors("renaming", f"container {temporary} to {self.name}"):
            self.client.rename(new_id, self.name)
        self.container = find(self.client, "container", new_id)

    def _apply_update(self, action):
        self.warnings.extend(update_limits(self.client, self.container, self.name, self.view, list(action.after)))

    def _apply_connect(self, action):
        net = action.target.split(" to ", 1)[1]
        self._connect(self.container["Id"], net, self.view["networks"][net])

    def _apply_disconnect(self, action):
        net = action.target.split(" from ", 1)[1]
        with engine_errors("disconnecting", f"container {self.name} from network {net}"):
            self.client.disconnect_container_from_network(self.container["Id"], net)

    def _apply_start(self, action):
        with engine_errors("starting", f"container {self.name}"):
            self.client.start(self.container["Id"])
        if self.params.get("detach") is False:
            self._wait_for_exit()

    def _wait_for_exit(self):
        with engine_errors("waiting for", f"container {self.name}"):
            self.status = self.client.wait(self.container["Id"]).get("StatusCode")
        try:
            with engine_errors("reading the output of", f"container {self.name}"):
                self.output = self.client.logs(self.container["Id"], stdout=True, stderr=True).decode("utf-8", "replace")
        except EngineError:
            self.output = None  # a logging driver the engine cannot read back (none, syslog, ...)

    def _apply_stop(self, action):
        self._stop(self.container)

    def _stop_timeout(self, container) -> int:
        """The task's stop_timeout, else the container's own, else the engine's default of 10 s."""
        if self.params.get("stop_timeout") is not None:
            return self.params["stop_timeout"]
        configured = (container.get("Config") or {}).get("StopTimeout")
        return configured if configured is not None else 10

    def _stop(self, container):
        """Stop gracefully (the stop signal, then a kill after the stop timeout), or kill with force_kill."""
        if self.params.get("force_kill"):
            try:
                with engine_errors("killing", f"container {self.name}"):
                    self.client.kill(container["Id"])
            except EngineError as exc:
                if exc.details.get("status_code") != 409:  # 409: not running, nothing to kill
                    raise
            return
        with engine_errors("stopping", f"container {self.name}"):
            self.client.stop(container["Id"], timeout=self._stop_timeout(container))

    def _apply_restart(self, action):
        with engine_errors("restarting", f"container {self.name}"):
            self.client.restart(self.container["Id"], timeout=self._stop_timeout(self.container))

    def _apply_remove(self, action):
        # Stopped first, so that removing a running container gives it its stop signal and timeout
        # (or kills it with force_kill), as docker stop && docker rm do.
        if _state_of(self.container) in ("running", "restarting"):
            self._stop(self.container)
        self._remove(self.container["Id"], force=True)
        self.container = None

    def _remove(self, container_id, force):
        with engine_errors("removing", f"container {self.name}"):
            self.client.remove_container(container_id, force=force, v=not self.params.get("keep_volumes", True))

    # -- waiting and results

    def wait_healthy(self, timeout: float):
        """Wait until the container's healthcheck passes; fail with its last output when it does not."""
        deadline = time.monotonic() + timeout
        while True:
            container = find(self.client, "container", self.name)
            state = (container or {}).get("State") or {}
            health = state.get("Health") or {}
            status = health.get("Status")
            if status == "healthy":
                self.container = container
                return
            if not state.get("Running"):
                raise EngineError(f"container {self.name} stopped while waiting for it to be healthy "
                                  f"(exit code {state.get('ExitCode')})")
            if status == "unhealthy" or time.monotonic() > deadline:
                log = health.get("Log") or []
                last = (log[-1].get("Output") or "").strip() if log else ""
                why = "is unhealthy" if status == "unhealthy" else f"was not healthy within {timeout:g} s"
                raise EngineError(f"container {self.name} {why}; last healthcheck output: {last or '(none)'}",
                                  container=container)
            time.sleep(0.5)

    def result(self):
        result = dict(container=self.container or {})
        if self.status is not None:
            result["status"] = self.status
            result["output"] = self.output
        return result


def update_body(view: dict, container: dict, names) -> dict:
    """The ``POST /containers/{id}/update`` body that sets the options ``names`` of ``view`` on ``container``."""
    body = {}
    for name in names:
        if name in UPDATE_FIELDS:
            body[UPDATE_FIELDS[name]] = view[name]
    if "memory" in names and "memory_swap" not in view:
        # The engine keeps the old memory+swap total and refuses a memory above it; follow what it
        # does at create time (twice the memory) unless the container had unlimited swap.
        old_swap = (container.get("HostConfig") or {}).get("MemorySwap") or 0
        if old_swap > 0:
            body["MemorySwap"] = 2 * view["memory"]
    if "restart_policy" in names or "restart_retries" in names:
        body["RestartPolicy"] = dict(
            Name=view.get("restart_policy", actual_view(container)["restart_policy"]),
            MaximumRetryCount=view.get("restart_retries", 0))
    return body


def post_update(client, container_id: str, name: str, body: dict) -> list:
    """Send an update body; the engine's warnings."""
    with engine_errors("updating", f"container {name}"):
        # docker-py's update_container knows neither NanoCpus nor PidsLimit: send the API body itself.
        url = client._url("/containers/{0}/update", container_id)  # pylint: disable=protected-access
        updated = client._result(client._post_json(url, data=body), True)  # pylint: disable=protected-access
    return (updated or {}).get("Warnings") or []


def update_limits(client, container: dict, name: str, view: dict, names) -> list:
    """``docker update`` of the options ``names`` (from ``view``) on ``container``; the engine's warnings."""
    return post_update(client, container["Id"], name, update_body(view, container, names))


def blkio_weight_supported(params: dict):
    """Whether the engine's kernel can weigh block I/O: read from the cgroup files when the engine is local.

    None when it cannot be known from here (an engine reached over TCP or SSH).
    """
    if not (params.get("docker_host") or "unix://").startswith("unix://"):
        return None
    root = "/sys/fs/cgroup"
    controllers = os.path.join(root, "cgroup.controllers")
    if os.path.exists(controllers):  # cgroup v2: the io controller carries the weight
        with open(controllers, encoding="ascii") as handle:
            return "io" in handle.read().split()
    if os.path.isdir(os.path.join(root, "blkio")):  # cgroup v1
        return os.path.exists(os.path.join(root, "blkio", "blkio.weight"))
    return None


def _state_of(container: dict) -> str:
    return ((container or {}).get("State") or {}).get("Status") or "absent"


# ---------------------------------------------------------------------------------------------
# Reading: one container or a list, logs, and exec


def _log_time(value, option: str):
    """Engine log time bound from a timestamp (ISO 8601 or Unix) or a duration back from now (``10m``)."""
    if value is None:
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.\d+)?", text) and float(text) > 10 ** 8:
        return int(float(text))
    try:
        from datetime import datetime  # pylint: disable=import-outside-toplevel
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return int(stamp.timestamp())
    except ValueError:
        pass
    try:
        return int(time.time() - parse_duration(text, option))
    except InvalidOption:
        raise InvalidOption(option, f"{value!r} is neither a timestamp (2024-05-01T10:00:00Z, Unix seconds) "
                                    "nor a duration back from now (10m, 1h30m)") from None


def read_logs(client, params: dict) -> dict:
    """A container's logs, all of them and split by stream, as ``docker logs`` shows them."""
    name = params["name"]
    container = require(client, "container", name, "name")
    tail = params.get("tail")
    if tail is None or str(tail) == "all":
        tail = "all"
    else:
        try:
            tail = int(tail)
        except ValueError:
            raise InvalidOption("tail", f"{tail!r} is not a number of lines or 'all'") from None
        if tail < 0:
            raise InvalidOption("tail", f"cannot be negative, got {tail}")
    kwargs = dict(timestamps=params.get("timestamps", False), tail=tail,
                  since=_log_time(params.get("since"), "since"), until=_log_time(params.get("until"), "until"))
    driver = ((container.get("HostConfig") or {}).get("LogConfig") or {}).get("Type")

    def fetch(stdout: bool, stderr: bool) -> str:
        with engine_errors("reading the logs of", f"container {name} (logging driver {driver})"):
            return client.logs(container["Id"], stdout=stdout, stderr=stderr, **kwargs).decode("utf-8", "replace")

    want_out, want_err = params.get("stdout", True), params.get("stderr", True)
    out = fetch(True, False) if want_out else ""
    err = fetch(False, True) if want_err else ""
    both = fetch(want_out, want_err) if want_out and want_err else out or err
    return dict(logs=both.splitlines(), stdout_lines=out.splitlines(), stderr_lines=err.splitlines(),
                log_driver=driver)


def run_exec(client, params: dict) -> dict:
    """Run a command in a running container: ``rc``, ``stdout`` and ``stderr`` (or ``exec_id`` when detached)."""
    import socket  # pylint: disable=import-outside-toplevel

    from docker.utils.socket import (  # pylint: disable=import-outside-toplevel
        consume_socket_output,
        demux_adaptor,
        frames_iter,
    )

    name = params["container"]
    container = require(client, "container", name, "container")
    if not (container.get("State") or {}).get("Running"):
        raise InvalidOption("container", f"container {name} is not running ({_state_of(container)})")
    if params.get("argv"):
        argv = [str(a) for a in params["argv"]]
    else:
        argv = shlex.split(params["command"])
    stdin = params.get("stdin")
    if stdin is not None and params.get("stdin_add_newline", True) and not stdin.endswith("\n"):
        stdin += "\n"
    env = {str(k): _env_value(v) for k, v in (params.get("env") or {}).items()}
    tty = params.get("tty", False)
    with engine_errors("running a command in", f"container {name}"):
        exec_id = client.exec_create(container["Id"], argv, stdout=True, stderr=True, stdin=stdin is not None,
                                     tty=tty, user=params.get("user") or "", environment=env or None,
                                     workdir=params.get("chdir"))["Id"]
        if params.get("detach"):
            client.exec_start(exec_id, detach=True)
            return dict(exec_id=exec_id)
        if stdin is None:
            out, err = client.exec_start(exec_id, tty=tty, demux=True)
        else:
            sock = client.exec_start(exec_id, tty=tty, socket=True)
            raw = getattr(sock, "_sock", sock)
            raw.sendall(stdin.encode("utf-8"))
            raw.shutdown(socket.SHUT_WR)
            out, err = consume_socket_output((demux_adaptor(*frame) for frame in frames_iter(sock, tty)), demux=True)
            sock.close()
        rc = client.exec_inspect(exec_id).get("ExitCode")
    out = (out or b"").decode("utf-8", "replace")
    err = (err or b"").decode("utf-8", "replace")
    if params.get("strip_empty_ends", True):
        out, err = out.rstrip("\r\n"), err.rstrip("\r\n")
    return dict(rc=rc, stdout=out, stderr=err, exec_id=exec_id)
