# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Compose project converged as one plan: its networks, volumes, images and containers.

Nothing here re-implements an object: each network, volume, image and container is planned and applied by its
own manager (``NetworkManager``, ``VolumeManager``, ``ImageManager``, ``ContainerManager``) from the parameters
``compose`` translates the model into. This file decides which objects the project needs, in which order, and
what may run at the same time:

- the whole project is planned before anything changes, so bad input fails with nothing created;
- a container whose ``com.docker.compose.config-hash`` label, image and state already match is left alone without
  being inspected (one list call per object kind), which is what makes an unchanged project cheap;
- services start in ``depends_on`` order, each level's containers concurrently (``parallel`` at a time), and
  a dependency's condition (healthy, completed) is waited for before its dependents start.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shlex
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Callable, Iterator

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors, find
from ansible_collections.noar.docker.plugins.module_utils.compose import (
    PROJECT_ARGS,
    container_params,
    dependencies_of,
    hooks,
    is_external,
    key_values,
    load_project,
    network_params,
    replicas,
    service_files,
    service_params,
    update_order,
    volume_params,
)
from ansible_collections.noar.docker.plugins.module_utils.compose_form import spec_hash
from ansible_collections.noar.docker.plugins.module_utils.container import ContainerManager, state_of
from ansible_collections.noar.docker.plugins.module_utils.container_io import run_exec
from ansible_collections.noar.docker.plugins.module_utils.container_options import (
    Context,
    argument_spec,
    desired_view,
    parse_published_ports,
)
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager, plan_diff, task_params
from ansible_collections.noar.docker.plugins.module_utils.files import file_digest, write_atomically
from ansible_collections.noar.docker.plugins.module_utils.image import ImageManager
from ansible_collections.noar.docker.plugins.module_utils.image_names import reference, split_name
from ansible_collections.noar.docker.plugins.module_utils.network import NETWORK_ARGS, NetworkManager
from ansible_collections.noar.docker.plugins.module_utils.timings import Stopwatch
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption
from ansible_collections.noar.docker.plugins.module_utils.volume import VOLUME_ARGS, VolumeManager

PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"
NUMBER = "com.docker.compose.container-number"
CONFIG_HASH = "com.docker.compose.config-hash"
IMAGE = "com.docker.compose.image"  # the image's Id: the Compose CLI recreates a container whose label differs
ONEOFF = "com.docker.compose.oneoff"  # a container of docker compose run (compose_run), not one of the service's
CONTAINER_SPEC = argument_spec()
_HEALTH = re.compile(r"\((healthy|unhealthy|health: starting)\)")


# The compose module's options (with the project's), and so the defaults another module planning a project gives.
COMPOSE_ARGS: dict[str, dict] = dict(
    **PROJECT_ARGS,
    services=dict(type="list", elements="str"),
    dependencies=dict(type="bool", default=True),
    state=dict(type="str", default="present", choices=["present", "stopped", "restarted", "absent"]),
    remove_orphans=dict(type="bool", default=False),
    remove_volumes=dict(type="bool", default=False),
    remove_images=dict(type="str", choices=["all", "local"]),
    pull=dict(type="str", default="policy", choices=["always", "missing", "never", "policy"]),
    build=dict(type="str", default="policy", choices=["always", "never", "policy"]),
    recreate=dict(type="str", default="auto", choices=["auto", "always", "never"]),
    update_order=dict(type="str", choices=["stop-first", "start-first"]),
    scale=dict(type="dict"),
    parallel=dict(type="int", default=8),
    stop_timeout=dict(type="int"),
    files_dir=dict(type="path", default="~/.local/share/noar/compose"),
    secrets_env=dict(type="dict", no_log=True),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type="int", default=120),
)


def compose_params(params: dict, **overrides: Any) -> dict:
    """``compose``'s parameters for planning (part of) a project from another module: its defaults, the task's values
    of its options, then ``overrides``."""
    given = {key: spec.get("default") for key, spec in COMPOSE_ARGS.items()}
    given.update({key: value for key, value in params.items() if key in COMPOSE_ARGS and value is not None})
    given.update(overrides)
    return given


def start_order(services: dict) -> list:
    """The services in levels: each level depends only on the ones before it. A cycle fails naming it."""
    remaining = {name: [d for d in dependencies_of(service) if d in services] for name, service in services.items()}
    levels: list = []
    done: set = set()
    while remaining:
        level = sorted(name for name, needs in remaining.items() if set(needs) <= done)
        if not level:
            cycle = _cycle(remaining)
            raise InvalidOption("definition", f"services.{cycle[0]}.depends_on: a dependency cycle: " + " -> ".join(cycle))
        levels.append(level)
        done.update(level)
        for name in level:
            del remaining[name]
    return levels


def _cycle(remaining: dict) -> list:
    name = min(remaining)
    path = [name]
    while True:
        name = min(d for d in remaining[name] if d in remaining)
        if name in path:
            return path[path.index(name) :] + [name]
        path.append(name)


def config_hash(params: dict, files: dict | None = None) -> str:
    """What docker compose's ``config-hash`` label is for: one value that changes whenever the service does (its
    container parameters, and the digests of the secrets and configs it mounts, by target)."""
    return hashlib.sha256(json.dumps(dict(params, files=files or {}), sort_keys=True, default=str).encode()).hexdigest()


