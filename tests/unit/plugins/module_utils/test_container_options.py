"""The container option table: parsing, normalising both sides, comparing, and the create body."""

import pytest

from ansible_collections.noar.docker.plugins.module_utils.container_options import (
    OPTIONS,
    UPDATE_FIELDS,
    Context,
    actual_view,
    create_body,
    desired_view,
    option_matches,
    parse_comparisons,
    parse_healthcheck,
    parse_mounts,
    parse_published_ports,
    parse_ulimits,
    parse_volumes,
)
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption


@pytest.mark.parametrize(
    "value, expected",
    [
        ("8080:80", [["80/tcp", "", "8080"]]),
        ("80", [["80/tcp", "", ""]]),
        ("127.0.0.1:8080:80/udp", [["80/udp", "127.0.0.1", "8080"]]),
        ("127.0.0.1::80", [["80/tcp", "127.0.0.1", ""]]),
        ("[::1]:8080:80", [["80/tcp", "::1", "8080"]]),
        ("8000-8001:9000-9001", [["9000/tcp", "", "8000"], ["9001/tcp", "", "8001"]]),
        ("9000-9001", [["9000/tcp", "", ""], ["9001/tcp", "", ""]]),
        ("8000-8010:80", [["80/tcp", "", "8000-8010"]]),
        ("8000-8002:9000-9001", [["9000/tcp", "", "8000"], ["9001/tcp", "", "8001"]]),
        ("80-80:80-80", [["80/tcp", "", "80"]]),
        ("[fe80::1%eth0]:8080:80", [["80/tcp", "fe80::1%eth0", "8080"]]),
    ],
)
def test_published_ports(value, expected):
    assert parse_published_ports([value]) == expected


@pytest.mark.parametrize("value", ["80:80:80:80", "a:80", "80/icmp", "70000:80", "", "0:80", "[::1:80"])
def test_published_ports_rejects(value):
    with pytest.raises(InvalidOption) as err:
        parse_published_ports([value])
    assert err.value.option == "published_ports"


@pytest.mark.parametrize("value", [1, 1.0, True, None])
def test_env_values_must_be_strings(value):
    with pytest.raises(InvalidOption, match=r"^env: the value of A is not a string \("):
        view_of(params(env={"A": value}))


def test_log_options_that_are_not_strings_are_converted_with_a_warning():
    task = params(log_driver="json-file", log_options={"max-file": 5, "max-size": "1m", "compress": True})
    ctx = Context(task)
    assert desired_view(task, ctx)["log_options"] == {"max-file": "5", "max-size": "1m", "compress": "true"}
    assert ctx.warnings == [
        "Non-string value found for log_options option 'max-file'. The value is automatically converted to '5'. If "
        "this is not correct, or you want to avoid such warnings, please quote the value.",
        "Non-string value found for log_options option 'compress'. The value is automatically converted to 'true'. If "
        "this is not correct, or you want to avoid such warnings, please quote the value.",
    ]


def test_published_ports_resolve_a_host_name():
    assert parse_published_ports(["localhost:9001:9001"]) == [["9001/tcp", "127.0.0.1", "9001"]]
    with pytest.raises(InvalidOption, match="'no-such-host.invalid:1:1': the bind address 'no-such-host.invalid' is a host name that does not resolve here"):
        parse_published_ports(["no-such-host.invalid:1:1"])


@pytest.mark.parametrize(
    "desired, actual, comparison, same",
    [
        (["127.0.0.1:8080:80"], ["127.0.0.1:8080:80", "127.0.0.2:8080:80"], "allow_more_present", False),
        (["127.0.0.1:8080:80"], ["127.0.0.1:8080:80", "8081:81"], "allow_more_present", True),
        (["127.0.0.1:8080:80"], ["127.0.0.1:8080:80", "8081:81"], "strict", False),
        (["127.0.0.1:8000-8010:80"], ["127.0.0.1:8000-8020:80"], "allow_more_present", False),
        (["8080:80"], ["0.0.0.0:8080:80"], "strict", True),
    ],
)
def test_published_ports_compare_each_port_by_its_bindings(desired, actual, comparison, same):
    """As community.docker: other ports may be present, but a named port's bindings are compared whole."""
    assert option_matches("published_ports", comparison, parse_published_ports(desired), parse_published_ports(actual)) is same


