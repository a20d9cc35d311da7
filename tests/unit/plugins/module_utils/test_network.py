"""Network plans are data: what apply needs travels in each action's data, never in its display text."""

from ansible_collections.noar.docker.plugins.module_utils.network import NetworkManager

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