def host_ports(params: dict) -> list:
    """The fixed host ports (``ip:port/protocol``, or a range the engine picks from) a container publishes, as the
    container option reads them (``parse_published_ports``): two containers cannot share one."""
    return sorted(f"{ip or '0.0.0.0'}:{host}/{target.partition('/')[2]}" for target, ip, host in parse_published_ports(params.get("published_ports")) if host)


def health_of(summary: dict) -> str:
    """A container's health as ``docker ps`` shows it in its status, or empty without a healthcheck."""
    found = _HEALTH.search(summary.get("Status") or "")
    return found.group(1).replace("health: ", "") if found else ""


@dataclass
class Unit:
    """One container of the project and what it is to go through."""

    service: str
    name: str
    manager: ContainerManager
    plan: list = field(default_factory=list)
    pending: bool = False  # planned before its image exists: planned again once it does


class ComposeManager(Manager):
    """Plans and applies one ``compose`` task."""

    def __init__(self, client: Any, params: dict, check_mode: bool, environ: dict) -> None:
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.project = load_project(params, environ)
        self.name = self.project["name"]
        self.services = self.project["model"]["services"]
        self.levels = start_order(self.services)
        # Services another one waits for to complete: a job, done once it exited 0, not restarted on every run.
        self.one_shot = {
            d
            for s in self.services.values()
            if isinstance(s.get("depends_on"), dict)
            for d, c in s["depends_on"].items()
            if (c or {}).get("condition") == "service_completed_successfully"
        }
        self.warnings: list = []
        self.stopwatch = Stopwatch()
        self.networks: list = []  # NetworkManager, plan
        self.volumes: list = []
        self.images: dict = {}  # service -> (ImageManager, plan)
        self.refs: dict = {}  # image reference -> (plan, image as the engine has it now)
        self.units: list = []
        self.files: dict = {}  # host path -> (content, service_files entry, Action)
        self.secrets_env = params.get("secrets_env") or {}
        self.key: bytes | None = None  # this host's key for the fingerprints of secrets
        self.new_key = ""  # where to write it, when this run made it

    def _note(self, warnings: list | None) -> None:
        """Pass on the warnings of the managers this one drives, each once."""
        self.warnings.extend(w for w in warnings or [] if w not in self.warnings)

    # -- reading

    def read(self) -> list:
        return list_summaries(self.client, self.name)

    # -- planning

    def plan(self, actual: list) -> list:
        state = self.params["state"]
        if state == "absent":
            return self._plan_absent(actual)
        if state == "restarted":
            return self._plan_restarted(actual)
        return self._plan_present(actual)  # stopped too: created (as docker compose create) or converged, then stopped

    def _mine(self, actual: list) -> list:
        """The listed containers of the selected services, and every other one when no service is named."""
        wanted = set(self.services)
        return [c for c in actual if not self.params.get("services") or (c.get("Labels") or {}).get(SERVICE) in wanted]

    def _simple(self, summary: dict, **params: Any) -> ContainerManager:
        name = (summary.get("Names") or ["/" + summary["Id"]])[0][1:]
        labels = summary.get("Labels") or {}
        given = dict(name=name, **params)
        if self.params.get("stop_timeout") is not None:
            given["stop_timeout"] = self.params["stop_timeout"]
        manager = ContainerManager(self.client, task_params(CONTAINER_SPEC, given, f"container {name}"), self.check_mode)
        self.units.append(Unit(labels.get(SERVICE, ""), name, manager))
        return manager

    def _plan_restarted(self, actual: list) -> list:
        for summary in sorted(self._mine(actual), key=self._position):
            manager = self._simple(summary, state="started", restart=True)
            self.units[-1].plan = manager.plan(manager.read())
        return self._flatten()

    def _position(self, summary: dict) -> tuple:
        """Dependencies first: a container's place in the start order, then its number."""
        labels = summary.get("Labels") or {}
        service = labels.get(SERVICE, "")
        level = next((i for i, names in enumerate(self.levels) if service in names), len(self.levels))
        return level, service, int(labels.get(NUMBER) or 0)

    def _plan_absent(self, actual: list) -> list:
        for summary in sorted(self._mine(actual), key=self._position, reverse=True):
            manager = self._simple(summary, state="absent", keep_volumes=not self.params.get("remove_volumes"))
            self.units[-1].plan = manager.plan(manager.read())
        if not self.params.get("services"):
            folder = self.project["files_dir"]
            if os.path.isdir(folder):
                self.files[folder] = (
                    b"",
                    {},
                    Action("remove", folder, before=dict(file=folder), after=dict(file="absent"), reason="the project's secrets and configs"),
                )
            self._plan_owned("networks", NetworkManager, self.networks)
            if self.params.get("remove_volumes"):
                self._plan_owned("volumes", VolumeManager, self.volumes)
            self._plan_image_removal()
        return self._flatten()

    def _removed(self) -> set:
        """The containers this plan removes."""
        return {u.name for u in self.units if any(a.kind == "remove" for a in u.plan)}

    def _plan_owned(self, kind: str, manager_class: type, into: list) -> None:
        """Remove what the project made of ``kind``: what carries its label, external ones never do."""
        with engine_errors("listing", f"the {kind} of project {self.name}"):
            listed = getattr(self.client, kind)(filters=dict(label=f"{PROJECT}={self.name}"))
        if kind == "volumes":
            listed = (listed or {}).get("Volumes") or []
        removed = self._removed()
        for entry in sorted(listed, key=lambda e: e["Name"]):
            manager = manager_class(self.client, dict(name=entry["Name"], state="absent", force=True, leaving=removed))
            # The project's own containers are gone by the time the network is removed: nothing to disconnect.
            plan = [a for a in manager.plan(manager.read()) if a.kind != "disconnect" or a.data["container"] not in removed]
            into.append((manager, plan))

    def _plan_image_removal(self) -> None:
        which = self.params.get("remove_images")
        if not which:
            return
        for service_name, service in sorted(self.services.items()):
            if which == "local" and service.get("image"):
                continue  # local: only the images docker compose names itself (built, no image: key)
            ref = service.get("image") or f"{self.name}-{service_name}"
            if any(m.params["name"] == ref for m, _p in self.images.values()):
                continue
            # Used only by the containers this plan removes first: removable. Used by others: ImageManager refuses.
            with engine_errors("listing", f"the containers of image {ref}"):
                users = {n[1:] for c in self.client.containers(all=True, filters=dict(ancestor=ref)) for n in c.get("Names") or []}
            removed = self._removed()
            manager = ImageManager(self.client, dict(name=ref, state="absent", force_absent=bool(users) and users <= removed))
            self.images[service_name] = (manager, manager.plan(manager.read()))

    def _plan_present(self, actual: list) -> list:
        warnings: list = []
        shared = {}
        for name in self.services:
            params = service_params(self.project, name, warnings)
            if self.params.get("stop_timeout") is not None:
                params["stop_timeout"] = self.params["stop_timeout"]
            # What the secrets and configs hold counts too: a new password recreates the containers that read it.
            digests = {f["target"]: self._plan_file(f) for f in service_files(self.project, name)}
            # The Compose CLI's own hash where the container is the file's service and nothing else (no secret or
            # config content, no stop_timeout of the task's): then the CLI takes over what this module made.
            cli_hash = None if digests or self.params.get("stop_timeout") is not None else spec_hash(self.project, name)
            params["labels"][CONFIG_HASH] = cli_hash or config_hash(params, digests)
            shared[name] = params
        self._note(warnings)
        counts = {name: self._count(name) for name in self.services}
        self._check_ports(shared, counts)
        pending_networks = self._plan_objects("networks", network_params, NETWORK_ARGS, NetworkManager, self.networks, shared)
        self._plan_objects("volumes", volume_params, VOLUME_ARGS, VolumeManager, self.volumes, shared)
        by_name = {(c.get("Names") or ["/"])[0][1:]: c for c in actual}
        for level in self.levels:
            for service in level:
                self._plan_service(service, shared[service], counts[service], by_name, pending_networks)
        self._plan_dependency_restarts()
        self._plan_orphans(actual, counts)
        return self._flatten()

    def _plan_file(self, entry: dict) -> str:
        """What the config hash counts of a secret or config (see ``_fingerprint``); one that is not a file already
        is planned to be written."""
        if entry["source"] == "file":
            if entry["kind"] != "secrets":
                return file_digest(entry["host_path"])
            with open(entry["host_path"], "rb") as handle:
                return self._fingerprint(entry, handle.read())
        if entry["source"] == "environment":
            value = self.secrets_env.get(entry["value"], self.project["environment"].get(entry["value"]))
            if value is None:
                raise InvalidOption(
                    "definition",
                    f"{entry['kind']}.{entry['name']}.environment: variable "
                    f"{entry['value']} is not set (secrets_env, the env files or the "
                    "module's environment)",
                )
        else:
            value = entry["value"]
        content = str(value).encode()
        path = entry["host_path"]
        same = os.path.isfile(path) and file_digest(path) == hashlib.sha256(content).hexdigest() and (os.stat(path).st_mode & 0o7777) == entry["mode"]
        fingerprint = self._fingerprint(entry, content)
        if not same and path not in self.files:
            shown = "(secret)" if entry["kind"] == "secrets" else fingerprint
            self.files[path] = (
                content,
                entry,
                Action(
                    "write",
                    path,
                    before=dict(file="absent" if not os.path.exists(path) else "(other content)"),
                    after=dict(file=shown),
                    reason=f"{entry['kind'][:-1]} {entry['name']}",
                ),
            )
        return fingerprint

    def _fingerprint(self, entry: dict, content: bytes) -> str:
        """A config's sha256; a secret's HMAC under this host's key (``files_dir/.key``), so that the config-hash label
        does not let anyone who can read labels test guesses of the secret."""
        if entry["kind"] != "secrets":
            return hashlib.sha256(content).hexdigest()
        if self.key is None:
            path = os.path.join(os.path.dirname(self.project["files_dir"]), ".key")
            try:
                with open(path, "rb") as handle:
                    self.key = handle.read()
            except FileNotFoundError:
                self.key = os.urandom(32)
                self.new_key = path  # written when the plan is applied, not while planning
        return hmac.new(self.key, content, hashlib.sha256).hexdigest()

    def _count(self, service: str) -> int:
        scale = (self.params.get("scale") or {}).get(service)
        count = replicas(self.services[service]) if scale is None else scale
        if not isinstance(count, int) or count < 0:
            raise InvalidOption("scale", f"{service}: {count!r} is not a number of containers")
        return count

    def _check_ports(self, shared: dict, counts: dict) -> None:
        taken: dict = {}
        for service in sorted(shared):
            for port in host_ports(shared[service]):
                if counts[service] > 1:
                    raise InvalidOption(
                        "definition", f"services.{service}.ports: {port} is a fixed host port, so the service cannot run {counts[service]} containers"
                    )
                if port in taken:
                    raise InvalidOption("definition", f"services.{service}.ports: {port} is published by service {taken[port]} too")
                taken[port] = service

    def _plan_objects(self, kind: str, to_params: Callable[[dict, str], dict], spec: dict, manager_class: type, into: list, shared: dict) -> set:
        """Plan the project's networks or volumes the services use, each with its module's argument spec (``spec``:
        its defaults and checks); returns the names to be created."""
        used: set = set()
        for params in shared.values():
            if kind == "networks":
                used.update(n["name"] for n in params.get("networks") or [])
            else:
                used.update(m["source"] for m in params.get("mounts") or [] if m["type"] == "volume" and m.get("source"))
        keys = sorted(set(self.project["model"].get(kind) or {}) | ({"default"} if kind == "networks" else set()))
        created = set()
        for key in keys:
            params = to_params(self.project, key)
            if params["name"] not in used:
                continue
            if is_external(self.project, kind, key):
                if find(self.client, kind[:-1], params["name"]) is None:
                    raise InvalidOption("definition", f"{kind}.{key}: external {kind[:-1]} {params['name']} does not exist; create it first, or drop external")
                continue
            manager = manager_class(self.client, task_params(spec, params, f"{kind}.{key}"))
            plan = manager.plan(manager.read())
            self._note(getattr(manager, "warnings", None) or [])
            into.append((manager, plan))
            if any(action.kind == "create" for action in plan):
                created.add(params["name"])
        return created

    def _image_plan(self, service: str, params: dict) -> tuple:
        """Build or pull the service's image, as the ``build`` and ``pull`` policies say: the plan, and the image as the
        engine has it now."""
        definition = self.services[service]
        ref = reference(*split_name(params["image"], option="definition"))
        if ref in self.refs:
            return self.refs[ref]  # several services of one image: read, pulled or built once
        self.refs[ref] = self._plan_image(service, definition, ref)
        return self.refs[ref]

    def _plan_image(self, service: str, definition: dict, ref: str) -> tuple:
        policy = definition.get("pull_policy") or "missing"
        pull = self.params.get("pull") or "policy"
        pull = policy if pull == "policy" else pull
        build_policy = self.params.get("build") or "policy"
        if definition.get("build") is not None and build_policy != "never":
            build = definition["build"]
            build = dict(context=build) if isinstance(build, str) else dict(build)
            # always: whenever the build context changed (the image builder's source hash), not on every run.
            changed_only = build_policy == "always" or policy in ("build", "always")
            manager = ImageManager(
                self.client,
                dict(
                    name=ref,
                    source="build",
                    state="present",
                    rebuild=None if changed_only else "never",
                    build_prefix=f"services.{service}.build.",
                    build=self._build_options(service, build),
                ),
            )
        elif definition.get("build") is None and pull in ("always", "missing", "if_not_present", "daily", "weekly"):
            manager = ImageManager(self.client, dict(name=ref, source="pull", state="present", force_source=pull == "always", pull_option="pull"))
        else:
            image = find(self.client, "image", ref)
            if image is None:
                why = "build is never" if definition.get("build") is not None else f"the pull policy is {pull}"
                raise InvalidOption(
                    "build" if definition.get("build") is not None else "pull", f"services.{service}: image {ref} is not on the engine and {why}"
                )
            return [], image
        plan = manager.plan(manager.read())
        self.images[service] = (manager, plan)
        return plan, manager.image

    def _build_options(self, service: str, build: dict) -> dict:
        where = f"services.{service}.build"
        known = ("context", "dockerfile", "target", "args", "labels", "network", "shm_size", "extra_hosts", "no_cache", "pull", "cache_from")
        for key in build:
            if key not in known:
                raise InvalidOption("definition", f"{where}.{key}: not supported by noar.docker.compose")
        context = os.path.normpath(os.path.join(self.project["working_dir"], build.get("context") or "."))
        environment = self.project["environment"]
        # An argument without a value takes the project environment's, as docker compose does.
        args = {k: environment.get(k) if v is None else v for k, v in key_values(build.get("args"), "definition", f"{where}.args").items()}
        labels = key_values(build.get("labels"), "definition", f"{where}.labels")
        options = dict(
            path=context,
            dockerfile=build.get("dockerfile"),
            target=build.get("target"),
            args={k: str(v) for k, v in args.items() if v is not None},
            labels={k: str(v or "") for k, v in labels.items()},
            network=build.get("network"),
            shm_size=build.get("shm_size"),
            nocache=bool(build.get("no_cache")),
            pull=bool(build.get("pull")),
            cache_from=build.get("cache_from"),
        )
        if self.params.get("build_memory"):  # compose_build's memory_limit (docker compose build --memory)
            options["container_limits"] = dict(memory=self.params["build_memory"])
        return {k: v for k, v in options.items() if v not in (None, {}, [])}

    def _plan_service(self, service: str, params: dict, count: int, by_name: dict, pending_networks: set) -> None:
        image_plan, image = self._image_plan(service, params)
        image = None if image_plan else image
        recreate = self.params.get("recreate") or "auto"
        for number in range(1, count + 1):
            task = dict(
                container_params(self.project, service, number, params),
                state=self._container_state,
                pull="never",
                comparisons={"networks": "strict", "labels": "allow_more_present"},
                healthy_wait_timeout=self.params.get("wait_timeout") or 120,
            )
            if recreate == "always":
                task["recreate"] = True
            task = task_params(CONTAINER_SPEC, task, f"services.{service}")
            if image is not None:
                task["labels"][IMAGE] = image["Id"]
            manager = ContainerManager(self.client, task, self.check_mode)
            manager.pending_networks = set(pending_networks)
            # Containers made anew by this plan: referred to by name, not by the Id the old one had.
            manager.pending_containers = {u.name for u in self.units if any(a.kind in ("create", "recreate") for a in u.plan)}
            unit = Unit(service, task["name"], manager)
            self.units.append(unit)
            summary = by_name.get(task["name"])
            if summary is not None and image is not None and recreate != "always" and self._unchanged(summary, task, image, service in self.one_shot):
                continue
            if summary is not None and recreate == "never":
                manager.read()
                running = state_of(manager.container) == "running"
                if task["state"] == "stopped":
                    unit.plan = [Action("stop", unit.name)] if running else []
                else:
                    unit.plan = [] if running else [Action("start", unit.name)]
                continue
            with _in_service(service):
                if image_plan:
                    # Planned again once the image exists; its options are checked now, so that bad input fails
                    # before anything is built.
                    desired_view(task, Context(task, None, getattr(self.client, "api_version", "1.41")))
                    unit.pending = True
                    unit.plan = self._pending_plan(unit, summary)
                    continue
                unit.plan = manager.plan(manager.read())
                if unit.plan and summary is not None and self._taken_over(service, manager, summary):
                    unit.plan = []
            self._mark_start_first(unit)
            self._note(manager.warnings)

    def _taken_over(self, service: str, planned: ContainerManager, summary: dict) -> bool:
        """Whether a container is what the task asks in all but its config hash and image labels: then it is kept.

        Such a container was made by the Compose CLI from a service that has no form here (``compose_form``), or by
        an earlier release of this module (its own hash, no image label); it is compared option by option, with its
        own two labels taken as right. A service with secrets or configs is not taken over: their content counts in
        the hash and cannot be read back from the container.
        """
        labels = summary.get("Labels") or {}
        if CONFIG_HASH not in labels or service_files(self.project, service):
            return False
        task = planned.params
        kept = {k: labels[k] for k in (CONFIG_HASH, IMAGE) if k in labels}
        as_made = dict(task, labels=dict({k: v for k, v in task["labels"].items() if k != IMAGE}, **kept))
        manager = ContainerManager(self.client, as_made, self.check_mode)
        manager.pending_networks, manager.pending_containers = planned.pending_networks, planned.pending_containers
        manager.container = planned.container  # as the plan just read it
        return not manager.plan(manager.container)

    def _mark_start_first(self, unit: Unit) -> None:
        """Recreates of a start-first service start the new container before the old one stops."""
        order = self.params.get("update_order") or update_order(self.services[unit.service])
        if order != "start-first":
            return
        if host_ports(unit.manager.params):
            self.warnings.append(f"services.{unit.service}: start-first cannot start a second container on the same fixed host port; updated stop-first")
            return
        for action in unit.plan:
            if action.kind == "recreate":
                action.data["start_first"] = True
                action.reason += " (start-first)"

    @property
    def _container_state(self) -> str:
        """What each container is brought to: running, or created and not running (state stopped)."""
        return "stopped" if self.params["state"] == "stopped" else "started"

    @staticmethod
    def _unchanged(summary: dict, task: dict, image: dict, one_shot: bool) -> bool:
        """Same configuration, same image, and running (or, for a one-shot service, completed successfully; for
        state stopped, not running)."""
        labels = summary.get("Labels") or {}
        if task["state"] == "stopped":
            done = summary.get("State") in ("created", "exited")
        else:
            done = summary.get("State") == "running" or (
                one_shot and summary.get("State") == "exited" and (summary.get("Status") or "").startswith("Exited (0)")
            )
        return labels.get(CONFIG_HASH) == task["labels"][CONFIG_HASH] and summary.get("ImageID") == image.get("Id") and done

    @staticmethod
    def _pending_plan(unit: Unit, summary: dict | None) -> list:
        """The plan of a container whose image is still to be pulled or built, as the container manager will plan it."""
        start = [Action("start", unit.name)] if unit.manager.params["state"] == "started" else []
        if summary is None:
            after = "running" if start else "created"
            return [Action("create", unit.name, before=dict(state="absent"), after=dict(state=after))] + start
        # The image label (com.docker.compose.image, its Id) changes with it.
        return [Action("recreate", unit.name, before=dict(image=summary.get("ImageID")), after=dict(image="(new)"), reason="changed: image, labels")] + start

    def _plan_dependency_restarts(self) -> None:
        """``depends_on: {X: {restart: true}}``: a service restarts when X changed. ``network_mode: service:X``: a
        service is recreated when X's container is new (it joined the old one's network namespace)."""
        if self._container_state == "stopped":
            return  # nothing runs: nothing to restart
        changed = {u.service for u in self.units if u.plan}
        renewed = {u.service for u in self.units if any(a.kind in ("create", "recreate") for a in u.plan)}
        for unit in self.units:
            mode = str(self.services.get(unit.service, {}).get("network_mode") or "")
            if mode.startswith("service:") and mode[8:] in renewed and not any(a.kind in ("create", "recreate") for a in unit.plan):
                unit.manager.params["recreate"] = True
                unit.manager.pending_containers = {u.name for u in self.units if u.service == mode[8:]}
                with _in_service(unit.service):
                    unit.plan = unit.manager.plan(unit.manager.read())
                for action in unit.plan:
                    if action.kind == "recreate":
                        action.reason = f"{mode[8:]} is new (network_mode {mode})"
            if unit.plan:
                continue
            depends = self.services[unit.service].get("depends_on") or {}
            if isinstance(depends, dict) and any((c or {}).get("restart") and d in changed for d, c in depends.items()):
                unit.manager.read()  # left unread by the unchanged fast path; restarting needs its Id
                unit.plan = [Action("restart", unit.name, reason="a dependency changed (depends_on restart)")]

    def _plan_orphans(self, actual: list, counts: dict) -> None:
        for summary in sorted(actual, key=self._position, reverse=True):
            labels = summary.get("Labels") or {}
            service, number = labels.get(SERVICE, ""), int(labels.get(NUMBER) or 0)
            if labels.get(ONEOFF) == "True":
                continue
            if service in self.services:
                if number <= counts[service] and not self.services[service].get("container_name"):
                    continue
                if self.services[service].get("container_name") and number <= 1:
                    continue
                reason = f"service {service} runs {counts[service]} container(s)"
            elif service in self.project["defined"]:
                continue  # a service not selected (services, profiles): not an orphan
            elif self.params.get("remove_orphans"):
                reason = f"orphan: no service {service} in the project"
            else:
                self.warnings.append(
                    f"container {summary['Names'][0][1:]} belongs to no service of project "
                    f"{self.name} (service {service}); set remove_orphans=true to remove it"
                )
                continue
            manager = self._simple(summary, state="absent")
            self.units[-1].plan = manager.plan(manager.read())
            for action in self.units[-1].plan:
                action.reason = action.reason or reason

    def _flatten(self) -> list:
        """The plan in the order it is applied: what containers need first, or, when removing, the containers first."""
        for unit in self.units:
            self._with_hooks(unit)
        objects = [a for _m, p in self.networks + self.volumes for a in p]
        objects += [action for _content, _entry, action in self.files.values()]
        objects += [a for _m, p in self.images.values() for a in p]
        containers = [a for u in self.units for a in u.plan]
        return containers + objects if self.params["state"] == "absent" else objects + containers

    def _with_hooks(self, unit: Unit) -> None:
        """The service's hooks in the unit's plan, where the Compose CLI runs them: ``post_start`` after a start or a
        restart, ``pre_stop`` before a running container stops (stop, restart, remove; not around a recreate)."""
        service = self.services.get(unit.service) or {}
        if not (service.get("post_start") or service.get("pre_stop")) or any(a.kind == "hook" for a in unit.plan):
            return
        running = state_of(unit.manager.container) == "running"
        planned = []
        for action in unit.plan:
            if running and action.kind in ("stop", "restart", "remove"):
                planned += self._hook_actions(unit, "pre_stop")
            planned.append(action)
            if action.kind in ("start", "restart"):
                planned += self._hook_actions(unit, "post_start")
        unit.plan = planned

    def _hook_actions(self, unit: Unit, phase: str) -> list:
        path = f"services.{unit.service}"
        return [
            Action("hook", f"{unit.name} {phase}[{index}]", reason=shlex.join(hook["argv"]), data=dict(hook=hook, where=f"{path}.{phase}[{index}]"))
            for index, hook in enumerate(hooks(self.services[unit.service], phase, path))
        ]

    def _run_hook(self, unit: Unit, action: Action) -> None:
        """A hook as docker compose runs it, an exec in the container; one that exits non-zero fails the task."""
        with self.stopwatch.phase("hook", unit.name, service=unit.service):
            done = run_exec(self.client, dict(action.data["hook"], container=unit.name))
        if done["rc"]:
            said = (done["stderr"] or done["stdout"]).strip()[-500:]
            raise EngineError(
                f"{action.data['where']}: {action.reason} exited with status {done['rc']} in container {unit.name}" + (f": {said}" if said else "")
            )

    # -- applying

    def apply(self, plan: list) -> None:
        state = self.params["state"]
        if state != "absent":
            self._apply_objects()
            self._write_files()
            self._apply_images()
        self._apply_units()
        if state == "absent":
            self._apply_objects()
            self._write_files()
            self._apply_images()

    def _apply_objects(self) -> None:
        for kind, managers in (("network", self.networks), ("volume", self.volumes)):
            for manager, objects in managers:
                if objects:
                    with self.stopwatch.phase(kind, manager.name):
                        manager.apply(objects)

    def _write_files(self) -> None:
        if self.new_key and self.key is not None:  # made together (_fingerprint)
            os.makedirs(os.path.dirname(self.new_key), mode=0o700, exist_ok=True)
            write_atomically(self.new_key, [self.key], 0o600)
        for path, (content, entry, action) in self.files.items():
            if action.kind == "remove":
                shutil.rmtree(path, ignore_errors=True)
                continue
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            write_atomically(path, [content], entry["mode"])
            if os.geteuid() == 0 and (entry["uid"], entry["gid"]) != ("0", "0"):
                os.chown(path, int(entry["uid"]), int(entry["gid"]))

    def image_of(self, service: str) -> tuple:
        """The plan that pulls or builds ``service``'s image as the pull and build policies say, and the image the
        engine has now: for a container of the service that this manager does not plan (compose_run's)."""
        return self._image_plan(service, service_params(self.project, service, []))

    def apply_images(self) -> None:
        """Pull and build what ``image_of`` (or a plan) planned."""
        self._apply_images()

    def _apply_images(self) -> None:
        for manager, objects in self.images.values():
            if objects:
                try:
                    manager.apply(objects)
                finally:
                    self.stopwatch.extend(manager.stopwatch.phases)
                self._note(manager.warnings)

    def _apply_units(self) -> None:
        # Removals (orphans, scaled down, absent) come first, then the services level by level.
        removals = [u for u in self.units if any(a.kind == "remove" for a in u.plan)]
        self._run_parallel(removals)
        rest = [u for u in self.units if u not in removals]
        for level in self.levels:
            in_level = [u for u in rest if u.service in level]
            if not in_level:
                continue
            if self._container_state == "started":  # stopped ones are only created: nothing to wait for
                for service in level:
                    self._wait_dependencies(service)
            self._run_parallel(in_level)

    def _run_parallel(self, units: list) -> None:
        """Each unit at the same time as the others, but a start-first service's one after the other: a rolling update
        keeps the service's other containers serving while one is replaced."""
        jobs: dict = {}
        for unit in units:
            if unit.plan:
                rolling = any(a.data.get("start_first") for a in unit.plan)
                jobs.setdefault(unit.service if rolling else unit.name, []).append(unit)
        if not jobs:
            return
        with ThreadPoolExecutor(max_workers=max(1, self.params.get("parallel") or 1)) as pool:
            for future in [pool.submit(self._apply_units_in_turn, job) for job in jobs.values()]:
                future.result()

    def _apply_units_in_turn(self, units: list) -> None:
        for unit in units:
            self._apply_unit(unit)

    def _apply_unit(self, unit: Unit) -> None:
        manager = unit.manager
        if unit.pending:
            image = find(self.client, "image", manager.params["image"])
            if image is not None:
                manager.params["labels"][IMAGE] = image["Id"]
            unit.plan = manager.plan(manager.read())
            self._mark_start_first(unit)
            self._with_hooks(unit)
        # The container's actions in runs, each hook between them where the plan put it.
        for is_hook, actions in groupby(unit.plan, key=lambda a: a.kind == "hook"):
            if is_hook:
                for action in actions:
                    self._run_hook(unit, action)
                continue
            with self.stopwatch.phase("container", unit.name, service=unit.service):
                manager.apply(list(actions))
        self._note(manager.warnings)

    def _wait_healthy(self, unit: Unit, timeout: float) -> None:
        with self.stopwatch.phase("wait_healthy", unit.name, service=unit.service):
            unit.manager.wait_healthy(timeout)
        self._note(unit.manager.warnings)

    def _wait_dependencies(self, service: str) -> None:
        depends = self.services[service].get("depends_on") or {}
        if not isinstance(depends, dict):
            return
        timeout = self.params.get("wait_timeout") or 120
        for dependency, condition in sorted(depends.items()):
            condition = (condition or {}).get("condition") or "service_started"
            for unit in [u for u in self.units if u.service == dependency]:
                if condition == "service_healthy":
                    self._wait_healthy(unit, timeout)
                elif condition == "service_completed_successfully":
                    with engine_errors("waiting for", f"container {unit.name}"):
                        status = self.client.wait(unit.name, timeout=timeout).get("StatusCode")
                    if status != 0:
                        raise EngineError(
                            f"service {service} depends on {dependency} completing successfully, but container {unit.name} exited with status {status}"
                        )

    def wait(self, timeout: float) -> None:
        """Every container running, and healthy where it has a healthcheck (the ``wait`` option)."""
        deadline = time.monotonic() + timeout
        for unit in self.units:
            if unit.service not in self.services or any(a.kind == "remove" for a in unit.plan):
                continue
            container = find(self.client, "container", unit.name) or {}
            if unit.service in self.one_shot:
                code = (container.get("State") or {}).get("ExitCode")
                if state_of(container) == "exited" and code != 0:
                    raise EngineError(f"container {unit.name} exited with status {code}")
                continue
            if (container.get("Config") or {}).get("Healthcheck", {}).get("Test") not in (None, ["NONE"]):
                self._wait_healthy(unit, max(1.0, deadline - time.monotonic()))
            elif state_of(container) != "running":
                raise EngineError(f"container {unit.name} is {state_of(container)}, not running")

    # -- results

    def diff(self, plan: list) -> dict:
        before: dict = {}
        after: dict = {}
        managers = [(m.name, "network", p) for m, p in self.networks] + [(m.name, "volume", p) for m, p in self.volumes]
        managers += [(m.params["name"], "image", p) for m, p in self.images.values()]
        managers += [(u.name, "container", u.plan) for u in self.units]
        managers += [(path, "file", [action]) for path, (_content, _entry, action) in self.files.items()]
        for name, kind, objects in managers:
            if objects:
                shown = plan_diff(objects)
                before.setdefault(kind + "s", {})[name] = shown["before"]
                after.setdefault(kind + "s", {})[name] = shown["after"]
        return dict(before=before, after=after)

    def result(self) -> dict:
        listed = project_containers(self.client, self.name)
        services: dict = {name: dict(containers=[], actions=[]) for name in self.services}
        for container in listed:
            services.setdefault(container["service"] or "", dict(containers=[], actions=[]))["containers"].append(
                {key: container[key] for key in ("name", "id", "state", "health", "image")}
            )
        for unit in self.units:
            services.setdefault(unit.service, dict(containers=[], actions=[]))["actions"].extend(a.as_dict() for a in unit.plan)
        result = dict(name=self.name, services=services, networks=sorted(m.name for m, _p in self.networks), volumes=sorted(m.name for m, _p in self.volumes))
        if not self.check_mode:
            result["actions"] = [a.as_dict() for a in self._flatten()]  # as done: a pending unit was planned again
            result["timings"] = self.timings()
        return result

    def timings(self) -> dict:
        """The stopwatch's phases, and per service the seconds its containers took to converge and get healthy."""
        timed = self.stopwatch.as_dict()
        per_service: dict = {}
        for phase in timed["phases"]:
            if phase.get("service"):
                per_service[phase["service"]] = round(per_service.get(phase["service"], 0) + phase["seconds"], 3)
        timed["services"] = per_service
        return timed


