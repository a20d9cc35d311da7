"""Plans of swarm, node, secret and config against a fake manager: what each (task, engine state) pair plans."""

import hashlib

import docker.errors
import pytest
import requests

from ansible_collections.noar.docker.plugins.action.swarm import carries_secrets
from ansible_collections.noar.docker.plugins.module_utils.client import EngineError
from ansible_collections.noar.docker.plugins.module_utils.swarm import NodeManager, SwarmManager, gather_swarm
from ansible_collections.noar.docker.plugins.module_utils.swarm_data import SwarmDataManager
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption


class FakeEngine:
    """Just enough of ``docker.APIClient`` for swarm plans; records what apply calls."""

    def __init__(self, state="inactive", manager=False, managers=1):
        self.swarm = dict(LocalNodeState=state, ControlAvailable=manager, NodeID="n1" if state == "active" else "", Cluster=dict(ID="c1"), Managers=managers)
        self.spec = dict(
            Name="default",
            Labels={},
            Orchestration=dict(TaskHistoryRetentionLimit=5),
            Raft=dict(SnapshotInterval=10000, HeartbeatTick=1, ElectionTick=10),
            EncryptionConfig=dict(AutoLockManagers=False),
        )
        self.nodes_ = {
            "n2": dict(
                ID="n2",
                Version=dict(Index=7),
                Description=dict(Hostname="server-2"),
                Status=dict(State="ready"),
                Spec=dict(Role="worker", Availability="active", Labels={"zone": "a"}),
            )
        }
        self.secrets_: list = []
        self.services_: list = []
        self.calls: list = []

    def info(self):
        return dict(Swarm=self.swarm)

    def inspect_swarm(self):
        return dict(ID="c1", Version=dict(Index=3), Spec=self.spec, JoinTokens=dict(Worker="SWMTKN-w", Manager="SWMTKN-m"))

    def inspect_node(self, ref):
        for node in self.nodes_.values():
            if ref in (node["ID"], node["Description"]["Hostname"]):
                return node
        response = requests.Response()
        response.status_code, response.url, response.reason = 404, "/nodes/" + ref, "Not Found"
        raise docker.errors.NotFound("no such node", response=response)

    def secrets(self, filters=None):
        return [s for s in self.secrets_ if s["Spec"]["Name"].startswith(filters["name"])]

    def services(self, filters=None):
        return self.services_

    def __getattr__(self, name):
        if name.startswith(("init_", "join_", "leave_", "update_", "remove_", "create_")):
            return lambda *args, **kwargs: self.calls.append((name, args, kwargs)) or dict(ID="new")
        raise AttributeError(name)


def swarm_params(**given):
    params = dict(state="present", force=False, listen_addr="0.0.0.0:2377", rotate_worker_token=False, rotate_manager_token=False)
    params.update(given)
    return params


def plan_of(manager):
    return [(action.kind, action.target) for action in manager.plan(manager.read())]


def test_outside_a_swarm_present_plans_init_with_the_settings():
    manager = SwarmManager(FakeEngine(), swarm_params(advertise_addr="10.0.0.2", task_history_retention_limit=2))
    plan = manager.plan(manager.read())
    assert [a.kind for a in plan] == ["init"]
    assert plan[0].after == dict(state="active", listen_addr="0.0.0.0:2377", advertise_addr="10.0.0.2", task_history_retention_limit=2)


@pytest.mark.parametrize("state, doing", [("present", "making a swarm"), ("join", "joining a swarm")])
def test_an_engine_with_live_restore_is_refused_while_planning(state, doing):
    engine = FakeEngine()
    engine.info = lambda: dict(Swarm=engine.swarm, LiveRestoreEnabled=True)
    manager = SwarmManager(engine, swarm_params(state=state, join_token="SWMTKN-1-x", remote_addrs=["10.0.0.1"]))
    with pytest.raises(EngineError, match=f"^{doing} needs an engine without live-restore, which swarm mode refuses"):
        manager.plan(manager.read())
    assert engine.calls == []


def test_on_a_manager_only_settings_that_differ_are_updated():
    engine = FakeEngine("active", manager=True)
    assert plan_of(SwarmManager(engine, swarm_params(task_history_retention_limit=5))) == []
    manager = SwarmManager(engine, swarm_params(task_history_retention_limit=2, heartbeat_tick=1))
    plan = manager.plan(manager.read())
    assert [(a.kind, a.before, a.after) for a in plan] == [("update", dict(task_history_retention_limit=5), dict(task_history_retention_limit=2))]
    manager.apply(plan)
    ((call, _args, kwargs),) = engine.calls
    assert call == "update_swarm" and kwargs["version"] == 3
    assert kwargs["swarm_spec"]["Orchestration"] == dict(TaskHistoryRetentionLimit=2)
    assert kwargs["swarm_spec"]["Raft"]["SnapshotInterval"] == 10000  # the rest of the spec is kept


