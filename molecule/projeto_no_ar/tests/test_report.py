"""playbooks/report.yml on projeto no ar as converge left it: the capacity report is written, and a
headless browser (Debian's chromium) shows each of the app's containers with its three charts.

The page and a screenshot of it are kept in .build/report/ as artefacts.
"""

import html.parser
import os
import pathlib
import re
import shutil
import subprocess

import docker
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
OUT = ROOT / ".build" / "report"
NAME = "noartest-mol-pna"
SAMPLES = 4  # report_duration 6 s, every 2 s: at 0, 2, 4 and 6 s


class Report(html.parser.HTMLParser):
    """The sections of the rendered page: per container, the kinds of its charts and their points."""

    def __init__(self):
        super().__init__()
        self.charts, self.peaks, self.texts, self.rows, self._container, self._kind = {}, {}, {}, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-container" in attrs:
            self._container = attrs["data-container"]
            self.charts[self._container] = {}
            self.texts[self._container] = ""
            self.peaks[self._container] = (int(attrs["data-memory-peak"]), int(attrs["data-pids-peak"]))
        elif tag == "svg" and self._container:
            self._kind = attrs["class"].split()[1]
        elif tag == "polyline" and self._container:
            self.charts[self._container][self._kind] = len(attrs["points"].split())
        elif tag == "tr" and attrs.get("class"):
            self.rows.append(attrs["class"])

    def handle_data(self, data):
        if self._container:
            self.texts[self._container] += data

    def handle_endtag(self, tag):
        if tag == "section":
            self._container = None


@pytest.fixture(scope="module")
def report():
    OUT.mkdir(parents=True, exist_ok=True)
    page = OUT / "projeto_no_ar.html"
    page.unlink(missing_ok=True)
    inventory = os.path.dirname(os.environ["MOLECULE_INVENTORY_FILE"])
    run = subprocess.run(
        [
            "ansible-playbook",
            str(ROOT / "playbooks" / "report.yml"),
            "-i",
            inventory,
            "-e",
            "report_duration=6",
            "-e",
            "report_interval=2",
            "-e",
            f"report_dest={page}",
            "-e",
            "report_title='projeto no ar'",
            "-e",
            '{"report_filters": {"name": "' + NAME + '"}}',
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert str(page) in run.stdout
    return page


def chromium(*args):
    # As root, Chromium runs only without its sandbox.
    return subprocess.run(
        [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def test_every_container_has_its_charts_in_the_browser(report):
    engine = docker.from_env()
    containers = engine.containers.list(filters={"name": NAME})
    running = {container.name for container in containers}
    assert len(running) == 4  # db, two web replicas, proxy
    page = Report()
    page.feed(chromium("--dump-dom", report.as_uri()))
    assert set(page.charts) == running
    for name, charts in page.charts.items():
        assert charts == {"memory": SAMPLES, "cpu": SAMPLES, "pids": SAMPLES}, name
        # Every container uses memory and runs processes: zeros would mean the engine could not read them.
        assert min(page.peaks[name]) > 0, name
        # The kernel's OOM kill counter of each container's memory cgroup was read (and nothing was killed).
        assert "OOM kills 0 during the period (0 since it last started)" in page.texts[name], page.texts[name]
    # The host summary: the limits summed, as the engine has them, against the host's memory and CPUs.
    info = engine.info()
    memory = sum(container.attrs["HostConfig"]["Memory"] for container in containers)
    cpus = sum(container.attrs["HostConfig"]["NanoCpus"] for container in containers) / 1e9
    assert page.rows == ["over" if memory > info["MemTotal"] else "fits", "over" if cpus > info["NCPU"] else "fits"]


def test_the_page_is_self_contained(report):
    text = report.read_text()
    assert not re.search(r"<script|<link|\bsrc=|url\(", text)


def test_a_screenshot_is_kept(report):
    shot = OUT / "projeto_no_ar.png"
    shot.unlink(missing_ok=True)
    chromium("--window-size=1400,1100", f"--screenshot={shot}", report.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20000
