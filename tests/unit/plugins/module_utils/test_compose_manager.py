"""The compose manager's own decisions, without an engine: start order, host ports, the unchanged fast path."""

import docker.errors
import pytest
import requests

from ansible_collections.noar.docker.plugins.module_utils import compose_manager
from ansible_collections.noar.docker.plugins.module_utils.compose import load_project
from ansible_collections.noar.docker.plugins.module_utils.compose_form import spec_hash
from ansible_collections.noar.docker.plugins.module_utils.compose_manager import (
    CONFIG_HASH,
    ComposeManager,
    config_hash,
    health_of,
    host_ports,
    start_order,
)
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption


def test_start_order_puts_dependencies_first_in_levels():
    services = dict(web=dict(depends_on=["db", "cache"]), db={}, cache={}, proxy=dict(depends_on={"web": {}}))
    assert start_order(services) == [["cache", "db"], ["web"], ["proxy"]]


def test_start_order_ignores_dependencies_not_selected():
    assert start_order(dict(web=dict(depends_on=["db"]))) == [["web"]]


def test_a_cycle_is_named():
    services = dict(a=dict(depends_on=["b"]), b=dict(depends_on=["c"]), c=dict(depends_on=["a"]), d={})
    with pytest.raises(InvalidOption, match=r"services.a.depends_on: a dependency cycle: a -> b -> c -> a"):
        start_order(services)


def test_host_ports_are_the_fixed_ones():
    ports = ["8080:80", "127.0.0.1:81:80/udp", "80", "127.0.0.1::90", "9000-9001:9000-9001", "[::1]:8443:443", "7000-7009:70"]
    assert host_ports(dict(published_ports=ports)) == [
        "0.0.0.0:7000-7009/tcp",
        "0.0.0.0:8080/tcp",
        "0.0.0.0:9000/tcp",
        "0.0.0.0:9001/tcp",
        "127.0.0.1:81/udp",
        "::1:8443/tcp",
    ]


@pytest.mark.parametrize(
    "status, health",
    [
        ("Up 3 seconds (healthy)", "healthy"),
        ("Up 1 second (health: starting)", "starting"),
        ("Up 2 minutes (unhealthy)", "unhealthy"),
        ("Up 2 minutes", ""),
        ("Exited (0) 1 second ago", ""),
    ],
)
def test_health_is_read_from_the_status(status, health):
    assert health_of(dict(Status=status)) == health


def test_the_config_hash_does_not_depend_on_key_order():
    assert config_hash(dict(a=1, b=dict(c=2, d=3))) == config_hash(dict(b=dict(d=3, c=2), a=1))
    assert config_hash(dict(a=1)) != config_hash(dict(a=2))


def manager(definition, client=None, **params):
    return ComposeManager(client, dict(dict(definition=definition, project_name="p", state="present"), **params), False, {})


def test_a_fixed_host_port_cannot_be_scaled():
    compose = manager(dict(services=dict(web=dict(image="i", ports=["8080:80"]))), scale=dict(web=2))
    with pytest.raises(
        InvalidOption,
        match=r"services.web.ports: 0.0.0.0:8080/tcp is a fixed host port, so the "
        r"service cannot run 2 containers",
    ):
        compose.plan([])


def test_two_services_cannot_publish_one_host_port():
    compose = manager(dict(services=dict(a=dict(image="i", ports=["8080:80"]), b=dict(image="i", ports=["8080:81"]))))
    with pytest.raises(InvalidOption, match=r"services.b.ports: 0.0.0.0:8080/tcp is published by service a too"):
        compose.plan([])


class ListingOnly:
    """An engine whose project is up to date: lists and reads networks and images, never inspects a container."""

    api_version = "1.41"

    def __init__(self, listed):
        self.listed = listed

    def containers(self, **_kwargs):
        return self.listed

    @staticmethod
    def inspect_network(name):
        return dict(
            Name=name,
            Id="n1",
            Driver="bridge",
            Scope="local",
            Internal=False,
            EnableIPv6=False,
            Attachable=False,
            Ingress=False,
            ConfigOnly=False,
            Options={},
            Containers={},
            IPAM=dict(Driver="default", Options=None, Config=[]),
            Labels={"com.docker.compose.project": "p", "com.docker.compose.network": "default"},
        )

    @staticmethod
    def inspect_image(name):
        return dict(Id="sha256:image", RepoTags=[name], Config={})

    @staticmethod
    def inspect_container(name):
        raise AssertionError(f"container {name} was inspected")


