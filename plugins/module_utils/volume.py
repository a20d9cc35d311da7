# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Volumes: the manager behind ``volume``.

A volume's driver, options and labels cannot change in place; a volume that differs is recreated only
when ``recreate`` says so, because recreating throws its data away. A volume in use by a container is
never removed or recreated: that fails, naming the containers, before anything changes.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors, find, known_drivers
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager, differences
from ansible_collections.noar.docker.plugins.module_utils.host import container_names, list_objects
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

RECREATE = ("never", "options-changed", "always")
# Labels other tools add are not a difference; the driver and its options are what the volume is.
# What the local driver's options can be (as mount(8) takes them: type, o, device); the engine refuses others.
LOCAL_OPTIONS = ("type", "o", "device")
COMPARISONS = dict(driver="strict", driver_options="strict", labels="allow_more_present")


def volume_view(volume: dict) -> dict:
    return dict(driver=volume.get("Driver"), driver_options=volume.get("Options") or {}, labels=volume.get("Labels") or {})


# The volume module's options (noar.docker.volume), which compose and stack give their volumes too.
VOLUME_ARGS: dict = dict(
    name=dict(type="str", required=True, aliases=["volume_name"]),
    driver=dict(type="str", default="local"),
    driver_options=dict(type="dict"),
    labels=dict(type="dict"),
    recreate=dict(type="str", default="never", choices=list(RECREATE)),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


class VolumeManager(Manager):
    """Plans and applies one ``volume`` task."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self.name = params["name"]
        self.volume: dict | None = None
        self.warnings: list = []

    def read(self) -> dict | None:
        if not self.name or "/" in self.name:
            raise InvalidOption("name", f"{self.name!r} is not a volume name")
        self.volume = find(self.client, "volume", self.name)
        return self.volume

    def desired(self) -> dict:
        """What the task sets: options it leaves out are not compared (an existing volume keeps them)."""
        want = dict(driver=self.params.get("driver") or "local")
        for key in ("driver_options", "labels"):
            if self.params.get(key) is not None:
                want[key] = {str(k): str(v) for k, v in self.params[key].items()}
        unknown = sorted(set(want.get("driver_options") or {}) - set(LOCAL_OPTIONS))
        if want["driver"] == "local" and unknown:
            raise InvalidOption("driver_options", f"the local driver takes {', '.join(LOCAL_OPTIONS)}; not {', '.join(repr(k) for k in unknown)}")
        return want

    def _refuse_if_used(self, doing: str) -> None:
        # ``leaving``: containers the caller removes before this plan is applied (a Compose project's own).
        users = container_names(list_objects(self.client, "containers", {"volume": self.name}, verbose=True, include_all=True))
        users = [name for name in users if name not in (self.params.get("leaving") or ())]
        if users:
            raise EngineError(
                f"volume {self.name} is used by container(s) {', '.join(users)}; {doing} it would take their data away: remove the containers first"
            )

    def _check_driver(self, driver: str) -> None:
        """The engine must know the driver (built in, or an enabled plugin), or the create fails late."""
        known = known_drivers(self.client, "Volume")
        if driver not in known:
            raise InvalidOption("driver", f"unknown volume driver {driver!r}; this engine has {', '.join(known)}")

    def plan(self, actual: dict | None) -> list:
        if self.params["state"] == "absent":
            if actual is None:
                return []
            self._refuse_if_used("removing")
            return [Action("remove", self.name, before=volume_view(actual), after=dict(state="absent"))]
        want = self.desired()
        if actual is None:
            self._check_driver(want["driver"])
            return [Action("create", self.name, before=dict(state="absent"), after=want)]
        have = volume_view(actual)
        differs = differences(want, have, COMPARISONS)
        recreate = self.params.get("recreate") or "never"
        if recreate == "always" or (differs and recreate == "options-changed"):
            self._refuse_if_used("recreating")
            reason = "recreate=always" if not differs else "changed: " + ", ".join(sorted(differs))
            return [
                Action(
                    "recreate",
                    self.name,
                    before={k: v[0] for k, v in differs.items()} or have,
                    after={k: v[1] for k, v in differs.items()} or want,
                    reason=reason,
                )
            ]
        if differs:
            self.warnings.append(
                f"volume {self.name} differs from the task ({', '.join(sorted(differs))}) but was "
                "left as it is: recreating it would lose its data; set recreate=options-changed "
                "to recreate it"
            )
        return []

    def apply(self, plan: list) -> None:
        for action in plan:
            if action.kind in ("remove", "recreate"):
                with engine_errors("removing", f"volume {self.name}"):
                    self.client.remove_volume(self.name)
                self.volume = None
            if action.kind in ("create", "recreate"):
                want = self.desired()
                with engine_errors("creating", f"volume {self.name}"):
                    self.client.create_volume(
                        self.name, driver=want["driver"], driver_opts=want.get("driver_options") or None, labels=want.get("labels") or None
                    )
                self.volume = find(self.client, "volume", self.name)

    def result(self) -> dict:
        return dict(volume=self.volume or {})
