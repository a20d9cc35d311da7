"""A Compose project read as the Compose Specification says: interpolation, .env files, merge, extends, profiles,
services with their dependencies."""

import pytest

from ansible_collections.noar.docker.plugins.module_utils.compose import (
    container_params,
    interpolate,
    load_project,
    merge,
    normalise_name,
    read_env_file,
    replicas,
    service_files,
    service_params,
)
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

ENV = {"SET": "value", "EMPTY": ""}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("${SET}", "value"),
        ("$SET", "value"),
        ("a-$SET-b", "a-value-b"),
        ("${UNSET}", ""),
        ("${UNSET:-default}", "default"),
        ("${EMPTY:-default}", "default"),
        ("${EMPTY-default}", ""),
        ("${UNSET-default}", "default"),
        ("${SET:-default}", "value"),
        ("${SET:+other}", "other"),
        ("${EMPTY:+other}", ""),
        ("${EMPTY+other}", "other"),
        ("${UNSET+other}", ""),
        ("$$SET", "$SET"),
        ("$${SET}", "${SET}"),
        ("cost: 5$$", "cost: 5$"),
        ("${UNSET:-${SET}}", "value"),
        ("${UNSET:-a ${UNSET2:-b} c}", "a b c"),
        ("${SET:?needed}", "value"),
        # A $ that starts no variable stays, as docker compose keeps it.
        ("a $ b", "a $ b"),
        ("x $(cat y)", "x $(cat y)"),
        ("cost $5", "cost $5"),
        ("end $", "end $"),
    ],
)
def test_interpolation(text, expected):
    assert interpolate({"k": [text]}, ENV, "definition") == {"k": [expected]}


@pytest.mark.parametrize(
    "text, message",
    [
        ("${UNSET:?set it please}", "services.web.image: required variable UNSET is unset: set it please"),
        ("${EMPTY:?}", "services.web.image: required variable EMPTY is empty"),
        ("${UNSET?}", "services.web.image: required variable UNSET is unset"),
        ("${SET", "services.web.image: invalid interpolation in '${SET' after ${SET"),
        ("${UNSET:-x", "services.web.image: unclosed ${ in '${UNSET:-x'"),
        ("${1x}", "services.web.image: invalid interpolation in '${1x}': ${ must be followed by a variable name"),
    ],
)
def test_bad_interpolation_names_the_path(text, message):
    with pytest.raises(InvalidOption) as raised:
        interpolate({"services": {"web": {"image": text}}}, ENV, "definition")
    assert raised.value.option == "definition" and str(raised.value) == f"definition: {message}"


def test_env_file(tmp_path):
    env = tmp_path / ".env"
    env.write_text("# a comment\n\nexport A=1\nB = two words # comment\nC='${A} literal'\nD=\"${A}\\n${B}\"\nE=${A}-${OUTSIDE}\nOUTSIDE\n")
    assert read_env_file(str(env), {"OUTSIDE": "o"}, "env_files") == {
        "A": "1",
        "B": "two words",
        "C": "${A} literal",
        "D": "1\ntwo words",
        "E": "1-o",
        "OUTSIDE": "o",
    }
    env.write_text("not a line\n")
    with pytest.raises(InvalidOption, match=r"env_files: .*\.env:1: 'not a line' is not KEY=VALUE"):
        read_env_file(str(env), {}, "env_files")


def test_merge_follows_the_specification():
    base = {
        "services": {
            "web": {
                "image": "a",
                "command": ["echo", "a"],
                "dns": ["1.1.1.1"],
                "environment": ["A=1", "B=2"],
                "ports": ["8080:80", {"target": 443, "published": 8443}],
                "volumes": ["data:/data", "/cache"],
                "healthcheck": {"test": ["CMD", "a"], "interval": "5s"},
                "labels": {"x": "1"},
            }
        }
    }
    override = {
        "services": {
            "web": {
                "image": "b",
                "command": ["echo", "b"],
                "dns": ["8.8.8.8", "1.1.1.1"],
                "environment": {"B": "3", "C": "4"},
                "ports": [{"target": 443, "published": 8443, "protocol": "tcp"}, "9090:90"],
                "volumes": ["other:/data"],
                "healthcheck": {"test": ["CMD", "b"]},
                "labels": ["y=2"],
            },
            "db": {"image": "pg"},
        }
    }
    web = merge(base, override, "files")["services"]["web"]
    assert web["image"] == "b"
    assert web["command"] == ["echo", "b"]  # replaced, not appended
    assert web["dns"] == ["1.1.1.1", "8.8.8.8"]
    assert web["environment"] == {"A": "1", "B": "3", "C": "4"}  # lists read as mappings
    assert web["labels"] == {"x": "1", "y": "2"}
    assert web["volumes"] == ["other:/data", "/cache"]  # by target
    assert web["healthcheck"] == {"test": ["CMD", "b"], "interval": "5s"}
    assert web["ports"] == ["8080:80", {"target": 443, "published": 8443}, {"target": 443, "published": 8443, "protocol": "tcp"}, "9090:90"]


