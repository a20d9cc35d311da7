# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Compose project as Kubernetes manifests (what Kompose does), from the same model the compose module converges.

Each service is read through ``service_params`` (the container parameters the compose module would use), so that a
key means the same thing here as on an engine. What has no Kubernetes equivalent fails naming the service and the
key (a bind mount of a host path, ``network_mode: host``, ``privileged`` unless allowed); what only loses detail is
a warning.
"""

from __future__ import annotations

import base64
import copy
import os
import re
import shlex
from typing import Any, NoReturn

from ansible_collections.noar.docker.plugins.module_utils.compose import (
    SAME,
    dependencies_of,
    hooks,
    load_project,
    port_entries,
    replicas,
    service_files,
    service_params,
)
from ansible_collections.noar.docker.plugins.module_utils.container_options import parse_healthcheck
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager
from ansible_collections.noar.docker.plugins.module_utils.files import check_output_path, write_atomically
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption, parse_size

MANAGED_BY = "noar.docker"
SERVICE_TYPES = ("NodePort", "LoadBalancer")


def _fail(service: str, key: str, reason: str) -> NoReturn:
    raise InvalidOption("definition", f"services.{service}.{key}: {reason}")


def k8s_name(service: str) -> str:
    """A service's name as a Kubernetes object's (a DNS label, as Kompose makes it): lower case, ``_`` and ``.`` as
    ``-``."""
    return re.sub(r"[^a-z0-9-]", "-", service.lower()).strip("-") or "service"


def labels_of(project: dict, service: str) -> dict:
    return {"app.kubernetes.io/name": k8s_name(service), "app.kubernetes.io/part-of": project["name"], "app.kubernetes.io/managed-by": MANAGED_BY}


def _ports(service: str, definition: dict) -> tuple:
    """(container ports, published ports): each ``(port, protocol)``; a published one also its node port. Read from
    ``compose.port_entries``, the ports' one reading."""
    inner, published = [], []
    for entry in port_entries(definition.get("ports"), f"services.{service}.ports"):
        if "-" in entry.get("published", ""):
            _fail(service, "ports", f"{entry['published']}: only single ports convert (no ranges)")
        port = (entry["target"], entry["protocol"].upper())
        inner.append(port)
        published.append(port + (int(entry["published"]) if entry.get("published") else None,))
    for entry in definition.get("expose") or []:
        number, _slash, proto = str(entry).partition("/")
        if not number.isdigit():
            _fail(service, "expose", f"{entry!r}: only single ports convert (no ranges)")
        inner.append((int(number), (proto or "tcp").upper()))
    return sorted(set(inner)), published


