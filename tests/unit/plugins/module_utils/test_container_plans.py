"""Plans for (task, inspect data) pairs, without an engine: every option of the table, read from
inspect data that a real engine (20.10) wrote for it (fixtures/container_inspect.json)."""

import json
import os
import sys

import docker
import pytest

from ansible_collections.noar.docker.plugins.module_utils.container import ContainerManager
from ansible_collections.noar.docker.plugins.module_utils.container_options import (
    COMPARED,
    OPTIONS,
    UPDATE_FIELDS,
    Context,
    actual_view,
    create_body,
    desired_view,
    option_matches,
    parse_comparisons,
)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from container_samples import NOT_RECORDED, SAMPLES, WITH  # noqa: E402  pylint: disable=import-error,wrong-import-position

with open(os.path.join(HERE, "fixtures", "container_inspect.json"), encoding="utf-8") as handle:
    RECORDED = json.load(handle)
IMAGE = RECORDED["image"]
COMPARISONS = parse_comparisons(None)


def test_every_compared_option_has_a_sample():
    assert set(SAMPLES) == set(COMPARED)


def view(name, value):
    params = {name: value, **WITH.get(name, {})}
    return desired_view(params, Context(params, IMAGE, "1.41"))


# The engine here discards it (its kernel has no blkio weight); the module warns and leaves it out then.
UNSUPPORTED_HERE = ("blkio_weight",)


@pytest.mark.parametrize("name", sorted(set(SAMPLES) - set(NOT_RECORDED) - set(UNSUPPORTED_HERE)))
def test_the_engine_reads_back_what_the_task_set(name):
    """absent -> create body -> the engine's inspect data -> the same view: nothing to do on a re-run."""
    value, changed = SAMPLES[name]
    want = view(name, value)[name]
    have = actual_view(RECORDED[name])[name]
    assert option_matches(name, COMPARISONS[name], want, have), (want, have)
    other = view(name, changed)[name]
    kind = "strict" if COMPARISONS[name] == "ignore" else COMPARISONS[name]
    assert not option_matches(name, kind, other, have), (other, have)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_option_reaches_the_create_body(name):
    value, changed = SAMPLES[name]
    body = create_body(view(name, value), "img")
    assert body != create_body(view(name, changed), "img") or name in ("paused", "platform", "stop_timeout")


class NotFoundResponse:
    status_code = 404
    reason = "Not Found"
    url = "/containers/c/json"

    @staticmethod
    def json():
        return {"message": "no such container"}


class FakeClient:
    """Inspect answers from recorded data; anything that would change the engine fails the test."""

    api_version = "1.41"

    def __init__(self, container, listed=()):
        self.container = container
        self.listed = list(listed)

    def containers(self, all=False, filters=None):  # pylint: disable=redefined-builtin
        """``docker ps -a --filter name=...``: the engine's filter is a substring match."""
        return [c for c in self.listed if any(filters["name"] in n for n in c["Names"])]

    def inspect_container(self, name):
        if name != "c":
            return {"Id": name}  # another container a task names (volumes_from, links)
        if self.container is None:
            raise docker.errors.NotFound("no such container", response=NotFoundResponse())
        return self.container

    def inspect_image(self, name):
        return IMAGE

    def inspect_network(self, name):
        return {"Name": name}

    def info(self):
        return {"NCPU": 2, "MemTotal": 8 * 1024**3, "Plugins": {"Log": ["json-file", "journald", "local", "none", "syslog"]}}

    def plugins(self):
        return []

    def stats(self, *args, **kwargs):
        return {"memory_stats": {"usage": 1024}}


def manager_for(task: dict, client) -> ContainerManager:
    params = {name: None for name in OPTIONS}
    params.update(
        state="present",
        pull="missing",
        image="noar-test/busybox:latest",
        name="c",
        image_name_mismatch="recreate",
        keep_volumes=True,
        container_default_behavior="no_defaults",
        networks_cli_compatible=True,
        command_handling="correct",
        image_comparison="desired-image",
    )
    params.update(task)
    return ContainerManager(client, params)


def plan_for(task: dict, container, listed=()) -> list:
    manager = manager_for(task, FakeClient(container, listed))
    return manager.plan(manager.read())


PLANNED = sorted(set(SAMPLES) - set(NOT_RECORDED) - set(UNSUPPORTED_HERE) - {"platform", "stop_timeout"})


@pytest.mark.parametrize("name", PLANNED)
def test_plans(name):
    """Same value: no action. Changed value: update in place or recreate, as the table declares."""
    value, changed = SAMPLES[name]
    task = {name: value, **WITH.get(name, {})}
    recorded = RECORDED[name]
    assert plan_for(task, None)[0].kind == "create"
    assert plan_for(task, recorded) == []
    plan = plan_for({**task, name: changed}, recorded)
    kinds = [action.kind for action in plan]
    if name in UPDATE_FIELDS:
        assert kinds == ["update"] and plan[0].data["options"] == [name], kinds
    elif name == "networks":
        assert kinds == ["disconnect", "connect"] and plan[1].data["network"] == "noartest-unit-net"
        assert plan[1].data["endpoint"] == view(name, changed)[name]["noartest-unit-net"]
    else:
        assert kinds == ["recreate"], kinds


def test_plans_carry_data_not_display_strings():
    plan = plan_for({"memory": "96m"}, RECORDED["memory"])
    assert plan[0].data["options"] == ["memory"] and plan[0].data["view"]["memory"] == 96 * 1024 * 1024
    assert plan[0].before == {"memory": 64 * 1024**2} and plan[0].after == {"memory": 96 * 1024**2}