def test_project_from_a_folder_with_override_env_extends_and_profiles(tmp_path):
    folder = tmp_path / "My App!"
    folder.mkdir()
    (folder / "compose.yaml").write_text("""
x-common: &common
  restart: always
services:
  base:
    image: busybox
    environment: [FROM_BASE=1]
    depends_on: [db]
  web:
    <<: *common
    extends: base
    image: ${IMAGE:-web}:${TAG}
    depends_on: [db]
  db:
    image: postgres
  debug:
    image: busybox
    profiles: [debug]
  other:
    extends: {file: other.yaml, service: tool}
""")
    (folder / "compose.override.yaml").write_text("services:\n  web:\n    environment: [FROM_OVERRIDE=1]\n")
    (folder / "other.yaml").write_text("services:\n  tool:\n    image: tool:${TAG}\n    x-ignored: 1\n")
    (folder / ".env").write_text("TAG=1.0\nIMAGE=from-env-file\n")
    project = load_project(dict(project_src=str(folder)), {"IMAGE": "from-environment"})
    assert project["name"] == "myapp"
    assert project["config_files"] == [str(folder / "compose.yaml"), str(folder / "compose.override.yaml")]
    services = project["model"]["services"]
    assert sorted(services) == ["base", "db", "other", "web"]  # debug's profile is not active
    assert services["web"] == {
        "image": "from-environment:1.0",
        "restart": "always",
        "depends_on": ["db"],
        "environment": {"FROM_BASE": "1", "FROM_OVERRIDE": "1"},
    }
    assert services["other"] == {"image": "tool:1.0"}
    assert "x-common" not in project["model"]

    profiled = load_project(dict(project_src=str(folder), profiles=["debug"]), {})
    assert "debug" in profiled["model"]["services"]
    only = load_project(dict(project_src=str(folder), services=["web"], project_name="Given"), {})
    assert only["name"] == "given" and sorted(only["model"]["services"]) == ["db", "web"]
    alone = load_project(dict(project_src=str(folder), services=["web"], dependencies=False), {})
    assert sorted(alone["model"]["services"]) == ["web"]


@pytest.mark.parametrize(
    "definition, option, message",
    [
        ({"services": {}}, "definition", "services: the project defines no service"),
        ({"services": {"a": {"image": "x", "depends_on": ["b"]}}}, "definition", "services.a.depends_on: no service 'b'"),
        ({"services": {"a": {"extends": "b"}, "b": {"extends": "a"}}}, "definition", "services.a.extends: extends makes a cycle (a -> b -> a)"),
        ({"services": {"a": {"extends": "zz"}}}, "definition", "services.a.extends: no service 'zz' to extend"),
        (
            {"include": [{"path": "other.yaml", "bogus": 1}], "services": {"a": {"image": "x"}}},
            "definition",
            "include[0].bogus: not a key of include (it has path, project_directory, env_file)",
        ),
        ({"include": [{"env_file": "x.env"}], "services": {"a": {"image": "x"}}}, "definition", "include[0]: needs a path"),
        (
            {"servics": {}, "services": {"a": {"image": "x"}}},
            "definition",
            "servics: not a top-level key of the Compose Specification (it has name, version, include, services, networks, "
            "volumes, secrets, configs and x- extensions)",
        ),
    ],
)
def test_bad_projects_name_the_path(definition, option, message):
    with pytest.raises(InvalidOption) as raised:
        load_project(dict(definition=definition, project_name="p"), {})
    assert raised.value.option == option and str(raised.value) == f"{option}: {message}"


def test_services_asked_for_must_exist(tmp_path):
    with pytest.raises(InvalidOption, match="services: the project has no service 'nope' "):
        load_project(dict(definition={"services": {"a": {"image": "x"}}}, services=["nope"], project_name="p"), {})
    with pytest.raises(InvalidOption, match="project_src: .* holds none of compose.yaml"):
        load_project(dict(project_src=str(tmp_path)), {})


