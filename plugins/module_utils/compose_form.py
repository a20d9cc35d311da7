# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A service in the form the Compose CLI hashes it, so that the module and ``docker compose up`` label a container
with the same ``com.docker.compose.config-hash`` and each takes over what the other started without recreating it.

The CLI's hash is the SHA-256 of compose-go's ServiceConfig encoded as Go encodes JSON (its fields in their declared
order, maps by key, every short syntax in its long form, sizes in bytes, durations as Go writes them), without
build, pull_policy, scale, depends_on, profiles and deploy.replicas. ``hash_form`` builds that form from the loaded
model for the keys listed in ``FORMS``; a service with any other key (or a value whose form is not known here) has
none, and the module labels it with its own hash (``compose_manager.config_hash``). The conformance suite checks
every form against the CLI's reading of the same files (``docker compose config --no-env-resolution``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import struct
from decimal import Decimal
from typing import Any

from ansible_collections.noar.docker.plugins.module_utils.compose import (
    key_values,
    port_entries,
    service_variables,
    text,
)
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

# compose-go's ServiceConfig fields, in their declared order (types/types.go): the order of the hashed JSON.
ORDER = (
    "profiles",
    "annotations",
    "attach",
    "build",
    "develop",
    "blkio_config",
    "cap_add",
    "cap_drop",
    "cgroup_parent",
    "cgroup",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "cpus",
    "cpuset",
    "cpu_shares",
    "command",
    "configs",
    "container_name",
    "credential_spec",
    "depends_on",
    "deploy",
    "device_cgroup_rules",
    "devices",
    "dns",
    "dns_opt",
    "dns_search",
    "dockerfile",
    "domainname",
    "entrypoint",
    "provider",
    "environment",
    "env_file",
    "expose",
    "extends",
    "external_links",
    "extra_hosts",
    "group_add",
    "gpus",
    "hostname",
    "healthcheck",
    "image",
    "init",
    "ipc",
    "isolation",
    "labels",
    "label_file",
    "links",
    "logging",
    "log_driver",
    "log_opt",
    "mem_limit",
    "mem_reservation",
    "memswap_limit",
    "mem_swappiness",
    "mac_address",
    "models",
    "net",
    "network_mode",
    "networks",
    "oom_kill_disable",
    "oom_score_adj",
    "pid",
    "pids_limit",
    "platform",
    "ports",
    "privileged",
    "pull_policy",
    "read_only",
    "restart",
    "runtime",
    "scale",
    "secrets",
    "security_opt",
    "shm_size",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "storage_opt",
    "sysctls",
    "tmpfs",
    "tty",
    "ulimits",
    "use_api_socket",
    "user",
    "userns_mode",
    "uts",
    "volume_driver",
    "volumes",
    "volumes_from",
    "working_dir",
    "post_start",
    "pre_stop",
)
# Left out of the hash by the CLI (docker/compose pkg/compose/hash.go), so by us.
NOT_HASHED = ("build", "pull_policy", "scale", "depends_on", "profiles", "env_file")
# Fields the CLI writes even when empty (ShellCommand is not omitempty).
ALWAYS = ("command", "entrypoint")


class NoForm(Exception):
    """The value has no form known here: the service is labelled with the module's own hash."""


def go_json(value: Any) -> str:
    """JSON as Go's encoding/json writes it: compact, UTF-8, and <, >, & and the two line separators escaped."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def go_float32(value: Any) -> int | float:
    """A float32 (cpus) as Go writes it: the shortest digits that read back as the same float32 (0.1, not
    0.10000000149011612), and no fraction when it has none."""
    try:
        single = struct.unpack("f", struct.pack("f", float(value)))[0]
    except (TypeError, ValueError):
        raise NoForm() from None
    for digits in range(1, 10):
        text = f"{single:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == single:
            break
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(text)


_DURATION = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)")
_UNITS = dict(ns=1, us=1000, **{"µs": 1000}, ms=10**6, s=10**9, m=60 * 10**9, h=3600 * 10**9)


def go_duration(value: Any) -> str:
    """A Compose duration (``1m30s``) as Go's time.Duration writes it (``1m30s``, ``1h0m0s``, ``500ms``)."""
    if not isinstance(value, str) or not value:
        raise NoForm()
    nanos, position = 0, 0
    for match in _DURATION.finditer(value):
        if match.start() != position or match.group(1) in ("", "."):
            raise NoForm()
        nanos += int(Decimal(match.group(1)) * _UNITS[match.group(2)])
        position = match.end()
    if position != len(value):
        raise NoForm()
    return _go_duration_text(nanos)


def _fraction(value: int, digits: int) -> str:
    whole, part = divmod(value, 10**digits)
    part_text = str(part).rjust(digits, "0").rstrip("0")
    return f"{whole}.{part_text}" if part_text else str(whole)


