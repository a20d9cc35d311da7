# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Swarm secrets and configs: one manager behind ``secret`` and ``config``.

Both are immutable in a swarm and the engine never gives a secret's data back, so what an object
holds is known from a label with the SHA-224 of its data (``ansible_key``, the label and digest
community.docker uses, so objects it made are recognised). A change makes a new object: with
``rolling_versions`` a new version ``<name>_v<N>``, to which the services that used the old one
are moved; without, the object is removed and made again, which the engine refuses while a
service uses it, so that is found while planning.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any, Callable

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager
from ansible_collections.noar.docker.plugins.module_utils.swarm import require_manager
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

HASH_LABEL = "ansible_key"
VERSION_LABEL = "ansible_version"
# kind -> (the ContainerSpec list services reference it from, the reference's ID key, its name key)
REFERENCES = dict(secret=("Secrets", "SecretID", "SecretName"), config=("Configs", "ConfigID", "ConfigName"))


def data_of(params: dict) -> bytes:
    """The object's bytes from ``data`` (base64 with ``data_is_b64``) or the file ``data_src``."""
    if params.get("data_src"):
        try:
            with open(params["data_src"], "rb") as source:
                return source.read()
        except OSError as exc:
            raise InvalidOption("data_src", f"cannot read {params['data_src']}: {exc.strerror}") from None
    data = str(params.get("data") or "")
    if params.get("data_is_b64"):
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidOption("data", "data_is_b64=true but data is not base64") from None
    return data.encode("utf-8")