def test_names():
    assert normalise_name("Projeto No Ar_2") == "projetonoar_2"
    assert normalise_name("--x") == "x"


APP = """
name: shop
services:
  web:
    image: shop/web:${TAG:-1}
    command: [serve, --port, "8000"]
    environment: [MODE=prod, FROM_ENV]
    env_file: [web.env]
    ports: ["127.0.0.1:8080:8000", {target: 9000, published: 9001, protocol: udp}]
    expose: [8000]
    volumes: [data:/data:ro, ./static:/static, /cache, {type: tmpfs, target: /tmp, tmpfs: {size: 1m}}]
    networks: {front: {aliases: [www]}, back: null}
    healthcheck: {test: [CMD, wget, -q, localhost:8000], interval: 5s, retries: 3}
    restart: on-failure:3
    deploy:
      replicas: 2
      resources: {limits: {cpus: "0.5", memory: 128M, pids: 64}, reservations: {memory: 64M}}
      placement: {constraints: [node.role==manager]}
    logging: {driver: local, options: {max-size: 10m}}
    sysctls: [net.core.somaxconn=1024]
    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 512}
    extra_hosts: ["db.local:10.0.0.5"]
    stop_grace_period: 1m30s
    depends_on: {db: {condition: service_healthy}}
    labels: {team: shop}
    develop: {watch: []}
  db:
    image: postgres
    container_name: shop-db
    volumes: [{type: volume, source: data, target: /var/lib/postgresql/data}]
    network_mode: none
networks:
  front: {}
  back: {name: shared-back}
volumes:
  data: {}
"""


def project_for(tmp_path, text=APP, environ=None):
    (tmp_path / "compose.yaml").write_text(text)
    (tmp_path / "web.env").write_text("FROM_FILE=1\nMODE=overridden-by-environment-key\n")
    return load_project(dict(project_src=str(tmp_path)), environ if environ is not None else {"FROM_ENV": "e"})


def test_a_service_as_container_parameters(tmp_path):
    project = project_for(tmp_path)
    warnings = []
    web = service_params(project, "web", warnings)
    assert web["image"] == "shop/web:1" and web["command"] == ["serve", "--port", "8000"]
    assert web["env"] == {"FROM_FILE": "1", "MODE": "prod", "FROM_ENV": "e"}
    assert web["published_ports"] == ["127.0.0.1:8080:8000", "9001:9000/udp"]
    assert web["exposed_ports"] == ["8000"]
    assert web["mounts"] == [
        dict(type="volume", source="shop_data", target="/data", read_only=True),
        dict(type="bind", source=str(tmp_path / "static"), target="/static", create_host_path=True),
        dict(type="volume", target="/cache"),
        dict(type="tmpfs", target="/tmp", tmpfs_size="1m"),
    ]
    # Of equal priorities, docker compose connects the first by its key's name first (back before front).
    assert web["networks"] == [dict(name="shared-back", aliases=["web"]), dict(name="shop_front", aliases=["web", "www"])]
    assert web["network_mode"] == "shared-back"
    assert web["healthcheck"] == {"test": ["CMD", "wget", "-q", "localhost:8000"], "interval": "5s", "retries": 3}
    assert (web["restart_policy"], web["restart_retries"]) == ("on-failure", 3)
    assert (web["cpus"], web["memory"], web["pids_limit"], web["memory_reservation"]) == ("0.5", "128M", 64, "64M")
    assert (web["log_driver"], web["log_options"]) == ("local", {"max-size": "10m"})
    assert web["sysctls"] == {"net.core.somaxconn": "1024"}
    assert web["ulimits"] == ["nofile:1024:2048", "nproc:512:512"]
    assert web["etc_hosts"] == {"db.local": "10.0.0.5"} and web["stop_timeout"] == 90
    assert web["labels"]["team"] == "shop" and web["labels"]["com.docker.compose.service"] == "web"
    assert web["labels"]["com.docker.compose.depends_on"] == "db:service_healthy:false"
    assert warnings == ["services.web.develop: only other tools read it; ignored here", "services.web.deploy.placement: only a swarm reads it; ignored here"]
    assert replicas(project["model"]["services"]["web"]) == 2
    second = container_params(project, "web", 2, web)
    assert second["name"] == "shop-web-2" and second["labels"]["com.docker.compose.container-number"] == "2"
    db = container_params(project, "db", 1, service_params(project, "db", []))
    assert db["name"] == "shop-db" and db["network_mode"] == "none" and "networks" not in db


