# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One-off jobs on a Compose project that users script around ``docker compose``: pull or build its images
(``compose_pull``, ``compose_build``), run a command in a service's container (``compose_exec``) or in a container of its own
(``compose_run``).

The project is read by the same loader as ``compose``; images are pulled by the same image manager, which asks
the registry for the manifest digest, so a pull of an unchanged image changes nothing and check mode predicts it.
"""

from __future__ import annotations

import secrets
import shlex
from typing import Any

from ansible_collections.noar.docker.plugins.module_utils.client import engine_errors
from ansible_collections.noar.docker.plugins.module_utils.compose import (
    container_params,
    dependencies_of,
    load_project,
    service_params,
)
from ansible_collections.noar.docker.plugins.module_utils.compose_manager import (
    CONFIG_HASH,
    CONTAINER_SPEC,
    ONEOFF,
    ComposeManager,
    compose_params,
    project_containers,
)
from ansible_collections.noar.docker.plugins.module_utils.container import ContainerManager
from ansible_collections.noar.docker.plugins.module_utils.container_io import run_exec
from ansible_collections.noar.docker.plugins.module_utils.converge import Manager, task_params
from ansible_collections.noar.docker.plugins.module_utils.image import ImageManager
from ansible_collections.noar.docker.plugins.module_utils.image_names import reference, split_name
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption


class ComposePullManager(Manager):
    """The images of a project's selected services, pulled as ``docker compose pull`` pulls them."""

    def __init__(self, client: Any, params: dict, environ: dict) -> None:
        self.client = client
        self.params = params
        # include_deps: the services the named ones depend on are pulled too (docker compose pull --include-deps).
        self.project = load_project(dict(params, dependencies=params.get("include_deps", False)), environ)
        self.images: list = []  # (ImageManager, plan)
        self.warnings: list = []

    def read(self) -> None:
        return None  # each image is read by its own manager while planning

    def _refs(self) -> dict:
        """image reference -> the first service that uses it; built services are left out as docker compose does."""
        refs: dict = {}
        for name, service in sorted(self.project["model"]["services"].items()):
            if service.get("build") is not None and (self.params.get("ignore_buildable") or not service.get("image")):
                continue  # built, not pulled (without an image name there is nothing to pull)
            if not service.get("image"):
                raise InvalidOption("definition", f"services.{name}: has neither image nor build")
            refs.setdefault(reference(*split_name(str(service["image"]), option=f"services.{name}.image")), name)
        return refs

    def plan(self, actual: None) -> list:
        plan = []
        always = self.params.get("policy", "always") == "always"
        for ref, service in self._refs().items():
            manager = ImageManager(self.client, dict(name=ref, source="pull", state="present", force_source=always, pull_option="policy"))
            image_plan = manager.plan(manager.read())
            self.warnings.extend(manager.warnings)
            for action in image_plan:  # community.docker's keys for each pull
                action.returned.update(what="image", id=service, status="Pulling")
                if action.reason == "force_source":  # the image manager's name for "the registry's digest differs"
                    action.reason = "another image in the registry"
            self.images.append((manager, image_plan))
            plan.extend(image_plan)
        return plan

    def apply(self, plan: list) -> None:
        for manager, image_plan in self.images:
            if image_plan:
                manager.apply(image_plan)

    def result(self) -> dict:
        return dict(project_name=self.project["name"])


class ComposeBuildManager(Manager):
    """The images of a project's selected services that are built, built as ``docker compose build`` builds them, by
    the compose module's image planning: an image is built again only when its build context changed."""

    def __init__(self, client: Any, params: dict, environ: dict, check_mode: bool) -> None:
        self.client = client
        self.params = params
        given = compose_params(params, services=params.get("services"), dependencies=params.get("with_dependencies"), build="always")
        given["build_memory"] = params.get("memory_limit")
        self.manager = ComposeManager(client, given, check_mode, environ)
        self.warnings: list = []

    def read(self) -> None:
        return None  # each image is read while planning

    def plan(self, actual: None) -> list:
        plan = []
        for name, service in sorted(self.manager.services.items()):
            if service.get("build") is None:
                continue  # pulled or used as it is, not built
            build = service["build"]
            build = dict(context=build) if isinstance(build, str) else dict(build)
            if self.params.get("no_cache"):
                build["no_cache"] = True
            if self.params.get("pull"):
                build["pull"] = True
            service["build"] = build
            image_plan, _image = self.manager.image_of(name)
            for action in image_plan:  # community.docker's keys for each build
                action.returned.update(what="image", id=name, status="Building")
            plan.extend(image_plan)
        self.warnings = self.manager.warnings
        return plan

    def apply(self, plan: list) -> None:
        self.manager.apply_images()

    def result(self) -> dict:
        return dict(project_name=self.manager.name)


def service_container(client: Any, project: str, service: str, index: int | None) -> dict:
    """The summary of container ``index`` (default 1) of ``service`` in the running project ``project``."""
    # One-off containers (compose_run's, docker compose run's) are not the service's: docker compose exec skips them.
    containers = [c for c in project_containers(client, project) if c["service"] == service and not c.get("oneoff")]
    if not containers:
        raise InvalidOption("service", f"project {project} has no container of service {service}")
    number = 1 if index is None else index
    for container in containers:
        if container.get("number") == number:
            return container
    numbers = ", ".join(str(c.get("number")) for c in containers)
    raise InvalidOption("index", f"service {service} of project {project} has no container {number} (it has {numbers})")


