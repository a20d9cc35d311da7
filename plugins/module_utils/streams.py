# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The streams the engine answers a pull, push, build or load with: read to their end, timed, errors raised.

Apart from the image manager so that ``container``, which pulls only now and then, carries and compiles this and
not the whole image manager.
"""

from __future__ import annotations

from collections import deque
from typing import Iterable

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError
from ansible_collections.noar.docker.plugins.module_utils.image_names import explain_registry_error
from ansible_collections.noar.docker.plugins.module_utils.timings import StreamClock

BUILD_LOG_LINES = 30


def follow_stream(chunks: Iterable[dict], operation: str, ref: str, phase: dict | None = None) -> list:
    """Read a pull/push/build/load stream to its end; raise ``EngineError`` on an error in it.

    Returns the last lines of the readable log. With ``phase`` (a ``Stopwatch`` phase), its build steps or
    layers are timed into it as the stream goes.
    """
    log: deque = deque(maxlen=BUILD_LOG_LINES)
    clock = StreamClock()
    try:
        for chunk in chunks:
            clock.status(chunk)
            _follow_chunk(chunk, operation, ref, log, clock)
    finally:
        clock.end_step()
        if phase is not None and operation == "building":
            phase["steps"] = clock.steps
        elif phase is not None:
            phase["layers"] = clock.layers()
    return list(log)


def _follow_chunk(chunk: dict, operation: str, ref: str, log: deque, clock: StreamClock) -> None:
    """One chunk of a stream: an error fails the task, naming the build step it came at; text goes to the log."""
    if "error" in chunk or "errorDetail" in chunk:
        error = chunk.get("error") or (chunk.get("errorDetail") or {}).get("message") or "unknown error"
        if operation == "building":
            last = clock.steps[-1] if clock.steps else None
            where = f" at step {last['step']}/{last['of']} ({last['instruction']})" if last else ""
            raise EngineError(f"building image {ref} failed{where}: {error.strip()}", build_log=list(log))
        raise EngineError(explain_registry_error(operation, ref, error))
    text = chunk.get("stream")
    if text is None and chunk.get("status") and not chunk.get("progressDetail", {}).get("current"):
        text = chunk["status"] + (f" {chunk['id']}" if chunk.get("id") else "")
    for line in (text or "").splitlines():
        line = line.rstrip()
        if line:
            log.append(line)
            clock.line(line)
