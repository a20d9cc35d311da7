# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resource limits: live changes of running containers (``limits``), and the checks of limits against
the host and against a container that ``limits`` and ``container`` share.

``limits`` selects containers (names or filters), works out each one's new limits from what the task sets
and what the container has, and validates the whole selection before it changes anything: one bad
container fails the task and no container is touched. Updates use ``docker update``, in place. The
options, their parsing and the update body come from ``container_options``.
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterable, NoReturn

from ansible_collections.noar.docker.plugins.module_utils.client import (
    EngineError,
    api_post_json,
    engine_errors,
    engine_info,
    engine_on_this_machine,
    require,
)
from ansible_collections.noar.docker.plugins.module_utils.container_options import (
    LIMIT_OPTIONS,
    OPTIONS,
    UPDATE_FIELDS,
    Context,
    actual_view,
    desired_view,
    limit_problems,
    named_refusal,
    update_body,
)
from ansible_collections.noar.docker.plugins.module_utils.container_stats import (
    cgroup_memory_in_use,
    container_name,
    memory_in_use,
    select_containers,
)
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption, format_size

HOST_LIMITED = ("memory", "cpus", "cpuset_cpus", "cpuset_mems")


def parse_cpuset(text: str, option: str) -> set:
    """The CPU (or memory node) numbers of a cpuset such as ``0-2,4``."""
    numbers: set = set()
    for part in str(text).split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not match:
            raise InvalidOption(option, f"{text!r} is not a list of numbers and ranges such as 0-2,4")
        low, high = int(match.group(1)), int(match.group(2) or match.group(1))
        if high < low:
            raise InvalidOption(option, f"the range {part.strip()} goes backwards")
        numbers.update(range(low, high + 1))
    return numbers


def format_cpuset(numbers: Iterable[int]) -> str:
    """``{0, 1, 2, 4}`` written back as ``0-2,4``."""
    ranges: list = []
    for number in sorted(numbers):
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return ",".join(str(low) if low == high else f"{low}-{high}" for low, high in ranges)


def blkio_weight_supported(params: dict) -> bool | None:
    """Whether the engine's kernel can weigh block I/O: read from the cgroup files when the engine is local.

    None when it cannot be known from here (an engine reached over TCP or SSH).
    """
    if not engine_on_this_machine(params):
        return None
    root = "/sys/fs/cgroup"
    controllers = os.path.join(root, "cgroup.controllers")
    if os.path.exists(controllers):  # cgroup v2: the io controller carries the weight
        with open(controllers, encoding="ascii") as handle:
            return "io" in handle.read().split()
    if os.path.isdir(os.path.join(root, "blkio")):  # cgroup v1
        return os.path.exists(os.path.join(root, "blkio", "blkio.weight"))
    return None


def drop_unsupported_blkio(view: dict, params: dict, warnings: list) -> None:
    """The engine would discard a weight its kernel cannot apply and report 0, so comparing it would
    show a change on every run: it is neither applied nor compared, with a warning."""
    if view.get("blkio_weight") and blkio_weight_supported(params) is False:
        del view["blkio_weight"]
        warnings.append(
            "blkio_weight: this host's kernel has no Block I/O weight control (no blkio.weight "
            "or io.weight cgroup file), so the value is neither applied nor compared"
        )


def _host_memory_nodes(params: dict) -> set | None:
    """The memory nodes of a local engine's host, or None when they cannot be read from here."""
    if not engine_on_this_machine(params):
        return None
    for path in ("/sys/fs/cgroup/cpuset/cpuset.mems", "/sys/fs/cgroup/cpuset.mems.effective"):
        if os.path.exists(path):
            with open(path, encoding="ascii") as handle:
                text = handle.read().strip()
            return parse_cpuset(text, "cpuset_mems") if text else None
    return None


class HostLimits:
    """What the engine's host has (CPUs, memory, memory nodes), read once and only when asked."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self._info: dict | None = None

    def _read(self) -> dict:
        if self._info is None:
            info = engine_info(self.client)
            self._info = dict(cpus=info.get("NCPU"), memory=info.get("MemTotal"), mems=_host_memory_nodes(self.params))
        return self._info

    def check(self, wanted: dict) -> None:
        """Limits the host cannot give fail, naming the option."""
        if not any(wanted.get(name) for name in HOST_LIMITED):
            return
        host = self._read()
        if wanted.get("cpus") and host["cpus"] and wanted["cpus"] > host["cpus"] * 10**9:
            raise InvalidOption("cpus", f"{wanted['cpus'] / 1e9} is more than the {host['cpus']} CPUs this host has")
        if wanted.get("memory") and host["memory"] and wanted["memory"] > host["memory"]:
            raise InvalidOption("memory", f"{format_size(wanted['memory'])} is more than the host's memory ({format_size(host['memory'])})")
        if wanted.get("cpuset_cpus") and host["cpus"]:
            missing = {n for n in parse_cpuset(wanted["cpuset_cpus"], "cpuset_cpus") if n >= host["cpus"]}
            if missing:
                raise InvalidOption("cpuset_cpus", f"names CPU(s) {format_cpuset(missing)}, but the host has {host['cpus']} (0-{host['cpus'] - 1})")
        if wanted.get("cpuset_mems"):
            nodes = parse_cpuset(wanted["cpuset_mems"], "cpuset_mems")
            if host["mems"] is not None and not nodes <= host["mems"]:
                raise InvalidOption(
                    "cpuset_mems", f"names memory node(s) {format_cpuset(nodes - host['mems'])} the host lacks (it has {format_cpuset(host['mems'])})"
                )


def check_container(
    client: Any, container: dict, merged: dict, changes: Iterable[str], suffix: str = "", warnings: list | None = None, local: bool = False
) -> None:
    """A container's limits once changed in place must work together and leave room for what it uses
    now; the message names the container. ``local``: the engine is on this machine, so what the container
    uses is read from its cgroup, not from a stats call that waits for the engine's next sample."""
    name = container_name(container)
    memory = merged.get("memory") or 0

    def refuse(option: str, reason: str) -> NoReturn:
        raise InvalidOption(option, f"container {name}: {reason}{suffix}")

    host = container.get("HostConfig") or {}
    # The rules of create time, on all the container would have: a task that sets only cpus does not name the
    # period or quota the container already has.
    whole = dict(
        merged,
        cpus=merged.get("cpus", host.get("NanoCpus")),
        cpu_period=merged.get("cpu_period", host.get("CpuPeriod")),
        cpu_quota=merged.get("cpu_quota", host.get("CpuQuota")),
    )
    for option, why in limit_problems(whole, changes):
        refuse(option, f"{option} {why}")
    if "memory" in changes and memory and (container.get("State") or {}).get("Running"):
        used = cgroup_memory_in_use(container) if local else None
        if used is None:
            with engine_errors("reading", f"usage of container {name}"):
                stats = client.stats(container["Id"], stream=False, one_shot=True)
            used = memory_in_use(stats)
            if not (stats.get("memory_stats") or {}).get("usage") and warnings is not None:
                warnings.append(
                    f"container {name}: the engine reports no memory usage (it cannot read the "
                    "container's cgroups), so the new memory limit was not compared with what it uses"
                )
        if memory < used:
            refuse("memory", f"memory {format_size(memory)} is below what it uses now ({format_size(used)})")


