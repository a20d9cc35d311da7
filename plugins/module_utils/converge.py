# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired -> actual -> plan -> apply driver every state module uses.

A resource manager knows one kind of engine object. It reads what the engine has (``read``),
compares it with what the task asks for and returns an ordered plan of ``Action`` s (``plan``),
and carries a plan out (``apply``). ``converge`` ties these together the same way for every
module: check mode returns the plan and applies nothing, ``changed`` is "the plan is not empty",
and the diff holds the before/after of only what differs. Bad input is found while planning, so
it fails before anything is applied.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

if TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule

COMPARISONS = ("strict", "ignore", "allow_more_present")


@dataclass
class Action:
    """One step of a plan: what is done (``kind``) to what (``target``), and what it changes.

    ``target`` and ``reason`` are for people; ``data`` holds what ``apply`` needs (a network's name,
    the fields to update, ...), so that applying never reads the display strings. ``returned`` holds keys
    the action adds to its entry in the module's ``actions`` (community.docker's ``pulled_image``).
    """

    kind: str
    target: str
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    reason: str = ""
    data: dict = field(default_factory=dict)
    returned: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        described = dict(action=self.kind, target=self.target)
        if self.reason:
            described["reason"] = self.reason
        described.update(self.returned)
        return described


class Manager:
    """What ``converge`` needs from a resource; subclasses fill in the four methods.

    ``warnings`` collects what the user should know but does not stop the task (warnings the engine
    returns when it creates or updates something, options this host cannot apply); ``converge``
    passes them to ``module.warn``, in check mode too.
    """

    warnings: list | tuple = ()

    def read(self) -> Any:
        """The object as the engine has it, normalised, or None when it does not exist."""
        raise NotImplementedError

    def plan(self, actual: Any) -> list:
        """The ordered ``Action`` s that take ``actual`` to what the task asks for.

        Raises ``InvalidOption`` for input that cannot work, before anything is applied.
        """
        raise NotImplementedError

    def apply(self, plan: list) -> None:
        """Carry out ``plan`` on the engine."""
        raise NotImplementedError

    def result(self) -> dict:
        """The module's return values besides changed/diff/actions (inspect data, ...)."""
        return {}

    def plan_result(self, plan: list) -> dict:
        """Return values that follow from the plan alone (what it changes), the same in check mode."""
        return {}

    def diff(self, plan: list) -> dict:
        """The before/after the module returns as its diff."""
        return plan_diff(plan)


class Composite(Manager):
    """A manager made of other managers' plans (a stack's networks, secrets, configs and services), each part
    applied by the manager that planned it, in phase order. ``planned()`` is every part's actions in that order;
    ``apply(plan)`` carries out the actions of ``plan`` (each part keeps those it planned), then calls ``wait()``
    once all are applied: a stack waits for its services together, as one may need a later one."""

    def __init__(self) -> None:
        self.parts: list = []  # (phase, manager, plan)
        self.warnings: list = []

    def add(self, phase: int, manager: Manager, plan: list | None = None) -> list:
        """``manager``'s plan (read and planned now, unless given) as a part of phase ``phase``, with its warnings."""
        plan = manager.plan(manager.read()) if plan is None else plan
        self._collect(manager)
        if plan:
            self.parts.append((phase, manager, plan))
        return plan

    def ordered(self) -> list:
        """The parts, ``(phase, manager, plan)``, in the order they are applied."""
        return sorted(self.parts, key=lambda part: part[0])

    def planned(self) -> list:
        return [action for _phase, _manager, plan in self.ordered() for action in plan]

    def apply(self, plan: list) -> None:
        chosen = {id(action) for action in plan}
        for _phase, manager, part in self.ordered():
            actions = [action for action in part if id(action) in chosen]
            if actions:
                manager.apply(actions)
            self._collect(manager)
        self.wait()

    def wait(self) -> None:
        """What to wait for once every part is applied (nothing by default)."""

    def _collect(self, manager: Manager) -> None:
        self.warnings.extend(w for w in getattr(manager, "warnings", ()) or () if w not in self.warnings)


def compare(comparison: str, desired: Any, actual: Any) -> bool:
    """Whether ``actual`` satisfies ``desired`` under a community.docker comparison kind.

    ``desired`` None means the task did not set the option, which always satisfies it.
    """
    if comparison not in COMPARISONS:
        raise ValueError(f"unknown comparison {comparison!r}")
    if desired is None or comparison == "ignore":
        return True
    if comparison == "allow_more_present":
        if isinstance(desired, dict):
            actual = actual or {}
            return all(key in actual and actual[key] == value for key, value in desired.items())
        if isinstance(desired, (list, tuple, set)):
            actual = list(actual or [])
            return all(item in actual for item in desired)
    if isinstance(desired, (list, tuple)) and isinstance(actual, (list, tuple)):
        return list(desired) == list(actual)
    return desired == actual


def differences(desired: dict, actual: dict, comparisons: dict | None = None, matches: Callable | None = None) -> dict:
    """``name -> (actual value, desired value)`` for each option the task sets that ``actual`` does not satisfy.

    One helper for every resource: ``comparisons`` gives each option's comparison kind (default
    ``strict``), ``matches(name, kind, desired, actual)`` replaces ``compare`` for structured shapes.
    """
    comparisons = comparisons or {}
    differs = {}
    for name, want in desired.items():
        have = actual.get(name)
        kind = comparisons.get(name, "strict")
        same = matches(name, kind, want, have) if matches else compare(kind, want, have)
        if not same:
            differs[name] = (have, want)
    return differs


def plan_diff(plan: list) -> dict:
    """The before/after of a whole plan, merged in plan order."""
    before: dict = {}
    after: dict = {}
    for action in plan:
        for key, value in action.before.items():
            before.setdefault(key, value)
        after.update(action.after)
    return dict(before=before, after=after)


@contextmanager
def module_errors(module: AnsibleModule) -> Iterator[None]:
    """Fail the module with a clear ``msg`` for bad input and engine errors raised in the block."""
    try:
        yield
    except InvalidOption as exc:
        module.fail_json(msg=str(exc), option=exc.option)
    except EngineError as exc:
        module.fail_json(msg=exc.msg, **exc.details)


def converge(module: AnsibleModule, manager: Manager) -> dict:
    """Plan, apply unless in check mode, and return the module result."""
    with module_errors(module):
        actual = manager.read()
        plan = manager.plan(actual)
        try:
            if plan and not module.check_mode:
                manager.apply(plan)
        finally:
            for warning in manager.warnings:
                module.warn(warning)
        result = dict(changed=bool(plan), actions=[action.as_dict() for action in plan])
        result.update(manager.plan_result(plan))
        result.update(manager.result())
        if module._diff:  # pylint: disable=protected-access
            result["diff"] = manager.diff(plan)
        return result
    return {}  # not reached: module_errors fails the module


def task_params(spec: dict, given: dict, where: str, option: str = "definition") -> dict:
    """``given`` as a module whose argument spec is ``spec`` gets its parameters: checked as AnsibleModule checks a
    task (types, choices, required, suboptions) and with the spec's defaults. For the managers one module drives
    for another (compose's containers, networks and volumes; a stack's services, secrets and configs), so that
    they get the same validation and the same defaults as their own modules, declared once. A refusal names
    ``option`` and ``where`` (``definition: networks.back: ...``)."""
    validated = ArgumentSpecValidator(spec).validate(given)
    if validated.error_messages:
        raise InvalidOption(option, f"{where}: {validated.error_messages[0]}")
    return validated.validated_parameters
