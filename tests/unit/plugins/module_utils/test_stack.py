"""Compose services as swarm services: projeto no ar's Compose file as a stack, and what a swarm cannot run."""

import os

import docker.errors
import pytest
import requests

from ansible_collections.noar.docker.plugins.module_utils.compose import load_project
from ansible_collections.noar.docker.plugins.module_utils.converge import task_params
from ansible_collections.noar.docker.plugins.module_utils.stack import MODULE_ARGS_STACK, StackManager, service_options
from ansible_collections.noar.docker.plugins.module_utils.swarm_service import MODULE_ARGS, SERVICE_OPTIONS, ServiceManager
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.join(HERE, "..", "..", "..", "..", "roles", "projeto_no_ar", "files", "compose")
DATA = {("secrets", "db_password"): "projeto_db_password_v1", ("configs", "nginx"): "projeto_nginx_v3"}


def stack(tmp_path, **environ):
    environ = dict(dict(DB_PASSWORD="s3cret", LISTEN="8080", IMAGE_ROOT="registry.local/p"), **environ)
    return load_project(dict(project_src=APP, project_name="projeto", files_dir=str(tmp_path)), environ)


def test_projeto_no_ar_services_as_swarm_services(tmp_path):
    project, warnings = stack(tmp_path), []
    web = service_options(project, "web", DATA, warnings)
    assert web["image"] == "registry.local/p/web:1.0.0"
    assert web["mode"] == "replicated" and web["replicas"] == 2
    assert web["limits"] == dict(memory="128m", cpus=0.5, pids=64)
    assert web["update_config"] == dict(order="start-first")
    assert web["restart_config"] == dict(condition="any")
    assert web["networks"] == [dict(name="projeto_back", aliases=["web"]), dict(name="projeto_front", aliases=["web"])]
    assert web["secrets"] == [dict(secret_name="projeto_db_password_v1", filename="db_password", uid="0", gid="10001", mode=0o440)]
    assert web["labels"]["com.docker.stack.namespace"] == "projeto"
    assert web["container_labels"] == {"com.docker.stack.namespace": "projeto"}
    assert web["stop_grace_period"] == "15s"
    assert {m["target"]: m["type"] for m in web["mounts"]} == {"/tmp": "tmpfs"}
    assert web["healthcheck"]["interval"] == "5s"
    assert any("depends_on" in w for w in warnings)
    proxy = service_options(project, "proxy", DATA, [])
    assert proxy["publish"] == [dict(target_port=8080, published_port=8080, protocol="tcp")]
    assert proxy["configs"][0] == dict(config_name="projeto_nginx_v3", filename="/etc/nginx/noar/nginx.conf", uid="0", gid="0", mode=0o444)
    db = service_options(project, "db", DATA, [])
    assert "replicas" not in db
    assert {m["target"]: (m["type"], m.get("source")) for m in db["mounts"]}["/var/lib/postgresql/data"] == ("volume", "projeto_data")
    # As docker stack deploy: the node that first runs a task makes the volume with the stack's label.
    assert [m.get("labels") for m in db["mounts"] if m["type"] == "volume"] == [{"com.docker.stack.namespace": "projeto"}]


def test_a_named_volume_is_made_on_each_node_with_its_driver_options_and_labels(tmp_path):
    volumes = dict(
        cache=dict(driver_opts=dict(type="tmpfs", device="tmpfs", o="size=1m"), labels=dict(team="shop")),
        shared=dict(external=True, name="nfs-share"),
        plain=None,
    )
    mounts = ["cache:/cache", "shared:/shared", "plain:/plain"]
    project = load_project(
        dict(definition=dict(services=dict(app=dict(image="x", volumes=mounts)), volumes=volumes), project_name="t", files_dir=str(tmp_path)), {}
    )
    app = service_options(project, "app", {}, [])
    assert app["mounts"] == [
        dict(
            type="volume",
            target="/cache",
            source="t_cache",
            volume_driver="local",
            volume_options=dict(type="tmpfs", device="tmpfs", o="size=1m"),
            labels={"team": "shop", "com.docker.stack.namespace": "t"},
        ),
        dict(type="volume", target="/shared", source="nfs-share"),
        dict(type="volume", target="/plain", source="t_plain", labels={"com.docker.stack.namespace": "t"}),
    ]
    project["model"]["volumes"]["cache"]["drivr"] = "nfs"
    with pytest.raises(InvalidOption, match="volumes.cache.drivr: not supported by noar.docker.compose"):
        service_options(project, "app", {}, [])


