# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Managed (v2) engine plugins: installed, configured, enabled or disabled, removed (the ``plugin`` module).

The engine refuses to change the settings of an enabled plugin, so a settings change on one is planned as
disable, configure, enable; and a setting the plugin does not declare settable is refused while planning,
so check mode says what a run will do.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors, inspect_or_none
from ansible_collections.noar.docker.plugins.module_utils.container_options import show_env
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

STATES = ("absent", "present", "enable", "disable")


def _settings(plugin: dict) -> dict:
    """The plugin's current environment settings, ``NAME -> value``."""
    env = (plugin.get("Settings") or {}).get("Env") or []
    return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)


def _settable(plugin: dict) -> list:
    return [item["Name"] for item in (plugin.get("Config") or {}).get("Env") or [] if "value" in (item.get("Settable") or [])]


class PluginManager(Manager):
    """One plugin, by its local name (``alias``, else ``plugin_name``)."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self.name = params.get("alias") or params["plugin_name"]
        self.options = {key: "" if value is None else str(value) for key, value in (params.get("plugin_options") or {}).items()}
        self.plugin: dict | None = None

    def read(self) -> dict | None:
        self.plugin = inspect_or_none(f"plugin {self.name}", self.client.inspect_plugin, self.name)
        return self.plugin

    def _changed_options(self, actual: dict | None) -> dict:
        """``name -> (current, wanted)`` for each setting the task gives that the plugin does not have."""
        if actual is None:
            return {key: (None, value) for key, value in self.options.items()}
        settable = _settable(actual)
        unknown = sorted(set(self.options) - set(settable))
        if unknown:
            raise InvalidOption("plugin_options", f"{', '.join(unknown)} is not a setting of plugin {self.name} (settable: {', '.join(settable) or 'none'})")
        current = _settings(actual)
        return {key: (current.get(key), value) for key, value in self.options.items() if current.get(key) != value}

    def plan(self, actual: dict | None) -> list:
        state = self.params["state"]
        if state == "absent":
            if actual is None:
                return []
            if actual.get("Enabled") and not self.params.get("force_remove"):
                raise InvalidOption("force_remove", f"plugin {self.name} is enabled: disable it first (state=disable), or set force_remove to remove it anyway")
            return [Action("remove", self.name, before=dict(installed=True), after=dict(installed=False))]
        if actual is None and state == "disable":
            raise InvalidOption("plugin_name", f"no plugin {self.name} is installed, so it cannot be disabled")
        plan = []
        enabled = bool(actual and actual.get("Enabled"))
        # present keeps the plugin enabled or disabled as it is; an installed plugin starts disabled
        want_enabled = state == "enable" or (state == "present" and enabled)
        if actual is None:
            plan.append(
                Action(
                    "install",
                    self.name,
                    before=dict(installed=False),
                    after=dict(installed=True),
                    reason=f"from {self.params['plugin_name']}",
                    data=dict(remote=self.params["plugin_name"]),
                )
            )
        changes = self._changed_options(actual)
        if enabled and (changes or not want_enabled):
            # the engine does not change the settings of an enabled plugin
            plan.append(
                Action(
                    "disable",
                    self.name,
                    reason="to change its settings" if want_enabled else "",
                    **({} if want_enabled else dict(before=dict(enabled=True), after=dict(enabled=False))),
                )
            )
        if changes:
            before = show_env({key: values[0] for key, values in changes.items()})
            after = show_env({key: values[1] for key, values in changes.items()})
            plan.append(Action("configure", self.name, before=dict(plugin_options=before), after=dict(plugin_options=after), reason=", ".join(sorted(changes))))
        if want_enabled and not enabled:
            plan.append(Action("enable", self.name, before=dict(enabled=False), after=dict(enabled=True)))
        elif want_enabled and changes:
            plan.append(Action("enable", self.name, reason="after changing its settings"))
        return plan

    def apply(self, plan: list) -> None:
        client, name = self.client, self.name
        for action in plan:
            with engine_errors(f"{action.kind} of", f"plugin {name}"):
                if action.kind == "install":
                    remote = action.data["remote"]
                    privileges = client.plugin_privileges(remote)
                    for event in client.pull_plugin(remote, privileges, name=self.params.get("alias")):
                        if isinstance(event, dict) and event.get("error"):
                            raise EngineError(f"installing plugin {name} from {remote} failed: {event['error']}")
                elif action.kind == "configure":
                    if plan[0].kind == "install":
                        self._check_new_settings()
                    client.configure_plugin(name, self.options)
                elif action.kind == "enable":
                    client.enable_plugin(name, timeout=self.params.get("enable_timeout") or 0)
                elif action.kind == "disable":
                    client.disable_plugin(name)
                elif action.kind == "remove":
                    client.remove_plugin(name, force=bool(self.params.get("force_remove")))

    def _check_new_settings(self) -> None:
        """A plugin just installed whose settings the task names wrongly is removed again, and the task fails."""
        try:
            self._changed_options(self.client.inspect_plugin(self.name))
        except InvalidOption:
            self.client.remove_plugin(self.name, force=True)
            raise

    def result(self) -> dict:
        if self.params["state"] == "absent":
            return dict(plugin={})
        return dict(plugin=self.read() or {})  # in check mode, {} for a plugin not installed yet
