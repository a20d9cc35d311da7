# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import pytest
from ansible.errors import AnsibleParserError

from ansible_collections.noar.docker.plugins.inventory.containers import (
    container_vars,
    inspect_vars,
    read_filters,
    ssh_address,
)

INSPECT = {
    "Id": "a" * 64,
    "Name": "/web-1",
    "Image": "sha256:" + "c" * 64,
    "State": {"Status": "running", "Running": True},
    "Config": {"Image": "projeto/web:1", "Labels": {"tier": "web"}},
    "HostConfig": {"Memory": 0},
    "NetworkSettings": {
        "Ports": {"22/tcp": [{"HostIp": "0.0.0.0", "HostPort": "2222"}]},
        "Networks": {
            "front": {"IPAddress": "172.20.0.5", "GlobalIPv6Address": "", "Gateway": "172.20.0.1", "MacAddress": "02:42:ac:14:00:05", "Aliases": None}
        },
    },
}


def test_our_host_vars_from_inspect_data():
    assert container_vars(INSPECT) == dict(
        docker_id="a" * 64,
        docker_image_name="projeto/web:1",
        docker_labels={"tier": "web"},
        docker_status="running",
        docker_networks={"front": dict(ip="172.20.0.5", ipv6=None, gateway="172.20.0.1", mac="02:42:ac:14:00:05", aliases=[])},
    )


def test_a_container_without_config_or_networks():
    assert container_vars({"Id": "b" * 64}) == dict(docker_id="b" * 64, docker_image_name=None, docker_labels={}, docker_status=None, docker_networks={})


def test_inspect_keys_as_community_docker_names_them():
    named = inspect_vars(INSPECT)
    assert named["docker_hostconfig"] == {"Memory": 0}
    assert named["docker_state"]["Status"] == "running"
    assert named["docker_image"] == "sha256:" + "c" * 64
    assert named["docker_networksettings"] is INSPECT["NetworkSettings"]
    assert named["docker_name"] == "/web-1"


@pytest.mark.parametrize(
    "port, default_ip, expected",
    [
        (22, "127.0.0.1", ("127.0.0.1", 2222)),  # published on all addresses: the default address
        (22, "10.0.0.9", ("10.0.0.9", 2222)),
        (2022, "127.0.0.1", ("", 0)),  # not published
    ],
)
def test_ssh_address(port, default_ip, expected):
    assert ssh_address(INSPECT, port, default_ip) == expected


def test_ssh_address_on_one_address():
    inspect = {"NetworkSettings": {"Ports": {"22/tcp": [{"HostIp": "127.0.0.2", "HostPort": "22022"}]}}}
    assert ssh_address(inspect, 22, "127.0.0.1") == ("127.0.0.2", 22022)


def test_filters_as_conditions_or_as_engine_filters():
    assert read_filters([{"include": "a"}, {"exclude": True}], "x") == ([("include", "a"), ("exclude", True)], {})
    assert read_filters({"label": "tier=web"}, "x") == ([], {"label": "tier=web"})
    assert read_filters(None, "x") == ([], {})


@pytest.mark.parametrize("bad", [[{"keep": "a"}], [{"include": "a", "exclude": "b"}], ["include"]])
def test_filters_that_are_neither(bad):
    with pytest.raises(AnsibleParserError, match=r"x.yml: filters\[0\] must be a dict with one key, include or exclude"):
        read_filters(bad, "x.yml")