def test_what_a_swarm_cannot_run_names_the_key(tmp_path):
    with pytest.raises(InvalidOption, match=r"services.proxy.ports\[0\]: host_ip 127.0.0.1: a swarm publishes on every node"):
        service_options(stack(tmp_path, LISTEN="127.0.0.1:8080"), "proxy", DATA, [])
    project = load_project(dict(definition=dict(services=dict(app=dict(image="x", privileged=True))), project_name="t", files_dir=str(tmp_path)), {})
    with pytest.raises(InvalidOption, match="services.app.privileged: a swarm service cannot have it"):
        service_options(project, "app", {}, [])
    project = load_project(dict(definition=dict(services=dict(app=dict(build=".", deploy=dict(replicas=2)))), project_name="t", files_dir=str(tmp_path)), {})
    with pytest.raises(InvalidOption, match="services.app: a stack needs an image"):
        service_options(project, "app", {}, [])


@pytest.mark.parametrize(
    "restart, expected",
    [
        ("always", dict(condition="any")),
        ("unless-stopped", dict(condition="any")),
        ("no", dict(condition="none")),
        ("on-failure:3", dict(condition="on-failure", max_attempts=3)),
    ],
)
def test_restart_in_a_swarm_s_terms(tmp_path, restart, expected):
    project = load_project(dict(definition=dict(services=dict(app=dict(image="x", restart=restart))), project_name="t", files_dir=str(tmp_path)), {})
    assert service_options(project, "app", {}, [])["restart_config"] == expected
    project["model"]["services"]["app"]["restart"] = "sometimes"
    with pytest.raises(
        InvalidOption,
        match=r"services.app.restart: 'sometimes' is not no, always, unless-stopped or "
        r"on-failure\[:N\]",
    ):
        service_options(project, "app", {}, [])


def test_deploy_keys_only_a_swarm_reads(tmp_path):
    definition = dict(
        services=dict(
            app=dict(
                image="x",
                deploy=dict(
                    mode="global",
                    placement=dict(constraints=["node.role==worker"], preferences=[dict(spread="node.labels.zone")], max_replicas_per_node=1),
                    resources=dict(reservations=dict(cpus="0.25", memory="32m")),
                    update_config=dict(parallelism=1, delay="5s", failure_action="rollback", monitor="10s"),
                    rollback_config=dict(parallelism=2),
                    restart_policy=dict(condition="on-failure", delay="3s", max_attempts=2),
                    endpoint_mode="dnsrr",
                    labels=dict(tier="x"),
                ),
            )
        )
    )
    project = load_project(dict(definition=definition, project_name="t", files_dir=str(tmp_path)), {})
    app = service_options(project, "app", {}, [])
    assert app["mode"] == "global" and "replicas" not in app
    assert app["placement"] == dict(constraints=["node.role==worker"], preferences=[dict(spread="node.labels.zone")], replicas_max_per_node=1)
    assert app["reservations"] == dict(cpus=0.25, memory="32m")
    assert app["update_config"] == dict(parallelism=1, delay="5s", failure_action="rollback", monitor="10s")
    assert app["restart_config"] == dict(condition="on-failure", delay="3s", max_attempts=2)
    assert app["endpoint_mode"] == "dnsrr"
    assert app["labels"]["tier"] == "x"