def test_token_rotation_and_update_are_one_engine_call():
    engine = FakeEngine("active", manager=True)
    manager = SwarmManager(engine, swarm_params(labels={"env": "test"}, rotate_worker_token=True))
    plan = manager.plan(manager.read())
    assert [a.kind for a in plan] == ["update", "rotate"]
    manager.apply(plan)
    assert [(c[0], c[2]["rotate_worker_token"], c[2]["rotate_manager_token"]) for c in engine.calls] == [("update_swarm", True, False)]


def test_a_worker_cannot_manage_the_swarm():
    manager = SwarmManager(FakeEngine("active"), swarm_params())
    with pytest.raises(EngineError, match="this engine is a worker: point docker_host at a manager"):
        manager.plan(manager.read())


def test_join_is_planned_only_outside_a_swarm():
    params = swarm_params(state="join", join_token="SWMTKN-w", remote_addrs=["10.0.0.2:2377"])
    assert plan_of(SwarmManager(FakeEngine(), params)) == [("join", "swarm")]
    assert plan_of(SwarmManager(FakeEngine("active"), params)) == []
    with pytest.raises(InvalidOption, match="state=join needs remote_addrs"):
        plan_of(SwarmManager(FakeEngine(), dict(params, remote_addrs=[])))


def test_the_last_manager_leaves_only_with_force():
    with pytest.raises(InvalidOption) as error:
        plan_of(SwarmManager(FakeEngine("active", manager=True), swarm_params(state="absent")))
    assert error.value.option == "force"
    assert plan_of(SwarmManager(FakeEngine("active", manager=True), swarm_params(state="absent", force=True))) == [("leave", "swarm")]
    assert plan_of(SwarmManager(FakeEngine("active", manager=True, managers=3), swarm_params(state="absent"))) == [("leave", "swarm")]
    assert plan_of(SwarmManager(FakeEngine(), swarm_params(state="absent"))) == []


def test_removing_a_node_that_is_up_needs_force():
    engine = FakeEngine("active", manager=True)
    with pytest.raises(InvalidOption, match="node server-2 is ready: make it leave the swarm first"):
        plan_of(SwarmManager(engine, swarm_params(state="remove", node_id="server-2")))
    engine.nodes_["n2"]["Status"]["State"] = "down"
    manager = SwarmManager(engine, swarm_params(state="remove", node_id="server-2"))
    manager.apply(manager.plan(manager.read()))
    assert engine.calls == [("remove_node", ("n2",), dict(force=False))]
    assert plan_of(SwarmManager(engine, swarm_params(state="remove", node_id="server-9"))) == []


def node_params(**given):
    return dict(dict(hostname="server-2", labels_state="merge", availability=None, role=None, labels=None, labels_to_remove=None), **given)


def test_node_labels_merge_replace_and_remove():
    engine = FakeEngine("active", manager=True)
    assert plan_of(NodeManager(engine, node_params(labels={"zone": "a"}))) == []
    manager = NodeManager(engine, node_params(labels={"db": "true"}, availability="drain"))
    (action,) = manager.plan(manager.read())
    assert action.after == dict(availability="drain", labels={"zone": "a", "db": "true"})
    manager.apply([action])
    ((call, args, _kwargs),) = engine.calls
    assert call == "update_node" and args[0] == "n2" and args[1] == 7
    assert args[2] == dict(Role="worker", Availability="drain", Labels={"zone": "a", "db": "true"})
    manager = NodeManager(engine, node_params(labels={"db": "true"}, labels_state="replace"))
    assert manager.plan(manager.read())[0].after == dict(labels={"db": "true"})
    manager = NodeManager(engine, node_params(labels_to_remove=["zone"]))
    assert manager.plan(manager.read())[0].after == dict(labels={})


def test_node_errors_name_the_option():
    with pytest.raises(InvalidOption, match="no node with ID or hostname 'server-9'"):
        plan_of(NodeManager(FakeEngine("active", manager=True), node_params(hostname="server-9")))
    with pytest.raises(InvalidOption, match="'zone' is both set"):
        plan_of(NodeManager(FakeEngine("active", manager=True), node_params(labels={"zone": "b"}, labels_to_remove=["zone"])))
    with pytest.raises(EngineError, match="managing a node needs a swarm manager: this engine is a worker"):
        plan_of(NodeManager(FakeEngine("active"), node_params()))