@pytest.mark.parametrize(
    "task, option",
    [
        (dict(volumes=["/tmp:/x", "/var:/x"]), "volumes"),
        (dict(volumes=["/x", "vol:/x/"]), "volumes"),
        (dict(mounts=[{"type": "bind", "source": "/var", "target": "/x"}, {"type": "tmpfs", "target": "/x"}]), "mounts"),
    ],
)
def test_a_mount_point_named_twice_is_refused(task, option):
    with pytest.raises(InvalidOption, match=f"^{option}: the mount point /x/? appears twice$"):
        view_of(params(**task))


def test_volumes_split_binds_and_anonymous():
    volumes = parse_volumes(["/srv:/data:ro", "named:/v", "/scratch", "/data2:rw"])
    assert volumes == dict(binds=["/srv:/data:ro", "named:/v:rw"], anonymous=["/data2", "/scratch"])


@pytest.mark.parametrize("value", ["relative", "src:relative", "a:/b:bogus", "a:/b:ro:x", "/data:ro"])
def test_volumes_reject(value):
    with pytest.raises(InvalidOption, match="^volumes: "):
        parse_volumes([value])


def test_mounts_need_a_target_and_parse_tmpfs():
    with pytest.raises(InvalidOption, match=r"mounts\[0\]: every mount needs a target"):
        parse_mounts([{"type": "tmpfs"}])
    with pytest.raises(InvalidOption, match="bind mount needs a source"):
        parse_mounts([{"type": "bind", "target": "/x"}])
    mount = parse_mounts([{"type": "tmpfs", "target": "/t", "tmpfs_size": "16m", "tmpfs_mode": "1777"}])[0]
    assert mount == dict(type="tmpfs", target="/t", tmpfs_size=16 * 1024**2, tmpfs_mode=0o1777)
    with pytest.raises(InvalidOption, match=r"mounts\[0\].propagation is only for type bind mounts, not volume"):
        parse_mounts([{"type": "volume", "target": "/x", "propagation": "shared"}])
    with pytest.raises(InvalidOption, match=r"mounts\[0\].subpath: needs Docker API 1.45 or later"):
        parse_mounts([{"type": "volume", "target": "/x", "subpath": "a"}], Context({}, None, "1.41"))


def test_healthcheck_forms():
    assert parse_healthcheck({"test": "curl -f x"}) == {"test": ["CMD-SHELL", "curl -f x"]}
    assert parse_healthcheck({"test": ["true"], "interval": "1m30s", "retries": 3}) == {"test": ["CMD", "true"], "interval": 90 * 10**9, "retries": 3}
    assert parse_healthcheck({"test": ["NONE"]}) == {"test": ["NONE"]}
    assert parse_healthcheck({"interval": "1s"}) == {"test": ["NONE"]}
    image = {"Config": {"Healthcheck": {"Test": ["CMD", "x"]}}}
    assert parse_healthcheck({"interval": "1s", "test_cli_compatible": True}, Context({}, image)) == {"test": ["CMD", "x"], "interval": 10**9}
    with pytest.raises(InvalidOption, match="healthcheck.timeout"):
        parse_healthcheck({"test": "x", "timeout": "soon"})


def test_ulimits():
    assert parse_ulimits(["nofile:1024:2048", "nproc:10"]) == ["nofile:1024:2048", "nproc:10:10"]
    with pytest.raises(InvalidOption, match="ulimits"):
        parse_ulimits(["nofile"])


def params(**values):
    base = {name: None for name in OPTIONS}
    base.update(values)
    return base


def view_of(task: dict, image=None) -> dict:
    return desired_view(task, Context(task, image))


IMAGE = {"Id": "sha256:img", "Config": {"Env": ["PATH=/bin", "LANG=C"], "Labels": {"from": "image"}, "ExposedPorts": {"22/tcp": {}}, "Volumes": {"/data": {}}}}