def _combined(base, override):
    """Ansible's combine(recursive=True) as the role's swarm entry point uses it: mappings by key, lists replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        return dict(base, **{k: _combined(base[k], v) if k in base else v for k, v in override.items()})
    return override


def test_projeto_no_ar_on_a_swarm_spreads_web_pins_db_and_publishes_the_proxy_on_each_node(tmp_path):
    import yaml  # pylint: disable=import-outside-toplevel

    with open(os.path.join(APP, "compose.yaml"), encoding="utf-8") as base, open(os.path.join(APP, "swarm.yaml"), encoding="utf-8") as override:
        definition = _combined(yaml.safe_load(base), yaml.safe_load(override))
    project = load_project(
        dict(definition=definition, project_name="projeto", files_dir=str(tmp_path)), dict(DB_PASSWORD="s3cret", LISTEN="127.0.0.1:8080", LISTEN_PORT="8080")
    )
    proxy = service_options(project, "proxy", DATA, [])
    assert proxy["mode"] == "global" and proxy["endpoint_mode"] == "dnsrr"
    assert proxy["publish"] == [dict(target_port=8080, published_port=8080, protocol="tcp", mode="host")]
    assert proxy["update_config"]["order"] == "stop-first"
    assert proxy["limits"] == dict(memory="64m", cpus=0.5, pids=64)
    web = service_options(project, "web", DATA, [])
    assert web["update_config"] == dict(order="start-first", parallelism=1, delay="2s", failure_action="rollback", monitor="15s")
    assert web["placement"]["preferences"] == [dict(spread="node.id")]
    assert web["endpoint_mode"] == "dnsrr" and web["replicas"] == 2
    db = service_options(project, "db", DATA, [])
    assert db["placement"]["constraints"] == ["node.labels.projeto.db == true"]
    assert [m["target"] for m in db["mounts"] if m["type"] != "tmpfs"] == ["/var/lib/postgresql/data"]
    assert db["limits"] == dict(memory="256m", cpus=1.0, pids=128)


class EmptySwarm:
    """A swarm manager with nothing on it; counts ``docker info`` calls."""

    def __init__(self):
        self.info_calls = 0

    def info(self):
        self.info_calls += 1
        return dict(Swarm=dict(LocalNodeState="active", ControlAvailable=True, NodeID="n1"))

    def __getattr__(self, name):
        if name in ("services", "networks", "secrets", "configs"):
            return lambda filters=None: []
        if name.startswith("inspect_"):

            def missing(ref):
                response = requests.Response()
                response.status_code, response.url, response.reason = 404, f"/{name}/{ref}", "Not Found"
                raise docker.errors.NotFound("not found", response=response)

            return missing
        raise AttributeError(name)


def test_a_stack_checks_once_that_its_engine_is_a_manager(tmp_path):
    engine = EmptySwarm()
    definition = dict(services=dict(a=dict(image="x"), b=dict(image="x", secrets=["s"])), secrets=dict(s=dict(environment="S")))
    params = dict({k: spec.get("default") for k, spec in MODULE_ARGS_STACK.items()}, name="t", definition=definition, secrets_env=dict(S="v"))
    manager = StackManager(engine, params, {})
    plan = manager.plan(manager.read())
    assert [(a.kind, a.target) for a in plan] == [("create", "t_default"), ("create", "secret t_s_v1"), ("create", "service t_a"), ("create", "service t_b")]
    assert engine.info_calls == 1


@pytest.mark.parametrize(
    "key, value",
    [
        ("gpus", "all"),
        ("cpu_period", 100000),
        ("uts", "host"),
        ("blkio_config", {"weight": 300}),
        ("links", ["app"]),
        ("external_links", ["other"]),
    ],
)
def test_keys_only_a_container_reads_are_refused_in_a_stack(tmp_path, key, value):
    project = load_project(dict(definition=dict(services=dict(app={"image": "x", key: value})), project_name="t", files_dir=str(tmp_path)), {})
    with pytest.raises(InvalidOption, match=f"^definition: services.app.{key}: a swarm service cannot have it$"):
        service_options(project, "app", {}, [])


def test_relabelling_and_create_host_path_are_refused_in_a_stack(tmp_path):
    for volume in ("/srv:/srv:z", dict(type="bind", source="/srv", target="/srv", bind=dict(create_host_path=True))):
        project = load_project(dict(definition=dict(services=dict(app=dict(image="x", volumes=[volume]))), project_name="t", files_dir=str(tmp_path)), {})
        with pytest.raises(
            InvalidOption, match="^definition: services.app.volumes: /srv: (SELinux relabelling|bind.create_host_path).* cannot be given to a swarm service"
        ):
            service_options(project, "app", {}, [])


def test_a_service_network_s_driver_opts_are_kept_and_fixed_endpoint_settings_refused(tmp_path):
    definition = dict(services=dict(app=dict(image="x", networks=dict(back=dict(driver_opts={"mtu": 1400})))), networks=dict(back={}))
    project = load_project(dict(definition=definition, project_name="t", files_dir=str(tmp_path)), {})
    assert service_options(project, "app", {}, [])["networks"] == [dict(name="t_back", aliases=["app"], options={"mtu": "1400"})]
    for key, value in (("ipv4_address", "10.1.2.3"), ("gw_priority", 2), ("mac_address", "02:42:ac:11:00:02")):
        definition["services"]["app"]["networks"]["back"] = {key: value}
        project = load_project(dict(definition=definition, project_name="t", files_dir=str(tmp_path)), {})
        with pytest.raises(
            InvalidOption, match=f"^definition: services.app.networks: {key} \\(network t_back\\): a swarm service's task has no fixed endpoint setting$"
        ):
            service_options(project, "app", {}, [])


def test_an_unlimited_pids_limit_is_a_service_without_one(tmp_path):
    """Compose's pids_limit -1 (unlimited, which the compose module takes) is a swarm service's 0."""
    project = load_project(dict(definition=dict(services=dict(app=dict(image="x", pids_limit=-1))), project_name="t", files_dir=str(tmp_path)), {})
    params = service_options(project, "app", {}, [])
    assert params["limits"] == dict(pids=-1)
    manager = ServiceManager(object(), dict(params, name="t_app"))
    assert SERVICE_OPTIONS["limits"].parse(params["limits"], manager) == dict(Pids=0)


def test_ulimits_reach_a_swarm_service_as_a_container_s(tmp_path):
    """Compose's ulimits are the container option's, which a swarm service also has (its ServiceField)."""
    project = load_project(
        dict(
            definition=dict(services=dict(app=dict(image="x", ulimits=dict(nofile=dict(soft=1024, hard=2048), nproc=64)))),
            project_name="t",
            files_dir=str(tmp_path),
        ),
        {},
    )
    params = service_options(project, "app", {}, [])
    assert params["ulimits"] == ["nofile:1024:2048", "nproc:64:64"]
    manager = ServiceManager(type("Engine", (), dict(api_version="1.41"))(), dict(params, name="t_app"))
    assert SERVICE_OPTIONS["ulimits"].parse(params["ulimits"], manager) == [dict(Name="nofile", Soft=1024, Hard=2048), dict(Name="nproc", Soft=64, Hard=64)]
    older = ServiceManager(type("Engine", (), dict(api_version="1.40"))(), dict(params, name="t_app"))
    with pytest.raises(InvalidOption, match="^ulimits: needs Docker API 1.41 or later; this engine speaks 1.40"):
        SERVICE_OPTIONS["ulimits"].parse(params["ulimits"], older)


@pytest.mark.parametrize(
    "deploy, message",
    [
        (dict(replicas="two"), r"^definition: services.app.deploy.replicas: 'two' is not a number of containers \(0 or more\)$"),
        (dict(resources=dict(limits=dict(cpus="lots"))), r"^definition: services.app: argument 'cpus' is of type str found in 'limits'"),
        (dict(resources=dict(limits=dict(pids="x"))), r"^definition: services.app: argument 'pids' is of type str found in 'limits'"),
    ],
)
def test_a_bad_count_or_limit_in_deploy_is_refused_by_name(tmp_path, deploy, message):
    """They were converted with int() and float() here, and a bad one ended the task with a traceback."""
    definition = dict(services=dict(app=dict(image="x", deploy=deploy)))
    engine = type("Engine", (), dict(api_version="1.41"))()
    with pytest.raises(InvalidOption, match=message):
        project = load_project(dict(definition=definition, project_name="t", files_dir=str(tmp_path)), {})
        params = task_params(MODULE_ARGS, dict(service_options(project, "app", {}, []), name="t_app"), "services.app")
        ServiceManager(engine, params).desired()