def _go_duration_text(nanos: int) -> str:
    if nanos == 0:
        return "0s"
    if nanos < 10**9:
        for unit, digits in (("ns", 0), ("µs", 3), ("ms", 6)):
            if nanos < 10 ** (digits + 3):
                return _fraction(nanos, digits) + unit
    seconds = _fraction(nanos % (60 * 10**9), 9) + "s"
    minutes = nanos // (60 * 10**9)
    if not minutes:
        return seconds
    hours, minutes = divmod(minutes, 60)
    return (f"{hours}h" if hours else "") + f"{minutes}m" + seconds


_BYTES = re.compile(r"^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$")


def go_bytes(value: Any) -> str:
    """A Compose size (``64m``, or bytes) as compose-go writes it: bytes, as a string."""
    if isinstance(value, bool):
        raise NoForm()
    if isinstance(value, int):
        return str(value)
    match = _BYTES.match(str(value))
    if not match:
        raise NoForm()
    power = " kmgtp".index((match.group(2) or " ").lower())
    return str(int(Decimal(match.group(1)) * 1024**power))


def _text(value: Any) -> str | None:
    """A scalar of a mapping (environment, labels, ...) as compose-go keeps it: a string, or null."""
    if value is None:
        return None
    if isinstance(value, float):
        raise NoForm()  # written by Go's %v, not read here
    return text(value)


def _strings(value: Any) -> list:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
        raise NoForm()
    return [str(v) for v in value]


def _command(value: Any) -> list | None:
    if value is None:
        return None
    if isinstance(value, str):
        return shlex.split(value)
    return _strings(value)