def test_an_unchanged_container_is_not_inspected():
    definition = dict(services=dict(web=dict(image="img:1", command=["sleep", "1"])))
    project = load_project(dict(definition=definition, project_name="p"), {})
    summary = dict(
        Id="c1",
        Names=["/p-web-1"],
        State="running",
        ImageID="sha256:image",
        Labels={
            "com.docker.compose.project": "p",
            "com.docker.compose.service": "web",
            "com.docker.compose.container-number": "1",
            CONFIG_HASH: spec_hash(project, "web"),
        },
    )
    compose = manager(definition, ListingOnly([summary]))
    assert compose.plan(compose.read()) == []


def test_a_changed_hash_is_planned_through_the_container_manager(monkeypatch):
    planned = []
    monkeypatch.setattr(compose_manager.ContainerManager, "plan", lambda self, actual: planned.append(self.name) or [])
    monkeypatch.setattr(compose_manager.ContainerManager, "read", lambda self: None)
    summary = dict(
        Id="c1",
        Names=["/p-web-1"],
        State="running",
        ImageID="sha256:image",
        Labels={"com.docker.compose.project": "p", "com.docker.compose.service": "web", CONFIG_HASH: "old"},
    )
    compose = manager(dict(services=dict(web=dict(image="img:1"))), ListingOnly([summary]))
    compose.plan(compose.read())
    assert planned == ["p-web-1"]


@pytest.mark.parametrize("secrets, kept", [(False, True), (True, False)])
def test_a_container_whose_only_difference_is_its_hash_is_kept(monkeypatch, tmp_path, secrets, kept):
    """Made by an earlier release (the module's own hash, no image label) or by the CLI from a service without a
    form: planned as it is made, with its own hash and image labels, it needs nothing, so it is kept. Not with
    secrets, whose content counts in the hash and cannot be read back."""
    from ansible_collections.noar.docker.plugins.module_utils.converge import Action

    def plan(self, actual):
        labels = self.params["labels"]
        as_it_is = labels[CONFIG_HASH] == "old" and "com.docker.compose.image" not in labels
        return [] if as_it_is else [Action("recreate", self.name, reason="changed: labels")]

    monkeypatch.setattr(compose_manager.ContainerManager, "plan", plan)
    monkeypatch.setattr(compose_manager.ContainerManager, "read", lambda self: None)
    summary = dict(
        Id="c1",
        Names=["/p-web-1"],
        State="running",
        ImageID="sha256:image",
        Labels={"com.docker.compose.project": "p", "com.docker.compose.service": "web", CONFIG_HASH: "old"},
    )
    web = dict(image="img:1", **(dict(secrets=["s"]) if secrets else {}))
    definition = dict(services=dict(web=web), **(dict(secrets=dict(s=dict(environment="S"))) if secrets else {}))
    compose = manager(definition, ListingOnly([summary]), files_dir=str(tmp_path), secrets_env=dict(S="x"))
    planned = [a.kind for a in compose.plan(compose.read()) if a.target == "p-web-1"]
    assert planned == ([] if kept else ["recreate"])


class Listing:
    """An engine that lists containers of two projects."""

    def __init__(self, listed):
        self.listed = listed

    def containers(self, **kwargs):
        label = kwargs["filters"]["label"]
        return [
            c
            for c in self.listed
            if label == "com.docker.compose.project" or label == "com.docker.compose.project=" + c["Labels"]["com.docker.compose.project"]
        ]


