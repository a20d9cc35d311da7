# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Containers' usage snapshots (``container_stats``), computed as ``docker stats`` does, and the
selection of containers by names or filters that ``limits`` and ``container_stats`` share."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ansible_collections.noar.docker.plugins.module_utils.client import engine_errors, engine_on_this_machine, require

STATS_WORKERS = 8


def memory_in_use(stats: dict) -> int:
    """A container's memory use as ``docker stats`` counts it: without the page cache it could drop."""
    memory = stats.get("memory_stats") or {}
    usage = memory.get("usage") or 0
    detail = memory.get("stats") or {}
    for key in ("total_inactive_file", "inactive_file"):
        if key in detail and detail[key] < usage:
            return usage - detail[key]
    return usage - detail.get("cache", 0) if detail.get("cache", 0) < usage else usage


def select_containers(client: Any, names: list | None, filters: dict | None) -> list:
    """Inspect data of the containers named (each must exist), or of every container ``filters`` match."""
    if names:
        return [require(client, "container", name, "name") for name in names]
    with engine_errors("listing", "containers"):
        listed = client.containers(all=True, filters=filters or {})
    return [require(client, "container", item["Id"], "filters") for item in listed]


def container_name(container: dict) -> str:
    return (container.get("Name") or container["Id"][:12]).lstrip("/")


def _io_bytes(entries: list | None) -> dict:
    totals = dict(read=0, write=0)
    for entry in entries or []:
        op = str(entry.get("op", "")).lower()
        if op in totals:
            totals[op] += entry.get("value", 0)
    return totals


def memory_cgroups(container: dict, proc: str = "/proc", cgroup_root: str = "/sys/fs/cgroup") -> list:
    """The folders of a running container's memory cgroup, as ``(version, folder)``, the v1 hierarchy first.

    Read through the main process's /proc/PID/cgroup, so only for an engine on this machine; empty when the
    process cannot be read or its cgroup is not the container's (the path must name its Id: a PID of another
    machine's engine, or a process that has gone).
    """
    state = container.get("State") or {}
    pid = state.get("Pid")
    if not state.get("Running") or not pid:
        return []
    try:
        with open(f"{proc}/{pid}/cgroup", encoding="ascii") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    # v1's memory hierarchy first: on a hybrid host the unified (0::) one is mounted elsewhere and has no memory.
    found: list = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3 and container["Id"] in parts[2]:
            if "memory" in parts[1].split(","):
                found.insert(0, (1, f"{cgroup_root}/memory{parts[2]}"))
            elif parts[:2] == ["0", ""]:
                found.append((2, f"{cgroup_root}{parts[2]}"))
    return found


def _read_fields(path: str) -> dict:
    """A cgroup file of ``name value`` lines (memory.stat, memory.events, memory.oom_control); {} when unreadable."""
    try:
        with open(path, encoding="ascii") as handle:
            return dict(line.split(None, 1) for line in handle.read().splitlines() if " " in line)
    except (OSError, ValueError):
        return {}


def _read_number(path: str) -> int | None:
    try:
        with open(path, encoding="ascii") as handle:
            text = handle.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def oom_kills(container: dict, proc: str = "/proc", cgroup_root: str = "/sys/fs/cgroup") -> int | None:
    """OOM kills in a running container's memory cgroup since it started, from the kernel's own counter.

    The engine's State.OOMKilled only says whether the last exit was one, misses the kill of a process
    that is not the container's main one, and on 20.10 with cgroup v1 sometimes misses a kill altogether.
    None when the cgroup cannot be read (see ``memory_cgroups``).
    """
    for version, folder in memory_cgroups(container, proc, cgroup_root):
        count = _read_fields(f"{folder}/{'memory.oom_control' if version == 1 else 'memory.events'}").get("oom_kill", "").strip()
        if count.isdigit():
            return int(count)
    return None