@contextmanager
def _in_service(service: str) -> Iterator[None]:
    """Container options are checked with noar.docker.container's names: say which service they belong to."""
    try:
        yield
    except InvalidOption as exc:
        if exc.option == "definition":
            raise
        raise InvalidOption("definition", f"services.{service}: {exc}") from None


# ---------------------------------------------------------------------------------------------
# What compose_info reports: docker compose ls and ps


def _status(states: list) -> str:
    """``running(2), exited(1)``, as docker compose ls writes a project's status."""
    counts: dict = {}
    for state in states:
        counts[state] = counts.get(state, 0) + 1
    return ", ".join(f"{state}({count})" for state, count in sorted(counts.items()))


def list_projects(client: Any) -> list:
    """The projects that have containers on the engine, as ``docker compose ls --all``."""
    with engine_errors("listing", "the containers of Compose projects"):
        listed = client.containers(all=True, filters=dict(label=PROJECT))
    projects: dict = {}
    for summary in listed:
        labels = summary.get("Labels") or {}
        entry = projects.setdefault(
            labels[PROJECT], dict(name=labels[PROJECT], states=[], config_files=set(), working_dir=labels.get("com.docker.compose.project.working_dir"))
        )
        entry["states"].append(summary.get("State"))
        entry["config_files"].update(f for f in (labels.get("com.docker.compose.project.config_files") or "").split(",") if f)
    return [
        dict(name=p["name"], status=_status(p["states"]), config_files=sorted(p["config_files"]), working_dir=p["working_dir"])
        for _name, p in sorted(projects.items())
    ]