def test_keys_a_caller_reads_itself_are_not_warned_about(tmp_path):
    resources = dict(reservations=dict(cpus="0.1", generic_resources=[]))
    project = load_project(
        dict(definition=dict(services=dict(app=dict(image="i", deploy=dict(resources=resources)))), project_name="p", files_dir=str(tmp_path)), {}
    )
    warnings: list = []
    service_params(project, "app", warnings, frozenset({"deploy.resources.reservations.cpus"}))
    assert warnings == ["services.app.deploy.resources.reservations.generic_resources: only a swarm reads it; ignored here"]


@pytest.mark.parametrize(
    "change, message",
    [
        (("image: postgres", "image: postgres\n    privileged2: true"), "services.db.privileged2: not supported by noar.docker.compose"),
        (("volumes: [data:/data:ro,", "volumes: [nope:/data:ro,"), "services.web.volumes[0]: volume 'nope' is not declared under the top-level volumes"),
        (("back: null", "other: null"), "services.web.networks.other: network 'other' is not declared under the top-level networks"),
        (("restart: on-failure:3", "restart: sometimes"), "services.web.restart: 'sometimes' is not no, always, unless-stopped or on-failure[:N]"),
        (("restart: on-failure:3", "restart: on-failure:x"), "services.web.restart: 'on-failure:x' is not no, always, unless-stopped or on-failure[:N]"),
        (("restart: on-failure:3", "restart: always:3"), "services.web.restart: 'always:3' is not no, always, unless-stopped or on-failure[:N]"),
        (("replicas: 2", "replicas: 2\n      mystery: 1"), "services.web.deploy.mystery: not supported"),
        (
            ("container_name: shop-db", "container_name: shop-db\n    scale: 2"),
            "services.db.container_name: a service with a container_name runs one container, not 2",
        ),
        (("network_mode: none", "network_mode: none\n    networks: [front]"), "services.db: network_mode and networks cannot be used together"),
    ],
)
def test_service_keys_that_cannot_work_name_their_path(tmp_path, change, message):
    project = project_for(tmp_path, APP.replace(*change))
    with pytest.raises(InvalidOption) as raised:
        for name in project["model"]["services"]:
            service_params(project, name, [])
    assert str(raised.value) == f"definition: {message}"


FILES_APP = """
services:
  web:
    image: shop/web:1
    secrets: [db_password, {source: api_key, target: /etc/api.key, mode: "0400", uid: "10001", gid: "10001"}]
    configs: [motd, {source: settings, target: settings.ini}]
secrets:
  db_password: {file: ./secrets/db.txt}
  api_key: {environment: API_KEY}
configs:
  motd: {content: "hello"}
  settings: {file: settings.ini}
"""


def test_secrets_and_configs_are_files_mounted_read_only(tmp_path):
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "db.txt").write_text("pw")
    (tmp_path / "settings.ini").write_text("[a]")
    (tmp_path / "compose.yaml").write_text(FILES_APP)
    project = load_project(dict(project_src=str(tmp_path), project_name="shop", files_dir=str(tmp_path / "out")), {})
    files = service_files(project, "web")
    written = str(tmp_path / "out" / "shop" / "web")
    assert [(f["target"], f["source"], f["host_path"], f["mode"], f["uid"]) for f in files] == [
        ("/run/secrets/db_password", "file", str(tmp_path / "secrets" / "db.txt"), 0o444, "0"),
        ("/etc/api.key", "environment", written + "/secrets/api_key", 0o400, "10001"),
        ("/motd", "content", written + "/configs/motd", 0o444, "0"),
        ("/settings.ini", "file", str(tmp_path / "settings.ini"), 0o444, "0"),
    ]
    mounts = service_params(project, "web", [])["mounts"]
    assert mounts == [dict(type="bind", source=f["host_path"], target=f["target"], read_only=True) for f in files]


