"""The capacity report's page from samples: what it says about limits, peaks, restarts and overcommit."""

import html.parser

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.noar.docker.plugins.filter.capacity_report import capacity_report

MIB = 2**20


def snapshot(name, memory, cpu, pids=3, restarts=0, oom=False, limits=None, pids_limit=64, kills=None):
    return dict(
        name=name,
        state="running",
        memory_usage=memory * MIB,
        cpu_percent=cpu,
        pids_current=pids,
        pids_limit=pids_limit,
        restart_count=restarts,
        oom_killed=oom,
        oom_kills=kills,
        limits=limits or {},
    )


WEB = dict(memory=128 * MIB, cpus=0.5)
HOST = dict(
    name="server-1",
    engine=dict(memory=1024 * MIB, cpus=2),
    samples=[
        [snapshot("web", 40, 10.0, limits=WEB), snapshot("free", 5, 1.0, limits={}, pids_limit=None)],
        [snapshot("web", 120, 48.0, restarts=1, oom=True, limits=WEB), snapshot("free", 6, 1.0, limits={}, pids_limit=None)],
        [snapshot("web", 60, 20.0, restarts=2, limits=WEB)],
    ],
)


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.points, self.text, self._kind, self._section = [], {}, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self.rows.append(attrs.get("class"))
        if tag == "section":
            self._section = attrs["data-container"]
        if tag == "svg":
            self._kind = attrs["class"].split()[1]
        if tag == "polyline":
            self.points[(self._section, self._kind)] = attrs["points"].split()

    def handle_data(self, data):
        self.text.append(data)


def render(hosts, **kwargs):
    page = Page()
    page.feed(capacity_report(hosts, generated="2026-12-01 09:00:00 UTC", **kwargs))
    page.text = " ".join(" ".join(page.text).split())
    return page


def test_each_container_has_a_chart_per_measure_with_a_point_per_sample():
    page = render([HOST], interval=5)
    assert len(page.points[("web", "memory")]) == 3
    assert len(page.points[("web", "cpu")]) == 3
    # free was not sampled the third time: no point for it there.
    assert len(page.points[("free", "pids")]) == 2
    assert "3 samples, every 5 s" in page.text


def test_peaks_restarts_and_oom_are_reported_against_the_limits():
    page = render([HOST])
    assert "memory peak 120 MiB of 128 MiB" in page.text
    assert "CPU peak 48 % of 50 %" in page.text
    assert "restarts 2 during the period (2 in all)" in page.text
    assert "memory peak 6 MiB of no limit" in page.text and "pids peak 3 of no limit" in page.text


@pytest.mark.parametrize(
    "kills, restarts, said",
    [
        ([1, 1, 3], [0, 0, 0], "OOM kills 2 during the period (3 since it last started)"),
        # A restart between two samples starts a new count: its kills are new ones.
        ([2, 3, 1], [0, 0, 1], "OOM kills 2 during the period (1 since it last started)"),
        ([None, 0, 0], [0, 0, 0], "OOM kills 0 during the period (0 since it last started)"),
        ([None, None, None], [0, 0, 0], "OOM kills: not readable"),
    ],
)
def test_oom_kills_are_counted_from_the_cgroup_counters(kills, restarts, said):
    host = dict(HOST, samples=[[snapshot("web", 40, 1.0, limits=WEB, kills=k, restarts=r)] for k, r in zip(kills, restarts)])
    assert said in render([host]).text


def test_the_configured_pids_limit_wins_over_the_engines_figure():
    # The engine says 0 (None here) when it cannot read the container's cgroups; the configuration still holds.
    host = dict(name="h", engine={}, samples=[[snapshot("db", 10, 1.0, pids_limit=None, limits={"pids_limit": 128})]])
    assert "pids peak 3 of 128" in render([host]).text


def test_the_host_summary_marks_overcommit():
    fits = render([HOST])
    assert fits.rows[1:] == ["fits", "fits"]
    crowded = dict(HOST, engine=dict(memory=100 * MIB, cpus=0.25))
    assert render([crowded]).rows[1:] == ["over", "over"]


def test_names_are_escaped():
    host = dict(name="<h>", engine={}, samples=[[snapshot("<x>", 1, 1.0)]])
    text = capacity_report([host])
    assert "<x>" not in text and "&lt;x&gt;" in text


def test_a_host_without_containers_says_so():
    assert "No container ran during the period." in render([dict(name="idle", engine={}, samples=[[], []])]).text


@pytest.mark.parametrize("bad", [None, "hosts", [1]])
def test_bad_input_is_refused(bad):
    with pytest.raises(AnsibleFilterError, match="capacity_report: the input must be a list of hosts"):
        capacity_report(bad)