def list_summaries(client: Any, name: str) -> list:
    """The engine's list entries of project ``name``'s containers (one call)."""
    with engine_errors("listing", f"the containers of project {name}"):
        return client.containers(all=True, filters=dict(label=f"{PROJECT}={name}"))


def project_containers(client: Any, name: str) -> list:
    """The containers of project ``name``, as ``docker compose ps --all``: service order, then number."""
    listed = list_summaries(client, name)
    containers = []
    for summary in listed:
        labels = summary.get("Labels") or {}
        publishers = [
            dict(url=p.get("IP", ""), published_port=p.get("PublicPort"), target_port=p.get("PrivatePort"), protocol=p.get("Type"))
            for p in summary.get("Ports") or []
        ]
        containers.append(
            dict(
                name=summary["Names"][0][1:],
                id=summary["Id"],
                service=labels.get(SERVICE),
                number=int(labels.get(NUMBER) or 0),
                oneoff=labels.get(ONEOFF) == "True",
                image=summary.get("Image"),
                command=summary.get("Command"),
                state=summary.get("State"),
                status=summary.get("Status"),
                health=health_of(summary),
                created=summary.get("Created"),
                publishers=sorted(publishers, key=lambda p: (p["target_port"] or 0, p["url"])),
            )
        )
    return sorted(containers, key=lambda c: (c["service"] or "", c["number"], c["name"]))