def test_image_defaults_are_folded_into_the_desired_view():
    view = view_of(params(env={"A": "1", "B": "true"}, labels={"app": "x"}, published_ports=["8080:80"], volumes=["/v"]), IMAGE)
    assert view["env"] == {"PATH": "/bin", "LANG": "C", "A": "1", "B": "true"}
    assert view["labels"] == {"from": "image", "app": "x"}
    assert view["exposed_ports"] == ["22/tcp", "80/tcp"]
    assert view["volumes"] == {"binds": [], "anonymous": ["/data", "/v"]}


def test_only_set_options_are_in_the_view():
    assert view_of(params(memory="64m"), IMAGE) == {"memory": 64 * 1024**2}


@pytest.mark.parametrize(
    "values, option",
    [
        (dict(memory="12zz"), "memory"),
        (dict(memory="1m"), "memory"),
        (dict(memory="64m", memory_swap="32m"), "memory_swap"),
        (dict(memory="64m", volumes=["/x:/data"], mounts=[{"target": "/data"}]), "mounts"),
        (dict(healthcheck={"test": "x", "start_interval": "1s"}), "healthcheck.start_interval"),
        (dict(memory="64m", memory_reservation="1g"), "memory_reservation"),
        (dict(cpus=1, cpu_period=100000), "cpus"),
        (dict(restart_retries=-1), "restart_retries"),
        (dict(etc_hosts={"": None}), "etc_hosts"),
        (dict(etc_hosts={"db": None}), "etc_hosts"),
        (dict(etc_hosts={"a:b": "192.0.2.1"}), "etc_hosts"),
        (dict(storage_opts={"": None}), "storage_opts"),
        (dict(storage_opts={"0": None}), "storage_opts"),
        (dict(storage_opts={"size": "big"}), "storage_opts.size"),
        (dict(sysctls={" ": "1"}), "sysctls"),
        (dict(log_options={"": "x"}), "log_options"),
        (dict(labels={"": "x"}), "labels"),
        (dict(env={"": "x"}), "env"),
    ],
)
def test_limits_are_checked(values, option):
    with pytest.raises(InvalidOption) as err:
        view_of(params(**values), IMAGE)
    assert err.value.option == option


INSPECT = {
    "Id": "c1",
    "Image": "sha256:img",
    "Config": {
        "Cmd": ["sleep", "1"],
        "Env": ["PATH=/bin", "LANG=C", "A=1"],
        "Labels": {"from": "image", "app": "x"},
        "ExposedPorts": {"22/tcp": {}, "80/tcp": {}},
        "Volumes": {"/data": {}},
        "Hostname": "c1",
        "StopSignal": None,
        "Healthcheck": {"Test": ["CMD", "true"], "Interval": 10**9},
    },
    "HostConfig": {
        "Memory": 64 * 1024**2,
        "NanoCpus": 5 * 10**8,
        "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]},
        "Binds": ["named:/v"],
        "NetworkMode": "default",
        "RestartPolicy": {"Name": "", "MaximumRetryCount": 0},
        "CapAdd": ["CAP_NET_ADMIN"],
        "Mounts": [{"Type": "tmpfs", "Target": "/t", "TmpfsOptions": {"SizeBytes": 1024}}],
    },
    "NetworkSettings": {"Networks": {"front": {"Aliases": ["web", "c1"], "IPAMConfig": None}}},
    "State": {"Status": "running"},
}


def test_actual_view_normalises_engine_fields():
    view = actual_view(INSPECT)
    assert view["volumes"]["binds"] == ["named:/v:rw"]
    assert view["network_mode"] == "bridge"
    assert view["restart_policy"] == "no"
    assert view["capabilities"] == ["NET_ADMIN"]
    assert view["published_ports"] == [["80/tcp", "", "8080"]]
    assert view["networks"] == {
        "front": {"aliases": ["c1", "web"], "ipv4_address": "", "ipv6_address": "", "links": [], "mac_address": "", "driver_opts": {}, "gw_priority": 0}
    }
    assert view["stop_signal"] == "SIGTERM"


