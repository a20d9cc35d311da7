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

    def __init__(self, container):
        self.container = container

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
        return {"NCPU": 2, "MemTotal": 8 * 1024 ** 3,
                "Plugins": {"Log": ["json-file", "journald", "local", "none", "syslog"]}}

    def plugins(self):
        return []

    def stats(self, *args, **kwargs):
        return {"memory_stats": {"usage": 1024}}


def plan_for(task: dict, container) -> list:
    params = {name: None for name in OPTIONS}
    params.update(state="present", pull="missing", image="noar-test/busybox:latest", name="c",
                  image_name_mismatch="recreate", keep_volumes=True, container_default_behavior="no_defaults",
                  networks_cli_compatible=True, command_handling="correct", image_comparison="desired-image")
    params.update(task)
    manager = ContainerManager(FakeClient(container), params)
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
        assert kinds == ["update"] and plan[0].data == {"options": [name]}, kinds
    elif name == "networks":
        assert kinds == ["disconnect", "connect"] and plan[1].data == {"network": "noartest-unit-net"}
    else:
        assert kinds == ["recreate"], kinds


def test_plans_carry_data_not_display_strings():
    plan = plan_for({"memory": "96m"}, RECORDED["memory"])
    assert plan[0].data == {"options": ["memory"]}
    assert plan[0].before == {"memory": "64m"} and plan[0].after == {"memory": "96m"}


def test_fewer_items_than_the_container_has_are_no_change():
    """community.docker's defaults: sets and dicts allow more present, so a migrated task keeps its container."""
    assert plan_for({"env": {"A": "1"}}, RECORDED["env"]) == []
    assert plan_for({"labels": {}}, RECORDED["labels"]) == []
    assert [a.kind for a in plan_for({"env": {"A": "1"}, "comparisons": {"env": "strict"}}, RECORDED["env"])] == \
        ["recreate"]


def test_empty_command_is_the_images_and_stays_unchanged():
    container = json.loads(json.dumps(RECORDED["labels"]))
    container["Config"]["Cmd"] = IMAGE["Config"]["Cmd"]
    assert plan_for({"command": []}, container) == []


def test_stop_timeout_is_not_compared_unless_asked():
    assert plan_for({"stop_timeout": 6}, RECORDED["stop_timeout"]) == []
    assert [a.kind for a in plan_for({"stop_timeout": 6, "comparisons": {"stop_timeout": "strict"}},
                                     RECORDED["stop_timeout"])] == ["recreate"]


def test_a_container_created_for_another_image_name_is_recreated():
    container = json.loads(json.dumps(RECORDED["labels"]))
    container["Config"]["Image"] = "other/name:1"
    assert plan_for({}, container)[0].reason == "changed: image name"
    assert plan_for({"image_name_mismatch": "ignore"}, container) == []
