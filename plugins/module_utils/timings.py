# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a long task spent its time: the ``timings`` of the image modules' and compose's results.

Builds, pulls, pushes and Compose converges can run for minutes (under ``async`` too); their results say
which phase, build step, layer or service the time went to, as data (seconds), not as log text.
"""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

# The statuses that end a layer's part of a pull or a push.
LAYER_DONE = ("Pull complete", "Already exists", "Pushed", "Layer already exists", "Mounted from")
STEP = re.compile(r"Step (\d+)/(\d+) : (.*)")


class Stopwatch:
    """The phases of one task, in the order they ran; safe to use from several threads (compose)."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self.clock = clock or time.monotonic
        self.started = self.clock()
        self.phases: list = []
        self._lock = threading.Lock()

    @contextmanager
    def phase(self, action: str, target: str, **details: Any) -> Iterator[dict]:
        """Time the block as one phase; the block may add details (``steps``, ``layers``) to the dict it gets."""
        entry = dict(action=action, target=target, **details)
        started = self.clock()
        try:
            yield entry
        finally:
            entry["seconds"] = round(self.clock() - started, 3)
            with self._lock:
                self.phases.append(entry)

    def extend(self, phases: list) -> None:
        """Another stopwatch's phases (an image manager's, inside compose) as phases of this one."""
        with self._lock:
            self.phases.extend(phases)

    def as_dict(self) -> dict:
        return dict(total=round(self.clock() - self.started, 3), phases=list(self.phases))


class StreamClock:
    """Build steps and layers timed from an engine stream's lines, as they arrive."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self.clock = clock or time.monotonic
        self.steps: list = []
        self._layers: dict = {}
        self._step_started: float | None = None

    def line(self, text: str) -> None:
        match = STEP.match(text)
        if match:
            self.end_step()
            self.steps.append(dict(step=int(match.group(1)), of=int(match.group(2)), instruction=match.group(3)))
            self._step_started = self.clock()

    def status(self, chunk: dict) -> None:
        layer, status = chunk.get("id"), str(chunk.get("status") or "")
        if not layer or status.startswith("Pulling from"):  # that chunk's id is the tag, not a layer
            return
        entry = self._layers.setdefault(layer, dict(id=layer, started=self.clock()))
        if status.startswith(LAYER_DONE) and "seconds" not in entry:
            entry["status"] = status.split(" from ", maxsplit=1)[0]
            entry["seconds"] = round(self.clock() - entry["started"], 3)

    def end_step(self) -> None:
        if self.steps and self._step_started is not None and "seconds" not in self.steps[-1]:
            self.steps[-1]["seconds"] = round(self.clock() - self._step_started, 3)

    def layers(self) -> list:
        return [{key: value for key, value in entry.items() if key != "started"} for entry in self._layers.values()]