@pytest.mark.parametrize(
    "change, message",
    [
        (("db_password: {file: ./secrets/db.txt}", "db_password: {file: ./missing.txt}"), "secrets.db_password.file: {tmp}/missing.txt does not exist"),
        (("secrets: [db_password,", "secrets: [nope,"), "services.web.secrets[0]: secret 'nope' is not declared under the top-level secrets"),
        (
            ("api_key: {environment: API_KEY}", "api_key: {external: true}"),
            "secrets.api_key.external: an external secret lives in a swarm; noar.docker.compose runs on one engine",
        ),
        (("api_key: {environment: API_KEY}", "api_key: {content: x}"), "secrets.api_key.content: not supported by noar.docker.compose"),
        (('motd: {content: "hello"}', "motd: {content: a, file: b}"), "configs.motd: needs exactly one of file, environment, content"),
        (('mode: "0400"', 'mode: "rw"'), "services.web.secrets[1].mode: 'rw' is not a file mode (as 0440)"),
        (("target: settings.ini}", "target: settings.ini, owner: me}"), "services.web.configs[1].owner: not a key of a service's configs"),
    ],
)
def test_bad_secrets_and_configs_name_their_path(tmp_path, change, message):
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "db.txt").write_text("pw")
    (tmp_path / "settings.ini").write_text("[a]")
    (tmp_path / "compose.yaml").write_text(FILES_APP.replace(*change))
    project = load_project(dict(project_src=str(tmp_path), project_name="shop"), {})
    with pytest.raises(InvalidOption) as raised:
        service_files(project, "web")
    assert str(raised.value) == "definition: " + message.format(tmp=tmp_path)


def test_a_definition_alone_needs_a_name_and_gets_a_folder_of_its_own(tmp_path):
    definition = dict(services=dict(web=dict(image="i", volumes=["./conf:/conf"])))
    with pytest.raises(InvalidOption, match="project_name: is needed with definition alone"):
        load_project(dict(definition=definition), {})
    project = load_project(dict(definition=definition, project_name="Shop", files_dir=str(tmp_path)), {})
    assert project["working_dir"] == project["files_dir"] == str(tmp_path / "shop")
    assert service_params(project, "web", [])["mounts"][0]["source"] == str(tmp_path / "shop" / "conf")


def test_long_port_syntax_without_a_published_port_lets_the_engine_pick_one(tmp_path):
    definition = dict(
        services=dict(web=dict(image="i", ports=[dict(target=80, host_ip="127.0.0.1"), dict(target=81), dict(target=82, published="8082", host_ip="::1")]))
    )
    project = load_project(dict(definition=definition, project_name="p", files_dir=str(tmp_path)), {})
    assert service_params(project, "web", [])["published_ports"] == ["127.0.0.1::80", "81", "[::1]:8082:82"]


def test_merge_tags_reset_and_override(tmp_path):
    """!reset takes a key out of what the files before (or an extended service) set; !override replaces it."""
    (tmp_path / "compose.yaml").write_text("""
services:
  base:
    image: busybox
    ports: ["8000:80"]
    environment: {A: "1", B: "2"}
  web:
    image: web
    ports: ["8080:80", "8443:443"]
    environment: {A: "1", B: "2"}
    command: [serve]
    labels: {keep: "yes"}
  child:
    extends: base
    ports: !reset []
    environment: !override {C: "3"}
""")
    (tmp_path / "compose.override.yaml").write_text("""
services:
  web:
    ports: !override ["9090:80"]
    environment: !reset null
    command: !reset
    labels: {more: "${TAG:-1}"}
  gone: !reset
""")
    services = load_project(dict(project_src=str(tmp_path)), {})["model"]["services"]
    assert services["web"] == {"image": "web", "ports": ["9090:80"], "labels": {"keep": "yes", "more": "1"}}
    assert services["child"] == {"image": "busybox", "environment": {"C": "3"}}
    assert services["base"]["ports"] == ["8000:80"]
    interpolated = load_project(dict(files=[str(tmp_path / "compose.yaml"), str(tmp_path / "compose.override.yaml")]), {"TAG": "2"})["model"]["services"]
    assert interpolated["web"]["labels"] == {"keep": "yes", "more": "2"}