def cgroup_memory_in_use(container: dict, proc: str = "/proc", cgroup_root: str = "/sys/fs/cgroup") -> int | None:
    """What ``memory_in_use`` computes from the engine's stats, read from the container's cgroup itself.

    The engine answers a stats call, one-shot included, only at its next sample, about a second later; reading
    the two files takes microseconds. None when the cgroup cannot be read (see ``memory_cgroups``).
    """
    for version, folder in memory_cgroups(container, proc, cgroup_root):
        usage = _read_number(f"{folder}/{'memory.usage_in_bytes' if version == 1 else 'memory.current'}")
        if usage is None:
            continue
        detail = _read_fields(f"{folder}/memory.stat")
        inactive = detail.get("total_inactive_file" if version == 1 else "inactive_file", "").strip()
        return usage - int(inactive) if inactive.isdigit() and int(inactive) < usage else usage
    return None


def summarise_stats(stats: dict, container: dict, local: bool = False) -> dict:
    """One container's usage, computed as ``docker stats`` does, with its configured limits beside it."""
    cpu, precpu = stats.get("cpu_stats") or {}, stats.get("precpu_stats") or {}
    cpu_delta = (cpu.get("cpu_usage") or {}).get("total_usage", 0) - (precpu.get("cpu_usage") or {}).get("total_usage", 0)
    system_delta = (cpu.get("system_cpu_usage") or 0) - (precpu.get("system_cpu_usage") or 0)
    online = cpu.get("online_cpus") or len((cpu.get("cpu_usage") or {}).get("percpu_usage") or []) or 1
    cpu_percent = round(cpu_delta / system_delta * online * 100.0, 2) if cpu_delta > 0 and system_delta > 0 else 0.0
    memory = stats.get("memory_stats") or {}
    used = memory_in_use(stats)
    limit = memory.get("limit") or 0
    pids = stats.get("pids_stats") or {}
    networks = (stats.get("networks") or {}).values()
    host = container.get("HostConfig") or {}
    state = container.get("State") or {}
    return dict(
        name=container_name(container),
        id=container["Id"],
        state=state.get("Status"),
        # The engine says 0001-01-01 for a container it took no sample of (one that does not run).
        read=None if str(stats.get("read") or "0001").startswith("0001") else stats["read"],
        restart_count=container.get("RestartCount", 0),
        oom_killed=bool(state.get("OOMKilled")),
        oom_kills=oom_kills(container) if local else None,
        cpu_percent=cpu_percent,
        online_cpus=online,
        memory_usage=used,
        memory_limit=limit,
        memory_percent=round(used / limit * 100.0, 2) if limit else 0.0,
        pids_current=pids.get("current", 0),
        pids_limit=pids.get("limit") or None,
        network_rx_bytes=sum(n.get("rx_bytes", 0) for n in networks),
        network_tx_bytes=sum(n.get("tx_bytes", 0) for n in networks),
        block_read_bytes=_io_bytes((stats.get("blkio_stats") or {}).get("io_service_bytes_recursive"))["read"],
        block_write_bytes=_io_bytes((stats.get("blkio_stats") or {}).get("io_service_bytes_recursive"))["write"],
        limits=dict(
            memory=host.get("Memory") or None,
            memory_reservation=host.get("MemoryReservation") or None,
            memory_swap=host.get("MemorySwap") or None,
            cpus=(host.get("NanoCpus") or 0) / 1e9 or None,
            cpu_shares=host.get("CpuShares") or None,
            cpu_period=host.get("CpuPeriod") or None,
            cpu_quota=host.get("CpuQuota") or None,
            cpuset_cpus=host.get("CpusetCpus") or None,
            cpuset_mems=host.get("CpusetMems") or None,
            pids_limit=host.get("PidsLimit") or None,
            blkio_weight=host.get("BlkioWeight") or None,
        ),
    )


def gather_stats(client: Any, params: dict) -> list:
    """One snapshot per selected container; the engine's stats calls run a few at a time."""
    names, filters = params.get("name"), dict(params.get("filters") or {})
    if not names and not params.get("all") and "status" not in filters:
        filters["status"] = "running"
    containers = select_containers(client, names, filters)
    # The cgroup counters are this machine's: read only when the engine is too.
    local = engine_on_this_machine(params)

    def snapshot(container: dict) -> dict:
        with engine_errors("reading", f"stats of container {container_name(container)}"):
            stats = client.stats(container["Id"], stream=False)
        return summarise_stats(stats, container, local)

    with ThreadPoolExecutor(max_workers=min(STATS_WORKERS, max(len(containers), 1))) as pool:
        return list(pool.map(snapshot, containers))