def _probe(check: dict) -> dict | None:
    """A healthcheck as an exec probe, read by the container option's own parser (``parse_healthcheck``)."""
    parsed = parse_healthcheck(check)
    test = parsed.get("test")
    if not test or test == ["NONE"]:
        return None
    command = ["sh", "-c", " ".join(test[1:])] if test[0] == "CMD-SHELL" else list(test[1:])
    probe: dict = {"exec": {"command": command}}
    for key, field in (("interval", "periodSeconds"), ("timeout", "timeoutSeconds"), ("start_period", "initialDelaySeconds")):
        if parsed.get(key) is not None:
            probe[field] = max(1, parsed[key] // 10**9)
    if parsed.get("retries") is not None:
        probe["failureThreshold"] = parsed["retries"]
    return probe


def _lifecycle(name: str, definition: dict, warnings: list) -> dict:
    """``post_start`` and ``pre_stop`` as the container's postStart and preStop exec handlers. A handler is one
    command run as the container's user: more hooks, or a hook's user, privileges, working_dir or environment,
    are warnings naming them."""
    lifecycle = {}
    for phase, handler in (("post_start", "postStart"), ("pre_stop", "preStop")):
        found = hooks(definition, phase, f"services.{name}")
        if not found:
            continue
        lifecycle[handler] = {"exec": {"command": found[0]["argv"]}}
        for index, hook in enumerate(found):
            if index:
                warnings.append(f"services.{name}.{phase}[{index}]: a Kubernetes container has one {handler} handler; only the first hook is converted")
                continue
            for key, field in (("user", "user"), ("privileged", "privileged"), ("working_dir", "chdir"), ("environment", "env")):
                if hook[field]:
                    warnings.append(f"services.{name}.{phase}[0].{key}: an exec handler runs the command as the container does; ignored here")
    return lifecycle


def _millicpus(value: Any) -> str:
    return f"{int(round(float(value) * 1000))}m"


def quantity(size: int) -> str:
    """Bytes as people write a Kubernetes quantity: the largest binary unit that divides them (64Mi), else bytes."""
    for unit, factor in (("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)):
        if size and size % factor == 0:
            return f"{size // factor}{unit}"
    return str(size)


def _resources(params: dict, reserved_cpus: Any = None) -> dict:
    """Limits from the container's limits; requests from its memory reservation and the Compose file's
    ``deploy.resources.reservations.cpus`` (which an engine ignores and Kubernetes schedules by)."""
    limits, requests = {}, {}
    if params.get("memory") is not None:
        limits["memory"] = quantity(parse_size(params["memory"], "memory"))
    if params.get("cpus") is not None:
        limits["cpu"] = _millicpus(params["cpus"])
    if params.get("memory_reservation") is not None:
        requests["memory"] = quantity(parse_size(params["memory_reservation"], "memory_reservation"))
    if reserved_cpus is not None:
        requests["cpu"] = _millicpus(reserved_cpus)
    return {k: v for k, v in (("limits", limits), ("requests", requests)) if v}


def _security(service: str, params: dict, allow_privileged: bool, warnings: list) -> dict:
    context: dict = {}
    if params.get("privileged"):
        if not allow_privileged:
            _fail(service, "privileged", "a privileged container; set allow_privileged to convert it anyway")
        context["privileged"] = True
    user = str(params.get("user") or "")
    if user:
        uid, _colon, gid = user.partition(":")
        if uid.isdigit():
            context["runAsUser"] = int(uid)
        if gid.isdigit():
            context["runAsGroup"] = int(gid)
        if not uid.isdigit() or (gid and not gid.isdigit()):
            # The image's /etc/passwd knows the name; a pod runs as the image's user then, or as the ids given.
            warnings.append(f"services.{service}.user: {user!r}: Kubernetes takes numeric user and group ids; the names are left to the image's own user")
    if params.get("read_only"):
        context["readOnlyRootFilesystem"] = True
    caps = {}
    if params.get("capabilities"):
        caps["add"] = [c.upper().replace("CAP_", "") for c in params["capabilities"]]
    if params.get("cap_drop"):
        caps["drop"] = [c.upper().replace("CAP_", "") for c in params["cap_drop"]]
    if caps:
        context["capabilities"] = caps
    return context


def _file_content(project: dict, entry: dict) -> bytes:
    if entry["source"] == "file":
        with open(entry["value"], "rb") as handle:
            return handle.read()
    if entry["source"] == "environment":
        value = project["environment"].get(entry["value"])
        if value is None:
            raise InvalidOption("definition", f"{entry['kind']}.{entry['name']}.environment: variable {entry['value']} is not set")
        return str(value).encode()
    return str(entry["value"]).encode()


BIND_MOUNTS = ("auto", "fail", "empty_dir", "host_path")
# A ConfigMap holds at most this much (etcd's limit on an object).
CONFIG_MAP_LIMIT = 1 << 20


def convert(
    project: dict,
    namespace: str = "default",
    service_type: str = "NodePort",
    allow_privileged: bool = False,
    volume_size: str = "1Gi",
    wait_image: str = "busybox:1.36",
    bind_mounts: str = "auto",
    warnings: list | None = None,
) -> list:
    """The manifests of a loaded project (``compose.load_project``), in apply order. ``bind_mounts``: what a bind
    mount of a host path becomes: with ``auto``, as Kompose does, a file a ConfigMap of its content and a folder a
    claim; or ``fail``; or an ``empty_dir`` or a ``host_path``. Each but ``fail`` with a warning."""
    if bind_mounts not in BIND_MOUNTS:
        raise InvalidOption("bind_mounts", f"{bind_mounts!r} is not one of {', '.join(BIND_MOUNTS)}")
    warnings = warnings if warnings is not None else []
    if service_type not in SERVICE_TYPES:
        raise InvalidOption("service_type", f"{service_type!r} is not one of {', '.join(SERVICE_TYPES)}")
    model = project["model"]
    meta = dict(namespace=namespace)
    objects: dict = dict(secrets={}, configs={}, claims={}, workloads=[], services=[], policies=[], ingresses=[], autoscalers=[])
    # Each service read once: its container parameters, and its (container ports, published ports).
    # Reserved CPUs, which the engine ignores, are Kubernetes' CPU request (_resources).
    project = _without_links(project, warnings)
    model = project["model"]
    params_of = {name: service_params(project, name, warnings, frozenset({"deploy.resources.reservations.cpus"})) for name in sorted(model["services"])}
    ports_of = {name: _ports(name, model["services"][name]) for name in params_of}
    for name, params in params_of.items():
        _convert_service(
            project,
            name,
            params,
            meta,
            objects,
            ports_of,
            dict(service_type=service_type, allow_privileged=allow_privileged, volume_size=volume_size, wait_image=wait_image, bind_mounts=bind_mounts),
            warnings,
        )
    published = {name: sorted({(port, proto) for port, proto, _node in ports[1]}) for name, ports in ports_of.items() if ports[1]}
    objects["policies"] = _network_policies(project, meta, published)
    manifests = (
        list(objects["secrets"].values())
        + list(objects["configs"].values())
        + list(objects["claims"].values())
        + objects["services"]
        + objects["workloads"]
        + objects["ingresses"]
        + objects["autoscalers"]
        + objects["policies"]
    )
    # Objects of no one service (secrets, configs, claims, policies) are labelled as the project's.
    project_labels = {"app.kubernetes.io/part-of": project["name"], "app.kubernetes.io/managed-by": MANAGED_BY}
    for manifest in manifests:
        manifest["metadata"].setdefault("labels", dict(project_labels))
    return manifests


def _without_links(project: dict, warnings: list) -> dict:
    """``links`` and ``external_links`` dropped with a warning each: in a cluster a Service is reached by its own name,
    and the aliases a link adds are not made."""
    services = {}
    for name, service in project["model"]["services"].items():
        for key in ("links", "external_links"):
            if service.get(key):
                warnings.append(
                    f"services.{name}.{key}: a Service is reached by its name; the link's aliases ({', '.join(str(v) for v in service[key])}) are not made"
                )
        services[name] = {k: v for k, v in service.items() if k not in ("links", "external_links")}
    return dict(project, model=dict(project["model"], services=services))


def _convert_service(project: dict, name: str, params: dict, meta: dict, objects: dict, ports_of: dict, options: dict, warnings: list) -> None:
    definition = project["model"]["services"][name]
    mode = str(params.get("network_mode") or "")
    if mode.startswith(("container:", "service:")):
        _fail(
            name,
            "network_mode",
            f"{definition.get('network_mode')!r} has no Kubernetes equivalent (a pod's containers share one network, and pods do not share theirs)",
        )
    labels = labels_of(project, name)
    kname = k8s_name(name)
    if kname != name:
        warnings.append(f"services.{name}: its objects are named {kname} (a Kubernetes name is a DNS label): other services reach it as {kname}")
    pod_labels = dict(labels, **{f"noar.docker/network-{key}": "true" for key in _network_keys(definition)})
    container: dict = dict(name=kname, image=params["image"])
    if params.get("entrypoint"):
        container["command"] = _argv(params["entrypoint"])
    if params.get("command"):
        container["args"] = _argv(params["command"])
    if params.get("env"):
        container["env"] = [dict(name=k, value=v) for k, v in sorted(params["env"].items())]
    if params.get("working_dir"):
        container["workingDir"] = params["working_dir"]
    inner, published = ports_of[name]
    if inner:
        container["ports"] = [dict(containerPort=port, protocol=proto) for port, proto in inner]
    reserved_cpus = (((definition.get("deploy") or {}).get("resources") or {}).get("reservations") or {}).get("cpus")
    resources = _resources(params, reserved_cpus)
    if resources:
        container["resources"] = resources
    probe = _probe(params.get("healthcheck") or {})
    if probe:
        container["livenessProbe"] = probe
        container["readinessProbe"] = dict(probe)
    security = _security(name, params, options["allow_privileged"], warnings)
    if security:
        container["securityContext"] = security
    kompose = _kompose_labels(name, definition, warnings)
    claim_spec: dict = dict(resources=dict(requests=dict(storage=kompose.get("volume.size") or options["volume_size"])))
    if kompose.get("volume.storage-class-name"):
        claim_spec["storageClassName"] = kompose["volume.storage-class-name"]
    volumes, mounts, claimed = _volumes(project, name, params, objects, meta, claim_spec, options["bind_mounts"], warnings)
    if mounts:
        container["volumeMounts"] = mounts
    if params.get("tty"):
        container["tty"] = True
    if params.get("interactive"):
        container["stdin"] = True
    lifecycle = _lifecycle(name, definition, warnings)
    if lifecycle:
        container["lifecycle"] = lifecycle
    pod: dict = dict(containers=[container])
    if volumes:
        pod["volumes"] = volumes
    _pod_settings(name, params, pod, mode, warnings)
    waits = _init_waits(project, name, definition, ports_of, options["wait_image"], warnings)
    if waits:
        pod["initContainers"] = waits
    if params.get("stop_timeout") is not None:
        pod["terminationGracePeriodSeconds"] = int(params["stop_timeout"])
    for key in sorted({COMPOSE_KEY.get(option, option) for option in params} - CONVERTED):
        path = key if key in definition else DEPLOY_PATH.get(key, key)
        warnings.append(f"services.{name}.{path}: a pod has no such setting; ignored")  # no key goes unsaid
    if params.get("device_requests"):
        warnings.append(
            f"services.{name}: its device requests (gpus, deploy.resources.reservations.devices) are not "
            "converted (a pod asks for its device plugin's resource, as nvidia.com/gpu)"
        )
    if params.get("restart_policy") not in (None, "always", "unless-stopped"):
        warnings.append(f"services.{name}.restart: {params['restart_policy']!r} becomes Always (a Deployment's pods always restart)")
    count = replicas(definition)
    kind = CONTROLLERS.get(kompose.get("controller.type") or "", "StatefulSet" if claimed and count == 1 else "Deployment")
    if claimed and count > 1 and kind != "DaemonSet":
        warnings.append(f"services.{name}: {count} replicas share the claim(s) {', '.join(claimed)} (ReadWriteOnce lets only one node mount them)")
    spec: dict = dict(replicas=count, selector=dict(matchLabels=labels), template=dict(metadata=dict(labels=pod_labels), spec=pod))
    if kind == "StatefulSet":
        spec["serviceName"] = kname
    if kind == "DaemonSet":
        del spec["replicas"]  # one pod on each node
    annotations = _annotations(definition)
    workload_meta = dict(meta, name=kname, labels=labels, **({"annotations": annotations} if annotations else {}))
    objects["workloads"].append(dict(apiVersion="apps/v1", kind=kind, metadata=workload_meta, spec=spec))
    wanted_type = kompose.get("service.type")
    if wanted_type and wanted_type != "headless" and not inner:
        _fail(name, "labels.kompose.service.type", f"{wanted_type}: the service has no port to expose")
    if inner or wanted_type == "headless":
        service_ports = [dict(name=f"{proto.lower()}-{port}", port=port, targetPort=port, protocol=proto) for port, proto in inner]
        spec = dict(selector=labels, **({"ports": service_ports} if service_ports else {}))
        service_type = SERVICE_TYPE_LABELS.get(wanted_type or "", options["service_type"] if published else None)
        if wanted_type == "headless":
            spec["clusterIP"] = "None"
        elif service_type and service_type != "ClusterIP":
            spec["type"] = service_type
        if spec.get("type") == "NodePort":
            for entry in service_ports:
                node = next((p[2] for p in published if (p[0], p[1]) == (entry["port"], entry["protocol"])), None)
                if kompose.get("service.nodeport.port") and entry is service_ports[0]:
                    node = int(kompose["service.nodeport.port"])
                if node is not None and 30000 <= node <= 32767:
                    entry["nodePort"] = node
                elif node is not None:
                    warnings.append(f"services.{name}.ports: {node} is outside the NodePort range (30000-32767); Kubernetes picks the node port")
        objects["services"].append(dict(apiVersion="v1", kind="Service", metadata=dict(meta, name=kname, labels=labels), spec=spec))
    if kompose.get("service.expose"):
        if not inner:
            _fail(name, "labels.kompose.service.expose", "an Ingress needs a port of the service to send requests to")
        objects["ingresses"].append(_ingress(kname, kompose, meta, labels, inner[0][0]))
    if any(key.startswith("hpa.") for key in kompose):
        if kind == "DaemonSet":
            _fail(name, "labels.kompose.hpa", "a DaemonSet runs one pod per node; it does not scale")
        objects["autoscalers"].append(_autoscaler(kname, kind, kompose, meta, labels))


# Container options (as compose.service_params names them) the conversion reads, by their Compose keys; every other
# one a service has is a warning naming its key. The Compose key of an option, where the names differ.
COMPOSE_KEY = {option: key for key, option in SAME.items()}
COMPOSE_KEY.update(
    env="environment",
    published_ports="ports",
    exposed_ports="expose",
    mounts="volumes",
    healthcheck="healthcheck",
    restart_policy="restart",
    restart_retries="restart",
    device_requests="gpus",
    stop_timeout="stop_grace_period",
    labels="labels",
    log_driver="logging",
    log_options="logging",
    sysctls="sysctls",
    ulimits="ulimits",
    etc_hosts="extra_hosts",
    dns_servers="dns",
    dns_search_domains="dns_search",
    networks="networks",
    tmpfs="tmpfs",
    device_read_bps="blkio_config",
    device_write_bps="blkio_config",
    device_read_iops="blkio_config",
    device_write_iops="blkio_config",
    blkio_weight="blkio_config",
    volumes_from="volumes_from",
)
# Where a container option came from when the service has no key of its name.
DEPLOY_PATH = dict(pids_limit="deploy.resources.limits.pids")
CONVERTED = {
    "image",
    "entrypoint",
    "command",
    "environment",
    "working_dir",
    "ports",
    "expose",
    "mem_limit",
    "mem_reservation",
    "cpus",
    "healthcheck",
    "privileged",
    "user",
    "read_only",
    "cap_add",
    "cap_drop",
    "volumes",
    "tmpfs",
    "network_mode",
    "networks",
    "stop_grace_period",
    "gpus",
    "restart",
    "labels",
    "hostname",
    "extra_hosts",
    "sysctls",
    "pid",
    "ipc",
    "tty",
    "stdin_open",
}


# Kompose's labels on a service (kompose.io's user guide), read as Kompose reads them.
KOMPOSE_LABELS = (
    "service.type",
    "service.expose",
    "service.expose.tls-secret",
    "service.expose.ingress-class-name",
    "service.nodeport.port",
    "controller.type",
    "volume.size",
    "volume.storage-class-name",
    "hpa.cpu",
    "hpa.memory",
    "hpa.replicas.min",
    "hpa.replicas.max",
)
SERVICE_TYPE_LABELS = dict(nodeport="NodePort", clusterip="ClusterIP", loadbalancer="LoadBalancer", headless="ClusterIP")
CONTROLLERS = dict(deployment="Deployment", daemonset="DaemonSet", statefulset="StatefulSet")


def _kompose_labels(name: str, definition: dict, warnings: list) -> dict:
    """The service's ``kompose.*`` labels (without the prefix), their values checked; one Kompose reads that this
    conversion does not is a warning naming it."""
    found = {}
    for key, value in _annotations(definition, kompose=True).items():
        label, where = key[len("kompose.") :], f"labels.{key}"
        if label not in KOMPOSE_LABELS:
            warnings.append(f"services.{name}.{where}: a Kompose label this conversion does not read; ignored")
            continue
        value = value.strip()
        checks = {
            "service.type": (value.lower() in SERVICE_TYPE_LABELS, ", ".join(SERVICE_TYPE_LABELS)),
            "controller.type": (value.lower() in CONTROLLERS, ", ".join(CONTROLLERS)),
            "service.nodeport.port": (value.isdigit() and 30000 <= int(value) <= 32767, "a port 30000-32767"),
            "hpa.cpu": (value.rstrip("%").isdigit(), "a percentage"),
            "hpa.replicas.min": (value.isdigit() and int(value) >= 1, "a number of replicas, 1 or more"),
            "hpa.replicas.max": (value.isdigit() and int(value) >= 1, "a number of replicas, 1 or more"),
        }
        ok, wanted = checks.get(label, (bool(value), "a value"))
        if not ok:
            _fail(name, where, f"{value!r} is not {wanted}")
        found[label] = value.lower() if label in ("service.type", "controller.type") else value
    return found


def _memory_quantity(value: str) -> str:
    """A size as Kompose's labels write it (Kubernetes' ``1024Mi``) or as Compose does (``512m``)."""
    if re.fullmatch(r"[0-9]+(Ki|Mi|Gi|Ti)", value):
        return value
    return quantity(parse_size(value, "kompose.hpa.memory"))


def _ingress(name: str, kompose: dict, meta: dict, labels: dict, port: int) -> dict:
    """``kompose.service.expose``: ``true`` (any host) or host names, comma separated, each with an optional path
    (``example.com/api``), routed to the port."""
    backend = dict(service=dict(name=name, port=dict(number=port)))
    expose = kompose["service.expose"]
    entries = [] if expose.lower() == "true" else [h.strip() for h in expose.split(",") if h.strip()]
    hosts = [entry.partition("/")[0] for entry in entries]
    rules = [
        dict(host=host, http=dict(paths=[dict(path="/" + entry.partition("/")[2], pathType="Prefix", backend=backend)])) for host, entry in zip(hosts, entries)
    ]
    rules = rules or [dict(http=dict(paths=[dict(path="/", pathType="Prefix", backend=backend)]))]
    spec: dict = dict(rules=rules)
    if kompose.get("service.expose.ingress-class-name"):
        spec["ingressClassName"] = kompose["service.expose.ingress-class-name"]
    if kompose.get("service.expose.tls-secret"):
        spec["tls"] = [dict(secretName=kompose["service.expose.tls-secret"], **({"hosts": hosts} if hosts else {}))]
    return dict(apiVersion="networking.k8s.io/v1", kind="Ingress", metadata=dict(meta, name=name, labels=labels), spec=spec)


def _autoscaler(name: str, kind: str, kompose: dict, meta: dict, labels: dict) -> dict:
    """``kompose.hpa.*``: CPU utilisation (percent) and memory (a quantity per pod) targets, between
    ``replicas.min`` (default 1) and ``replicas.max`` (default 10) pods."""
    low = int(kompose.get("hpa.replicas.min") or 1)
    high = max(int(kompose.get("hpa.replicas.max") or 10), low)
    metrics = []
    if kompose.get("hpa.cpu"):
        metrics.append(
            dict(type="Resource", resource=dict(name="cpu", target=dict(type="Utilization", averageUtilization=int(kompose["hpa.cpu"].rstrip("%")))))
        )
    if kompose.get("hpa.memory"):
        metrics.append(
            dict(type="Resource", resource=dict(name="memory", target=dict(type="AverageValue", averageValue=_memory_quantity(kompose["hpa.memory"]))))
        )
    spec: dict = dict(scaleTargetRef=dict(apiVersion="apps/v1", kind=kind, name=name), minReplicas=low, maxReplicas=high)
    if metrics:
        spec["metrics"] = metrics
    return dict(apiVersion="autoscaling/v2", kind="HorizontalPodAutoscaler", metadata=dict(meta, name=name, labels=labels), spec=spec)


def _pod_settings(name: str, params: dict, pod: dict, mode: str, warnings: list) -> None:
    """What a pod has of a container's namespaces and names: the host's network, PID and IPC namespaces, its host
    name, extra /etc/hosts lines and namespaced sysctls."""
    where = f"services.{name}"
    if mode == "host":
        pod["hostNetwork"] = True
        pod["dnsPolicy"] = "ClusterFirstWithHostNet"
        warnings.append(f"{where}.network_mode: 'host' becomes hostNetwork: the pod's ports are the node's")
    for option, key, field in (("pid_mode", "pid", "hostPID"), ("ipc_mode", "ipc", "hostIPC")):
        value = str(params.get(option) or "")
        if value == "host":
            pod[field] = True
        elif value and value not in ("private", "shareable"):
            warnings.append(f"{where}.{key}: {value!r} has no Kubernetes equivalent (a pod shares only the node's); ignored")
    if params.get("hostname"):
        pod["hostname"] = str(params["hostname"])
    aliases: dict = {}
    for host, address in sorted((params.get("etc_hosts") or {}).items()):
        if address == "host-gateway":
            warnings.append(f"{where}.extra_hosts: {host}:host-gateway names the engine's host, which a pod has not; ignored")
            continue
        aliases.setdefault(address, []).append(host)
    if aliases:
        pod["hostAliases"] = [dict(ip=ip, hostnames=names) for ip, names in aliases.items()]
    if params.get("sysctls"):
        pod["securityContext"] = dict(sysctls=[dict(name=k, value=str(v)) for k, v in sorted(params["sysctls"].items())])


def _annotations(definition: dict, kompose: bool = False) -> dict:
    """A service's own labels, as annotations of its workload (Kompose's reading): labels select pods, these only
    describe them. Kompose's own (``kompose.*``) are directives: only those with ``kompose``."""
    labels = definition.get("labels") or {}
    if isinstance(labels, list):
        labels = dict(str(item).partition("=")[::2] for item in labels)
    return {str(k): str(v) for k, v in sorted(labels.items()) if str(k).startswith("kompose.") == kompose}


def _argv(value: Any) -> list:
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def _network_keys(definition: dict) -> list:
    networks = definition.get("networks")
    if networks is None:
        return ["default"]
    return sorted(networks)


def _volumes(project: dict, name: str, params: dict, objects: dict, meta: dict, claim_spec: dict, bind_mounts: str, warnings: list) -> tuple:
    volumes: list = []
    mounts: list = []
    claimed: list = []
    for index, mount in enumerate(params.get("mounts") or []):
        volume_name = f"v{index}"
        if mount.get("selinux"):
            warnings.append(
                f"services.{name}.volumes: {mount['target']}: SELinux relabelling ({mount['selinux']}) "
                "has no Kubernetes equivalent (a pod's securityContext.seLinuxOptions sets the label); "
                "ignored"
            )
        if mount["type"] == "bind":
            entry = next((f for f in service_files(project, name) if f["target"] == mount["target"]), None)
            if entry is None and bind_mounts == "auto":
                _auto_bind(project, name, index, mount, objects, meta, claim_spec, volumes, mounts, warnings)
                continue
            if entry is None:
                if bind_mounts == "fail":
                    _fail(
                        name,
                        "volumes",
                        f"{mount['source']} is a bind mount of a host path, which has no Kubernetes "
                        "equivalent (use a named volume or a config, or set bind_mounts)",
                    )
                warnings.append(
                    f"services.{name}.volumes: the bind mount of {mount['source']} becomes "
                    + ("an emptyDir (its content is not carried over)" if bind_mounts == "empty_dir" else "a hostPath (the node's own folder)")
                )
                source = dict(emptyDir={}) if bind_mounts == "empty_dir" else dict(hostPath=dict(path=mount["source"], type="DirectoryOrCreate"))
                volumes.append(dict(name=volume_name, **source))
                mounts.append(dict(name=volume_name, mountPath=mount["target"], readOnly=bool(mount.get("read_only"))))
                continue
            kind = "Secret" if entry["kind"] == "secrets" else "ConfigMap"
            object_name = f"{project['name']}-{entry['name']}".replace("_", "-").lower()
            key = os.path.basename(entry["target"])
            content = _file_content(project, entry)
            store = objects["secrets" if kind == "Secret" else "configs"]
            data = base64.b64encode(content).decode() if kind == "Secret" else content.decode()
            store.setdefault(
                object_name,
                dict(apiVersion="v1", kind=kind, metadata=dict(meta, name=object_name), **({"type": "Opaque"} if kind == "Secret" else {}), data={}),
            )["data"][key] = data
            source = (
                dict(secret=dict(secretName=object_name, defaultMode=entry["mode"]))
                if kind == "Secret"
                else dict(configMap=dict(name=object_name, defaultMode=entry["mode"]))
            )
            volumes.append(dict(name=volume_name, **source))
            mounts.append(dict(name=volume_name, mountPath=mount["target"], subPath=key, readOnly=True))
        elif mount["type"] == "tmpfs":
            empty: dict = dict(medium="Memory")
            if mount.get("tmpfs_size"):
                empty["sizeLimit"] = quantity(parse_size(mount["tmpfs_size"], "tmpfs size"))
            volumes.append(dict(name=volume_name, emptyDir=empty))
            mounts.append(dict(name=volume_name, mountPath=mount["target"]))
        elif mount.get("source"):
            claim = mount["source"].replace("_", "-").lower()
            objects["claims"].setdefault(
                claim,
                dict(apiVersion="v1", kind="PersistentVolumeClaim", metadata=dict(meta, name=claim), spec=dict(accessModes=["ReadWriteOnce"], **claim_spec)),
            )
            volumes.append(dict(name=volume_name, persistentVolumeClaim=dict(claimName=claim)))
            mounts.append(dict(name=volume_name, mountPath=mount["target"], readOnly=bool(mount.get("read_only"))))
            claimed.append(claim)
        else:  # an anonymous volume: the pod's own, as long as it lives
            volumes.append(dict(name=volume_name, emptyDir={}))
            mounts.append(dict(name=volume_name, mountPath=mount["target"]))
    for target in sorted(params.get("tmpfs") or []):
        volume_name = f"t{len(volumes)}"
        volumes.append(dict(name=volume_name, emptyDir=dict(medium="Memory")))
        mounts.append(dict(name=volume_name, mountPath=target.split(":", 1)[0]))
    return volumes, mounts, claimed


def _auto_bind(
    project: dict, name: str, index: int, mount: dict, objects: dict, meta: dict, claim_spec: dict, volumes: list, mounts: list, warnings: list
) -> None:
    """Kompose's reading of a bind mount: a file becomes a ConfigMap holding its content (mounted at its path), a
    folder (or a path that is not there) a claim of its own, empty."""
    source, volume_name = mount["source"], f"v{index}"
    object_name = f"{project['name']}-{name}-{index}".replace("_", "-").lower()
    where = f"services.{name}.volumes"
    if os.path.isfile(source):
        if os.path.getsize(source) > CONFIG_MAP_LIMIT:
            _fail(name, "volumes", f"{source} is bigger than a ConfigMap holds (1 MiB); use a named volume, or set bind_mounts")
        with open(source, "rb") as handle:
            content = handle.read()
        key = os.path.basename(source)
        try:
            data = dict(data={key: content.decode("utf-8")})
        except UnicodeDecodeError:
            data = dict(binaryData={key: base64.b64encode(content).decode()})
        objects["configs"][object_name] = dict(apiVersion="v1", kind="ConfigMap", metadata=dict(meta, name=object_name), **data)
        volumes.append(dict(name=volume_name, configMap=dict(name=object_name)))
        mounts.append(dict(name=volume_name, mountPath=mount["target"], subPath=key, readOnly=bool(mount.get("read_only"))))
        warnings.append(
            f"{where}: the bind mount of the file {source} becomes the ConfigMap {object_name} (its "
            "content now; later changes to the file are not carried over)"
        )
        return
    objects["claims"].setdefault(
        object_name,
        dict(apiVersion="v1", kind="PersistentVolumeClaim", metadata=dict(meta, name=object_name), spec=dict(accessModes=["ReadWriteOnce"], **claim_spec)),
    )
    volumes.append(dict(name=volume_name, persistentVolumeClaim=dict(claimName=object_name)))
    mounts.append(dict(name=volume_name, mountPath=mount["target"], readOnly=bool(mount.get("read_only"))))
    warnings.append(f"{where}: the bind mount of the folder {source} becomes the claim {object_name} (empty: its content is not carried over)")


def _init_waits(project: dict, name: str, definition: dict, ports_of: dict, wait_image: str, warnings: list) -> list:
    """``depends_on`` a healthy service: an init container that waits until that service's port answers (one with no
    port has nothing to probe: a warning, and Kubernetes' own restarts until it is up)."""
    depends = definition.get("depends_on") or {}
    waits = []
    for dependency in dependencies_of(definition):
        condition = ((depends.get(dependency) or {}) if isinstance(depends, dict) else {}).get("condition")
        if condition != "service_healthy":
            continue
        ports: list = (ports_of.get(dependency) or ([], []))[0]
        if not ports:
            warnings.append(
                f"services.{name}.depends_on.{dependency}: waiting for it to be healthy needs a port to "
                "probe (expose one); the pod starts without waiting, and restarts until it works"
            )
            continue
        port = ports[0][0]
        waits.append(
            dict(
                name=f"wait-for-{k8s_name(dependency)}",
                image=wait_image,
                command=["sh", "-c", f"until nc -z -w 2 {k8s_name(dependency)} {port}; do sleep 1; done"],
            )
        )
    return waits


def _network_policies(project: dict, meta: dict, published: dict) -> list:
    """Compose networks as policies: the members of a network take traffic from each other; a pod only on internal
    networks sends only to their members (and DNS); a published port takes traffic from anywhere."""
    model = project["model"]
    keys = sorted({k for s in model["services"].values() for k in _network_keys(s)})
    internal = {k for k in keys if ((model.get("networks") or {}).get(k) or {}).get("internal")}
    part_of = {"app.kubernetes.io/part-of": project["name"]}
    policies = []

    def policy(name: str, spec: dict) -> dict:
        return dict(
            apiVersion="networking.k8s.io/v1",
            kind="NetworkPolicy",
            metadata=dict(meta, name=f"{project['name']}-{name}".replace("_", "-").lower(), labels=part_of),
            spec=spec,
        )

    for key in keys:
        member = {f"noar.docker/network-{key}": "true"}
        policies.append(
            policy(key, dict(podSelector=dict(matchLabels=member), policyTypes=["Ingress"], ingress=[{"from": [dict(podSelector=dict(matchLabels=member))]}]))
        )
        if key in internal:
            outside = [dict(key=f"noar.docker/network-{other}", operator="DoesNotExist") for other in keys if other not in internal]
            selector: dict = dict(matchLabels=member)
            if outside:
                selector["matchExpressions"] = outside
            policies.append(
                policy(
                    f"{key}-egress",
                    dict(
                        podSelector=selector,
                        policyTypes=["Egress"],
                        egress=[
                            {"to": [dict(podSelector=dict(matchLabels=member))]},
                            {"ports": [dict(port=53, protocol="UDP"), dict(port=53, protocol="TCP")]},
                        ],
                    ),
                )
            )
    for service, ports in sorted(published.items()):
        policies.append(
            policy(
                f"{service}-published",
                dict(
                    podSelector=dict(matchLabels=labels_of(project, service)),
                    policyTypes=["Ingress"],
                    ingress=[{"ports": [dict(port=port, protocol=proto) for port, proto in ports]}],
                ),
            )
        )
    return policies


# ---------------------------------------------------------------------------------------------
# The manifests file: what the compose_to_kubernetes module writes


HIDDEN = "<hidden: written to the file only>"
CONVERT_ARGS = dict(
    namespace=dict(type="str", default="default"),
    service_type=dict(type="str", default="NodePort", choices=list(SERVICE_TYPES)),
    allow_privileged=dict(type="bool", default=False),
    volume_size=dict(type="str", default="1Gi"),
    wait_image=dict(type="str", default="busybox:1.36"),
    bind_mounts=dict(type="str", default="auto", choices=list(BIND_MOUNTS)),
)


def render(manifests: list, header: str = "") -> str:
    """The manifests as one multi-document YAML text, in apply order (what ``kubectl apply -f`` reads); text of
    several lines (a ConfigMap's file) as a literal block, as it would be written by hand."""
    import yaml  # pylint: disable=import-outside-toplevel

    class Dumper(yaml.SafeDumper):  # pylint: disable=too-many-ancestors
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
            return super().increase_indent(flow, False)  # lists indented under their key, as yamllint wants

        def ignore_aliases(self, data: Any) -> bool:
            return True  # each value written out where it is used: people read these files, not &id002

    def text(dumper: Any, value: str) -> Any:
        block = "\n" in value and not any(line != line.rstrip() for line in value.split("\n"))
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if block else None)

    Dumper.add_representer(str, text)
    body = yaml.dump_all(manifests, Dumper=Dumper, sort_keys=False, default_flow_style=False, explicit_start=True, width=120)
    return header + body


def masked(manifests: list) -> list:
    """The manifests with every Secret's values hidden: what a result or a diff may show."""
    shown = []
    for manifest in manifests:
        if isinstance(manifest, dict) and manifest.get("kind") == "Secret":
            manifest = dict(
                manifest, **{key: {name: HIDDEN for name in manifest[key]} for key in ("data", "stringData") if isinstance(manifest.get(key), dict)}
            )
        shown.append(manifest)
    return shown


def validate(manifests: list, version: str | None) -> str:
    """Each manifest checked against the OpenAPI schema of Kubernetes ``version`` (default the newest the
    kubernetes-validate library ships), strictly (an unknown field is an error); returns the version used."""
    try:
        import kubernetes_validate  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise InvalidOption(
            "validate", "needs the Python library kubernetes-validate where the module runs (pip install kubernetes-validate), or validate: false"
        ) from None
    from kubernetes_validate.utils import all_versions  # pylint: disable=import-outside-toplevel

    known = sorted({tuple(int(n) for n in v.split(".")[:2]) for v in all_versions()})
    version = version or kubernetes_validate.latest_version()
    found = re.match(r"^v?([0-9]+)\.([0-9]+)(\.[0-9]+)?$", str(version))
    if not found or (int(found.group(1)), int(found.group(2))) not in known:
        raise InvalidOption(
            "kubernetes_version",
            f"{version!r}: kubernetes-validate has schemas for Kubernetes {'.'.join(map(str, known[0]))} to {'.'.join(map(str, known[-1]))}",
        )
    for manifest in manifests:
        where = f"{manifest.get('kind')} {manifest.get('metadata', {}).get('name')}"
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            raise InvalidOption("kubernetes_version", f"{version!r}: kubernetes-validate has no schema for {where} in that version") from None
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(part) for part in error.path)
            raise InvalidOption("definition", f"{where} is not valid for Kubernetes {version}{' at ' + path if path else ''}: {error.message}") from None
    return version


FOLDER_MARK = "made by noar.docker.compose_to_kubernetes"
CHART_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")
_SCALAR = re.compile(r"__noar_value__([a-z0-9_.]+)__")
_BLOCK = re.compile(r"^( *)([A-Za-z]+): __noar_block__([a-z0-9_.]+)__$", re.M)


def helm_chart(name: str, project: str, manifests: list, header: str) -> dict:
    """A Helm chart of the manifests: ``Chart.yaml``, ``values.yaml`` with each workload's image, replicas and
    resources, and one template per object (its namespace the release's), as ``{path in the chart: text}``."""
    import yaml  # pylint: disable=import-outside-toplevel

    values: dict = {}
    files: dict = {}
    for original in manifests:
        manifest = copy.deepcopy(original)
        manifest["metadata"]["namespace"] = "__noar_namespace__"
        if manifest["kind"] in WORKLOADS:
            key = re.sub(r"[^a-z0-9_]", "_", manifest["metadata"]["name"].lower())
            mine = values.setdefault(key, {})
            container = manifest["spec"]["template"]["spec"]["containers"][0]
            mine["image"], container["image"] = container["image"], f"__noar_value__{key}.image__"
            if "replicas" in manifest["spec"]:
                mine["replicas"], manifest["spec"]["replicas"] = manifest["spec"]["replicas"], f"__noar_value__{key}.replicas__"
            if container.get("resources"):
                mine["resources"], container["resources"] = container["resources"], f"__noar_block__{key}.resources__"
        text = render([manifest], header)
        text = text.replace("__noar_namespace__", "{{ .Release.Namespace }}")
        text = _BLOCK.sub(lambda m: f"{m.group(1)}{m.group(2)}:\n{m.group(1)}  {{{{- toYaml .Values.{m.group(3)} | nindent {len(m.group(1)) + 2} }}}}", text)
        text = _SCALAR.sub(_value_reference, text)
        files[os.path.join("templates", object_file(original))] = text
    files["Chart.yaml"] = header + yaml.safe_dump(
        dict(apiVersion="v2", name=name, description=f"The Compose project {project} on Kubernetes", type="application", version="0.1.0"), sort_keys=False
    )
    files["values.yaml"] = header + (yaml.safe_dump(values, sort_keys=False) if values else "{}\n")
    return files


def _value_reference(match: re.Match) -> str:
    """A value of the chart in a template; an image quoted (a registry's port has a colon)."""
    return "{{ .Values." + match.group(1) + (" | quote }}" if match.group(1).endswith(".image") else " }}")


def render_chart(files: dict, namespace: str) -> list:
    """The chart's objects as ``helm template`` renders them with its own values (the few forms helm_chart writes:
    a value, a quoted value, a block of values, the release's namespace), to validate them offline."""
    import json  # pylint: disable=import-outside-toplevel

    import yaml  # pylint: disable=import-outside-toplevel

    values = yaml.safe_load(files["values.yaml"]) or {}

    def value(path: str) -> Any:
        found = values
        for part in path.split("."):
            found = found[part]
        return found

    def block(match: re.Match) -> str:
        dumped = yaml.safe_dump(value(match.group(1)), sort_keys=False).rstrip("\n")
        return "\n" + "\n".join(" " * int(match.group(2)) + line for line in dumped.split("\n"))

    documents: list = []
    for path, text in sorted(files.items()):
        if not path.startswith("templates/"):
            continue
        text = text.replace("{{ .Release.Namespace }}", namespace)
        text = re.sub(r"\s*\{\{- toYaml \.Values\.([a-z0-9_.]+) \| nindent ([0-9]+) \}\}", block, text)
        text = re.sub(r"\{\{ \.Values\.([a-z0-9_.]+) \| quote \}\}", lambda m: json.dumps(str(value(m.group(1)))), text)
        text = re.sub(r"\{\{ \.Values\.([a-z0-9_.]+) \}\}", lambda m: str(value(m.group(1))), text)
        documents.extend(d for d in yaml.safe_load_all(text) if d is not None)
    return documents


def object_file(manifest: dict) -> str:
    """One object's file name in a folder, as Kompose names it: ``<name>-<kind>.yaml``."""
    return f"{manifest['metadata']['name']}-{manifest['kind'].lower()}.yaml"


class ManifestsManager(Manager):
    """``dest``, the manifests of a Compose project: one YAML file, or, when ``dest`` is a folder (it exists, or
    its path ends with ``/``), one file per object named as Kompose names them. Files are mode 0600 (they hold the
    Secrets); in a folder, a file this module wrote for an object the project no longer has is removed."""

    def __init__(self, params: dict, environ: dict):
        self.params = params
        self.environ = environ
        self.dest = params["dest"]
        self.helm = params.get("format") == "helm"
        self.folder = os.path.isdir(self.dest) or self.dest.endswith("/") or self.helm
        self.warnings: list = []
        self.manifests: list = []
        self.version: str | None = None
        self.content = ""
        self.files: dict = {}

    def read(self) -> dict | None:
        if self.folder:
            if self.helm and self.params["state"] == "present" and not os.path.isdir(os.path.dirname(self.dest.rstrip("/"))):
                raise InvalidOption("dest", f"{os.path.dirname(self.dest.rstrip('/'))}: the chart's parent folder does not exist")
            if self.helm:
                return self._read_folder()
            if self.params["state"] == "present" and not os.path.isdir(self.dest):
                raise InvalidOption("dest", f"{self.dest}: the folder does not exist (make it first)")
            return self._read_folder()
        if self.params["state"] == "present":
            check_output_path(self.dest, "dest", "file")
        if not os.path.isfile(self.dest):
            return None
        with open(self.dest, encoding="utf-8", errors="replace") as handle:
            return dict(content=handle.read(), mode=os.stat(self.dest).st_mode & 0o7777)

    def _read_folder(self) -> dict:
        """The folder's files that this module wrote (their first line says so), by path; a chart's templates too."""
        found: dict = {}
        templates = os.path.join(self.dest, "templates")
        names = sorted(os.listdir(self.dest)) if os.path.isdir(self.dest) else []
        names += sorted(os.path.join("templates", n) for n in os.listdir(templates)) if os.path.isdir(templates) else []
        for name in names:
            path = os.path.join(self.dest, name)
            if not (name.endswith(".yaml") and os.path.isfile(path)):
                continue
            with open(path, encoding="utf-8", errors="replace") as handle:
                content = handle.read()
            if FOLDER_MARK in content.split("\n", 1)[0]:
                found[path] = dict(content=content, mode=os.stat(path).st_mode & 0o7777)
        return found

    def plan(self, actual: dict | None) -> list:
        if self.params["state"] == "absent":
            if self.folder:
                return [Action("remove", path, before=dict(content=held["content"]), after=dict(content="")) for path, held in sorted((actual or {}).items())]
            return [] if actual is None else [Action("remove", self.dest, before=dict(content=actual["content"]), after=dict(content=""))]
        project = load_project(self.params, self.environ)
        project["environment"] = dict(project["environment"], **(self.params.get("secrets_env") or {}))
        options = {key: self.params[key] for key in CONVERT_ARGS}
        self.manifests = convert(project, warnings=self.warnings, **options)
        if self.params["validate"]:
            self.version = validate(self.manifests, self.params.get("kubernetes_version"))
        mode = int(self.params["mode"], 8)
        if self.helm:
            chart = os.path.basename(self.dest.rstrip("/"))
            if not CHART_NAME.match(chart):
                raise InvalidOption("dest", f"{chart!r}: a chart's folder is named as the chart, in lower case letters, digits and dashes")
            header = f"# Of the Compose project {project['name']}'s chart, {FOLDER_MARK}.\n"
            chart_files = helm_chart(chart, project["name"], self.manifests, header)
            if self.params["validate"]:
                validate(render_chart(chart_files, self.params["namespace"]), self.params.get("kubernetes_version"))
            self.files = {os.path.join(self.dest, path): text for path, text in chart_files.items()}
        elif self.folder:
            header = f"# An object of the Compose project {project['name']}, {FOLDER_MARK}.\n"
            self.files = {os.path.join(self.dest, object_file(m)): render([m], header) for m in self.manifests}
        if self.folder:
            plan = []
            for path, content in self.files.items():
                plan.extend(self._plan_file(path, content, (actual or {}).get(path), mode))
            plan.extend(
                Action("remove", path, reason="no such object any more", before=dict(content=held["content"]), after=dict(content=""))
                for path, held in sorted((actual or {}).items())
                if path not in self.files
            )
            return plan
        header = f"# Kubernetes manifests of the Compose project {project['name']}, made by noar.docker.compose_to_kubernetes; apply them in this order.\n"
        self.content = render(self.manifests, header)
        self.files = {self.dest: self.content}
        return self._plan_file(self.dest, self.content, actual, mode)

    @staticmethod
    def _plan_file(path: str, content: str, actual: dict | None, mode: int) -> list:
        if actual is None:
            return [Action("write", path, after=dict(content=content), data=dict(mode=mode, content=content))]
        if actual["content"] != content:
            return [Action("write", path, before=dict(content=actual["content"]), after=dict(content=content), data=dict(mode=mode, content=content))]
        if actual["mode"] != mode:
            return [
                Action(
                    "chmod",
                    path,
                    reason=f"mode {actual['mode']:04o} -> {mode:04o}",
                    before=dict(content=actual["content"]),
                    after=dict(content=content),
                    data=dict(mode=mode),
                )
            ]
        return []

    def apply(self, plan: list) -> None:
        for action in plan:
            if action.kind == "remove":
                os.remove(action.target)
            elif action.kind == "chmod":
                os.chmod(action.target, action.data["mode"])
            else:
                os.makedirs(os.path.dirname(action.target), mode=0o700, exist_ok=True)  # a chart's templates
                # Through a temporary file (made 0600) renamed over the destination: no reader ever sees a
                # half-written file, nor the Secrets in a file anyone may read.
                write_atomically(action.target, [action.data["content"].encode()], action.data["mode"])

    def diff(self, plan: list) -> dict:
        """The text before and after (a folder's files one after the other), with the Secrets' values hidden."""

        def shown(text: str) -> str:
            import yaml  # pylint: disable=import-outside-toplevel

            try:
                documents = [d for d in yaml.safe_load_all(text) if d is not None]
            except yaml.YAMLError:
                return "(not YAML)\n"
            return render(masked(documents)) if documents else ""

        changed = {action.target: action for action in plan}
        before = "".join(changed[p].before.get("content", "") if p in changed else text for p, text in sorted(self.files.items()))
        before += "".join(a.before.get("content", "") for p, a in sorted(changed.items()) if p not in self.files)
        after = "".join(text for _p, text in sorted(self.files.items()))
        return dict(before=shown(before), after=shown(after), before_header=self.dest, after_header=self.dest)

    def result(self) -> dict:
        kinds = [dict(kind=m["kind"], name=m["metadata"]["name"]) for m in self.manifests]
        result = dict(dest=self.dest, manifests=masked(self.manifests), objects=kinds, kubernetes_version=self.version)
        if self.folder:
            result["files"] = sorted(self.files)
        return result