# What a container's plan says about it, from most to least drift: the service takes the first of its containers'.
DRIFT_ORDER = ("missing", "changed", "stopped", "in_sync")


def _container_drift(plan: list) -> str:
    kinds = {action.kind for action in plan}
    if not kinds:
        return "in_sync"
    if "create" in kinds:
        return "missing"
    if kinds <= {"start", "unpause"}:
        return "stopped"
    return "changed"


def project_drift(client: Any, params: dict, environ: dict) -> dict:
    """How the engine differs from the project's files: what ``compose`` (state present, orphans removed) would do,
    planned in check mode. Per service: ``missing`` (a container to create), ``changed`` (to recreate, update or
    reconnect: its config hash or settings differ), ``stopped``, or ``in_sync``; ``extra`` are services the files no
    longer have; ``images`` the services whose image is to be pulled or built."""
    manager = ComposeManager(client, compose_params(params, state="present", remove_orphans=True), True, environ)
    plan = manager.plan(manager.read())
    services: dict = {name: "in_sync" for name in manager.services}
    extra: set = set()
    for unit in manager.units:
        if unit.service not in manager.services:
            extra.add(unit.service)
            continue
        drift = _container_drift(unit.plan)
        if DRIFT_ORDER.index(drift) < DRIFT_ORDER.index(services[unit.service]):
            services[unit.service] = drift
    images = sorted(service for service, (_manager, image_plan) in manager.images.items() if image_plan)
    return dict(
        project_name=manager.name,
        in_sync=not plan,
        services=services,
        extra=sorted(extra),
        images=images,
        **{state: sorted(s for s, d in services.items() if d == state) for state in DRIFT_ORDER[:3]},
        actions=[action.as_dict() for action in plan],
        warnings=list(manager.warnings),
    )
