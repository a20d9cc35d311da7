# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One-off jobs on a Compose project that users script around ``docker compose``: pull its images
(``compose_pull``) and run a command in a service's container (``compose_exec``).

The project is read by the same loader as ``compose``; images are pulled by the same image manager, which asks
the registry for the manifest digest, so a pull of an unchanged image changes nothing and check mode predicts it.
"""

from __future__ import annotations

from ansible_collections.noar.docker.plugins.module_utils.compose import load_project
from ansible_collections.noar.docker.plugins.module_utils.compose_manager import project_containers
from ansible_collections.noar.docker.plugins.module_utils.container_io import run_exec
from ansible_collections.noar.docker.plugins.module_utils.converge import Manager
from ansible_collections.noar.docker.plugins.module_utils.image import ImageManager
from ansible_collections.noar.docker.plugins.module_utils.image_names import reference, split_name
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption


class ComposePullManager(Manager):
    """The images of a project's selected services, pulled as ``docker compose pull`` pulls them."""

    def __init__(self, client, params: dict, environ: dict):
        self.client = client
        self.params = params
        # include_deps: the services the named ones depend on are pulled too (docker compose pull --include-deps).
        self.project = load_project(dict(params, dependencies=params.get("include_deps", False)), environ)
        self.images: list = []  # (ImageManager, plan)
        self.warnings: list = []

    def read(self):
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

    def plan(self, actual) -> list:
        plan = []
        always = self.params.get("policy", "always") == "always"
        for ref, service in self._refs().items():
            manager = ImageManager(self.client, dict(name=ref, source="pull", state="present", force_source=always,
                                                     pull_option="policy"))
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


def service_container(client, project: str, service: str, index: int | None) -> dict:
    """The summary of container ``index`` (default 1) of ``service`` in the running project ``project``."""
    containers = [c for c in project_containers(client, project) if c["service"] == service]
    if not containers:
        raise InvalidOption("service", f"project {project} has no container of service {service}")
    number = 1 if index is None else index
    for container in containers:
        if container.get("number") == number:
            return container
    numbers = ", ".join(str(c.get("number")) for c in containers)
    raise InvalidOption("index", f"service {service} of project {project} has no container {number} (it has {numbers})")


def compose_exec(client, params: dict, environ: dict) -> dict:
    """``docker compose exec``: the command run in the service's container, as ``container_exec`` runs it."""
    project = load_project(dict(params, services=None), environ)
    if params["service"] not in project["defined"]:
        raise InvalidOption("service", f"project {project['name']} defines no service {params['service']} "
                                       f"(it has {', '.join(project['defined'])})")
    container = service_container(client, project["name"], params["service"], params.get("index"))
    if container["state"] != "running":
        raise InvalidOption("service", f"container {container['name']} of service {params['service']} is not running "
                                       f"({container['state']})")
    result = run_exec(client, dict(params, container=container["name"]))
    return dict(result, container=container["name"], project_name=project["name"])