def _mapping(value: Any, where: str) -> dict:
    return {str(k): _text(v) for k, v in sorted(key_values(value, "definition", where).items())}


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).lstrip("-").isdigit():
        raise NoForm()
    return int(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise NoForm()
    return value


def _ports(value: Any) -> list:
    try:
        return port_entries(value, "ports")
    except InvalidOption:
        raise NoForm() from None


_SHORT_BIND = dict(z=("selinux", "z"), Z=("selinux", "Z"), **{p: ("propagation", p) for p in ("shared", "rshared", "slave", "rslave", "private", "rprivate")})


def _volume(entry: Any, working_dir: str) -> dict:
    if isinstance(entry, dict):
        return _long_volume(entry, working_dir)
    parts = str(entry).split(":")
    if len(parts) == 1:
        return dict(type="volume", target=parts[0], volume={})
    if len(parts) > 3:
        raise NoForm()
    bind = parts[0].startswith((".", "/", "~"))
    volume: dict = dict(type="bind" if bind else "volume", source=_path(parts[0], working_dir) if bind else parts[0], target=parts[1])
    options: dict = {}
    for mode in parts[2].split(",") if len(parts) == 3 and parts[2] else []:
        if mode in ("ro", "rw"):
            volume["read_only"] = mode == "ro"
        elif mode in _SHORT_BIND and bind:
            options[_SHORT_BIND[mode][0]] = _SHORT_BIND[mode][1]
        elif mode == "nocopy" and not bind:
            options["nocopy"] = True
        else:
            raise NoForm()
    if not volume.get("read_only"):
        volume.pop("read_only", None)
    if bind:
        volume["bind"] = {k: options[k] for k in ("selinux", "propagation") if k in options}
        volume["bind"]["create_host_path"] = True
    else:
        volume["volume"] = options
    return volume


def _long_volume(entry: dict, working_dir: str) -> dict:
    if set(entry) - {"type", "source", "target", "read_only", "bind", "volume", "tmpfs"}:
        raise NoForm()
    kind = entry.get("type")
    volume: dict = dict(type=kind, source=entry.get("source"), target=entry.get("target"))
    if kind == "bind" and volume["source"]:
        volume["source"] = _path(volume["source"], working_dir)
    if entry.get("read_only"):
        volume["read_only"] = True
    bind, options, tmpfs = entry.get("bind") or {}, entry.get("volume") or {}, entry.get("tmpfs") or {}
    if (
        set(bind) - {"selinux", "propagation", "create_host_path"}
        or set(options) - {"nocopy", "subpath"}
        or set(tmpfs) - {"size"}
        or kind not in ("bind", "volume", "tmpfs")
    ):
        raise NoForm()
    if kind == "bind":
        volume["bind"] = {k: bind[k] for k in ("selinux", "propagation") if bind.get(k)}
        if bind.get("create_host_path"):
            volume["bind"]["create_host_path"] = True
    elif options:
        volume["volume"] = {k: options[k] for k in ("nocopy", "subpath") if options.get(k)}
    if tmpfs.get("size") is not None:
        volume["tmpfs"] = dict(size=go_bytes(tmpfs["size"]))
    return {k: v for k, v in volume.items() if v not in (None, "", {})}


def _path(path: str, working_dir: str) -> str:
    if re.match(r"^[A-Za-z]:[\\/]", path):
        raise NoForm()  # a Windows path, which the CLI keeps as it is
    return os.path.normpath(os.path.join(working_dir, os.path.expanduser(path)))


def _networks(value: Any) -> dict:
    if isinstance(value, list):
        return {str(n): None for n in sorted(value)}
    networks: dict = {}
    for name, settings in sorted(value.items()):
        if settings is None:
            networks[name] = None
            continue
        if set(settings) - {"aliases", "ipv4_address", "ipv6_address", "priority", "gw_priority"}:
            raise NoForm()
        network = dict(
            aliases=_strings(settings["aliases"]) if settings.get("aliases") else None,
            gw_priority=_int(settings["gw_priority"]) if settings.get("gw_priority") else None,
            ipv4_address=settings.get("ipv4_address"),
            ipv6_address=settings.get("ipv6_address"),
            priority=_int(settings["priority"]) if settings.get("priority") else None,
        )
        networks[name] = {k: v for k, v in network.items() if v not in (None, "")}
    return networks


def _healthcheck(value: dict) -> dict:
    if set(value) - {"test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"}:
        raise NoForm()
    test = value.get("test")
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    check: dict = dict(test=_strings(test) if test is not None else None)
    for key in ("timeout", "interval"):
        check[key] = go_duration(value[key]) if value.get(key) is not None else None
    check["retries"] = _int(value["retries"]) if value.get("retries") else None
    for key in ("start_period", "start_interval"):
        check[key] = go_duration(value[key]) if value.get(key) is not None else None
    check["disable"] = True if value.get("disable") else None
    return {k: v for k, v in check.items() if v is not None}


def _ulimits(value: dict) -> dict:
    limits: dict = {}
    for name, limit in sorted(value.items()):
        if isinstance(limit, dict):
            if set(limit) - {"soft", "hard"}:
                raise NoForm()
            limits[name] = dict(soft=_int(limit["soft"]), hard=_int(limit["hard"]))
        else:
            limits[name] = _int(limit)
    return limits


def _extra_hosts(value: Any) -> list:
    if isinstance(value, dict):
        pairs = [(str(k), v) for k, v in value.items()]
    else:
        pairs = []
        for entry in _strings(value):
            sep = "=" if "=" in entry else ":"
            host, _sep, address = entry.partition(sep)
            pairs.append((host, address))
    by_host: dict = {}
    for host, address in pairs:
        for one in address if isinstance(address, list) else [address]:
            by_host.setdefault(host, []).append(str(one))
    return [f"{host}={address}" for host in sorted(by_host) for address in by_host[host]]


def _devices(value: Any) -> list:
    devices = []
    for entry in value:
        if isinstance(entry, dict):
            if set(entry) - {"source", "target", "permissions"}:
                raise NoForm()
            entry = ":".join([str(entry["source"]), str(entry.get("target") or entry["source"]), str(entry.get("permissions") or "rwm")])
        parts = str(entry).split(":")
        if len(parts) > 3:
            raise NoForm()
        devices.append(dict(source=parts[0], target=parts[1] if len(parts) > 1 else parts[0], permissions=parts[2] if len(parts) > 2 else "rwm"))
    return devices


def _logging(value: dict) -> dict:
    if set(value) - {"driver", "options"}:
        raise NoForm()
    form = {}
    if value.get("driver"):
        form["driver"] = value["driver"]
    if value.get("options"):
        form["options"] = {str(k): _text(v) for k, v in sorted(value["options"].items())}
    return form


def _deploy(value: dict) -> dict:
    if set(value) - {"replicas", "resources", "restart_policy"}:
        raise NoForm()
    deploy: dict = {}
    resources = value.get("resources") or {}
    if set(resources) - {"limits", "reservations"}:
        raise NoForm()
    deploy["resources"] = {}
    for kind in ("limits", "reservations"):
        if resources.get(kind):
            resource = resources[kind]
            if set(resource) - {"cpus", "memory", "pids"}:
                raise NoForm()
            deploy["resources"][kind] = {
                k: v
                for k, v in dict(
                    cpus=go_float32(resource["cpus"]) if resource.get("cpus") else None,
                    memory=go_bytes(resource["memory"]) if resource.get("memory") else None,
                    pids=_int(resource["pids"]) if resource.get("pids") else None,
                ).items()
                if v is not None
            }
    policy = value.get("restart_policy")
    if policy:
        if set(policy) - {"condition", "delay", "max_attempts", "window"}:
            raise NoForm()
        deploy["restart_policy"] = {
            k: v
            for k, v in dict(
                condition=policy.get("condition"),
                delay=go_duration(policy["delay"]) if policy.get("delay") else None,
                max_attempts=_int(policy["max_attempts"]) if policy.get("max_attempts") is not None else None,
                window=go_duration(policy["window"]) if policy.get("window") else None,
            ).items()
            if v is not None
        }
    deploy["placement"] = {}  # a struct, not a pointer: Go writes it empty
    return deploy


def _hooks(value: Any) -> list:
    hooks = []
    for hook in value:
        if not isinstance(hook, dict) or set(hook) - {"command", "user", "privileged", "working_dir", "environment"}:
            raise NoForm()
        form = dict(
            command=_command(hook.get("command")),
            user=hook.get("user"),
            privileged=_bool(hook["privileged"]) if "privileged" in hook else None,
            working_dir=hook.get("working_dir"),
            environment=_mapping(hook["environment"], "hook") if hook.get("environment") else None,
        )
        hooks.append({k: v for k, v in form.items() if k == "command" or v not in (None, "", False, {})})
    return hooks


def _environment(project: dict, service: dict, path: str) -> dict:
    """The service's variables (``compose.service_variables``); a name without a value takes the project
    environment's, or stays null (the CLI's ``up`` hashes the service with its env files read into its
    environment)."""
    variables = service_variables(project, service, path)
    return {str(k): _text(project["environment"].get(k) if v is None else v) for k, v in sorted(variables.items())}


FORMS: dict = dict(
    cap_add=_strings,
    cap_drop=_strings,
    cgroup_parent=str,
    cpus=go_float32,
    cpu_shares=_int,
    command=_command,
    container_name=str,
    deploy=_deploy,
    devices=_devices,
    dns=_strings,
    dns_opt=_strings,
    dns_search=_strings,
    domainname=str,
    entrypoint=_command,
    expose=_strings,
    external_links=_strings,
    extra_hosts=_extra_hosts,
    links=_strings,
    group_add=_strings,
    hostname=str,
    healthcheck=_healthcheck,
    image=str,
    init=_bool,
    ipc=str,
    logging=_logging,
    mem_limit=go_bytes,
    mem_reservation=go_bytes,
    memswap_limit=go_bytes,
    mac_address=str,
    network_mode=str,
    networks=_networks,
    oom_score_adj=_int,
    pid=str,
    pids_limit=_int,
    platform=str,
    ports=_ports,
    privileged=_bool,
    read_only=_bool,
    restart=str,
    runtime=str,
    security_opt=_strings,
    shm_size=go_bytes,
    stdin_open=_bool,
    stop_grace_period=go_duration,
    stop_signal=str,
    tmpfs=_strings,
    tty=_bool,
    ulimits=_ulimits,
    user=str,
    userns_mode=str,
    volumes_from=_strings,
    working_dir=str,
    post_start=_hooks,
    pre_stop=_hooks,
)
# Read by the project, or below with the project's context.
CONTEXT = ("environment", "labels", "sysctls", "volumes") + NOT_HASHED


def hash_form(project: dict, name: str) -> dict | None:
    """Service ``name`` as the Compose CLI hashes it, or None when one of its keys or values has no form here."""
    try:
        return _form(project, name)
    except NoForm:
        return None


def without_form(project: dict, name: str) -> str | None:
    """The first key of service ``name`` that has no form here (None: the service has one)."""
    try:
        _form(project, name)
    except NoForm as exc:
        return str(exc)
    return None


def _form(project: dict, name: str) -> dict:
    service = project["model"]["services"][name]
    where = f"services.{name}"
    form: dict = {}
    for key, value in service.items():
        if key not in FORMS and key not in CONTEXT:
            raise NoForm(key)
        if key in NOT_HASHED or (value is None and key not in ALWAYS):
            continue
        try:
            if key in FORMS:
                form[key] = FORMS[key](value)
            elif key in ("labels", "sysctls"):
                form[key] = _mapping(value, f"{where}.{key}")
            elif key == "volumes":
                form[key] = [_volume(v, project["working_dir"]) for v in value]
        except NoForm:
            raise NoForm(key) from None
    if service.get("environment") is not None or service.get("env_file"):
        try:
            form["environment"] = _environment(project, service, where)
        except (NoForm, InvalidOption):
            raise NoForm("environment") from None
    if "network_mode" not in form and "networks" not in form:
        form["networks"] = {"default": None}
    for key in ALWAYS:
        form.setdefault(key, None)
    # Go leaves out an empty value (omitempty), but for a few pointer fields and the commands.
    kept = {k: v for k, v in form.items() if k in ALWAYS or k == "init" or v not in (None, "", [], {}, False)}
    return {key: kept[key] for key in ORDER if key in kept}


def spec_hash(project: dict, name: str) -> str | None:
    """The Compose CLI's config hash of service ``name``, or None when it has no form here (see ``hash_form``)."""
    form = hash_form(project, name)
    if form is None:
        return None
    return hashlib.sha256(go_json(form).encode()).hexdigest()
