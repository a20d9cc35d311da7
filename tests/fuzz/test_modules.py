# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property-based bad input against the real engine: Hypothesis makes task arguments for the state modules
(valid ones around a few options it fuzzes with wrong types, out-of-range numbers, malformed sizes, durations,
ports, names, unicode, very long strings, empty lists and dicts) and runs each module in-process.

Invariants, for every case: the module either fails with a ``msg`` that names one of the options it was
given wrong (or an alias, or a suboption under it), or succeeds; no exception other than the module's own
exit ever escapes (no traceback reaches a user); after a failure, the engine's objects are exactly as they
were before. ``./noar test`` runs a fixed seed and budget; ``./noar fuzz`` a longer one
(NOAR_FUZZ_EXAMPLES per module).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import secrets

import docker
import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from corpus import value_for  # tests/fuzz/corpus.py, beside this file (on the path as pytest puts it there)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PREFIX = "noartest-fuzz-" + secrets.token_hex(3)
EXAMPLES = int(os.environ.get("NOAR_FUZZ_EXAMPLES", "40"))
IMAGE = "noar-test/busybox:latest"
ENGINE = docker.APIClient()

# The engine-level options each module is given around the fuzzed ones, so that a case reaches its planning.
BASELINES = {
    "container": lambda: dict(name=f"{PREFIX}-c", image=IMAGE, command=["sleep", "600"], state="present"),
    "network": lambda: dict(name=f"{PREFIX}-n"),
    "volume": lambda: dict(name=f"{PREFIX}-v"),
    "image": lambda: dict(name=IMAGE, source="local"),
    "limits": lambda: dict(name=[f"{PREFIX}-target"]),
    "container_exec": lambda: dict(container=f"{PREFIX}-target", command="true"),
    "image_remove": lambda: dict(name=f"{PREFIX}/absent:1"),
}
# Options left alone: where the engine is (a wrong one fails to connect, which says so, but is not input to
# the module's job); the names of the objects acted on; and what could touch what is not this run's (files
# written where a path says, names moved off the shared test images). prune and image_tag are not fuzzed for
# the same reason: their filters and names reach the machine's shared objects.
SKIPPED = {
    "docker_host",
    "tls_hostname",
    "api_version",
    "timeout",
    "ca_path",
    "client_cert",
    "client_key",
    "tls",
    "validate_certs",
    "debug",
    "name",
    "container",
    "containers",
    "state",
    "archive_path",
    "repository",
}


def argument_spec(module_name: str) -> dict:
    """The argument spec a module builds, caught as AnsibleModule is made."""
    caught = {}

    class Caught(Exception):
        pass

    def capture(self, argument_spec, **kwargs):
        caught.update(argument_spec)
        raise Caught

    module = importlib.import_module(f"ansible_collections.noar.docker.plugins.modules.{module_name}")
    with patch_module_args({}), pytest.MonkeyPatch.context() as patch:
        patch.setattr(basic.AnsibleModule, "__init__", capture)
        with contextlib.suppress(Caught):
            module.main()
    return caught


def task_args(module_name: str):
    spec = {name: option for name, option in argument_spec(module_name).items() if name not in SKIPPED}
    names = sorted(spec)

    @st.composite
    def build(draw):
        fuzzed = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
        args = BASELINES[module_name]()
        for name in fuzzed:
            args[name] = draw(value_for(spec[name]))
        return fuzzed, args

    return build(), spec


# -- running a module in-process -------------------------------------------------------------------------


def run(module_name: str, args: dict) -> dict:
    """The module's result, as Ansible would read it; an exception that escapes the module fails the test."""
    module = importlib.import_module(f"ansible_collections.noar.docker.plugins.modules.{module_name}")
    out = io.StringIO()
    with patch_module_args(dict(args, _ansible_remote_tmp="/tmp", _ansible_keep_remote_files=False)), contextlib.redirect_stdout(out):
        try:
            module.main()
        except SystemExit:
            pass
    return json.loads(out.getvalue())


def snapshot() -> dict:
    """The engine's objects with their configuration, to compare before and after a failure."""
    containers = {
        c["Id"]: (c["Names"], c["Image"], c["State"], json.dumps(ENGINE.inspect_container(c["Id"])["Config"], sort_keys=True))
        for c in ENGINE.containers(all=True)
    }
    return dict(
        containers=containers,
        images=sorted((i["Id"], tuple(sorted(i.get("RepoTags") or []))) for i in ENGINE.images(all=True)),
        networks=sorted((n["Id"], n["Name"], json.dumps(n.get("IPAM"), sort_keys=True)) for n in ENGINE.networks()),
        volumes=sorted((v["Name"], json.dumps(v.get("Options"), sort_keys=True)) for v in ENGINE.volumes().get("Volumes") or []),
    )


def clean() -> None:
    for c in ENGINE.containers(all=True, filters={"name": PREFIX}):
        if c["Names"][0].lstrip("/") != f"{PREFIX}-target":
            ENGINE.remove_container(c["Id"], force=True, v=True)
    for n in ENGINE.networks(names=[f"{PREFIX}-n"]):
        ENGINE.remove_network(n["Id"])
    for v in ENGINE.volumes(filters={"name": PREFIX}).get("Volumes") or []:
        ENGINE.remove_volume(v["Name"], force=True)
    for i in ENGINE.images(name=f"{PREFIX}/*"):
        for tag in i.get("RepoTags") or []:
            ENGINE.remove_image(tag, force=True)


# ansible-core's own argument check says these for a dict option with suboptions given a string, without
# naming the option (its messages, not ours: the module never runs).
CORE_UNNAMED = (
    "dictionary requested, could not parse JSON or key=value",
    'unable to evaluate string in the "key=value" format as dictionary',
    "unable to evaluate string as dictionary",
)


def names_an_option(msg: str, fuzzed: list, spec: dict) -> bool:
    """Whether a failure message names one of the fuzzed options, an alias, or a suboption under one."""
    if msg in CORE_UNNAMED:
        return True
    words = set()
    for name in fuzzed:
        words.add(name)
        words.update(spec[name].get("aliases") or [])
    return any(word in msg for word in words)


@pytest.fixture(scope="module", autouse=True)
def target_container():
    """A running container the modules that act on one (limits, container_exec) are pointed at."""
    ENGINE.create_container(IMAGE, ["sleep", "3600"], name=f"{PREFIX}-target")
    ENGINE.start(f"{PREFIX}-target")
    yield
    clean()
    ENGINE.remove_container(f"{PREFIX}-target", force=True)


@pytest.mark.parametrize("module_name", sorted(BASELINES))
def test_bad_input_is_named_and_changes_nothing(module_name):
    strategy, spec = task_args(module_name)
    tried = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def case(drawn):
        fuzzed, args = drawn
        tried.append(fuzzed)
        before = snapshot()
        try:
            result = run(module_name, args)
        finally:
            after_run = snapshot()
        if result.get("failed"):
            assert names_an_option(result.get("msg", ""), fuzzed, spec), f"{module_name} with {args!r} failed without naming {fuzzed}: {result.get('msg')}"
            assert after_run == before, f"{module_name} with {args!r} failed and changed the engine"
        clean()

    case()
    print(f"{module_name}: {len(tried)} cases")
