# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsing of the values users write for sizes, CPUs and durations.

One parser per kind, shared by every module: a value that does not parse raises
``InvalidOption`` naming the option and the reason, before anything touches the engine.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

# Docker's own units (RAMInBytes in go-units) are binary: 1k = 1024 bytes.
_SIZE_FACTORS = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1024,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1024**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1024**3,
    "gib": 1024**3,
    "t": 1024**4,
    "tb": 1024**4,
    "tib": 1024**4,
    "p": 1024**5,
    "pb": 1024**5,
    "pib": 1024**5,
}
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$", re.IGNORECASE)

# Go's time.ParseDuration units, which is what the engine's healthcheck fields mean.
_DURATION_FACTORS = {
    "ns": 1e-9,
    "us": 1e-6,
    "\u00b5s": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_DURATION_PART_RE = re.compile(r"(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)")

NANO = 1_000_000_000
UNLIMITED = -1


class InvalidOption(ValueError):
    """A task option whose value cannot be used; the message names the option."""

    def __init__(self, option: str, reason: str):
        self.option = option
        self.reason = reason
        super().__init__(f"{option}: {reason}")


def parse_size(value: Any, option: str = "size", allow_unlimited: bool = False) -> int:
    """Return a size in bytes from ``512m``, ``1.5g``, ``1073741824`` or an int.

    With ``allow_unlimited``, ``-1`` and ``unlimited`` give ``UNLIMITED`` (as ``memory_swap`` allows).
    """
    if isinstance(value, bool):
        raise InvalidOption(option, f"expected a size such as 512m or 1g, got {value!r}")
    if allow_unlimited and (value == -1 or str(value).strip().lower() in ("-1", "unlimited")):
        return UNLIMITED
    if isinstance(value, int):
        if value < 0:
            raise InvalidOption(option, f"a size cannot be negative, got {value}")
        return value
    if isinstance(value, float):
        if value < 0 or math.isnan(value) or math.isinf(value):
            raise InvalidOption(option, f"a size must be a finite number of bytes, got {value}")
        return int(value)
    match = _SIZE_RE.match(str(value))
    if not match:
        raise InvalidOption(option, f"{value!r} is not a size: write a number with an optional unit b, k, m, g, t or p (as 512m or 1.5g)")
    number, unit = match.groups()
    factor = _SIZE_FACTORS.get(unit.lower())
    if factor is None:
        raise InvalidOption(option, f"unknown unit {unit!r} in {value!r}: use b, k, m, g, t or p")
    return int(float(number) * factor)


def format_size(value: int) -> str:
    """Write a byte count the short way Docker users write it (``512m``, ``1g``, ``1536k``), for messages."""
    if value == UNLIMITED:
        return "unlimited"
    for short in ("p", "t", "g", "m", "k"):
        factor = _SIZE_FACTORS[short]
        if value and value % factor == 0:
            return f"{value // factor}{short}"
    return str(value)


def parse_cpus(value: Any, option: str = "cpus", host_cpus: int | None = None) -> float:
    """Return a CPU count as a float greater than zero, at most ``host_cpus`` when given."""
    if isinstance(value, bool):
        raise InvalidOption(option, f"expected a number of CPUs such as 0.5 or 2, got {value!r}")
    try:
        cpus = float(value)
    except (TypeError, ValueError):
        raise InvalidOption(option, f"{value!r} is not a number of CPUs (write 0.5, 1 or 2)") from None
    if math.isnan(cpus) or math.isinf(cpus) or cpus <= 0:
        raise InvalidOption(option, f"must be greater than 0, got {value}")
    if cpus * NANO < 1:
        raise InvalidOption(option, f"{value} is below the smallest share the engine accepts (1e-9)")
    if host_cpus is not None and cpus > host_cpus:
        raise InvalidOption(option, f"{value} is more than the {host_cpus} CPUs this host has")
    return cpus


def cpus_to_nano(cpus: float) -> int:
    """The engine's ``NanoCpus`` for a CPU count."""
    return int(round(cpus * NANO))


def parse_port_range(text: str, option: str, value: Any, where: str = "") -> list:
    """The ports of ``8000`` or ``8000-8010``, low to high; ``value`` is the entry the task wrote and ``where`` its path,
    for the message. The one reading of a port range that a container's published and exposed ports and a Compose
    service's ports share."""
    first, _sep, last = text.partition("-")
    low, high = int(first), int(last or first)
    if not 0 < low <= high <= 65535:
        raise InvalidOption(option, f"{where + ': ' if where else ''}{value!r}: ports must be between 1 and 65535, low to high")
    return list(range(low, high + 1))


def parse_duration(value: Any, option: str = "duration") -> float:
    """Return seconds from ``30s``, ``1m30s``, ``500ms``, ``1h`` or a plain number of seconds."""
    if isinstance(value, bool):
        raise InvalidOption(option, f"expected a duration such as 30s or 1m30s, got {value!r}")
    if isinstance(value, (int, float)):
        if value < 0:
            raise InvalidOption(option, f"a duration cannot be negative, got {value}")
        return float(value)
    text = str(value).strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    parts = _DURATION_PART_RE.findall(text)
    if not text or "".join(n + u for n, u in parts) != text:
        raise InvalidOption(option, f"{value!r} is not a duration: write a number of seconds or units h, m, s, ms, us, ns (as 1m30s)")
    return sum(float(number) * _DURATION_FACTORS[unit] for number, unit in parts)


def duration_to_nano(seconds: float) -> int:
    """The engine's nanoseconds for a number of seconds (healthcheck fields use them)."""
    return int(round(seconds * NANO))


def format_duration(seconds: float) -> str:
    """Write seconds back the way a user writes them: ``1m30s``, ``500ms``, ``2h``."""
    if seconds == 0:
        return "0s"
    if seconds < 1:
        millis = seconds * 1000
        return f"{millis:g}ms" if millis >= 1 else f"{seconds * 1e9:g}ns"
    whole = int(seconds)
    rest = seconds - whole
    hours, remainder = divmod(whole, 3600)
    minutes, secs = divmod(remainder, 60)
    text = ""
    if hours:
        text += f"{hours}h"
    if minutes:
        text += f"{minutes}m"
    if secs or rest:
        text += f"{secs + rest:g}s"
    return text


def parse_timestamp(text: str | None) -> float | None:
    """A Unix time from an RFC 3339 date as the engine writes them (nanoseconds, ``Z``), or None."""
    text = str(text or "").strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.timestamp()


def parse_time(value: Any, option: str, now: float, label: str = "") -> float:
    """A Unix time as the engine's ``since``/``until`` read it: a Unix timestamp, an RFC 3339 date (UTC
    unless it says otherwise), or a duration back from ``now`` (``24h``). ``label`` names the value in
    the message when the option holds several (``until=``)."""
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    stamp = parse_timestamp(text)
    if stamp is not None:
        return stamp
    try:
        return now - parse_duration(text, option)
    except InvalidOption:
        raise InvalidOption(
            option, f"{label}{value!r} is neither a timestamp (2026-01-31, 2026-01-31T12:00:00Z or Unix seconds) nor a duration back from now (10m, 24h)"
        ) from None


def as_text(value: Any) -> str:
    """A task value as the engine wants a string: booleans as YAML writes them (``true``), not ``True``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
