# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resource limits of running containers: live changes (``limits``) and usage snapshots (``container_stats``).

``limits`` selects containers (names or filters), works out each one's new limits from what the task sets
and what the container has, and validates the whole selection before it changes anything: one bad
container fails the task and no container is touched. Updates use ``docker update``, in place.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors, require
from ansible_collections.noar.docker.plugins.module_utils.container import (
    MIN_MEMORY,
    UPDATE_FIELDS,
    blkio_weight_supported,
    actual_view,
    desired_view,
    post_update,
    update_body,
)
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager
from ansible_collections.noar.docker.plugins.module_utils.units import UNLIMITED, InvalidOption, format_size, parse_size

LIMIT_OPTIONS = ("memory", "memory_reservation", "memory_swap", "cpus", "cpu_shares", "cpu_period", "cpu_quota",
                 "cpuset_cpus", "cpuset_mems", "pids_limit", "blkio_weight", "restart_policy", "restart_retries")
STATS_WORKERS = 8


def parse_cpuset(text: str, option: str) -> set:
    """The CPU (or memory node) numbers of a cpuset such as ``0-2,4``."""
    numbers = set()
    for part in str(text).split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not match:
            raise InvalidOption(option, f"{text!r} is not a list of numbers and ranges such as 0-2,4")
        low, high = int(match.group(1)), int(match.group(2) or match.group(1))
        if high < low:
            raise InvalidOption(option, f"the range {part.strip()} goes backwards")
        numbers.update(range(low, high + 1))
    return numbers


def format_cpuset(numbers) -> str:
    """``{0, 1, 2, 4}`` written back as ``0-2,4``."""
    ranges, ordered = [], sorted(numbers)
    for number in ordered:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return ",".join(str(low) if low == high else f"{low}-{high}" for low, high in ranges)


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


