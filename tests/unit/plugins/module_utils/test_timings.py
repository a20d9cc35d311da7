"""Timings of long tasks: phases, build steps and layers, measured with a clock the test moves."""

import pytest

from ansible_collections.noar.docker.plugins.module_utils import timings
from ansible_collections.noar.docker.plugins.module_utils.client import EngineError
from ansible_collections.noar.docker.plugins.module_utils.streams import follow_stream
from ansible_collections.noar.docker.plugins.module_utils.timings import Stopwatch, StreamClock


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def ticking(chunks, clock, seconds):
    """The chunks of a stream, the clock moving ``seconds`` before each."""
    for chunk in chunks:
        clock.now += seconds
        yield chunk


def test_phases_are_timed_in_order_even_when_one_fails():
    clock = Clock()
    watch = Stopwatch(clock)
    with watch.phase("build", "web:1") as phase:
        clock.now += 2.5
        phase["steps"] = []
    with pytest.raises(RuntimeError), watch.phase("push", "reg/web:1"):
        clock.now += 1
        raise RuntimeError("registry gone")
    assert watch.as_dict() == dict(
        total=3.5, phases=[dict(action="build", target="web:1", steps=[], seconds=2.5), dict(action="push", target="reg/web:1", seconds=1.0)]
    )


def test_build_steps_are_timed_from_the_stream(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timings.time, "monotonic", clock)
    chunks = [{"stream": "Step 1/2 : FROM base\n"}, {"stream": " ---> abc\n"}, {"stream": "Step 2/2 : RUN make\n"}, {"stream": "built\n"}]
    phase: dict = {}
    log = follow_stream(ticking(chunks, clock, 1.0), "building", "web:1", phase)
    assert log == ["Step 1/2 : FROM base", " ---> abc", "Step 2/2 : RUN make", "built"]
    assert phase["steps"] == [dict(step=1, of=2, instruction="FROM base", seconds=2.0), dict(step=2, of=2, instruction="RUN make", seconds=1.0)]


def test_a_failed_step_is_named_and_still_timed(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timings.time, "monotonic", clock)
    chunks = [{"stream": "Step 1/1 : RUN false\n"}, {"error": "exit status 1"}]
    phase: dict = {}
    with pytest.raises(EngineError, match=r"building image web:1 failed at step 1/1 \(RUN false\): exit status 1"):
        follow_stream(ticking(chunks, clock, 3.0), "building", "web:1", phase)
    assert phase["steps"] == [dict(step=1, of=1, instruction="RUN false", seconds=3.0)]


def test_layers_are_timed_from_first_status_to_done():
    clock = Clock()
    stream = StreamClock(clock)
    stream.status({"status": "Pulling from library/busybox", "id": "latest"})
    stream.status({"status": "Pulling fs layer", "id": "aaa"})
    stream.status({"status": "Already exists", "id": "bbb"})
    clock.now += 4
    stream.status({"status": "Downloading", "id": "aaa", "progressDetail": {"current": 10}})
    clock.now += 1
    stream.status({"status": "Pull complete", "id": "aaa"})
    stream.status({"status": "Mounted from team/base", "id": "ccc"})
    assert stream.layers() == [
        dict(id="aaa", status="Pull complete", seconds=5.0),
        dict(id="bbb", status="Already exists", seconds=0.0),
        dict(id="ccc", status="Mounted", seconds=0.0),
    ]
