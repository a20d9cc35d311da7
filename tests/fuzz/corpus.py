# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fuzz corpus: Hypothesis strategies of task values for an argument-spec entry (edge cases of its type,
and values of any type at all). tests/fuzz runs them against the real engine; the unit tests feed them to both
bindings of the options containers and Swarm services share."""

from __future__ import annotations

import decimal

from hypothesis import strategies as st


def _core_overflow(text: str) -> bool:
    """Whether ansible-core 2.19's int check would raise OverflowError on this text ("inf", "NaN", ...): a
    traceback of its own, before the module runs, that this collection cannot catch."""
    try:
        return not decimal.Decimal(text.strip()).is_finite()
    except (decimal.InvalidOperation, ValueError):
        return False


TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e30",
            "none",
            "null",
            "true",
            "512m",
            "1.5g",
            "10x",
            "-5m",
            "1h30",
            "80:80",
            "127.0.0.1::8080",
            "65536:80",
            "a:b:c:d",
            "/data:/data:rw:z:extra",
            "sha256:xyz",
            "UPPER/Case:tag",
            "éçã/ü",
            "/nonexistent/file",
            "{{ lookup('env', 'HOME') }}",
            "$(true)",
        ]
    ),
    st.text(max_size=12),
    st.text(min_size=300, max_size=600),
).filter(lambda text: not _core_overflow(text))
# No infinities or NaN among values of any type: ansible-core 2.19's int check raises OverflowError (a
# traceback, before the module runs) on an infinity, also one written "1e309"; that is its defect. Float
# options still get them (value_for).
SCALAR = st.one_of(TEXT, st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_infinity=False, allow_nan=False), st.booleans(), st.none())
ANY = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)), max_leaves=6)


def value_for(spec: dict):
    """Values for one option: mostly of its type (edge cases), sometimes of any type at all.

    Not for a dict option with suboptions: ansible-core 2.19 raises TypeError (a traceback, before the module
    runs) when such an option is given a number, a boolean or a list, in its set_fallbacks; that is its defect,
    not one this collection can catch, so those get dicts and strings only.
    """
    if spec.get("type") == "dict" and spec.get("options"):
        return st.one_of(suboptions(spec), TEXT)
    kind = spec.get("type", "str")
    typed = {
        "int": st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_infinity=False, allow_nan=False), TEXT),
        "float": st.one_of(st.floats(allow_nan=True, allow_infinity=True), TEXT),
        "bool": st.one_of(st.booleans(), TEXT),
        "list": st.lists(SCALAR if spec.get("elements") != "dict" else suboptions(spec), max_size=4),
        "dict": suboptions(spec) if spec.get("options") else st.dictionaries(st.text(max_size=10), SCALAR, max_size=4),
    }.get(kind, TEXT)
    if spec.get("choices"):
        typed = st.one_of(st.sampled_from(list(spec["choices"])), typed)
    return st.one_of(typed, typed, ANY)


def suboptions(spec: dict):
    options = spec.get("options") or {}
    if not options:
        return st.dictionaries(st.text(max_size=10), SCALAR, max_size=3)
    return st.fixed_dictionaries({}, optional={name: value_for(sub) for name, sub in options.items()})