def test_merge_tags_in_a_single_file_leave_plain_values(tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: !override x\n    ports: !reset [1]\n")
    assert load_project(dict(project_src=str(tmp_path)), {})["model"]["services"] == {"a": {"image": "x"}}


def service_of(tmp_path, service, extra=None, warnings=None):
    """The container parameters of service app, alone in a definition with ``extra`` top-level keys."""
    definition = dict(services=dict(app=dict(dict(image="i"), **service)), **(extra or {}))
    project = load_project(dict(definition=definition, project_name="p", files_dir=str(tmp_path)), {})
    return container_params(project, "app", 1, service_params(project, "app", [] if warnings is None else warnings))


def test_volume_modes_and_long_syntax_keys_are_read(tmp_path):
    """No mode or key is dropped: each becomes a mount field, or a bind the old way where only that relabels
    (SELinux) or makes a missing host path."""
    app = service_of(
        tmp_path,
        dict(
            volumes=[
                "data:/data:ro,nocopy",
                "/srv:/srv:rshared,cached",
                "/etc/app:/etc/app:ro,Z",
                "data:/labelled:z",
                dict(type="volume", source="data", target="/sub", volume=dict(subpath="a/b")),
                dict(type="bind", source="./conf", target="/conf", bind=dict(selinux="z", create_host_path=True)),
                dict(type="bind", source="/logs", target="/logs", bind=dict(create_host_path=True)),
                dict(type="tmpfs", target="/run", tmpfs=dict(size="1m", mode=1777)),
            ]
        ),
        dict(volumes=dict(data={})),
    )
    assert app["mounts"] == [
        dict(type="volume", target="/data", read_only=True, source="p_data", no_copy=True),
        dict(type="volume", target="/sub", source="p_data", subpath="a/b"),
        dict(type="tmpfs", target="/run", tmpfs_size="1m", tmpfs_mode="1777"),
    ]
    # A short-syntax bind makes a missing host path, as docker compose does: the old way too.
    assert app["volumes"] == [
        "/srv:/srv:rw,rshared,cached",
        "/etc/app:/etc/app:ro,Z",
        "p_data:/labelled:rw,z",
        f"{tmp_path}/p/conf:/conf:rw,z",
        "/logs:/logs:rw",
    ]


@pytest.mark.parametrize(
    "volume, message",
    [
        ("/a:/b:rw,bogus", "services.app.volumes[0]: 'bogus' is not a volume mode"),
        ("data:/b:rshared", "services.app.volumes[0]: 'rshared' (propagation) is only for binds of a host path"),
        ("/a:/b:nocopy", "services.app.volumes[0]: 'nocopy' is only for volumes"),
        (
            dict(type="bind", source="/a", target="/b", bind=dict(mystery=1)),
            "services.app.volumes[0].bind.mystery: not supported by noar.docker.compose (it reads propagation, create_host_path, selinux)",
        ),
        (dict(type="bind", source="/a", target="/b", volume=dict(nocopy=True)), "services.app.volumes[0].volume: only for type volume volumes"),
        (dict(type="bind", source="/a", target="/b", bind=dict(selinux="q")), "services.app.volumes[0].bind.selinux: 'q' is not z or Z"),
        (dict(type="bind", source="/a", target="/b", extra=1), "services.app.volumes[0].extra: not a key of a service volume"),
    ],
)
def test_volume_modes_and_keys_that_cannot_be_read_are_refused_by_path(tmp_path, volume, message):
    with pytest.raises(InvalidOption) as raised:
        service_of(tmp_path, dict(volumes=[volume]), dict(volumes=dict(data={})))
    assert str(raised.value).startswith(f"definition: {message}")


def test_endpoint_driver_opts_and_gw_priority_go_to_the_container(tmp_path):
    networks = dict(high=dict(gw_priority=5, driver_opts={"com.example.mtu": 1400}))
    app = service_of(tmp_path, dict(networks=networks), dict(networks=dict(high={})))
    # the container's name first, as the Compose CLI gives it
    assert app["networks"] == [dict(name="p_high", aliases=["p-app-1", "app"], driver_opts={"com.example.mtu": "1400"}, gw_priority=5)]


def test_network_priority_orders_the_networks_and_other_settings_are_refused_by_path(tmp_path):
    networks = dict(low=None, high=dict(priority=100), mid=dict(priority=10))
    app = service_of(tmp_path, dict(networks=networks), dict(networks=dict(low={}, high={}, mid={})))
    assert [n["name"] for n in app["networks"]] == ["p_high", "p_mid", "p_low"]
    for setting, message in (
        ("link_local_ips", "not supported by noar.docker.compose yet"),
        ("interface_name", "not supported by noar.docker.compose yet"),
        ("bogus", "not a key of a service's network"),
    ):
        with pytest.raises(InvalidOption, match=f"^definition: services.app.networks.high.{setting}: {message}"):
            service_of(tmp_path, dict(networks=dict(high={setting: 1})), dict(networks=dict(high={})))


@pytest.mark.parametrize(
    "policy, restart, expected",
    [
        (dict(condition="on-failure", max_attempts=3), None, ("on-failure", 3)),
        (dict(condition="none"), None, ("no", None)),
        (dict(max_attempts=2), None, ("always", None)),
        (dict(condition="on-failure"), "unless-stopped", ("unless-stopped", None)),
    ],
)
def test_deploy_restart_policy_is_read_on_a_single_engine(tmp_path, policy, restart, expected):
    """As docker compose: its condition and max_attempts, unless the service's restart says otherwise."""
    service = dict(deploy=dict(restart_policy=dict(policy, delay="5s")))
    if restart:
        service["restart"] = restart
    warnings: list = []
    app = service_of(tmp_path, service, warnings=warnings)
    assert (app.get("restart_policy"), app.get("restart_retries")) == expected
    assert warnings == ["services.app.deploy.restart_policy.delay: only a swarm reads it; ignored here"]


def test_gpus_and_reserved_devices_are_device_requests(tmp_path):
    devices = [dict(capabilities=["gpu", "compute"], count=1, driver="nvidia"), dict(capabilities=["tpu"], device_ids=["0", "1"])]
    app = service_of(tmp_path, dict(gpus="all", deploy=dict(resources=dict(reservations=dict(devices=devices)))))
    assert app["device_requests"] == [
        dict(capabilities=[["gpu"]], count=-1),
        dict(capabilities=[["gpu", "compute"]], count=1, driver="nvidia"),
        dict(capabilities=[["tpu"]], device_ids=["0", "1"]),
    ]
    listed = service_of(tmp_path, dict(gpus=[dict(count=2)]))
    assert listed["device_requests"] == [dict(capabilities=[["gpu"]], count=2)]
    with pytest.raises(InvalidOption, match=r"reservations.devices\[0\].capabilities: a device request needs"):
        service_of(tmp_path, dict(deploy=dict(resources=dict(reservations=dict(devices=[dict(count=1)])))))


def test_keys_the_container_layer_honours_are_read(tmp_path):
    app = service_of(
        tmp_path,
        dict(
            cpu_period=100000,
            cpu_quota=50000,
            mem_swappiness=10,
            oom_kill_disable=True,
            storage_opt={"size": "1G"},
            uts="host",
            cgroup="private",
            blkio_config=dict(weight=300, device_read_bps=[dict(path="/dev/sda", rate="12mb")], device_write_iops=[dict(path="/dev/sda", rate=30)]),
        ),
    )
    assert {
        k: app[k]
        for k in (
            "cpu_period",
            "cpu_quota",
            "memory_swappiness",
            "oom_killer",
            "storage_opts",
            "uts",
            "cgroupns_mode",
            "blkio_weight",
            "device_read_bps",
            "device_write_iops",
        )
    } == dict(
        cpu_period=100000,
        cpu_quota=50000,
        memory_swappiness=10,
        oom_killer=True,
        storage_opts={"size": "1G"},
        uts="host",
        cgroupns_mode="private",
        blkio_weight=300,
        device_read_bps=[dict(path="/dev/sda", rate="12mb")],
        device_write_iops=[dict(path="/dev/sda", rate=30)],
    )
    with pytest.raises(InvalidOption, match=r"^definition: services.app.blkio_config.weight_device: not supported"):
        service_of(tmp_path, dict(blkio_config=dict(weight_device=[dict(path="/dev/sda", weight=10)])))


def test_include_brings_a_project_of_its_own(tmp_path):
    """An included file's paths start in its own folder and its .env interpolates it; a resource it defines
    differently from the including project is refused; a file including itself is refused."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / ".env").write_text("TAG=7\n")
    (tmp_path / "lib" / "db.yaml").write_text("services:\n  db:\n    image: db:${TAG}\n    volumes: ['./data:/data']\n")
    (tmp_path / "compose.yaml").write_text("include: [lib/db.yaml]\nservices:\n  web:\n    image: web\n")
    project = load_project(dict(project_src=str(tmp_path)), {})
    db = project["model"]["services"]["db"]
    assert db["image"] == "db:7" and db["volumes"] == [f"{tmp_path}/lib/data:/data"]
    (tmp_path / "compose.yaml").write_text("include: [lib/db.yaml]\nservices:\n  db:\n    image: other\n")
    with pytest.raises(InvalidOption) as raised:
        load_project(dict(project_src=str(tmp_path)), {})
    assert "include[0]: services.db is defined both by" in str(raised.value)
    (tmp_path / "compose.yaml").write_text("include: [compose.yaml]\nservices:\n  web:\n    image: web\n")
    with pytest.raises(InvalidOption) as raised:
        load_project(dict(project_src=str(tmp_path)), {})
    assert "includes itself" in str(raised.value)


def test_namespaces_of_another_service_name_its_container(tmp_path):
    """network_mode, ipc and pid service:NAME join that service's first container, by its container_name if it has one."""
    services = dict(
        db=dict(image="i", container_name="the-db"),
        cache=dict(image="i"),
        app=dict(image="i", network_mode="service:db", ipc="service:cache", pid="service:db"),
    )
    project = load_project(dict(definition=dict(services=services), project_name="p", files_dir=str(tmp_path)), {})
    params = service_params(project, "app", [])
    assert (params["network_mode"], params["ipc_mode"], params["pid_mode"]) == ("container:the-db", "container:p-cache-1", "container:the-db")


def linked_project(**web):
    definition = dict(services=dict(web=dict(image="x", **web), db=dict(image="x", scale=2), solo=dict(image="x", container_name="only")))
    return load_project(dict(definition=definition, project_name="p"), {})


def test_links_are_made_as_the_compose_cli_makes_them():
    """To each container of the linked service, by the alias, by <service>-<n> and <project>-<service>-<n> (n: this
    container's number), on HostConfig.Links and on every network; an external link as written. The behaviour suite
    (compose_cli) compares them with the CLI's on the engine."""
    project = linked_project(links=["db:database", "solo"], external_links=["outside:out"], scale=2)
    params = container_params(project, "web", 2, service_params(project, "web", []))
    assert params["links"] == [
        "p-db-1:database",
        "p-db-1:db-2",
        "p-db-1:p-db-2",
        "p-db-2:database",
        "p-db-2:db-2",
        "p-db-2:p-db-2",
        "only:solo",
        "only:solo-2",
        "only:p-solo-2",
        "outside:out",
    ]
    assert all(n["links"] == params["links"] for n in params["networks"])
    # A link is a dependency that restarts the service with it, as docker compose labels it.
    assert params["labels"]["com.docker.compose.depends_on"] == "db:service_started:true,solo:service_started:true"


@pytest.mark.parametrize(
    "links, message",
    [
        (["nowhere"], "services.web.links[0]: no service 'nowhere'"),
        (["db:a:b"], "services.web.links[0]: 'db:a:b' is not NAME[:ALIAS]"),
    ],
)
def test_a_bad_link_is_refused_by_its_path(links, message):
    with pytest.raises(InvalidOption) as raised:
        service_params(linked_project(links=links), "web", [])
    assert str(raised.value) == f"definition: {message}"


def test_label_files_are_read_into_the_labels(tmp_path):
    (tmp_path / "a.labels").write_text("A=from-a\nB=from-a\n")
    (tmp_path / "b.labels").write_text("B=from-b\nC=${A}-c\n")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: x\n    label_file: [a.labels, b.labels]\n    labels: {C: own}\n")
    project = load_project(dict(project_src=str(tmp_path), project_name="p"), {})
    labels = service_params(project, "web", [])["labels"]
    assert {k: labels[k] for k in "ABC"} == dict(A="from-a", B="from-b", C="own")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: x\n    label_file: missing.labels\n")
    with pytest.raises(InvalidOption, match=r"services.web.label_file\[0\]: .*missing.labels does not exist"):
        load_project(dict(project_src=str(tmp_path), project_name="p"), {})


def test_hooks_are_read_as_exec_parameters():
    from ansible_collections.noar.docker.plugins.module_utils.compose import hooks

    service = dict(post_start=[dict(command="echo 'a b'", user="root", privileged=True, working_dir="/w", environment=["A=1", "B"])])
    assert hooks(service, "post_start", "services.app") == [dict(argv=["echo", "a b"], user="root", privileged=True, chdir="/w", env=dict(A="1"))]
    with pytest.raises(InvalidOption) as raised:
        hooks(dict(pre_stop=[dict(command=[])]), "pre_stop", "services.app")
    assert str(raised.value) == "definition: services.app.pre_stop[0].command: a hook needs a command"
