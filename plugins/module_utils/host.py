# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What ``docker info``, ``docker version`` and ``docker system df`` tell about an engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from ansible_collections.noar.docker.plugins.module_utils.client import (
    EngineError,
    containerd_image_store,
    engine_errors,
    find,
)
from ansible_collections.noar.docker.plugins.module_utils.converge import module_errors

if TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule

LIST_KINDS = ("containers", "images", "networks", "volumes")


def summarise_engine(info: dict, version: dict) -> dict:
    """The engine facts playbooks check most, under stable names."""
    swarm = info.get("Swarm") or {}
    return dict(
        server_version=version.get("Version") or info.get("ServerVersion"),
        api_version=version.get("ApiVersion"),
        min_api_version=version.get("MinAPIVersion"),
        os=info.get("OperatingSystem"),
        os_type=info.get("OSType"),
        architecture=info.get("Architecture"),
        kernel_version=info.get("KernelVersion"),
        storage_driver=info.get("Driver"),
        containerd_image_store=containerd_image_store(info),
        logging_driver=info.get("LoggingDriver"),
        cgroup_driver=info.get("CgroupDriver"),
        cgroup_version=str(info.get("CgroupVersion") or "1"),
        cpus=info.get("NCPU"),
        memory=info.get("MemTotal"),
        docker_root_dir=info.get("DockerRootDir"),
        live_restore=bool(info.get("LiveRestoreEnabled")),
        security_options=list(info.get("SecurityOptions") or []),
        swarm_state=swarm.get("LocalNodeState") or "inactive",
        swarm_node_id=swarm.get("NodeID") or None,
        runtimes=sorted((info.get("Runtimes") or {}).keys()),
        default_runtime=info.get("DefaultRuntime"),
        memory_limit=bool(info.get("MemoryLimit")),
        swap_limit=bool(info.get("SwapLimit")),
        cpu_cfs_quota=bool(info.get("CpuCfsQuota")),
        pids_limit=bool(info.get("PidsLimit")),
    )


# The keys community.docker's host_info lists carry (as the engine names them), which ours go beside.
LIST_KEYS = dict(
    containers=("Id", "Image", "Command", "Created", "Status", "Ports", "Names"),
    images=("Id", "RepoTags", "Created", "Size"),
    networks=("Id", "Driver", "Name", "Scope"),
    volumes=("Driver", "Name"),
)


def _short_container(item: dict) -> dict:
    return dict(
        id=item.get("Id"),
        name=(item.get("Names") or [""])[0].lstrip("/"),
        image=item.get("Image"),
        state=item.get("State"),
        status=item.get("Status"),
        labels=item.get("Labels") or {},
        ports=item.get("Ports") or [],
    )


def _short_image(item: dict) -> dict:
    return dict(
        id=item.get("Id"),
        repo_tags=item.get("RepoTags") or [],
        repo_digests=item.get("RepoDigests") or [],
        created=item.get("Created"),
        size=item.get("Size"),
        labels=item.get("Labels") or {},
        containers=item.get("Containers"),
    )


def _short_network(item: dict) -> dict:
    return dict(
        id=item.get("Id"),
        name=item.get("Name"),
        driver=item.get("Driver"),
        scope=item.get("Scope"),
        internal=item.get("Internal", False),
        labels=item.get("Labels") or {},
    )


def _short_volume(item: dict) -> dict:
    return dict(name=item.get("Name"), driver=item.get("Driver"), mountpoint=item.get("Mountpoint"), labels=item.get("Labels") or {})


SHORT = dict(containers=_short_container, images=_short_image, networks=_short_network, volumes=_short_volume)


def short_item(kind: str, item: dict) -> dict:
    """One list entry as ``docker <kind> ls`` shows it: community.docker's keys, and ours beside them."""
    return dict({key: item.get(key) for key in LIST_KEYS[kind]}, **SHORT[kind](item))


def list_objects(client: Any, kind: str, filters: dict | None, verbose: bool, include_all: bool = False) -> list:
    """One of the engine's object lists, as ``docker ps``/``images``/``network ls``/``volume ls`` show it.

    ``include_all`` lists stopped containers, or intermediate images, too (``--all``).
    """
    filters = filters or {}
    with engine_errors("listing", kind):
        if kind == "containers":
            items = client.containers(all=include_all, filters=filters)
        elif kind == "images":
            items = client.images(all=include_all, filters=filters)
        elif kind == "networks":
            items = client.networks(filters=filters)
        else:
            items = client.volumes(filters=filters).get("Volumes") or []
    return items if verbose else [short_item(kind, item) for item in items]


def container_names(containers: Iterable[dict]) -> list:
    """The sorted names of containers as the engine lists them."""
    return sorted((c.get("Names") or ["?"])[0].lstrip("/") for c in containers)


def describe(module: AnsibleModule, client: Any, kind: str, include_all: bool = False) -> None:
    """What a ``<kind>_info`` module returns, and exits with: one object by ``name`` (``exists`` and its
    inspect data), or without ``name`` the list ``docker <kind> ls`` shows, with ``filters``."""
    with module_errors(module):
        name = module.params["name"]
        if name:
            found = find(client, kind, name)
            module.exit_json(changed=False, exists=found is not None, **{kind: found or {}})
        listed = list_objects(client, kind + "s", module.params["filters"], verbose=False, include_all=include_all)
        module.exit_json(changed=False, **{kind + "s": listed})


def disk_usage(client: Any, verbose: bool) -> dict:
    """``docker system df``: counts and bytes per kind, and what could be reclaimed."""
    with engine_errors("reading", "disk usage"):
        usage = client.df()
    if verbose:
        return usage
    images = usage.get("Images") or []
    containers = usage.get("Containers") or []
    volumes = usage.get("Volumes") or []
    cache = usage.get("BuildCache") or []
    return dict(
        LayersSize=usage.get("LayersSize", 0),  # what community.docker returns
        layers_size=usage.get("LayersSize", 0),
        images=dict(count=len(images), active=sum(1 for i in images if i.get("Containers", 0) > 0), size=sum(i.get("Size", 0) for i in images)),
        containers=dict(
            count=len(containers), running=sum(1 for c in containers if c.get("State") == "running"), size=sum(c.get("SizeRw", 0) or 0 for c in containers)
        ),
        volumes=dict(count=len(volumes), size=sum(max((v.get("UsageData") or {}).get("Size", 0), 0) for v in volumes)),
        build_cache=dict(count=len(cache), size=sum(c.get("Size", 0) for c in cache)),
    )


def gather(client: Any, params: dict) -> dict:
    """The result of ``host_info`` for its parameters."""
    try:
        with engine_errors("reading", "engine info"):
            info = client.info()
            version = client.version()
    except EngineError as exc:
        raise EngineError(exc.msg, can_talk_to_docker=False, **exc.details) from None
    result = dict(can_talk_to_docker=True, host_info=info, version=version, engine=summarise_engine(info, version))
    verbose = params.get("verbose_output", False)
    for kind in LIST_KINDS:
        if params.get(kind):
            result[kind] = list_objects(client, kind, params.get(f"{kind}_filters"), verbose, include_all=params.get("containers_all", False))
    if params.get("disk_usage"):
        result["disk_usage"] = disk_usage(client, verbose)
    return result
