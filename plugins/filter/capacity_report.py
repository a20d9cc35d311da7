# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The capacity report of playbooks/report.yml: one self-contained HTML page (inline CSS and SVG, no
script, nothing fetched) from container_stats samples taken on several hosts."""

from __future__ import annotations

import datetime
import html

from ansible.errors import AnsibleFilterError

CHART_WIDTH = 300
CHART_HEIGHT = 90
MARGIN = 4
# Above this share of its limit a container's peak is marked.
HOT = 0.9
MIB = 2**20

STYLE = """
body{font-family:sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table.summary{border-collapse:collapse;margin:.5em 0}table.summary td,table.summary th{border:1px solid #ccc;padding:.3em .6em;
text-align:right}table.summary th{text-align:left;background:#f4f4f4}tr.over td{background:#fdd;font-weight:bold}
section.container{display:inline-block;vertical-align:top;margin:.5em 1em .5em 0;padding:.5em;border:1px solid #ddd;border-radius:4px}
section.container h3{margin:.2em 0;font-size:1em}.chart{display:block;margin:.3em 0;background:#fafafa}
.chart polyline{fill:none;stroke:#1a6fb5;stroke-width:1.5}.chart line.limit{stroke:#c0392b;stroke-dasharray:4 3}
.chart text{font-size:10px;fill:#555}p.facts{margin:.2em 0;font-size:.9em}.hot{color:#c0392b;font-weight:bold}
"""


def megabytes(value) -> str:
    return "{0:.0f} MiB".format((value or 0) / MIB)


def cpus(value) -> str:
    return "{0:g} CPU".format(round(value or 0, 2))


def chart(kind: str, values: list, limit, caption: str) -> str:
    """A small line chart of ``values`` (None where the container had no sample), the limit dashed."""
    known = [value for value in values if value is not None]
    top = max(known + [limit or 0]) * 1.1 or 1
    width, height = CHART_WIDTH - 2 * MARGIN, CHART_HEIGHT - 2 * MARGIN - 12
    step = width / max(len(values) - 1, 1)

    def y(value):
        return MARGIN + 12 + height - value / top * height

    points = " ".join("{0:.1f},{1:.1f}".format(MARGIN + index * step, y(value)) for index, value in enumerate(values) if value is not None)
    parts = [
        '<svg class="chart {0}" width="{1}" height="{2}" viewBox="0 0 {1} {2}" role="img">'.format(kind, CHART_WIDTH, CHART_HEIGHT),
        "<title>{0}</title>".format(html.escape(caption)),
        '<text x="{0}" y="10">{1}</text>'.format(MARGIN, html.escape(caption)),
    ]
    if limit:
        parts.append('<line class="limit" x1="{0}" x2="{1}" y1="{2:.1f}" y2="{2:.1f}"/>'.format(MARGIN, MARGIN + width, y(limit)))
    parts.append('<polyline points="{0}"/>'.format(points))
    parts.append("</svg>")
    return "".join(parts)


def series(samples: list, name: str, key: str) -> list:
    """One value per sample for the container ``name`` (None where it was not sampled)."""
    found = []
    for sample in samples:
        match = [entry for entry in sample if entry.get("name") == name]
        found.append(match[0].get(key) if match else None)
    return found


def cpu_limit(limits: dict):
    """The container's CPU cap in CPUs (cpus, or cpu_quota over cpu_period), or None."""
    if limits.get("cpus"):
        return float(limits["cpus"])
    if limits.get("cpu_quota") and limits.get("cpu_period"):
        return limits["cpu_quota"] / limits["cpu_period"]
    return None


def oom_fact(counts: list, restarts: list) -> str:
    """OOM kills during the period and since the container last started, from the cgroup counters of the samples;
    each start of the container begins a new count (a restart between two samples: the second one's count is new).
    Unknown when no sample could read them."""
    known = [(count, started) for count, started in zip(counts, restarts) if count is not None]
    if not known:
        return "OOM kills: not readable (the engine is not on this host, or the container did not run)"
    during = sum(now - before if started == restarted and now >= before else now for (before, started), (now, restarted) in zip(known, known[1:]))
    text = "OOM kills {0} during the period ({1} since it last started)".format(during, known[-1][0])
    return '<span class="hot">{0}</span>'.format(text) if during else text


def container_section(samples: list, name: str) -> tuple:
    """The HTML of one container's charts and facts, and its limits for the host summary."""
    last = [entry for sample in samples for entry in sample if entry.get("name") == name][-1]
    limits = last.get("limits") or {}
    # The configured pids limit; the engine's own figure is 0 when it cannot read the container's cgroups.
    memory_cap, cpu_cap, pids_cap = limits.get("memory"), cpu_limit(limits), limits.get("pids_limit") or last.get("pids_limit")
    memory = series(samples, name, "memory_usage")
    cpu = series(samples, name, "cpu_percent")
    pids = series(samples, name, "pids_current")
    restarts = [value for value in series(samples, name, "restart_count") if value is not None]
    peak_memory = max([value for value in memory if value is not None] or [0])
    peak_cpu = max([value for value in cpu if value is not None] or [0])
    peak_pids = max([value for value in pids if value is not None] or [0])

    def peak(text, value, cap):
        hot = cap and value >= HOT * cap
        return '<span class="{0}">{1}</span>'.format("hot" if hot else "peak", text)

    facts = [
        "memory peak " + peak(megabytes(peak_memory), peak_memory, memory_cap) + " of " + (megabytes(memory_cap) if memory_cap else "no limit"),
        "CPU peak "
        + peak("{0:g} %".format(round(peak_cpu, 1)), peak_cpu, (cpu_cap or 0) * 100)
        + " of "
        + ("{0:g} %".format(cpu_cap * 100) if cpu_cap else "no quota"),
        "pids peak " + peak(str(peak_pids), peak_pids, pids_cap) + " of " + (str(pids_cap) if pids_cap else "no limit"),
        "restarts {0} during the period ({1} in all)".format(restarts[-1] - restarts[0] if restarts else 0, restarts[-1] if restarts else 0),
        oom_fact(series(samples, name, "oom_kills"), series(samples, name, "restart_count")),
        "last exit OOM-killed: " + ('<span class="hot">yes</span>' if last.get("oom_killed") else "no"),
    ]
    body = [
        '<section class="container" data-container="{0}" data-memory-peak="{1}" data-cpu-peak="{2}" data-pids-peak="{3}">'.format(
            html.escape(name, quote=True), peak_memory, peak_cpu, peak_pids
        ),
        "<h3>{0} <small>({1})</small></h3>".format(html.escape(name), html.escape(str(last.get("state")))),
        chart("memory", [None if v is None else v / MIB for v in memory], memory_cap / MIB if memory_cap else None, "memory (MiB) against its limit"),
        chart("cpu", cpu, cpu_cap * 100 if cpu_cap else None, "CPU (%) against its quota"),
        chart("pids", pids, pids_cap, "processes against the pids limit"),
    ]
    body += ['<p class="facts">{0}</p>'.format(fact) for fact in facts]
    body.append("</section>")
    return "".join(body), memory_cap, cpu_cap


def host_section(host: dict) -> str:
    samples = [list(sample or []) for sample in host.get("samples") or []]
    engine = host.get("engine") or {}
    names = []
    for sample in samples:
        names += [entry["name"] for entry in sample if entry.get("name") not in names]
    sections, memory_total, cpu_total, unlimited_memory, unlimited_cpu = [], 0, 0.0, 0, 0
    for name in names:
        section, memory_cap, cpu_cap = container_section(samples, name)
        sections.append(section)
        memory_total += memory_cap or 0
        cpu_total += cpu_cap or 0
        unlimited_memory += not memory_cap
        unlimited_cpu += not cpu_cap
    host_memory, host_cpus = engine.get("memory") or 0, engine.get("cpus") or 0

    def row(what, total, available, unlimited, fmt):
        over = available and total > available
        return '<tr class="{0}"><th>{1}</th><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td></tr>'.format(
            "over" if over else "fits", what, fmt(total), fmt(available), "{0:.0f} %".format(total / available * 100) if available else "-", unlimited
        )

    summary = (
        '<table class="summary"><tr><th></th><th>limits, summed</th><th>the host has</th><th>share</th>'
        "<th>containers without a limit</th></tr>"
        + row("memory", memory_total, host_memory, unlimited_memory, megabytes)
        + row("CPUs", cpu_total, host_cpus, unlimited_cpu, cpus)
        + "</table>"
    )
    name = html.escape(host.get("name", ""), quote=True)
    return (
        '<h2 class="host" data-host="{0}">{0}</h2>'.format(name)
        + "<p>{0} containers, {1} samples.</p>".format(len(names), len(samples))
        + summary
        + "".join(sections or ["<p>No container ran during the period.</p>"])
    )


def capacity_report(hosts, title="Capacity report", interval=None, generated=None):
    """One HTML page: per host a summary of its limits against its size, per container its charts."""
    if not isinstance(hosts, list) or not all(isinstance(host, dict) for host in hosts):
        raise AnsibleFilterError("capacity_report: the input must be a list of hosts, each a mapping with name, engine and samples")
    generated = generated or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    count = max([len(host.get("samples") or []) for host in hosts] or [0])
    sampling = "{0} samples{1}".format(count, ", every {0} s".format(interval) if interval else "")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{0}</title><style>{1}</style>'
        "</head><body><h1>{0}</h1><p>Generated {2}; {3}. Memory and CPU use are drawn against each container's "
        "limit (dashed); limits summed per host are marked red where they exceed the host.</p>{4}</body></html>\n"
    ).format(html.escape(title), STYLE, html.escape(generated), sampling, "".join(host_section(host) for host in hosts))


class FilterModule:
    """noar.docker's capacity report."""

    def filters(self):
        return {"capacity_report": capacity_report}