def secret_params(**given):
    return dict(
        dict(
            name="db-password",
            data="s3cret",
            data_is_b64=False,
            data_src=None,
            labels=None,
            force=False,
            rolling_versions=False,
            versions_to_keep=2,
            state="present",
        ),
        **given,
    )


def stored(name, data, version=None, object_id=None):
    labels = {"ansible_key": hashlib.sha224(data.encode()).hexdigest()}
    if version:
        labels["ansible_version"] = str(version)
    return dict(ID=object_id or name, Spec=dict(Name=name, Labels=labels))


def test_secret_unchanged_changed_and_in_use():
    engine = FakeEngine("active", manager=True)
    assert plan_of(SwarmDataManager(engine, secret_params(), "secret")) == [("create", "secret db-password")]
    engine.secrets_ = [stored("db-password", "s3cret")]
    assert plan_of(SwarmDataManager(engine, secret_params(), "secret")) == []
    manager = SwarmDataManager(engine, secret_params(data="other"), "secret")
    plan = manager.plan(manager.read())
    assert [(a.kind, a.reason) for a in plan] == [("remove", ""), ("create", "changed: data")]
    assert "s3cret" not in repr([a.before for a in plan] + [a.after for a in plan])
    engine.services_ = [
        dict(
            ID="svc",
            Version=dict(Index=4),
            Spec=dict(Name="db", TaskTemplate=dict(ContainerSpec=dict(Secrets=[dict(SecretID="db-password", SecretName="db-password")]))),
        )
    ]
    with pytest.raises(EngineError, match="used by service.s. db; changing it is refused .*rolling_versions=true"):
        plan_of(SwarmDataManager(engine, secret_params(data="other"), "secret"))


def test_rolling_versions_move_services_and_drop_old_versions():
    engine = FakeEngine("active", manager=True)
    engine.secrets_ = [stored("db-password_v1", "a", 1), stored("db-password_v2", "s3cret", 2), stored("db-password-other", "x")]
    engine.services_ = [
        dict(
            ID="svc",
            Version=dict(Index=4),
            Spec=dict(Name="db", TaskTemplate=dict(ContainerSpec=dict(Secrets=[dict(SecretID="db-password_v2", SecretName="db-password_v2")]))),
        )
    ]
    params = secret_params(rolling_versions=True)
    assert plan_of(SwarmDataManager(engine, params, "secret")) == []
    assert plan_of(SwarmDataManager(engine, dict(params, data="new"), "secret")) == [
        ("create", "secret db-password_v3"),
        ("move", "service db to db-password_v3"),
        ("remove", "secret db-password_v1"),
    ]  # versions_to_keep=2: v2 stays beside v3


def test_base64_data_and_a_missing_file_name_the_option():
    engine = FakeEngine("active", manager=True)
    with pytest.raises(InvalidOption, match="data_is_b64=true but data is not base64"):
        plan_of(SwarmDataManager(engine, secret_params(data="not base64!", data_is_b64=True), "secret"))
    with pytest.raises(InvalidOption) as error:
        plan_of(SwarmDataManager(engine, secret_params(data=None, data_src="/nonexistent/x"), "secret"))
    assert error.value.option == "data_src"


def test_info_outside_a_swarm_and_on_a_manager():
    assert gather_swarm(FakeEngine(), dict(nodes=True)) == dict(
        can_talk_to_docker=True, docker_swarm_active=False, docker_swarm_manager=False, swarm_facts={}, node_id=""
    )
    engine = FakeEngine("active", manager=True)
    engine.nodes = lambda filters=None: list(engine.nodes_.values())
    found = gather_swarm(engine, dict(nodes=True))
    assert found["swarm_facts"]["JoinTokens"]["Worker"] == "SWMTKN-w"
    assert found["nodes"] == [
        dict(
            ID="n2",
            Hostname="server-2",
            Status="ready",
            Addr=None,
            Availability="active",
            Role="worker",
            Labels={"zone": "a"},
            ManagerStatus=None,
            EngineVersion=None,
        )
    ]
    # Without the tokens, the action plugin has nothing to hide: the result is shown.
    engine.spec["EncryptionConfig"]["AutoLockManagers"] = True
    engine.get_unlock_key = lambda: dict(UnlockKey="SWMKEY-1")
    found = gather_swarm(engine, dict(join_tokens=False))
    assert found["swarm_facts"]["ID"] == "c1" and "JoinTokens" not in found["swarm_facts"]
    assert not carries_secrets(found)
    assert carries_secrets(gather_swarm(engine, dict(join_tokens=False, unlock_key=True)))