class LimitsManager(Manager):
    """Plans, validates and applies one ``limits`` task across its selection."""

    def __init__(self, client, params: dict):
        self.client = client
        self.params = params
        self.warnings = []
        self.containers: list = []
        self.views: dict = {}
        self.reports: list = []

    def read(self):
        if not self.params.get("name") and not self.params.get("filters"):
            raise InvalidOption("name", "say which containers: name (one or a list) or filters")
        self.containers = select_containers(self.client, self.params.get("name"), self.params.get("filters"))
        if not self.containers:
            self.warnings.append("no container matches filters; nothing to change")
        return self.containers

    def _host(self) -> dict:
        with engine_errors("reading", "engine info"):
            info = self.client.info()
        return dict(cpus=info.get("NCPU"), memory=info.get("MemTotal"), mems=_host_memory_nodes(self.params))

    def plan(self, actual) -> list:
        asked = {name: self.params.get(name) for name in LIMIT_OPTIONS if self.params.get(name) is not None}
        host = self._host()
        # The task's own values, checked once (units, ranges, cpus against the host's CPU count).
        # memory_swap alone is fine here: the container may have its memory limit already.
        swap = asked.pop("memory_swap", None)
        wanted = desired_view(asked, None, host["cpus"])
        if swap is not None:
            wanted["memory_swap"] = parse_size(swap, "memory_swap", allow_unlimited=True)
        if "cpuset_mems" in asked:
            wanted["cpuset_mems"] = str(asked["cpuset_mems"])
        self._check_host(wanted, host)
        if wanted.get("blkio_weight") and blkio_weight_supported(self.params) is False:
            del wanted["blkio_weight"]
            self.warnings.append("blkio_weight: this host's kernel has no Block I/O weight control, so the value "
                                 "is neither applied nor compared")
        plan = []
        for container in actual:
            name = container_name(container)
            have = actual_view(container)
            have["cpuset_mems"] = (container.get("HostConfig") or {}).get("CpusetMems") or ""
            changes = {key: value for key, value in wanted.items() if have.get(key) != value}
            self._check_container(container, name, {**have, **wanted}, changes)
            self.views[container["Id"]] = wanted
            before = {key: have.get(key) for key in changes}
            self.reports.append(dict(name=name, id=container["Id"], changed=bool(changes), before=before,
                                     after=dict(changes)))
            if changes:
                plan.append(Action("update", name, before={name: before}, after={name: dict(changes)},
                                   reason="in place: " + ", ".join(sorted(changes))))
        return plan

    @staticmethod
    def _check_host(wanted: dict, host: dict) -> None:
        if wanted.get("memory") and host["memory"] and wanted["memory"] > host["memory"]:
            raise InvalidOption("memory", f"{format_size(wanted['memory'])} is more than the host's memory "
                                          f"({format_size(host['memory'])})")
        if "cpuset_cpus" in wanted and wanted["cpuset_cpus"] and host["cpus"]:
            missing = {n for n in parse_cpuset(wanted["cpuset_cpus"], "cpuset_cpus") if n >= host["cpus"]}
            if missing:
                raise InvalidOption("cpuset_cpus", f"names CPU(s) {format_cpuset(missing)}, but the host has "
                                                   f"{host['cpus']} (0-{host['cpus'] - 1})")
        if wanted.get("cpuset_mems"):
            nodes = parse_cpuset(wanted["cpuset_mems"], "cpuset_mems")
            if host["mems"] is not None and not nodes <= host["mems"]:
                raise InvalidOption("cpuset_mems", f"names memory node(s) {format_cpuset(nodes - host['mems'])} the "
                                                   f"host lacks (it has {format_cpuset(host['mems'])})")

    def _check_container(self, container: dict, name: str, merged: dict, changes: dict) -> None:
        """The container's limits once changed must work together; the message names the container."""
        memory = merged.get("memory") or 0
        reservation = merged.get("memory_reservation") or 0
        swap = merged.get("memory_swap")

        def refuse(option: str, reason: str):
            raise InvalidOption(option, f"container {name}: {reason}; no container was changed")

        if "memory_reservation" in changes or "memory" in changes:
            if reservation and memory and reservation > memory:
                refuse("memory_reservation" if "memory_reservation" in changes else "memory",
                       f"memory_reservation {format_size(reservation)} would be above memory {format_size(memory)}")
        if "memory_swap" in changes and swap not in (None, 0, UNLIMITED):
            if not memory:
                refuse("memory_swap", "has no memory limit, which memory_swap needs")
            if swap < memory:
                refuse("memory_swap", f"memory_swap {format_size(swap)} would be below memory {format_size(memory)}")
        if "memory" in changes and memory and memory < MIN_MEMORY:
            refuse("memory", "below the engine's minimum of 6m")
        if "memory" in changes and memory and (container.get("State") or {}).get("Running"):
            with engine_errors("reading", f"usage of container {name}"):
                stats = self.client.stats(container["Id"], stream=False, one_shot=True)
            used = memory_in_use(stats)
            if memory < used:
                refuse("memory", f"memory {format_size(memory)} is below what it uses now ({format_size(used)})")
        if merged.get("cpus") and (merged.get("cpu_quota") or 0) > 0 and ("cpus" in changes or "cpu_quota" in changes):
            refuse("cpus", "has cpu_quota set; the engine takes cpus or cpu_period/cpu_quota, not both")

    def apply(self, plan: list) -> None:
        by_name = {container_name(c): c for c in self.containers}
        done = []
        for action in plan:
            container = by_name[action.target]
            names = list(action.after[action.target])
            view = self.views[container["Id"]]
            body = update_body(view, container, names)
            if "cpuset_mems" in names:
                body["CpusetMems"] = view["cpuset_mems"]
            try:
                self.warnings.extend(post_update(self.client, container["Id"], action.target, body))
            except EngineError as exc:
                undone = self._undo(done)
                raise EngineError(f"{exc.msg}; the containers updated before it were set back ({undone})",
                                  **exc.details) from None
            done.append(container)
        self.containers = [require(self.client, "container", c["Id"], "name") for c in self.containers]

    def _undo(self, done: list) -> str:
        """Put back the limits of containers already updated, as they were before this task."""
        names = []
        for container in done:
            host = container.get("HostConfig") or {}
            body = {field: host.get(field) for field in set(UPDATE_FIELDS.values()) | {"CpusetMems"}
                    if host.get(field) is not None}
            body["MemorySwap"] = host.get("MemorySwap")
            body["RestartPolicy"] = host.get("RestartPolicy")
            try:
                post_update(self.client, container["Id"], container_name(container), body)
                names.append(container_name(container))
            except EngineError:
                names.append(container_name(container) + " (failed)")
        return ", ".join(names) or "none"

    def result(self) -> dict:
        by_id = {c["Id"]: c for c in self.containers}
        for report in self.reports:
            report["host_config"] = {key: (by_id.get(report["id"], {}).get("HostConfig") or {}).get(key)
                                     for key in sorted(set(UPDATE_FIELDS.values()) | {"CpusetMems", "MemorySwap",
                                                                                      "RestartPolicy"})}
        return dict(containers=self.reports)


def _host_memory_nodes(params: dict):
    """The memory nodes of a local engine's host, or None when they cannot be read from here."""
    if not (params.get("docker_host") or "unix://").startswith("unix://"):
        return None
    for path in ("/sys/fs/cgroup/cpuset/cpuset.mems", "/sys/fs/cgroup/cpuset.mems.effective"):
        if os.path.exists(path):
            with open(path, encoding="ascii") as handle:
                text = handle.read().strip()
            return parse_cpuset(text, "cpuset_mems") if text else None
    return None


# ---------------------------------------------------------------------------------------------
# Usage snapshots


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
    return dict(
        name=container_name(container),
        id=container["Id"],
        state=(container.get("State") or {}).get("Status"),
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
