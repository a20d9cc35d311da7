# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Containers' usage snapshots (``container_stats``), computed as ``docker stats`` does, and the
selection of containers by names or filters that ``limits`` and ``container_stats`` share."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.noar.docker.plugins.module_utils.client import engine_errors, require

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


def select_containers(client, names, filters) -> list:
    """Inspect data of the containers named (each must exist), or of every container ``filters`` match."""
    if names:
        return [require(client, "container", name, "name") for name in names]
    with engine_errors("listing", "containers"):
        listed = client.containers(all=True, filters=filters or {})
    return [require(client, "container", item["Id"], "filters") for item in listed]


def container_name(container: dict) -> str:
    return (container.get("Name") or container["Id"][:12]).lstrip("/")


def _io_bytes(entries) -> dict:
    totals = dict(read=0, write=0)
    for entry in entries or []:
        op = str(entry.get("op", "")).lower()
        if op in totals:
            totals[op] += entry.get("value", 0)
    return totals


def summarise_stats(stats: dict, container: dict) -> dict:
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


def gather_stats(client, params: dict) -> list:
    """One snapshot per selected container; the engine's stats calls run a few at a time."""
    names, filters = params.get("name"), dict(params.get("filters") or {})
    if not names and not params.get("all") and "status" not in filters:
        filters["status"] = "running"
    containers = select_containers(client, names, filters)

    def snapshot(container: dict) -> dict:
        with engine_errors("reading", f"stats of container {container_name(container)}"):
            stats = client.stats(container["Id"], stream=False)
        return summarise_stats(stats, container)

    with ThreadPoolExecutor(max_workers=min(STATS_WORKERS, max(len(containers), 1))) as pool:
        return list(pool.map(snapshot, containers))