# ---------------------------------------------------------------------------------------------
# Services


def service_params(**given):
    from ansible_collections.noar.docker.plugins.module_utils.swarm_service import MODULE_ARGS

    params = {name: spec.get("default") for name, spec in MODULE_ARGS.items()}
    params.update(name="web", image="busybox")
    params.update(given)
    return params


def running_service(**spec):
    base = dict(
        Name="web",
        Labels={},
        Mode=dict(Replicated=dict(Replicas=2)),
        TaskTemplate=dict(
            ContainerSpec=dict(Image="busybox:latest@sha256:abc", Env=["B=2", "A=1"]), Resources=dict(Limits=dict(MemoryBytes=268435456)), ForceUpdate=0
        ),
        UpdateConfig=dict(Parallelism=1, FailureAction="pause", Order="stop-first"),
        EndpointSpec=dict(Mode="vip", Ports=[dict(Protocol="tcp", TargetPort=80, PublishedPort=8080, PublishMode="ingress")]),
    )
    base.update(spec)
    return dict(ID="s1", Version=dict(Index=9), Spec=base)


class FakeServiceEngine(FakeEngine):
    def __init__(self, service=None):
        super().__init__("active", manager=True)
        self.service = service

    def create_service(self, *args, **kwargs):
        self.calls.append(("create_service", args, kwargs))
        self.service = running_service()
        return dict(ID="s1")

    def inspect_service(self, name):
        if self.service is None:
            response = requests.Response()
            response.status_code, response.url, response.reason = 404, "/services/" + name, "Not Found"
            raise docker.errors.NotFound("no such service", response=response)
        return self.service


def service_plan(engine, **given):
    from ansible_collections.noar.docker.plugins.module_utils.swarm_service import ServiceManager

    manager = ServiceManager(engine, service_params(**given))
    return manager, manager.plan(manager.read())


def test_a_new_service_is_made_with_what_the_task_sets():
    manager, plan = service_plan(FakeServiceEngine(), replicas=2, limits=dict(memory="256m", cpus=0.5, pids=64), env=dict(DB_PASSWORD="s3cret", A="1"))
    assert [a.kind for a in plan] == ["create"]
    assert plan[0].data["want"]["limits"] == dict(MemoryBytes=268435456, NanoCPUs=500000000, Pids=64)
    assert plan[0].data["want"]["mode"] == dict(Replicated=dict(Replicas=2))
    assert plan[0].after["env"] == ["A=1", "DB_PASSWORD=********"]  # the diff masks it; the engine gets it
    assert "DB_PASSWORD=s3cret" in plan[0].data["want"]["env"]
    manager.apply(plan)
    ((call, args, kwargs),) = [c for c in manager.client.calls if c[0] == "create_service"]
    assert args[0]["ContainerSpec"]["Image"] == "busybox:latest"
    assert kwargs["mode"] == dict(Replicated=dict(Replicas=2))


def test_what_the_swarm_has_and_fills_in_is_no_difference():
    engine = FakeServiceEngine(running_service())
    plan = service_plan(
        engine,
        env=["A=1", "B=2"],
        limits=dict(memory="256m"),
        update_config=dict(order="stop-first"),
        publish=[dict(published_port=8080, target_port=80, protocol="tcp")],
    )[1]
    assert plan == []


def test_a_change_updates_only_what_differs_and_keeps_the_rest():
    engine = FakeServiceEngine(running_service())
    manager, plan = service_plan(engine, replicas=3, update_config=dict(order="start-first"))
    (action,) = plan
    assert action.kind == "update"
    assert action.before == dict(mode=dict(Replicated=dict(Replicas=2)), update_config=dict(Parallelism=1, FailureAction="pause", Order="stop-first"))
    assert action.after == dict(mode=dict(Replicated=dict(Replicas=3)), update_config=dict(Order="start-first"))
    assert manager.plan_result(plan)["changes"] == ["mode", "update_config"]
    manager.apply(plan)
    ((call, args, kwargs),) = [c for c in engine.calls if c[0] == "update_service"]
    assert args == ("s1", 9)
    assert kwargs["update_config"] == dict(Parallelism=1, FailureAction="pause", Order="start-first")
    assert kwargs["mode"] == dict(Replicated=dict(Replicas=3))
    assert kwargs["task_template"]["Resources"] == dict(Limits=dict(MemoryBytes=268435456))


