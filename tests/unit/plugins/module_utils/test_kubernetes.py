"""Compose -> Kubernetes manifests, without a cluster: projeto no ar's Compose file, each mapping, and what cannot
convert."""

import base64
import os

import pytest

from ansible_collections.noar.docker.plugins.module_utils.compose import load_project
from ansible_collections.noar.docker.plugins.module_utils.kubernetes import (
    CONVERT_ARGS,
    HIDDEN,
    ManifestsManager,
    convert,
    masked,
    render,
    render_chart,
    validate,
)
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.join(HERE, "..", "..", "..", "..", "roles", "projeto_no_ar", "files", "compose")


def projeto_no_ar(tmp_path):
    return load_project(dict(project_src=APP, files_dir=str(tmp_path)), {"DB_PASSWORD": "s3cret", "IMAGE_ROOT": "registry.local/projeto-no-ar"})


def by_kind(manifests):
    found: dict = {}
    for manifest in manifests:
        found.setdefault(manifest["kind"], {})[manifest["metadata"]["name"]] = manifest
    return found


def test_projeto_no_ar_converts(tmp_path):
    warnings = []
    manifests = convert(projeto_no_ar(tmp_path), namespace="shop", bind_mounts="empty_dir", warnings=warnings)
    kinds = by_kind(manifests)
    assert sorted(kinds) == ["ConfigMap", "Deployment", "NetworkPolicy", "PersistentVolumeClaim", "Secret", "Service", "StatefulSet"]
    assert all(m["metadata"]["namespace"] == "shop" for m in manifests)
    assert sorted(kinds["Deployment"]) == ["proxy", "web"] and list(kinds["StatefulSet"]) == ["db"]
    web = kinds["Deployment"]["web"]["spec"]
    assert web["replicas"] == 2
    container = web["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.local/projeto-no-ar/web:1.0.0"
    assert container["resources"] == {"limits": {"memory": "128Mi", "cpu": "500m"}}
    assert container["securityContext"] == {"runAsUser": 10001, "runAsGroup": 10001, "readOnlyRootFilesystem": True}
    assert container["livenessProbe"]["periodSeconds"] == 5 and container["livenessProbe"]["failureThreshold"] == 3
    assert container["readinessProbe"]["exec"]["command"][0] == "python3"
    assert [w["command"][-1] for w in web["template"]["spec"]["initContainers"]] == ["until nc -z -w 2 db 5432; do sleep 1; done"]
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
    assert warnings == [
        "services.db.volumes: the bind mount of " + os.path.normpath(os.path.join(APP, "backups")) + " becomes an emptyDir (its content is not carried over)",
        "services.db.logging: a pod has no such setting; ignored",
        "services.db.deploy.resources.limits.pids: a pod has no such setting; ignored",
        "services.proxy.logging: a pod has no such setting; ignored",
        "services.proxy.deploy.resources.limits.pids: a pod has no such setting; ignored",
        "services.proxy.ports: 8080 is outside the NodePort range (30000-32767); Kubernetes picks the node port",
        "services.web.logging: a pod has no such setting; ignored",
        "services.web.deploy.resources.limits.pids: a pod has no such setting; ignored",
    ]


@pytest.mark.parametrize(
    "service, message",
    [
        (dict(image="i", network_mode="service:db"), "services.app.network_mode: 'service:db' has no Kubernetes equivalent"),
        (dict(image="i", privileged=True), "services.app.privileged: a privileged container; set allow_privileged"),
        (dict(image="i", ports=["8000-8001:80"]), "services.app.ports: 8000-8001: only single ports"),
    ],
)
def test_what_cannot_convert_names_service_and_key(tmp_path, service, message):
    services = dict(app=service, db=dict(image="db"))
    project = load_project(dict(definition=dict(services=services), project_name="p", files_dir=str(tmp_path)), {})
    with pytest.raises(InvalidOption) as raised:
        convert(project)
    assert str(raised.value).startswith("definition: " + message)


def test_what_converts_only_approximately_is_a_warning_that_names_the_key(tmp_path):
    """A user name (the image's own user runs), and a healthy dependency with no port to probe (no wait)."""
    services = dict(app=dict(image="i", user="web:100", depends_on={"db": {"condition": "service_healthy"}}), db=dict(image="db"))
    project = load_project(dict(definition=dict(services=services), project_name="p", files_dir=str(tmp_path)), {})
    warnings: list = []
    app = by_kind(convert(project, warnings=warnings))["Deployment"]["app"]["spec"]["template"]["spec"]
    assert app["containers"][0]["securityContext"] == {"runAsGroup": 100}
    assert "initContainers" not in app
    assert warnings == [
        "services.app.user: 'web:100': Kubernetes takes numeric user and group ids; the names are left to the image's own user",
        "services.app.depends_on.db: waiting for it to be healthy needs a port to probe (expose one); the pod starts "
        "without waiting, and restarts until it works",
    ]


# Not .yaml: it is several YAML documents, which the sanity yamllint refuses in a file of its own.
GOLDEN = os.path.join(HERE, "golden", "projeto_no_ar.kubernetes.golden")


def test_projeto_no_ar_manifests_are_the_golden_ones_and_valid(tmp_path):
    """The whole conversion of projeto no ar, reviewed once and kept: any change to it shows here as a diff.
    NOAR_UPDATE_GOLDEN=1 rewrites the file (then read the diff before committing it)."""
    manifests = convert(projeto_no_ar(tmp_path), namespace="projeto", bind_mounts="empty_dir")
    text = render(manifests)
    if os.environ.get("NOAR_UPDATE_GOLDEN"):
        with open(GOLDEN, "w", encoding="utf-8") as handle:
            handle.write(text)
    with open(GOLDEN, encoding="utf-8") as handle:
        assert text == handle.read()
    assert validate(manifests, "1.33.0") == "1.33.0"


def test_validation_names_the_object_and_the_field():
    deployment = dict(
        apiVersion="apps/v1",
        kind="Deployment",
        metadata=dict(name="web"),
        spec=dict(
            selector=dict(matchLabels=dict(a="b")),
            replicas="two",
            template=dict(metadata=dict(labels=dict(a="b")), spec=dict(containers=[dict(name="web", image="i")])),
        ),
    )
    with pytest.raises(InvalidOption, match=r"Deployment web is not valid for Kubernetes 1.33.0 at spec.replicas: "):
        validate([deployment], "1.33.0")
    with pytest.raises(InvalidOption, match=r"kubernetes_version: '0.1.0': kubernetes-validate has schemas for Kubernetes 1\.[0-9]+ to 1\.[0-9]+$"):
        validate([deployment], "0.1.0")


def test_secrets_are_hidden_in_what_is_shown():
    secret = dict(apiVersion="v1", kind="Secret", metadata=dict(name="s"), data=dict(password="czNjcmV0"))
    shown = masked([secret, dict(kind="ConfigMap", data=dict(a="b"))])
    assert shown[0]["data"] == {"password": HIDDEN} and shown[1]["data"] == {"a": "b"}
    assert secret["data"]["password"] == "czNjcmV0"  # the manifests themselves are left alone


def test_the_file_is_written_whole_with_its_mode_then_left_alone(tmp_path):
    dest = str(tmp_path / "app.yaml")
    params = dict(
        dest=dest,
        mode="0600",
        state="present",
        definition=dict(services=dict(app=dict(image="i", expose=["80"], secrets=["token"])), secrets=dict(token=dict(environment="TOKEN"))),
        project_name="app",
        project_src=None,
        files=None,
        env_files=None,
        profiles=None,
        secrets_env=dict(TOKEN="t0ken"),
        validate=True,
        kubernetes_version="1.33.0",
        **{key: spec.get("default") for key, spec in CONVERT_ARGS.items()},
    )
    manager = ManifestsManager(params, {})
    plan = manager.plan(manager.read())
    assert [a.kind for a in plan] == ["write"]
    manager.apply(plan)
    assert oct(os.stat(dest).st_mode & 0o777) == "0o600" and os.listdir(tmp_path) == ["app.yaml"]
    assert "dDBrZW4=" in (tmp_path / "app.yaml").read_text() and "dDBrZW4=" not in str(manager.diff(plan))
    again = ManifestsManager(params, {})
    assert again.plan(again.read()) == []
    unchanged = again.diff([])
    assert unchanged["before"] == unchanged["after"] and "kind: Secret" in unchanged["after"]
    os.chmod(dest, 0o644)
    assert [a.kind for a in again.plan(again.read())] == ["chmod"]


def test_limits_and_reservations_become_limits_and_requests(tmp_path):
    resources = dict(limits=dict(memory="64m", cpus="0.25"), reservations=dict(memory="32m", cpus="0.1"))
    project = load_project(
        dict(definition=dict(services=dict(app=dict(image="i", deploy=dict(resources=resources)))), project_name="p", files_dir=str(tmp_path)), {}
    )
    warnings = []
    deployment = by_kind(convert(project, warnings=warnings))["Deployment"]["app"]
    assert deployment["spec"]["template"]["spec"]["containers"][0]["resources"] == {
        "limits": {"memory": "64Mi", "cpu": "250m"},
        "requests": {"memory": "32Mi", "cpu": "100m"},
    }
    assert warnings == []


def test_what_a_pod_cannot_have_is_a_warning_that_names_the_key(tmp_path):
    service = dict(image="i", cpu_period=100000, uts="host", gpus="all", volumes=["/srv:/srv:z"])
    project = load_project(dict(definition=dict(services=dict(app=service)), project_name="p", files_dir=str(tmp_path)), {})
    warnings: list = []
    convert(project, bind_mounts="host_path", warnings=warnings)
    assert "services.app.cpu_period: a pod has no such setting; ignored" in warnings
    assert "services.app.uts: a pod has no such setting; ignored" in warnings
    assert any(w.startswith("services.app: its device requests (gpus") for w in warnings)
    assert any(w.startswith("services.app.volumes: /srv: SELinux relabelling (z)") for w in warnings)


def test_a_pods_own_settings_are_converted_and_every_other_key_is_named(tmp_path):
    """Host namespaces, host name, /etc/hosts lines, sysctls, a terminal and the service's labels have their pod
    fields; quantities are written as people write them; every container setting a pod has not is a warning that
    names its key (none is dropped unsaid)."""
    service = dict(
        image="i",
        network_mode="host",
        pid="host",
        ipc="host",
        hostname="api",
        tty=True,
        stdin_open=True,
        extra_hosts=["db.local:10.0.0.5", "cache.local:10.0.0.5", "gw:host-gateway"],
        sysctls={"net.core.somaxconn": 1024},
        labels={"team": "a"},
        security_opt=["no-new-privileges"],
        logging=dict(driver="local"),
        mem_limit="1536m",
        dns=["10.0.0.2"],
        stop_signal="SIGINT",
    )
    project = load_project(dict(definition=dict(services=dict(app=service)), project_name="p", files_dir=str(tmp_path)), {})
    warnings: list = []
    manifests = convert(project, warnings=warnings)
    workload = by_kind(manifests)["Deployment"]["app"]
    pod = workload["spec"]["template"]["spec"]
    assert (pod["hostNetwork"], pod["dnsPolicy"], pod["hostPID"], pod["hostIPC"]) == (True, "ClusterFirstWithHostNet", True, True)
    assert pod["hostname"] == "api"
    assert pod["hostAliases"] == [dict(ip="10.0.0.5", hostnames=["cache.local", "db.local"])]
    assert pod["securityContext"] == dict(sysctls=[dict(name="net.core.somaxconn", value="1024")])
    container = pod["containers"][0]
    assert container["tty"] is True and container["stdin"] is True
    assert container["resources"]["limits"]["memory"] == "1536Mi"
    assert workload["metadata"]["annotations"] == {"team": "a"}
    assert warnings == [
        "services.app.network_mode: 'host' becomes hostNetwork: the pod's ports are the node's",
        "services.app.extra_hosts: gw:host-gateway names the engine's host, which a pod has not; ignored",
        "services.app.dns: a pod has no such setting; ignored",
        "services.app.logging: a pod has no such setting; ignored",
        "services.app.security_opt: a pod has no such setting; ignored",
        "services.app.stop_signal: a pod has no such setting; ignored",
    ]
    assert validate(manifests, "1.33.0") == "1.33.0"
    assert "&id" not in render(manifests) and "*id" not in render(manifests)


def test_kompose_labels_are_read_as_kompose_reads_them(tmp_path):
    """Service type, node port, Ingress (hosts, TLS, class), controller, volume size and class, and autoscaling;
    a Kompose label this conversion does not read is a warning naming it; the labels are no annotations."""
    web = dict(
        image="web",
        ports=["8080:80"],
        labels={
            "kompose.service.type": "NodePort",
            "kompose.service.nodeport.port": "30080",
            "kompose.service.expose": "shop.example, www.shop.example/api",
            "kompose.service.expose.tls-secret": "shop-tls",
            "kompose.service.expose.ingress-class-name": "nginx",
            "kompose.hpa.cpu": "80%",
            "kompose.hpa.memory": "1024Mi",
            "kompose.hpa.replicas.min": "2",
            "kompose.hpa.replicas.max": "6",
            "team": "shop",
        },
    )
    db = dict(
        image="db",
        volumes=["data:/var/lib/db"],
        labels={"kompose.service.type": "headless", "kompose.volume.size": "5Gi", "kompose.volume.storage-class-name": "fast"},
    )
    agent = dict(image="agent", labels={"kompose.controller.type": "daemonset", "kompose.image-pull-policy": "Always"})
    project = load_project(
        dict(definition=dict(services=dict(web=web, db=db, agent=agent), volumes=dict(data={})), project_name="p", files_dir=str(tmp_path)), {}
    )
    warnings: list = []
    manifests = convert(project, warnings=warnings)
    kinds = by_kind(manifests)
    service = kinds["Service"]["web"]["spec"]
    assert service["type"] == "NodePort" and service["ports"][0]["nodePort"] == 30080
    assert kinds["Service"]["db"]["spec"] == {"selector": kinds["Service"]["db"]["spec"]["selector"], "clusterIP": "None"}
    ingress = kinds["Ingress"]["web"]["spec"]
    assert ingress["ingressClassName"] == "nginx"
    assert [r["host"] for r in ingress["rules"]] == ["shop.example", "www.shop.example"]
    assert ingress["rules"][0]["http"]["paths"][0]["backend"] == {"service": {"name": "web", "port": {"number": 80}}}
    assert [r["http"]["paths"][0]["path"] for r in ingress["rules"]] == ["/", "/api"]
    assert ingress["tls"] == [{"secretName": "shop-tls", "hosts": ["shop.example", "www.shop.example"]}]
    hpa = kinds["HorizontalPodAutoscaler"]["web"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 6)
    assert [m["resource"]["target"] for m in hpa["metrics"]] == [
        {"type": "Utilization", "averageUtilization": 80},
        {"type": "AverageValue", "averageValue": "1024Mi"},
    ]
    claim = kinds["PersistentVolumeClaim"]["p-data"]["spec"]
    assert claim["resources"]["requests"]["storage"] == "5Gi" and claim["storageClassName"] == "fast"
    assert "replicas" not in kinds["DaemonSet"]["agent"]["spec"]
    assert kinds["Deployment"]["web"]["metadata"]["annotations"] == {"team": "shop"}
    assert "annotations" not in kinds["StatefulSet"]["db"]["metadata"]
    assert warnings == ["services.agent.labels.kompose.image-pull-policy: a Kompose label this conversion does not read; ignored"]
    assert validate(manifests, "1.33.0") == "1.33.0"


@pytest.mark.parametrize(
    "service, message",
    [
        (
            dict(image="i", ports=["80"], labels={"kompose.service.type": "bogus"}),
            "services.app.labels.kompose.service.type: 'bogus' is not nodeport, clusterip, loadbalancer, headless",
        ),
        (dict(image="i", labels={"kompose.service.type": "nodeport"}), "services.app.labels.kompose.service.type: nodeport: the service has no port to expose"),
        (dict(image="i", labels={"kompose.service.expose": "true"}), "services.app.labels.kompose.service.expose: an Ingress needs a port of the service"),
        (
            dict(image="i", labels={"kompose.controller.type": "daemonset", "kompose.hpa.cpu": "50"}),
            "services.app.labels.kompose.hpa: a DaemonSet runs one pod per node; it does not scale",
        ),
        (dict(image="i", labels={"kompose.hpa.replicas.min": "0"}), "services.app.labels.kompose.hpa.replicas.min: '0' is not a number of replicas, 1 or more"),
    ],
)
def test_kompose_labels_that_cannot_convert_are_refused_by_path(tmp_path, service, message):
    project = load_project(dict(definition=dict(services=dict(app=service)), project_name="p", files_dir=str(tmp_path)), {})
    with pytest.raises(InvalidOption) as raised:
        convert(project)
    assert str(raised.value).startswith("definition: " + message)


def test_a_folder_gets_one_file_per_object_and_loses_those_of_objects_gone(tmp_path):
    """As Kompose writes a folder (<name>-<kind>.yaml); a rerun changes nothing; a service removed takes its files
    with it; files this module did not write stay; state absent removes only its own."""
    folder = tmp_path / "k8s"
    folder.mkdir()
    (folder / "notes.yaml").write_text("# mine\n")
    services = dict(web=dict(image="web", expose=["80"]), worker=dict(image="worker", expose=["81"]))
    params = dict(
        dest=str(folder),
        mode="0600",
        state="present",
        definition=dict(services=services),
        project_name="app",
        project_src=None,
        files=None,
        env_files=None,
        profiles=None,
        secrets_env=None,
        validate=True,
        kubernetes_version="1.33.0",
        **{key: spec.get("default") for key, spec in CONVERT_ARGS.items()},
    )

    def run(**changes):
        manager = ManifestsManager(dict(params, **changes), {})
        plan = manager.plan(manager.read())
        manager.apply(plan)
        return manager, plan

    manager, plan = run()
    written = ["app-default-networkpolicy.yaml", "web-deployment.yaml", "web-service.yaml", "worker-deployment.yaml", "worker-service.yaml"]
    assert sorted(os.path.basename(a.target) for a in plan) == written
    assert manager.result()["files"] == [str(folder / n) for n in written]
    assert oct(os.stat(folder / "web-service.yaml").st_mode & 0o777) == "0o600"
    assert "kind: Service" in (folder / "web-service.yaml").read_text()
    assert run()[1] == []
    _manager, plan = run(definition=dict(services=dict(web=services["web"])))
    assert sorted((a.kind, os.path.basename(a.target)) for a in plan) == [("remove", "worker-deployment.yaml"), ("remove", "worker-service.yaml")]
    _manager, plan = run(state="absent")
    assert sorted(os.path.basename(a.target) for a in plan) == ["app-default-networkpolicy.yaml", "web-deployment.yaml", "web-service.yaml"]
    assert os.listdir(folder) == ["notes.yaml"]


def test_bind_mounts_convert_as_kompose_converts_them_by_default(tmp_path):
    """A file becomes a ConfigMap of its content at the same path, a folder a claim of its own (each with a warning);
    with bind_mounts fail, a bind mount is refused naming it."""
    (tmp_path / "nginx.conf").write_text("worker_processes 1;\n")
    (tmp_path / "site").mkdir()
    service = dict(image="i", volumes=["./nginx.conf:/etc/nginx/nginx.conf:ro", "./site:/srv"])
    (tmp_path / "compose.yaml").write_text(__import__("json").dumps(dict(services=dict(web=service))))
    project = load_project(dict(project_src=str(tmp_path), project_name="p", files_dir=str(tmp_path / "files")), {})
    warnings: list = []
    manifests = convert(project, warnings=warnings)
    kinds = by_kind(manifests)
    assert kinds["ConfigMap"]["p-web-0"]["data"] == {"nginx.conf": "worker_processes 1;\n"}
    assert kinds["PersistentVolumeClaim"]["p-web-1"]["spec"]["resources"]["requests"]["storage"] == "1Gi"
    container = kinds["Deployment"]["web"]["spec"]["template"]["spec"]["containers"][0]
    assert container["volumeMounts"] == [
        dict(name="v0", mountPath="/etc/nginx/nginx.conf", subPath="nginx.conf", readOnly=True),
        dict(name="v1", mountPath="/srv", readOnly=False),
    ]
    assert warnings == [
        f"services.web.volumes: the bind mount of the file {tmp_path}/nginx.conf becomes the ConfigMap p-web-0 (its "
        "content now; later changes to the file are not carried over)",
        f"services.web.volumes: the bind mount of the folder {tmp_path}/site becomes the claim p-web-1 (empty: its content is not carried over)",
    ]
    assert validate(manifests, "1.33.0") == "1.33.0"
    with pytest.raises(InvalidOption) as raised:
        convert(project, bind_mounts="fail")
    assert str(raised.value).startswith(f"definition: services.web.volumes: {tmp_path}/nginx.conf is a bind mount of a host path")


def test_a_helm_chart_of_projeto_no_ar_renders_to_valid_objects(tmp_path):
    """Chart.yaml (named as its folder), values.yaml with each workload's image, replicas and resources, a template
    per object in the release's namespace; rendered with its values, every object validates; a rerun changes
    nothing; a chart folder named otherwise than a chart is refused."""
    dest = tmp_path / "projeto"
    params = dict(
        dest=str(dest),
        format="helm",
        mode="0600",
        state="present",
        project_src=APP,
        files=None,
        definition=None,
        project_name=None,
        env_files=None,
        profiles=None,
        files_dir=str(tmp_path / "f"),
        secrets_env=dict(DB_PASSWORD="s3cret"),
        validate=True,
        kubernetes_version="1.33.0",
        **dict({key: spec.get("default") for key, spec in CONVERT_ARGS.items()}, bind_mounts="empty_dir", namespace="shop"),
    )
    manager = ManifestsManager(params, {"IMAGE_ROOT": "registry.local/projeto-no-ar"})
    plan = manager.plan(manager.read())
    manager.apply(plan)
    import yaml

    chart = yaml.safe_load((dest / "Chart.yaml").read_text())
    assert chart == dict(apiVersion="v2", name="projeto", description="The Compose project projeto-no-ar on Kubernetes", type="application", version="0.1.0")
    values = yaml.safe_load((dest / "values.yaml").read_text())
    assert values["web"] == dict(image="registry.local/projeto-no-ar/web:1.0.0", replicas=2, resources={"limits": {"memory": "128Mi", "cpu": "500m"}})
    template = (dest / "templates" / "web-deployment.yaml").read_text()
    assert "namespace: {{ .Release.Namespace }}" in template
    assert "replicas: {{ .Values.web.replicas }}" in template and "image: {{ .Values.web.image | quote }}" in template
    assert "{{- toYaml .Values.web.resources | nindent 12 }}" in template
    files = {str(p.relative_to(dest)): p.read_text() for p in dest.rglob("*.yaml")}
    rendered = render_chart(files, "shop")
    assert sorted((m["kind"], m["metadata"]["name"]) for m in rendered) == sorted((m["kind"], m["metadata"]["name"]) for m in manager.manifests)
    web = next(m for m in rendered if m["kind"] == "Deployment" and m["metadata"]["name"] == "web")
    assert web == next(m for m in manager.manifests if m["kind"] == "Deployment" and m["metadata"]["name"] == "web")
    assert oct(os.stat(dest / "templates" / "web-deployment.yaml").st_mode & 0o777) == "0o600"
    again = ManifestsManager(params, {"IMAGE_ROOT": "registry.local/projeto-no-ar"})
    assert again.plan(again.read()) == []
    bad = ManifestsManager(dict(params, dest=str(tmp_path / "Projeto_Chart")), {})
    with pytest.raises(InvalidOption, match="dest: 'Projeto_Chart': a chart's folder is named as the chart"):
        bad.plan(bad.read())


def test_names_become_dns_labels_and_links_are_a_warning(tmp_path):
    """As Kompose: front_end's objects are front-end (a warning says who reaches it so); links and external_links
    are warnings (a Service is reached by its name), not refusals."""
    services = dict(front_end=dict(image="web", expose=["80"], links=["db:database"], external_links=["cache"]), db=dict(image="db", expose=["5432"]))
    project = load_project(dict(definition=dict(services=services), project_name="p", files_dir=str(tmp_path)), {})
    warnings: list = []
    manifests = convert(project, warnings=warnings)
    kinds = by_kind(manifests)
    assert sorted(kinds["Deployment"]) == ["db", "front-end"] and sorted(kinds["Service"]) == ["db", "front-end"]
    assert kinds["Deployment"]["front-end"]["spec"]["template"]["spec"]["containers"][0]["name"] == "front-end"
    assert warnings == [
        "services.front_end.links: a Service is reached by its name; the link's aliases (db:database) are not made",
        "services.front_end.external_links: a Service is reached by its name; the link's aliases (cache) are not made",
        "services.front_end: its objects are named front-end (a Kubernetes name is a DNS label): other services reach it as front-end",
    ]
    assert validate(manifests, "1.33.0") == "1.33.0"


def test_a_range_of_container_ports_converts_port_by_port():
    """compose.port_entries reads 8000-8001:8000-8001 as two ports, as the Compose CLI does."""
    project = load_project(dict(definition=dict(services=dict(app=dict(image="i", ports=["8000-8001:8000-8001"]))), project_name="p"), {})
    service = by_kind(convert(project))["Service"]["app"]
    assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [(8000, 8000), (8001, 8001)]


@pytest.mark.parametrize(
    "check, probe",
    [
        (
            dict(test="curl -f localhost", interval="1m30s", timeout="500ms", retries=2),
            {"exec": {"command": ["sh", "-c", "curl -f localhost"]}, "periodSeconds": 90, "timeoutSeconds": 1, "failureThreshold": 2},
        ),
        (dict(test=["CMD", "true"], start_period="10s"), {"exec": {"command": ["true"]}, "initialDelaySeconds": 10}),
        (dict(test=["CMD-SHELL", "exit 0"]), {"exec": {"command": ["sh", "-c", "exit 0"]}}),
        (dict(test=["NONE"]), None),
        (dict(disable=True), None),
    ],
)
def test_a_healthcheck_is_a_probe_read_as_the_container_reads_it(check, probe):
    project = load_project(dict(definition=dict(services=dict(app=dict(image="i", healthcheck=check))), project_name="p"), {})
    container = by_kind(convert(project))["Deployment"]["app"]["spec"]["template"]["spec"]["containers"][0]
    assert container.get("livenessProbe") == probe


def test_hooks_are_lifecycle_handlers():
    """The first post_start and pre_stop as postStart and preStop exec handlers; what a handler cannot do is a
    warning naming it."""
    service = dict(image="i", post_start=[dict(command="touch /ready"), dict(command="true")], pre_stop=[dict(command=["sh", "-c", "sleep 1"], user="root")])
    project = load_project(dict(definition=dict(services=dict(app=service)), project_name="p"), {})
    warnings: list = []
    container = by_kind(convert(project, warnings=warnings))["Deployment"]["app"]["spec"]["template"]["spec"]["containers"][0]
    assert container["lifecycle"] == {"postStart": {"exec": {"command": ["touch", "/ready"]}}, "preStop": {"exec": {"command": ["sh", "-c", "sleep 1"]}}}
    assert [w.split(":")[0] for w in warnings if "_st" in w.split(":")[0]] == ["services.app.post_start[1]", "services.app.pre_stop[0].user"]
