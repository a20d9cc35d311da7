# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compose_to_kubernetes module's conversion as a filter, for templates and kubernetes.core.k8s definitions."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.noar.docker.plugins.module_utils.compose import load_project
from ansible_collections.noar.docker.plugins.module_utils.kubernetes import convert
from ansible_collections.noar.docker.plugins.module_utils.kubernetes import validate as validate_manifests
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption


def compose_to_kubernetes(
    definition,
    project_name=None,
    environment=None,
    namespace="default",
    service_type="NodePort",
    allow_privileged=False,
    volume_size="1Gi",
    wait_image="busybox:1.36",
    bind_mounts="auto",
    validate=False,
    kubernetes_version=None,
):
    """The manifests of the Compose application ``definition`` (a mapping), in apply order."""
    if not isinstance(definition, dict):
        raise AnsibleFilterError(f"compose_to_kubernetes: the input must be a Compose mapping, not {type(definition).__name__}")
    name = project_name or definition.get("name")
    try:
        project = load_project(dict(definition=definition, project_name=name), dict(environment or {}))
        manifests = convert(
            project,
            namespace=namespace,
            service_type=service_type,
            allow_privileged=allow_privileged,
            volume_size=volume_size,
            wait_image=wait_image,
            bind_mounts=bind_mounts,
        )
        if validate:
            validate_manifests(manifests, kubernetes_version)
    except InvalidOption as exc:
        raise AnsibleFilterError(f"compose_to_kubernetes: {exc}") from None
    return manifests


class FilterModule:
    """noar.docker's filters."""

    def filters(self):
        return {"compose_to_kubernetes": compose_to_kubernetes}