def test_replicated_to_global_makes_the_service_again():
    manager, plan = service_plan(FakeServiceEngine(running_service()), mode="global", image=None)
    assert [(a.kind, a.reason) for a in plan] == [("recreate", "mode cannot change in place")]
    assert manager.plan_result(plan)["rebuilt"]
    manager.apply(plan)
    ((call, args, kwargs),) = [c for c in manager.client.calls if c[0] == "create_service"]
    assert kwargs["mode"] == dict(Global={})
    assert args[0]["ContainerSpec"]["Image"] == "busybox:latest@sha256:abc"  # the rest is the old service's
    with pytest.raises(InvalidOption, match="replicas: a global service runs one task on each node"):
        service_plan(FakeServiceEngine(running_service()), mode="global", replicas=2)


def test_service_bad_input_names_the_option():
    with pytest.raises(InvalidOption, match="limits.memory"):
        service_plan(FakeServiceEngine(), limits=dict(memory="lots"))
    with pytest.raises(InvalidOption, match="secrets: no secret named nope in this swarm"):
        service_plan(FakeServiceEngine(), secrets=[dict(secret_name="nope")])
    with pytest.raises(InvalidOption, match=r"secrets: secrets\[0\].mode: 'rw' is not a file mode"):
        service_plan(FakeServiceEngine(), secrets=[dict(secret_name="pw", secret_id="s1", mode="rw")])
    with pytest.raises(InvalidOption, match="update_config.delay"):
        service_plan(FakeServiceEngine(), update_config=dict(delay="soon"))
    with pytest.raises(InvalidOption, match="image: service web does not exist; making it needs an image"):
        service_plan(FakeServiceEngine(), image=None)


def test_docker_swarm_service_spellings_env_files_and_resolve_image(tmp_path):
    env_file = tmp_path / "web.env"
    env_file.write_text("A=from-file\nB=2\n")
    engine = FakeServiceEngine()
    engine.inspect_distribution = lambda image: dict(Descriptor=dict(digest="sha256:feed"))
    mount = dict(target="/data", source="data", type="volume", read_only=True, driver_config=dict(name="local", options=dict(o="bind")))
    (action,) = service_plan(engine, env_files=[str(env_file)], env=dict(A="1"), resolve_image=True, mounts=[mount])[1]
    want = action.data["want"]
    assert want["env"] == ["A=1", "B=2"]
    assert want["image"] == "busybox:latest@sha256:feed"
    assert want["mounts"] == [
        dict(Target="/data", Type="volume", Source="data", ReadOnly=True, VolumeOptions=dict(DriverConfig=dict(Name="local", Options=dict(o="bind"))))
    ]
    # readonly is docker_swarm_service's spelling, an alias; the container module's table is left as it was.
    from ansible_collections.noar.docker.plugins.module_utils import container_options
    from ansible_collections.noar.docker.plugins.module_utils.swarm_service import MODULE_ARGS

    assert MODULE_ARGS["mounts"]["options"]["read_only"]["aliases"] == ["readonly"]
    assert "aliases" not in container_options.OPTIONS["mounts"].spec["options"]["read_only"]


def test_resolve_image_without_a_registry_names_the_option():
    engine = FakeServiceEngine()

    def no_registry(image):
        response = requests.Response()
        response.status_code, response.url, response.reason = 500, "/distribution", "Server Error"
        raise docker.errors.APIError("no registry", response=response, explanation="connection refused")

    engine.inspect_distribution = no_registry
    with pytest.raises(InvalidOption, match="resolve_image: asking the registry about image busybox:latest failed"):
        service_plan(engine, resolve_image=True)


@pytest.mark.parametrize(
    "given, message",
    [
        (dict(limits=dict(memory="1m")), "limits.memory: 1m is below the engine's minimum of 6m"),
        (dict(reservations=dict(memory="4m")), "reservations.memory: 4m is below the engine's minimum of 6m"),
    ],
)
def test_a_service_memory_below_the_engine_floor_is_refused_as_a_container_is(given, message):
    """The container's rule (container_options.limit_problems), named by the service's option: a task under the
    floor would fail on every node, again and again."""
    with pytest.raises(InvalidOption) as raised:
        service_plan(FakeServiceEngine(), **given)
    assert str(raised.value) == message


def test_a_stop_signal_is_checked_as_a_container_s_is():
    with pytest.raises(InvalidOption) as raised:
        service_plan(FakeServiceEngine(), stop_signal="SIGNOPE")
    assert str(raised.value) == "stop_signal: 'SIGNOPE' is not a signal (as SIGTERM, SIGINT, 15 or SIGRTMIN+3)"
    assert service_plan(FakeServiceEngine(), stop_signal="SIGQUIT")[1][0].data["want"]["stop_signal"] == "SIGQUIT"
