"""Compose -> Kubernetes manifests, without a cluster: projeto no ar's Compose file, each mapping, and what cannot
convert."""
import base64
import os

import pytest

from ansible_collections.noar.docker.plugins.module_utils.compose import load_project
from ansible_collections.noar.docker.plugins.module_utils.kubernetes import convert
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.join(HERE, "..", "..", "..", "..", "roles", "projeto_no_ar", "files", "compose")


def projeto_no_ar(tmp_path):
    return load_project(dict(project_src=APP, files_dir=str(tmp_path)),
                        {"DB_PASSWORD": "s3cret", "IMAGE_ROOT": "registry.local/projeto-no-ar"})


def by_kind(manifests):
    found: dict = {}
    for manifest in manifests:
        found.setdefault(manifest["kind"], {})[manifest["metadata"]["name"]] = manifest
    return found


def test_projeto_no_ar_converts(tmp_path):
    warnings = []
    manifests = convert(projeto_no_ar(tmp_path), namespace="shop", bind_mounts="empty_dir", warnings=warnings)
    kinds = by_kind(manifests)
    assert sorted(kinds) == ["ConfigMap", "Deployment", "NetworkPolicy", "PersistentVolumeClaim", "Secret", "Service",
                             "StatefulSet"]
    assert all(m["metadata"]["namespace"] == "shop" for m in manifests)
    assert sorted(kinds["Deployment"]) == ["proxy", "web"] and list(kinds["StatefulSet"]) == ["db"]
    web = kinds["Deployment"]["web"]["spec"]
    assert web["replicas"] == 2
    container = web["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.local/projeto-no-ar/web:1.0.0"
    assert container["resources"] == {"limits": {"memory": str(128 * 1024 * 1024), "cpu": "500m"}}
    assert container["securityContext"] == {"runAsUser": 10001, "runAsGroup": 10001, "readOnlyRootFilesystem": True}
    assert container["livenessProbe"]["periodSeconds"] == 5 and container["livenessProbe"]["failureThreshold"] == 3
    assert container["readinessProbe"]["exec"]["command"][0] == "python3"
    assert [w["command"][-1] for w in web["template"]["spec"]["initContainers"]] == [
        "until nc -z -w 2 db 5432; do sleep 1; done"]
    secret = kinds["Secret"]["projeto-no-ar-db-password"]
    assert base64.b64decode(secret["data"]["db_password"]) == b"s3cret"
    db = kinds["StatefulSet"]["db"]["spec"]["template"]["spec"]
    assert sorted(list(v)[1] for v in db["volumes"]) == ["emptyDir", "emptyDir", "persistentVolumeClaim", "secret"]
    assert kinds["PersistentVolumeClaim"]["projeto-no-ar-data"]["spec"]["resources"]["requests"]["storage"] == "1Gi"
    proxy = kinds["Service"]["proxy"]["spec"]
    assert proxy["type"] == "NodePort" and proxy["ports"][0]["port"] == 8080
    assert "nginx.conf" in kinds["ConfigMap"]["projeto-no-ar-nginx"]["data"]
    assert "$web" in kinds["ConfigMap"]["projeto-no-ar-nginx"]["data"]["nginx.conf"]
    egress = kinds["NetworkPolicy"]["projeto-no-ar-back-egress"]["spec"]
    assert egress["podSelector"]["matchExpressions"] == [{"key": "noar.docker/network-front", "operator": "DoesNotExist"}]
    assert "projeto-no-ar-proxy-published" in kinds["NetworkPolicy"]
    assert warnings == ["services.db.volumes: the bind mount of " + os.path.normpath(os.path.join(APP, "backups"))
                        + " becomes an emptyDir (its content is not carried over)",
                        "services.proxy.ports: 8080 is outside the NodePort range (30000-32767); Kubernetes picks the "
                        "node port"]


@pytest.mark.parametrize("service, message", [
    (dict(image="i", volumes=["/srv:/srv"]), "services.app.volumes: /srv is a bind mount of a host path"),
    (dict(image="i", network_mode="host"), "services.app.network_mode: 'host' has no Kubernetes equivalent"),
    (dict(image="i", privileged=True), "services.app.privileged: a privileged container; set allow_privileged"),
    (dict(image="i", user="web"), "services.app.user: 'web': Kubernetes takes numeric user and group ids"),
    (dict(image="i", ports=["8000-8001:8000-8001"]), "services.app.ports: '8000-8001:8000-8001': only single ports"),
    (dict(image="i", depends_on={"db": {"condition": "service_healthy"}}), None),
])
def test_what_cannot_convert_names_service_and_key(tmp_path, service, message):
    services = dict(app=service, db=dict(image="db"))
    project = load_project(dict(definition=dict(services=services), project_name="p", files_dir=str(tmp_path)), {})
    with pytest.raises(InvalidOption) as raised:
        convert(project)
    expected = message or "services.app.depends_on.db: waiting for it to be healthy needs a port to probe"
    assert str(raised.value).startswith("definition: " + expected)