def post_update(client: Any, container_id: str, name: str, body: dict) -> list:
    """Send a ``docker update`` body; the engine's warnings."""
    try:
        with engine_errors("updating", f"container {name}"):
            # docker-py's update_container knows neither NanoCpus nor PidsLimit: send the API body itself.
            updated = api_post_json(client, "/containers/{0}/update", container_id, body=body)
    except EngineError as exc:
        raise named_refusal(exc, [option.name for option in OPTIONS.values() if option.field in body]) from None
    return (updated or {}).get("Warnings") or []


class LimitsManager(Manager):
    """Plans, validates and applies one ``limits`` task across its selection."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self.warnings: list = []
        self.containers: list = []
        self.reports: list = []
        self.host = HostLimits(client, params)

    def read(self) -> list:
        if not self.params.get("name") and not self.params.get("filters"):
            raise InvalidOption("name", "say which containers: name (one or a list) or filters")
        self.containers = select_containers(self.client, self.params.get("name"), self.params.get("filters"))
        if not self.containers:
            self.warnings.append("no container matches filters; nothing to change")
        return self.containers

    def plan(self, actual: list) -> list:
        # The task's own values, checked once (units, ranges, against the host); memory_swap alone is
        # fine here: the container may have its memory limit already.
        ctx = Context(self.params, None, getattr(self.client, "api_version", "1.41"))
        wanted = desired_view(self.params, ctx, LIMIT_OPTIONS)
        self.host.check(wanted)
        drop_unsupported_blkio(wanted, self.params, self.warnings)
        plan = []
        for container in actual:
            name = container_name(container)
            have = actual_view(container, LIMIT_OPTIONS)
            changes = {key: value for key, value in wanted.items() if have.get(key) != value}
            check_container(
                self.client, container, {**have, **wanted}, changes, "; no container was changed", self.warnings, local=engine_on_this_machine(self.params)
            )
            before = {key: have.get(key) for key in changes}
            self.reports.append(dict(name=name, id=container["Id"], changed=bool(changes), before=before, after=dict(changes)))
            if changes:
                plan.append(
                    Action(
                        "update",
                        name,
                        before={name: before},
                        after={name: dict(changes)},
                        reason="in place: " + ", ".join(sorted(changes)),
                        data=dict(id=container["Id"], options=sorted(changes), view=wanted),
                    )
                )
        return plan

    def apply(self, plan: list) -> None:
        by_id = {c["Id"]: c for c in self.containers}
        done: list = []
        for action in plan:
            container = by_id[action.data["id"]]
            body = update_body(action.data["view"], container, action.data["options"])
            try:
                self.warnings.extend(post_update(self.client, container["Id"], action.target, body))
            except (EngineError, InvalidOption) as exc:
                note = f"; the containers updated before it were set back ({self._undo(done)})"
                if isinstance(exc, InvalidOption):
                    raise InvalidOption(exc.option, exc.reason + note) from None
                raise EngineError(exc.msg + note, **exc.details) from None
            done.append(container)
        self.containers = [require(self.client, "container", c["Id"], "name") for c in self.containers]

    def _undo(self, done: list) -> str:
        """Put back the limits of containers already updated, as they were before this task."""
        names = []
        for container in done:
            host = container.get("HostConfig") or {}
            body = {field: host.get(field) for field in set(UPDATE_FIELDS.values()) if host.get(field) is not None}
            body["MemorySwap"] = host.get("MemorySwap")
            try:
                post_update(self.client, container["Id"], container_name(container), body)
                names.append(container_name(container))
            except EngineError:
                names.append(container_name(container) + " (failed)")
        return ", ".join(names) or "none"

    def result(self) -> dict:
        by_id = {c["Id"]: c for c in self.containers}
        fields = sorted(set(UPDATE_FIELDS.values()))
        for report in self.reports:
            report["host_config"] = {key: (by_id.get(report["id"], {}).get("HostConfig") or {}).get(key) for key in fields}
        return dict(containers=self.reports)
