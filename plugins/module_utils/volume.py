# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Volumes: the manager behind ``volume``.

A volume's driver, options and labels cannot change in place; a volume that differs is recreated only
when ``recreate`` says so, because recreating throws its data away. A volume in use by a container is
never removed or recreated: that fails, naming the containers, before anything changes.
"""

from __future__ import annotations

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors, find
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager
from ansible_collections.noar.docker.plugins.module_utils.host import container_names, list_objects
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

RECREATE = ("never", "options-changed", "always")


def volume_view(volume: dict) -> dict:
    return dict(driver=volume.get("Driver"), driver_options=volume.get("Options") or {},
                labels=volume.get("Labels") or {})


class VolumeManager(Manager):
    """Plans and applies one ``volume`` task."""

    def __init__(self, client, params: dict):
        self.client = client
        self.params = params
        self.name = params["name"]
        self.volume = None
        self.warnings = []

    def read(self):
        if not self.name or "/" in self.name:
            raise InvalidOption("name", f"{self.name!r} is not a volume name")
        self.volume = find(self.client, "volume", self.name)
        return self.volume

    def desired(self) -> dict:
        return dict(driver=self.params.get("driver") or "local",
                    driver_options={str(k): str(v) for k, v in (self.params.get("driver_options") or {}).items()},
                    labels={str(k): str(v) for k, v in (self.params.get("labels") or {}).items()})

    def _refuse_if_used(self, doing: str):
        users = container_names(list_objects(self.client, "containers", {"volume": self.name}, verbose=True,
                                             include_all=True))
        if users:
            raise EngineError(f"volume {self.name} is used by container(s) {', '.join(users)}; {doing} it would "
                              "take their data away: remove the containers first")

    def plan(self, actual):
        if self.params["state"] == "absent":
            if actual is None:
                return []
            self._refuse_if_used("removing")
            return [Action("remove", self.name, before=volume_view(actual), after=dict(state="absent"))]
        want = self.desired()
        if actual is None:
            return [Action("create", self.name, before=dict(state="absent"), after=want)]
        have = volume_view(actual)
        differs = {}
        if want["driver"] != have["driver"]:
            differs["driver"] = (have["driver"], want["driver"])
        if self.params.get("driver_options") is not None and want["driver_options"] != have["driver_options"]:
            differs["driver_options"] = (have["driver_options"], want["driver_options"])
        if self.params.get("labels") is not None and any(have["labels"].get(k) != v for k, v in want["labels"].items()):
            differs["labels"] = (have["labels"], want["labels"])
        recreate = self.params.get("recreate") or "never"
        if recreate == "always" or (differs and recreate == "options-changed"):
            self._refuse_if_used("recreating")
            reason = "recreate=always" if not differs else "changed: " + ", ".join(sorted(differs))
            return [Action("recreate", self.name, before={k: v[0] for k, v in differs.items()} or have,
                           after={k: v[1] for k, v in differs.items()} or want, reason=reason)]
        if differs:
            self.warnings.append(f"volume {self.name} differs from the task ({', '.join(sorted(differs))}) but was "
                                 "left as it is: recreating it would lose its data; set recreate=options-changed "
                                 "to recreate it")
        return []

    def apply(self, plan):
        for action in plan:
            if action.kind in ("remove", "recreate"):
                with engine_errors("removing", f"volume {self.name}"):
                    self.client.remove_volume(self.name)
                self.volume = None
            if action.kind in ("create", "recreate"):
                want = self.desired()
                with engine_errors("creating", f"volume {self.name}"):
                    self.client.create_volume(self.name, driver=want["driver"],
                                              driver_opts=want["driver_options"] or None,
                                              labels=want["labels"] or None)
                self.volume = find(self.client, "volume", self.name)

    def result(self):
        return dict(volume=self.volume or {})