def test_the_same_task_matches_its_container():
    desired = view_of(
        params(
            command="sleep 1",
            env={"A": "1"},
            labels={"app": "x"},
            memory="64m",
            cpus=0.5,
            published_ports=["8080:80"],
            volumes=["named:/v"],
            capabilities=["net_admin"],
            healthcheck={"test": ["true"]},
            networks=[{"name": "front", "aliases": ["web"]}],
            mounts=[{"type": "tmpfs", "target": "/t", "tmpfs_size": "1k"}],
        ),
        IMAGE,
    )
    actual = actual_view(INSPECT)
    comparisons = parse_comparisons(None)
    mismatched = [n for n, v in desired.items() if not option_matches(n, comparisons[n], v, actual[n])]
    assert mismatched == []


def test_strict_sees_removed_items_and_allow_more_present_does_not():
    actual = actual_view(INSPECT)
    desired = view_of(params(labels={}), {"Config": {}})
    assert not option_matches("labels", "strict", desired["labels"], actual["labels"])
    assert option_matches("labels", "allow_more_present", desired["labels"], actual["labels"])
    assert option_matches("labels", "ignore", {"other": "1"}, actual["labels"])


def test_engine_path_is_not_drift():
    assert option_matches("env", "strict", {"A": "1"}, {"A": "1", "PATH": "/usr/bin"})
    assert not option_matches("env", "strict", {"A": "1"}, {"A": "1", "B": "2"})


def test_comparisons_parsing():
    assert parse_comparisons({"*": "ignore", "image": "strict"})["image"] == "strict"
    assert parse_comparisons({"*": "ignore"})["env"] == "ignore"
    assert parse_comparisons(None)["networks"] == "allow_more_present"
    with pytest.raises(InvalidOption, match="unknown option 'colour'"):
        parse_comparisons({"colour": "strict"})
    with pytest.raises(InvalidOption, match="unknown comparison 'loose'"):
        parse_comparisons({"env": "loose"})


def test_updatable_options_are_the_documented_ones():
    assert set(UPDATE_FIELDS) == {
        "memory",
        "memory_reservation",
        "memory_swap",
        "cpus",
        "cpu_shares",
        "cpu_period",
        "cpu_quota",
        "cpuset_cpus",
        "cpuset_mems",
        "pids_limit",
        "blkio_weight",
        "restart_policy",
        "restart_retries",
    }


def test_default_comparisons_are_community_dockers():
    comparisons = parse_comparisons(None)
    for name in (
        "env",
        "labels",
        "etc_hosts",
        "exposed_ports",
        "sysctls",
        "tmpfs",
        "ulimits",
        "capabilities",
        "security_opts",
        "published_ports",
        "volumes",
        "mounts",
        "networks",
        "devices",
        "groups",
    ):
        assert comparisons[name] == "allow_more_present", name
    for name in ("command", "entrypoint", "dns_servers", "memory", "user", "image"):
        assert comparisons[name] == "strict", name
    assert comparisons["stop_timeout"] == "ignore"


def test_create_body_maps_the_view():
    view = view_of(
        params(
            command=["sleep", "1"],
            memory="64m",
            cpus=0.5,
            published_ports=["127.0.0.1:8080:80"],
            networks=[{"name": "front", "aliases": ["web"]}, {"name": "back"}],
            healthcheck={"test": "true", "interval": "2s"},
            restart_policy="always",
        ),
        IMAGE,
    )
    body = create_body(view, "sha256:img")
    host = body["HostConfig"]
    assert body["Image"] == "sha256:img"
    assert body["Cmd"] == ["sleep", "1"]
    assert host["Memory"] == 64 * 1024**2
    assert host["NanoCpus"] == 5 * 10**8
    assert host["PortBindings"] == {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]}
    assert host["NetworkMode"] == "front"
    assert body["NetworkingConfig"] == {"EndpointsConfig": {"front": {"Aliases": ["web"]}}}
    assert body["Healthcheck"]["Interval"] == 2 * 10**9
    assert host["RestartPolicy"] == {"Name": "always", "MaximumRetryCount": 0}