def compose_exec(client: Any, params: dict, environ: dict) -> dict:
    """``docker compose exec``: the command run in the service's container, as ``container_exec`` runs it."""
    project = load_project(dict(params, services=None), environ)
    if params["service"] not in project["defined"]:
        raise InvalidOption("service", f"project {project['name']} defines no service {params['service']} (it has {', '.join(project['defined'])})")
    container = service_container(client, project["name"], params["service"], params.get("index"))
    if container["state"] != "running":
        raise InvalidOption("service", f"container {container['name']} of service {params['service']} is not running ({container['state']})")
    result = run_exec(client, dict(params, container=container["name"]))
    return dict(result, container=container["name"], project_name=project["name"])


def _run_task(project: dict, service: str, params: dict, warnings: list) -> dict:
    """The one-off container's ``container`` parameters: the service's, with the task's overrides, as
    ``docker compose run`` makes them (no restart policy, the service's ports only with ``service_ports``, its network
    aliases only with ``use_aliases``)."""
    shared = service_params(project, service, warnings)
    task = container_params(project, service, 1, shared)
    name = params.get("name") or f"{project['name']}-{service}-run-{secrets.token_hex(6)}"
    labels = {k: v for k, v in task["labels"].items() if k != CONFIG_HASH}
    labels[ONEOFF] = "True"
    for entry in params.get("labels") or []:
        key, sep, value = str(entry).partition("=")
        if not key or not sep:
            raise InvalidOption("labels", f"{entry!r} is not KEY=VALUE")
        labels[key] = value
    task.update(name=name, labels=labels, restart_policy="no", state="present", pull="never")
    task.pop("restart_retries", None)
    if params.get("argv") is not None:
        task["command"] = [str(arg) for arg in params["argv"]]
    elif params.get("command") is not None:
        try:
            task["command"] = shlex.split(params["command"])
        except ValueError as exc:
            raise InvalidOption("command", f"cannot be split like a shell does: {exc}") from None
    if params.get("entrypoint") is not None:
        task["entrypoint"] = shlex.split(params["entrypoint"])
    if params.get("env"):
        task["env"] = dict(task.get("env") or {}, **{str(k): str(v) for k, v in params["env"].items()})
    for option, key in (("user", "user"), ("chdir", "working_dir")):
        if params.get(option) is not None:
            task[key] = params[option]
    if params.get("cap_add"):
        task["capabilities"] = list(task.get("capabilities") or []) + list(params["cap_add"])
    if params.get("cap_drop"):
        task["cap_drop"] = list(task.get("cap_drop") or []) + list(params["cap_drop"])
    task["published_ports"] = (list(task.get("published_ports") or []) if params.get("service_ports") else []) + list(params.get("publish") or [])
    if params.get("volumes"):
        task["volumes"] = list(task.get("volumes") or []) + list(params["volumes"])
    # Its own name as its alias; the service's name and aliases only with use_aliases.
    aliased = params.get("use_aliases")
    task["networks"] = [
        dict(network, aliases=[name] + (list(network.get("aliases") or []) if aliased else [])) for network in shared.get("networks") or []
    ] or None
    task.update(tty=bool(params.get("tty")), interactive=bool(params.get("interactive")))
    return task


def compose_run(client: Any, params: dict, environ: dict) -> dict:
    """``docker compose run``: the service's dependencies started (unless ``no_deps``), its image pulled or built, and
    the command run in a new container of the service; its exit status and output, or its Id when detached."""
    for option in ("stdin", "remove_orphans"):
        if params.get(option):
            why = dict(stdin="a one-off container's input is not attached here; compose_exec takes stdin", remove_orphans="use compose with remove_orphans")[
                option
            ]
            raise InvalidOption(option, f"not supported by compose_run: {why}")
    project = load_project(dict(params, services=None), environ)
    service = params["service"]
    if service not in project["defined"]:
        raise InvalidOption("service", f"project {project['name']} defines no service {service} (it has {', '.join(project['defined'])})")
    warnings: list = []
    dependencies = [d for d in dependencies_of(project["model"]["services"][service]) if d in project["defined"]]
    if dependencies and not params.get("no_deps"):
        manager = ComposeManager(client, compose_params(params, services=dependencies, dependencies=True), False, environ)
        manager.apply(manager.plan(manager.read()))
        warnings.extend(manager.warnings)
    build = "always" if params.get("build") else "policy"
    images = ComposeManager(client, compose_params(params, services=[service], dependencies=False, build=build), False, environ)
    images.image_of(service)
    images.apply_images()
    task = _run_task(project, service, params, warnings)
    container = ContainerManager(client, task_params(CONTAINER_SPEC, task, f"services.{service}"), False)
    container.apply(container.plan(container.read()))
    warnings.extend(container.warnings)
    name = task["name"]
    created: dict = dict(container.container or {})
    container_id = str(created.get("Id") or name)
    with engine_errors("starting", f"container {name}"):
        client.start(container_id)
    if params.get("detach"):
        return dict(container_id=container_id, container=name, warnings=warnings)
    try:
        with engine_errors("running", f"container {name}"):
            rc = client.wait(container_id).get("StatusCode")
            out = client.logs(container_id, stdout=True, stderr=False).decode("utf-8", "replace")
            err = client.logs(container_id, stdout=False, stderr=True).decode("utf-8", "replace")
    finally:
        if params.get("cleanup"):
            with engine_errors("removing", f"container {name}"):
                client.remove_container(container_id, v=True, force=True)
    if params.get("strip_empty_ends", True):
        out, err = out.rstrip("\r\n"), err.rstrip("\r\n")
    return dict(rc=rc, stdout=out, stderr=err, container=name, container_id=container_id, warnings=warnings)
