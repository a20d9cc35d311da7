"""Network plans are data: what apply needs travels in each action's data, never in its display text."""

import pytest

from ansible_collections.noar.docker.plugins.module_utils.network import NetworkManager, parse_ipam_config
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

NETWORK = dict(
    Id="n1",
    Name="web",
    Driver="bridge",
    Scope="local",
    IPAM=dict(Driver="default", Config=[]),
    Containers={"c1": dict(Name="app", IPv4Address="172.18.0.2/16"), "c2": dict(Name="old", IPv4Address="172.18.0.3/16")},
)


class RecordingClient:
    """The engine calls a network plan's apply makes, recorded; the inspect data above is the engine."""

    api_version = "1.41"

    def __init__(self):
        self.calls = []

    def inspect_container(self, name):
        return dict(Id=f"id-{name}", Name=f"/{name}")

    def inspect_network(self, _name):
        return NETWORK

    def connect_container_to_network(self, container, network, **_kwargs):
        self.calls.append(("connect", container, network))

    def disconnect_container_from_network(self, container, network, **_kwargs):
        self.calls.append(("disconnect", container, network))


def params(**values):
    return dict(dict(name="web", state="present", driver="bridge", force=False, appends=False), **values)


def test_connect_and_disconnect_carry_the_container():
    client = RecordingClient()
    manager = NetworkManager(client, params(connected=["app", "new"]))
    plan = manager.plan(NETWORK)
    assert [(a.kind, a.target, a.data) for a in plan] == [
        ("connect", "new to web", dict(container="new")),
        ("disconnect", "old from web", dict(container="old")),
    ]
    # What apply does comes from the data: a changed display text changes nothing.
    for action in plan:
        action.target = "(shown to people)"
    manager.apply(plan)
    assert client.calls == [("connect", "new", "web"), ("disconnect", "old", "web")]


def test_a_forced_removal_disconnects_by_the_data():
    manager = NetworkManager(RecordingClient(), params(state="absent", force=True))
    plan = manager.plan(NETWORK)
    assert [(a.kind, a.data) for a in plan[:2]] == [
        ("disconnect", dict(container="app")),
        ("disconnect", dict(container="old")),
    ]
    assert plan[2].kind == "remove"


@pytest.mark.parametrize(
    "iprange, inside",
    [("172.30.0.128/25", True), ("172.30.0.0/24", True), ("172.30.1.0/25", False), ("172.29.0.0/16", False), ("fd00::/64", False)],
)
def test_an_iprange_must_be_inside_its_subnet_of_the_same_ip_version(iprange, inside):
    """An IPv6 range of an IPv4 subnet is refused by name (it was a TypeError from ipaddress)."""
    entry = dict(subnet="172.30.0.0/24", iprange=iprange)
    if inside:
        assert parse_ipam_config([entry])[0]["IPRange"] == iprange
    else:
        with pytest.raises(InvalidOption) as refused:
            parse_ipam_config([entry])
        assert (refused.value.option, str(refused.value)) == (
            "ipam_config[0].iprange",
            f"ipam_config[0].iprange: {iprange} is not inside the subnet 172.30.0.0/24",
        )