def summary(project, service, number, state, status="Up 1 minute", files=""):
    return dict(
        Id=f"{project}{service}{number}",
        Names=[f"/{project}-{service}-{number}"],
        State=state,
        Status=status,
        Image="img",
        Command="sleep",
        Created=1,
        Ports=[],
        Labels={
            "com.docker.compose.project": project,
            "com.docker.compose.service": service,
            "com.docker.compose.container-number": str(number),
            "com.docker.compose.project.config_files": files,
            "com.docker.compose.project.working_dir": "/srv/" + project,
        },
    )


def test_projects_are_listed_as_docker_compose_ls_does():
    client = Listing(
        [
            summary("shop", "web", 1, "running", files="/srv/shop/compose.yaml"),
            summary("shop", "web", 2, "exited"),
            summary("shop", "db", 1, "running"),
            summary("blog", "app", 1, "running"),
        ]
    )
    assert compose_manager.list_projects(client) == [
        dict(name="blog", status="running(1)", config_files=[], working_dir="/srv/blog"),
        dict(name="shop", status="exited(1), running(2)", config_files=["/srv/shop/compose.yaml"], working_dir="/srv/shop"),
    ]


def test_a_projects_containers_in_service_then_number_order():
    client = Listing(
        [
            summary("shop", "web", 10, "running", "Up 1 second (healthy)"),
            summary("shop", "web", 2, "running"),
            summary("shop", "db", 1, "running"),
            summary("blog", "app", 1, "running"),
        ]
    )
    listed = compose_manager.project_containers(client, "shop")
    assert [(c["name"], c["health"]) for c in listed] == [("shop-db-1", ""), ("shop-web-2", ""), ("shop-web-10", "healthy")]


def test_services_of_one_image_read_it_once():
    reads = []

    class Counting(ListingOnly):
        @staticmethod
        def inspect_image(name):
            reads.append(name)
            return dict(Id="sha256:image", RepoTags=[name], Config={})

    compose = manager(dict(services={f"s{i}": dict(image="img:1") for i in range(5)}), Counting([]))
    planned = [compose._image_plan(name, dict(image="img:1")) for name in compose.services]  # pylint: disable=protected-access
    assert reads == ["img:1"] and len(compose.images) == 1 and planned[0] == planned[4] == ([], planned[0][1])


class Timed:
    """A container manager whose apply takes a while and records when it ran."""

    def __init__(self, log):
        self.log, self.warnings = log, []

    def apply(self, plan):
        import threading  # pylint: disable=import-outside-toplevel
        import time  # pylint: disable=import-outside-toplevel

        self.log.append(("start", threading.get_ident(), time.monotonic()))
        time.sleep(0.05)
        self.log.append(("end", threading.get_ident(), time.monotonic()))


def most_at_once(log) -> int:
    running = peak = 0
    for kind, _thread, _when in sorted(log, key=lambda entry: (entry[2], entry[0] == "start")):
        running += 1 if kind == "start" else -1
        peak = max(peak, running)
    return peak


@pytest.mark.parametrize("start_first, parallel, expected", [(False, 3, 3), (False, 8, 6), (True, 8, 1)])
def test_containers_are_converged_parallel_at_a_time_but_a_rolling_service_one_by_one(start_first, parallel, expected):
    from ansible_collections.noar.docker.plugins.module_utils.converge import Action  # pylint: disable=import-outside-toplevel

    compose = manager(dict(services=dict(web=dict(image="i"))), parallel=parallel)
    log = []
    for number in range(6):
        action = Action("recreate", f"p-web-{number}", data=dict(start_first=True) if start_first else {})
        compose.units.append(compose_manager.Unit("web", f"p-web-{number}", Timed(log), [action]))
    compose._run_parallel(compose.units)  # pylint: disable=protected-access
    assert len(log) == 12 and most_at_once(log) == expected