class SwarmDataManager(Manager):
    """Plans and applies one ``secret`` or ``config`` task (``kind``)."""

    def __init__(self, client: Any, params: dict, kind: str, move_services: bool = True, manager_checked: bool = False) -> None:
        self.client = client
        # A stack plans its services against the new version itself, so it moves them, not this manager; and it
        # checks once that its engine is a swarm manager.
        self.move_services = move_services
        self.manager_checked = manager_checked
        self.params = params
        self.kind = kind
        self.name = params["name"]
        self.warnings: list = []
        self.current: dict = {}

    def _call(self, verb: str) -> Callable:
        return getattr(
            self.client, {"list": f"{self.kind}s", "create": f"create_{self.kind}", "remove": f"remove_{self.kind}", "inspect": f"inspect_{self.kind}"}[verb]
        )

    def read(self) -> list:
        """This name's objects, oldest version first (one, without ``rolling_versions``)."""
        if not self.manager_checked:
            require_manager(self.client, f"managing a {self.kind}")
        pattern = re.compile(re.escape(self.name) + r"(_v(\d+))?")
        with engine_errors("listing", f"{self.kind}s"):
            listed = self._call("list")(filters={"name": self.name})
        mine = []
        for item in listed:
            match = pattern.fullmatch((item.get("Spec") or {}).get("Name") or "")
            if match and (match.group(1) is None or VERSION_LABEL in ((item.get("Spec") or {}).get("Labels") or {})):
                mine.append((int(match.group(2) or 0), item))
        return [pair[1] for pair in sorted(mine, key=lambda pair: pair[0])]

    def users(self, object_ids: set) -> dict:
        """Services that reference any of ``object_ids``: ``service name -> service``."""
        field, id_key = REFERENCES[self.kind][:2]
        with engine_errors("listing", "services"):
            services = self.client.services()
        used = {}
        for service in services:
            spec = ((service.get("Spec") or {}).get("TaskTemplate") or {}).get("ContainerSpec") or {}
            if any(ref.get(id_key) in object_ids for ref in spec.get(field) or []):
                used[service["Spec"]["Name"]] = service
        return used

    def desired_labels(self, digest: str) -> dict:
        labels = {str(k): str(v) for k, v in (self.params.get("labels") or {}).items()}
        labels[HASH_LABEL] = digest
        return labels

    def plan(self, actual: list) -> list:
        versions = actual
        if self.params["state"] == "absent":
            if not versions:
                return []
            self._refuse_if_used(versions, "removing")
            return [
                Action(
                    "remove",
                    f"{self.kind} {item['Spec']['Name']}",
                    before=dict(name=item["Spec"]["Name"]),
                    after=dict(state="absent"),
                    data=dict(id=item["ID"]),
                )
                for item in versions
            ]
        if self.params.get("data") is None and not self.params.get("data_src"):
            raise InvalidOption("data", f"state=present needs data or data_src: the {self.kind}'s content")
        digest = hashlib.sha224(data_of(self.params)).hexdigest()
        want = dict(labels=self.desired_labels(digest))
        if self.kind == "config" and self.params.get("template_driver"):
            want["template_driver"] = self.params["template_driver"]
        current = versions[-1] if versions else None
        self.current = current or {}
        if current is not None:
            spec = current.get("Spec") or {}
            have_labels = dict(spec.get("Labels") or {})
            have_labels.pop(VERSION_LABEL, None)
            have: dict = dict(labels=have_labels)
            if self.kind == "config" and "template_driver" in want:
                have["template_driver"] = (spec.get("Templating") or {}).get("Name")
            changed = sorted(key for key in want if want[key] != have.get(key))
            if not changed and not self.params.get("force"):
                return []
            reason = (
                "force=true"
                if not changed
                else "changed: " + ", ".join("data" if key == "labels" and have_labels.get(HASH_LABEL) != digest else key for key in changed)
            )
            before = dict(name=spec.get("Name"), **{HASH_LABEL: have_labels.get(HASH_LABEL)})
        else:
            reason, before = "", dict(state="absent")
        if not self.params.get("rolling_versions"):
            plan = []
            if current is not None:
                self._refuse_if_used([current], "changing")
                plan.append(Action("remove", f"{self.kind} {self.name}", data=dict(id=current["ID"])))
            return plan + [
                Action(
                    "create",
                    f"{self.kind} {self.name}",
                    before=before,
                    after=dict(name=self.name, **{HASH_LABEL: digest}),
                    reason=reason,
                    data=dict(name=self.name, want=want),
                )
            ]
        number = int((current or {}).get("Spec", {}).get("Labels", {}).get(VERSION_LABEL, 0)) + 1
        name = f"{self.name}_v{number}"
        want["labels"][VERSION_LABEL] = str(number)
        plan = [
            Action(
                "create", f"{self.kind} {name}", before=before, after=dict(name=name, **{HASH_LABEL: digest}), reason=reason, data=dict(name=name, want=want)
            )
        ]
        users = self.users({item["ID"] for item in versions}) if self.move_services else {}
        plan += [Action("move", f"service {service} to {name}", data=dict(service=service)) for service in sorted(users)]
        # The new version counts as one of those kept; the services have left the old ones by then.
        keep = max(self.params.get("versions_to_keep") or 0, 1)
        plan += [
            Action("remove", f"{self.kind} {old['Spec']['Name']}", reason=f"versions_to_keep={keep}", data=dict(id=old["ID"]))
            for old in versions[: max(len(versions) - (keep - 1), 0)]
        ]
        return plan

    def _refuse_if_used(self, items: list, doing: str) -> None:
        users = self.users({item["ID"] for item in items})
        if users:
            names = ", ".join(item["Spec"]["Name"] for item in items)
            hint = (
                "set rolling_versions=true to make a new version and move the services to it"
                if doing == "changing"
                else "remove them or move them to another " + self.kind + " first"
            )
            raise EngineError(
                f"{self.kind} {names} is used by service(s) {', '.join(sorted(users))}; {doing} it is refused while they use it: {hint}", services=sorted(users)
            )

    def apply(self, plan: list) -> None:
        created: dict = {}
        for action in plan:
            if action.kind == "create":
                created = self._create(action.data["name"], action.data["want"])
            elif action.kind == "move":
                self._move(action.data["service"], created)
            elif action.kind == "remove":
                with engine_errors("removing", action.target):
                    self._call("remove")(action.data["id"])
        if created:
            self.current = created

    def _create(self, name: str, want: dict) -> dict:
        kwargs = dict(labels=want["labels"])
        if want.get("template_driver"):
            kwargs["templating"] = dict(Name=want["template_driver"])
        with engine_errors("creating", f"{self.kind} {name}"):
            made = self._call("create")(name, data_of(self.params), **kwargs)
            return self._call("inspect")(made["ID"])

    def _move(self, service_name: str, new: dict) -> None:
        """Point every reference the service has to an older version at ``new``: a rolling update of it."""
        field, id_key, name_key = REFERENCES[self.kind]
        old_ids = {item["ID"] for item in self.read()} - {new["ID"]}
        service = self.users(old_ids)[service_name]
        task_template = service["Spec"]["TaskTemplate"]
        container_spec = dict(task_template.get("ContainerSpec") or {})
        container_spec[field] = [
            dict(ref, **{id_key: new["ID"], name_key: new["Spec"]["Name"]}) if ref.get(id_key) in old_ids else ref for ref in container_spec.get(field) or []
        ]
        with engine_errors("updating", f"service {service_name}"):
            self.client.update_service(
                service["ID"], service["Version"]["Index"], task_template=dict(task_template, ContainerSpec=container_spec), fetch_current_spec=True
            )

    def result(self) -> dict:
        spec = self.current.get("Spec") or {}
        present = self.params["state"] == "present" and self.current
        return {f"{self.kind}_id": self.current.get("ID") if present else None, f"{self.kind}_name": spec.get("Name") if present else None}


# The options ``secret`` and ``config`` share (documented once, in the ``swarm_data`` doc fragment).
SWARM_DATA_ARGS: dict = dict(
    name=dict(type="str", required=True),
    data=dict(type="str", no_log=True),
    data_is_b64=dict(type="bool", default=False),
    data_src=dict(type="path"),
    labels=dict(type="dict"),
    force=dict(type="bool", default=False),
    rolling_versions=dict(type="bool", default=False),
    versions_to_keep=dict(type="int", default=5),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)
