import pytest

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError
from ansible_collections.noar.docker.plugins.module_utils.converge import (
    Action,
    Composite,
    Manager,
    compare,
    converge,
    differences,
    plan_diff,
)
from ansible_collections.noar.docker.plugins.module_utils.units import parse_size


class FakeModule:
    def __init__(self, check_mode=False, diff=True):
        self.check_mode = check_mode
        self._diff = diff
        self.failed = None

    def fail_json(self, **kwargs):
        self.failed = kwargs
        raise SystemExit(1)


class Box(Manager):
    """A resource held in a dict: enough to drive converge the way a real manager does."""

    def __init__(self, store, name, desired):
        self.store, self.name, self.desired = store, name, desired
        self.applied = []

    def read(self):
        return self.store.get(self.name)

    def plan(self, actual):
        if "memory" in self.desired:
            self.desired["memory"] = parse_size(self.desired["memory"], "memory")
        if actual is None:
            return [Action("create", self.name, before={"state": "absent"}, after=dict(self.desired, state="present"))]
        differs = differences(self.desired, actual)
        before = {key: old for key, (old, _new) in differs.items() if old is not None}
        after = {key: new for key, (_old, new) in differs.items()}
        return [Action("update", self.name, before=before, after=after)] if after else []

    def apply(self, plan):
        for action in plan:
            self.applied.append(action.kind)
            if action.kind == "fail":
                raise EngineError("updating box b failed: boom")
            self.store[self.name] = dict(self.store.get(self.name, {}), **self.desired)

    def result(self):
        return dict(box=self.store.get(self.name))


def test_create_then_unchanged():
    store = {}
    result = converge(FakeModule(), Box(store, "b", {"size": 1}))
    assert result["changed"] is True
    assert result["actions"] == [dict(action="create", target="b")]
    assert result["diff"] == dict(before={"state": "absent"}, after={"size": 1, "state": "present"})
    assert store == {"b": {"size": 1}}
    again = converge(FakeModule(), Box(store, "b", {"size": 1}))
    assert again["changed"] is False
    assert again["actions"] == []
    assert again["diff"] == dict(before={}, after={})


def test_check_mode_predicts_and_applies_nothing():
    store = {"b": {"size": 1, "color": "red"}}
    manager = Box(store, "b", {"size": 2})
    predicted = converge(FakeModule(check_mode=True), manager)
    assert manager.applied == []
    assert store == {"b": {"size": 1, "color": "red"}}
    real = converge(FakeModule(), Box(store, "b", {"size": 2}))
    assert predicted["changed"] is True and real["changed"] is True
    assert predicted["diff"] == real["diff"] == dict(before={"size": 1}, after={"size": 2})
    assert predicted["actions"] == real["actions"]


def test_diff_only_when_asked():
    result = converge(FakeModule(diff=False), Box({}, "b", {"size": 1}))
    assert "diff" not in result


def test_bad_input_fails_before_apply():
    store = {}
    manager = Box(store, "b", {"memory": "12zz"})
    module = FakeModule()
    with pytest.raises(SystemExit):
        converge(module, manager)
    assert module.failed["msg"].startswith("memory: ")
    assert module.failed["option"] == "memory"
    assert manager.applied == [] and store == {}


def test_engine_error_becomes_the_message():
    class Failing(Box):
        def plan(self, actual):
            return [Action("fail", self.name)]

    module = FakeModule()
    with pytest.raises(SystemExit):
        converge(module, Failing({}, "b", {}))
    assert module.failed["msg"] == "updating box b failed: boom"


def test_plan_diff_keeps_first_before_and_last_after():
    plan = [
        Action("stop", "c", before={"state": "running"}, after={"state": "stopped"}),
        Action("remove", "c", before={"state": "stopped"}, after={"state": "absent"}),
    ]
    assert plan_diff(plan) == dict(before={"state": "running"}, after={"state": "absent"})


def test_action_reason_is_reported():
    assert Action("recreate", "c", reason="image changed").as_dict() == dict(action="recreate", target="c", reason="image changed")


@pytest.mark.parametrize(
    "kind, desired, actual, same",
    [
        ("strict", None, "x", True),
        ("strict", "a", "a", True),
        ("strict", "a", "b", False),
        ("ignore", "a", "b", True),
        ("strict", [1, 2], (1, 2), True),
        ("strict", [1, 2], [2, 1], False),
        ("strict", {"a": 1}, {"a": 1, "b": 2}, False),
        ("allow_more_present", {"a": 1}, {"a": 1, "b": 2}, True),
        ("allow_more_present", {"a": 1}, {"a": 2, "b": 2}, False),
        ("allow_more_present", {"a": 1}, None, False),
        ("allow_more_present", [1], [1, 2], True),
        ("allow_more_present", [3], [1, 2], False),
        ("allow_more_present", "a", "a", True),
    ],
)
def test_compare(kind, desired, actual, same):
    assert compare(kind, desired, actual) is same


def test_compare_rejects_unknown_kind():
    with pytest.raises(ValueError):
        compare("loose", 1, 1)


def test_differences_follow_each_options_comparison():
    assert differences({"a": 1, "b": 3, "c": 4}, {"a": 1, "b": 2}) == {"b": (2, 3), "c": (None, 4)}
    actual = {"labels": {"x": "1", "y": "2"}}
    assert differences({"labels": {"x": "1"}}, actual, {"labels": "allow_more_present"}) == {}
    assert differences({"labels": {"x": "1"}}, actual) == {"labels": (actual["labels"], {"x": "1"})}
    assert differences({"n": 1}, {"n": 2}, matches=lambda name, kind, want, have: True) == {}


def test_warnings_reach_the_user_in_check_mode_and_on_failure():
    class Warning_(Box):
        def plan(self, actual):
            self.warnings = ["planned: option ignored here"]
            return [Action("fail", self.name)]

        def apply(self, plan):
            self.warnings.append("engine: weight discarded")
            super().apply(plan)

    warned = []
    module = FakeModule(check_mode=True)
    module.warn = warned.append
    converge(module, Warning_({}, "b", {}))
    assert warned == ["planned: option ignored here"]

    warned.clear()
    module = FakeModule()
    module.warn = warned.append
    with pytest.raises(SystemExit):
        converge(module, Warning_({}, "b", {}))
    assert warned == ["planned: option ignored here", "engine: weight discarded"]


def test_a_composite_applies_its_parts_in_phase_order_then_waits():
    """A composite's plan is its parts' actions by phase; apply gives each manager the actions of the plan it made
    (only those), and waits once, after the last."""
    done = []

    class Part(Manager):
        def __init__(self, name, kinds, warning=None):
            self.name, self.kinds = name, kinds
            self.warnings = [warning] if warning else []

        def read(self):
            return None

        def plan(self, actual):
            return [Action(kind, f"{self.name} {kind}") for kind in self.kinds]

        def apply(self, plan):
            done.append((self.name, [action.kind for action in plan]))

    class Waiting(Composite):
        def wait(self):
            done.append(("wait", []))

    whole = Waiting()
    whole.add(3, Part("service", ["create"], warning="a service warning"))
    whole.add(1, Part("network", ["create", "connect"]))
    whole.add(2, Part("nothing", []))
    plan = whole.planned()
    assert [action.target for action in plan] == ["network create", "network connect", "service create"]
    assert [phase for phase, _manager, _plan in whole.ordered()] == [1, 3]  # a part with nothing to do is left out
    assert whole.warnings == ["a service warning"]
    whole.apply([action for action in plan if action.kind != "connect"])
    assert done == [("network", ["create"]), ("service", ["create"]), ("wait", [])]