def test_fewer_items_than_the_container_has_are_no_change():
    """community.docker's defaults: sets and dicts allow more present, so a migrated task keeps its container."""
    assert plan_for({"env": {"A": "1"}}, RECORDED["env"]) == []
    assert plan_for({"labels": {}}, RECORDED["labels"]) == []
    assert [a.kind for a in plan_for({"env": {"A": "1"}, "comparisons": {"env": "strict"}}, RECORDED["env"])] == ["recreate"]


def test_empty_command_is_the_images_and_stays_unchanged():
    container = json.loads(json.dumps(RECORDED["labels"]))
    container["Config"]["Cmd"] = IMAGE["Config"]["Cmd"]
    assert plan_for({"command": []}, container) == []


def test_stop_timeout_is_not_compared_unless_asked():
    assert plan_for({"stop_timeout": 6}, RECORDED["stop_timeout"]) == []
    assert [a.kind for a in plan_for({"stop_timeout": 6, "comparisons": {"stop_timeout": "strict"}}, RECORDED["stop_timeout"])] == ["recreate"]


def test_a_container_created_for_another_image_name_is_recreated():
    container = json.loads(json.dumps(RECORDED["labels"]))
    container["Config"]["Image"] = "other/name:1"
    assert plan_for({}, container)[0].reason == "changed: image name"
    assert plan_for({"image_name_mismatch": "ignore"}, container) == []


LISTED = [
    dict(Id="t1", Names=["/c-noar-1700000000"]),
    dict(Id="t2", Names=["/c-noar-web"]),
    dict(Id="t3", Names=["/other-c-noar-1700000000"]),
    dict(Id="t4", Names=["/c-noar-17-x"]),
]


def test_a_killed_recreates_temporary_is_removed_before_the_name_is_taken_again():
    """Only <name>-noar-<digits>: containers whose names merely contain it are someone else's."""
    recorded = RECORDED["memory"]
    for task, container in (({}, None), ({"env": {"A": "1"}}, recorded), ({"state": "absent"}, None)):
        plan = plan_for(task, container, LISTED)
        assert plan[0].kind == "remove_leftovers" and plan[0].data == {"ids": ["t1"]}, plan
        assert plan[0].before == {"leftovers": ["c-noar-1700000000"]} and plan[0].after == {"leftovers": []}
    assert plan_for({"memory": "64m"}, recorded, LISTED) == []  # nothing recreated: nothing listed either


class Recorder(FakeClient):
    """Records what the recreate does; ``interrupt`` names the call that gets SIGINT (KeyboardInterrupt)."""

    def __init__(self, container, interrupt):
        super().__init__(container)
        self.interrupt, self.calls, self.names = interrupt, [], {"c": container["Id"]}

    def _call(self, name, *args):
        self.calls.append((name,) + args)
        if name == self.interrupt:
            self.interrupt = None  # once, as a signal is
            raise KeyboardInterrupt

    def inspect_container(self, name):
        if name in self.names:
            return dict(self.container, Id=self.names[name])
        if name in self.names.values():
            return dict(self.container, Id=name)
        raise docker.errors.NotFound("no such container", response=NotFoundResponse())

    def create_container_from_config(self, body, name=None):
        self.names[name] = "new"
        return {"Id": "new"}

    def stop(self, container_id, timeout=None):
        self._call("stop", container_id)

    def remove_container(self, container_id, force=False, v=False):
        self._call("remove", container_id)
        self.names = {n: i for n, i in self.names.items() if i != container_id}

    def rename(self, container_id, name):
        self._call("rename", container_id, name)
        self.names = {n: i for n, i in self.names.items() if i != container_id}
        self.names[name] = container_id


@pytest.mark.parametrize("interrupt, holder", [("stop", RECORDED["memory"]["Id"]), ("rename", "new")])
def test_an_interrupted_recreate_leaves_one_container_under_the_name(interrupt, holder):
    """Interrupted before the old one is gone: the new one is removed. After: it takes the name."""
    client = Recorder(RECORDED["memory"], interrupt)
    manager = manager_for({"env": {"A": "1"}}, client)
    plan = manager.plan(manager.read())
    assert plan[0].kind == "recreate"
    with pytest.raises(KeyboardInterrupt):
        manager.apply(plan)
    assert client.names == {"c": holder}, client.calls


def test_a_healthcheck_the_engine_stopped_running_is_found():
    from ansible_collections.noar.docker.plugins.module_utils.container import health_stalled  # pylint: disable=import-outside-toplevel

    second = 10**9
    container = dict(
        State=dict(Running=True, StartedAt="2026-11-30T18:00:00.5Z", Health=dict(Status="healthy", Log=[dict(End="2026-11-30T18:00:02.123456789Z")])),
        Config=dict(Healthcheck=dict(Interval=2 * second, Timeout=second)),
    )
    last = 1796061602.123456  # 2026-11-30T18:00:02.123456Z
    assert not health_stalled(container, "1.41", last + 12)  # interval + timeout + 10 s of slack
    assert health_stalled(container, "1.41", last + 14)
    assert not health_stalled(container, "1.43", last + 600)  # engines from 23.0 resume it themselves
    assert not health_stalled(dict(container, State=dict(container["State"], Paused=True)), "1.41", last + 600)
    starting = dict(container, State=dict(container["State"], Health=dict(Status="starting", Log=[])))
    assert health_stalled(starting, "1.41", last + 600)  # never checked since it started