def test_a_secrets_fingerprint_is_keyed_and_the_key_written_only_when_applied(tmp_path):
    import hashlib  # pylint: disable=import-outside-toplevel

    compose = manager(dict(services=dict(web=dict(image="i"))), files_dir=str(tmp_path))
    secret, config = dict(kind="secrets"), dict(kind="configs")
    first = compose._fingerprint(secret, b"pw")  # pylint: disable=protected-access
    assert first != hashlib.sha256(b"pw").hexdigest()
    assert compose._fingerprint(config, b"pw") == hashlib.sha256(b"pw").hexdigest()  # pylint: disable=protected-access
    assert not (tmp_path / ".key").exists()  # planning changes nothing
    compose._write_files()  # pylint: disable=protected-access
    assert (tmp_path / ".key").stat().st_mode & 0o777 == 0o600
    again = manager(dict(services=dict(web=dict(image="i"))), files_dir=str(tmp_path))
    assert again._fingerprint(secret, b"pw") == first and not again.new_key  # pylint: disable=protected-access


@pytest.mark.parametrize(
    "running, kinds, planned",
    [
        (False, ["create", "start"], ["create", "start", "hook post_start[0]"]),
        (True, ["recreate", "start"], ["recreate", "start", "hook post_start[0]"]),  # not around a recreate
        (True, ["stop"], ["hook pre_stop[0]", "stop"]),
        (True, ["restart"], ["hook pre_stop[0]", "restart", "hook post_start[0]"]),
        (True, ["remove"], ["hook pre_stop[0]", "remove"]),
        (False, ["remove"], ["remove"]),  # nothing runs to stop
    ],
)
def test_hooks_go_where_docker_compose_runs_them(running, kinds, planned):
    from types import SimpleNamespace

    from ansible_collections.noar.docker.plugins.module_utils.compose_manager import Unit
    from ansible_collections.noar.docker.plugins.module_utils.converge import Action

    compose = manager(dict(services=dict(web=dict(image="i", post_start=[dict(command="true")], pre_stop=[dict(command="true")]))))
    container = SimpleNamespace(container=dict(State=dict(Status="running" if running else "exited")))
    unit = Unit("web", "p-web-1", container)
    unit.plan = [Action(kind, "p-web-1") for kind in kinds]
    compose._with_hooks(unit)  # pylint: disable=protected-access
    assert [a.kind if a.kind != "hook" else f"hook {a.target.split(' ')[1]}" for a in unit.plan] == planned


@pytest.mark.parametrize(
    "network, message",
    [
        (dict(internal="perhaps"), "networks.back: argument 'internal' is of type str and we were unable to convert to bool"),
        (dict(enable_ipv6="often"), "networks.back: argument 'enable_ipv6' is of type str and we were unable to convert to bool"),
    ],
)
def test_a_project_s_network_is_checked_as_the_network_module_checks_it(network, message):
    """A Compose network's parameters go through noar.docker.network's own argument spec (its checks and defaults),
    before anything is read from the engine."""
    definition = dict(services=dict(web=dict(image="img:1", networks=["back"])), networks=dict(back=network))
    compose = manager(definition, ListingOnly([]))
    with pytest.raises(InvalidOption, match="^definition: " + message.replace("(", r"\(").replace("'", "'")):
        compose.plan(compose.read())


def test_a_project_s_network_and_volume_get_their_modules_defaults(monkeypatch):
    made = {}

    class Recorder:
        def __init__(self, _client, params):
            made[params["name"]] = self.params = params

        def read(self):
            return None

        def plan(self, _actual):
            return []

    monkeypatch.setattr(compose_manager, "NetworkManager", Recorder)
    monkeypatch.setattr(compose_manager, "VolumeManager", Recorder)
    definition = dict(services=dict(web=dict(image="img:1", networks=["back"], volumes=["data:/data"])), networks=dict(back={}), volumes=dict(data={}))

    class Empty(ListingOnly):
        @staticmethod
        def inspect_container(name):
            response = requests.Response()
            response.status_code, response.url, response.reason = 404, f"/containers/{name}/json", "Not Found"
            raise docker.errors.NotFound("no such container", response=response)

    compose = manager(definition, Empty([]))
    compose.plan(compose.read())
    network, volume = made["p_back"], made["p_data"]
    assert (network["driver"], network["state"], network["appends"], network["force"]) == ("bridge", "present", False, False)
    assert (volume["driver"], volume["state"], volume["recreate"]) == ("local", "present", "never")
