# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Networks: the manager behind ``network``.

Only the containers a network has can change in place (connect, disconnect); anything else about it
(driver, options, IPAM, flags, labels) needs it recreated. A network with containers attached is
recreated only with ``force``, and then gets its containers back, with their aliases.
"""

from __future__ import annotations

import ipaddress
import time
from typing import Any

from ansible_collections.noar.docker.plugins.module_utils.client import (
    EngineError,
    api_post_json,
    engine_errors,
    engine_info,
    find,
    known_drivers,
    require,
    require_api,
)
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager, compare, differences
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption, parse_timestamp

BUILTIN_DRIVERS = ("bridge", "overlay", "macvlan", "ipvlan")
NOT_CREATABLE = ("host", "none", "null")
# Options and labels the engine or other tools add are not a difference.
COMPARISONS = dict(driver_options="allow_more_present", labels="allow_more_present", ipam_driver_options="allow_more_present")
# Words of the engine's refusals to create a network, and the option each points at (the first found wins).
REFUSALS = (
    ("ipv6", "enable_ipv6"),
    ("pool", "ipam_config"),
    ("subnet", "ipam_config"),
    ("gateway", "ipam_config"),
    ("pool", "ipam_driver"),
    ("ipam", "ipam_driver"),
    ("option", "driver_options"),
    ("driver", "driver"),
    ("label", "labels"),
)
# Options that need an Engine API newer than some engines speak, with the version that brought them.
NEWER_API = dict(enable_ipv4="1.47")


def _network(value: str, option: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise InvalidOption(option, f"{value!r} is not a network in CIDR form such as 172.30.0.0/24 ({exc})") from None


def _address(value: str, option: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise InvalidOption(option, f"{value!r} is not an IP address") from None


def parse_ipam_config(entries: list | None) -> list:
    """The IPAM pools as the engine writes them (Subnet, IPRange, Gateway, AuxiliaryAddresses), checked."""
    pools = []
    for index, entry in enumerate(entries or []):
        where = f"ipam_config[{index}]"
        subnet = entry.get("subnet")
        if not subnet:
            raise InvalidOption(where, "every pool needs a subnet")
        network = _network(subnet, f"{where}.subnet")
        pool: dict = dict(Subnet=str(network))
        if entry.get("iprange"):
            iprange = _network(entry["iprange"], f"{where}.iprange")
            # Both ends inside (subnet_of would raise TypeError for an IPv6 range of an IPv4 subnet).
            if not (iprange.network_address in network and iprange.broadcast_address in network):
                raise InvalidOption(f"{where}.iprange", f"{iprange} is not inside the subnet {network}")
            pool["IPRange"] = str(iprange)
        if entry.get("gateway"):
            gateway = _address(entry["gateway"], f"{where}.gateway")
            if gateway not in network:
                raise InvalidOption(f"{where}.gateway", f"{gateway} is not inside the subnet {network}")
            pool["Gateway"] = str(gateway)
        aux: dict = {}
        for host, address in (entry.get("aux_addresses") or {}).items():
            checked = _address(address, f"{where}.aux_addresses.{host}")
            if checked not in network:
                raise InvalidOption(f"{where}.aux_addresses.{host}", f"{checked} is not inside the subnet {network}")
            aux[str(host)] = str(checked)
        if aux:
            pool["AuxiliaryAddresses"] = aux
        pools.append(pool)
    return pools


def network_view(network: dict) -> dict:
    ipam = network.get("IPAM") or {}
    return dict(
        driver=network.get("Driver"),
        driver_options=network.get("Options") or {},
        ipam_driver=ipam.get("Driver") or "default",
        ipam_driver_options=ipam.get("Options") or {},
        ipam_config=[{k: v for k, v in pool.items() if v} for pool in ipam.get("Config") or []],
        enable_ipv6=bool(network.get("EnableIPv6")),
        internal=bool(network.get("Internal")),
        attachable=bool(network.get("Attachable")),
        scope=network.get("Scope"),
        labels=network.get("Labels") or {},
        ingress=bool(network.get("Ingress")),
        config_only=bool(network.get("ConfigOnly")),
        config_from=(network.get("ConfigFrom") or {}).get("Network") or "",
        enable_ipv4=network.get("EnableIPv4", True),
    )


def _creation_order(network: dict) -> tuple:
    """A sort key by creation time, then Id, so that every run picks the same network."""
    return parse_timestamp(network.get("Created")) or 0.0, network.get("Id") or ""


def attached(network: dict) -> dict:
    """Name -> endpoint of the containers attached to a network."""
    return {
        (endpoint.get("Name") or cid): dict(id=cid, ipv4=(endpoint.get("IPv4Address") or "").split("/")[0])
        for cid, endpoint in (network.get("Containers") or {}).items()
    }


# The network module's options (noar.docker.network), which compose and stack give their networks too.
NETWORK_ARGS: dict = dict(
    name=dict(type="str", required=True, aliases=["network_name"]),
    driver=dict(type="str", default="bridge"),
    driver_options=dict(type="dict"),
    ipam_driver=dict(type="str"),
    ipam_driver_options=dict(type="dict"),
    ipam_config=dict(
        type="list",
        elements="dict",
        options=dict(
            subnet=dict(type="str"),
            iprange=dict(type="str"),
            gateway=dict(type="str"),
            aux_addresses=dict(type="dict"),
        ),
    ),
    enable_ipv6=dict(type="bool"),
    internal=dict(type="bool"),
    attachable=dict(type="bool"),
    ingress=dict(type="bool"),
    config_only=dict(type="bool"),
    config_from=dict(type="str"),
    enable_ipv4=dict(type="bool"),
    scope=dict(type="str", choices=["local", "global", "swarm"]),
    labels=dict(type="dict"),
    connected=dict(type="list", elements="str", aliases=["containers"]),
    appends=dict(type="bool", default=False, aliases=["incremental"]),
    force=dict(type="bool", default=False),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


class NetworkManager(Manager):
    """Plans and applies one ``network`` task."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self.name = params["name"]
        self.network: dict | None = None
        self.created_id: str | None = None

    def read(self) -> dict | None:
        driver = None if self.params.get("config_only") else self.params.get("driver")
        if self.name in NOT_CREATABLE or driver in NOT_CREATABLE:
            raise InvalidOption(
                "name" if self.name in NOT_CREATABLE else "driver",
                "host and none are not networks to create: they are a container's network mode; set network_mode: host (or none) on noar.docker.container",
            )
        self.network = find(self.client, "network", self.name)
        return self.network

    def _desired(self) -> dict:
        p = self.params
        # The engine keeps a configuration-only network with the driver "null", whatever the request said.
        want = dict(driver="null" if p.get("config_only") else p.get("driver") or "bridge")
        if p.get("driver_options") is not None:
            want["driver_options"] = {str(k): str(v) for k, v in p["driver_options"].items()}
        if p.get("ipam_driver") is not None:
            want["ipam_driver"] = p["ipam_driver"]
        if p.get("ipam_driver_options") is not None:
            want["ipam_driver_options"] = {str(k): str(v) for k, v in p["ipam_driver_options"].items()}
        if p.get("ipam_config") is not None:
            want["ipam_config"] = parse_ipam_config(p["ipam_config"])
        if p.get("config_from") is not None:
            want["config_from"] = p["config_from"]
        for flag in ("enable_ipv4", "enable_ipv6", "internal", "attachable", "ingress", "config_only"):
            if p.get(flag) is not None:
                want[flag] = bool(p[flag])
        if p.get("scope") is not None:
            want["scope"] = p["scope"]
        if p.get("labels") is not None:
            want["labels"] = {str(k): str(v) for k, v in p["labels"].items()}
        # connect() imported the SDK.
        for option, version in NEWER_API.items():
            if option in want:
                require_api(self.client.api_version, option, version)
        return want

    def _check_ipam_driver(self, driver: str | None) -> None:
        """Besides the built-in ones, an IPAM driver is an enabled plugin; the engine says so only when creating."""
        if driver is None:
            return
        known = known_drivers(self.client, "IPAM", builtin=("default", "null"))
        if driver not in known:
            raise InvalidOption("ipam_driver", f"unknown IPAM driver {driver!r}; this engine has {', '.join(known)}")

    def _check_scope(self, scope: str | None, option: str = "scope") -> None:
        """Swarm, global and ingress networks need the engine in swarm mode; it says so only once asked to create one."""
        if scope in ("swarm", "global"):
            swarm = (engine_info(self.client).get("Swarm") or {}).get("LocalNodeState")
            if swarm != "active":
                kind = "ingress" if option == "ingress" else scope
                raise InvalidOption(
                    option, f"{kind} networks need the engine in swarm mode (its swarm state is {swarm or 'inactive'}): docker swarm init first"
                )

    def _check_driver(self, driver: str | None) -> None:
        if driver in BUILTIN_DRIVERS:
            if driver == "overlay":
                swarm = (engine_info(self.client).get("Swarm") or {}).get("LocalNodeState")
                if swarm != "active":
                    raise InvalidOption(
                        "driver", f"overlay networks need the engine in swarm mode (its swarm state is {swarm or 'inactive'}): docker swarm init first"
                    )
            return
        known = known_drivers(self.client, "Network")
        if driver not in known:
            raise InvalidOption("driver", f"unknown network driver {driver!r}; this engine has {', '.join(known)}")

    def _refuse_if_configuring(self, what: str) -> None:
        """The engine keeps a configuration-only network while networks take their settings from it."""
        if not (self.network or {}).get("ConfigOnly"):
            return
        with engine_errors("listing", "networks"):
            users = sorted(n["Name"] for n in self.client.networks() if (n.get("ConfigFrom") or {}).get("Network") == self.name)
        if users:
            raise EngineError(f"network {self.name} cannot be {what}: network(s) {', '.join(users)} take their configuration from it; remove them first")

    def _check_overlaps(self, pools: list) -> None:
        with engine_errors("listing", "networks"):
            others = self.client.networks()
        for pool in pools:
            mine = ipaddress.ip_network(pool["Subnet"])
            for other in others:
                # Networks made from this configuration-only one share its subnets by design.
                if other.get("Name") == self.name or (other.get("ConfigFrom") or {}).get("Network") == self.name:
                    continue
                for theirs in (other.get("IPAM") or {}).get("Config") or []:
                    if not theirs.get("Subnet"):
                        continue
                    their_net = ipaddress.ip_network(theirs["Subnet"], strict=False)
                    if their_net.version == mine.version and mine.overlaps(their_net):
                        raise InvalidOption("ipam_config", f"subnet {mine} overlaps {their_net} of network {other.get('Name')}")

    @staticmethod
    def _matches(name: str, kind: str, want: Any, have: Any) -> bool:
        if name == "ipam_config":
            # Each pool on the fields the task set; the engine fills in the gateway.
            return len(want) == len(have) and all(all(current.get(k) == v for k, v in pool.items()) for pool, current in zip(want, have))
        return compare(kind, want, have)

    def plan(self, actual: dict | None) -> list:
        p = self.params
        if p["state"] == "absent":
            if actual is None:
                return []
            self._refuse_if_configuring("removed")
            users = attached(actual)
            if users and not p.get("force"):
                raise EngineError(
                    f"network {self.name} has container(s) {', '.join(sorted(users))} attached; "
                    "disconnect them, or set force=true to disconnect them and remove the network"
                )
            plan = [Action("disconnect", f"{name} from {self.name}", data=dict(container=name)) for name in sorted(users)]
            plan.append(Action("remove", self.name, before=network_view(actual), after=dict(state="absent")))
            return plan
        want = self._desired()
        wanted_containers = list(p.get("connected") or [])
        for name in wanted_containers:
            require(self.client, "container", name, "connected")
        have_containers = attached(actual) if actual is not None else {}
        differs = differences(want, network_view(actual), COMPARISONS, self._matches) if actual is not None else {}
        if actual is None or differs:
            # What the engine would refuse only while creating is checked before anything changes.
            self._check_driver(want["driver"])
            self._check_scope(want.get("scope"))
            if want.get("ingress"):
                self._check_scope("swarm", "ingress")
            self._check_ipam_driver(want.get("ipam_driver"))
            self._check_overlaps(want.get("ipam_config") or [])
            if want.get("config_from"):
                source = require(self.client, "network", want["config_from"], "config_from")
                if not source.get("ConfigOnly"):
                    raise InvalidOption("config_from", f"network {want['config_from']} is not a configuration-only network (made with config_only: true)")
        plan = []
        if actual is None:
            plan.append(Action("create", self.name, before=dict(state="absent"), after=dict(want), data=dict(want=want)))
        elif differs:
            if have_containers and not p.get("force"):
                raise EngineError(
                    f"network {self.name} differs ({', '.join(sorted(differs))}) and must be recreated, but has "
                    f"container(s) {', '.join(sorted(have_containers))} attached: set force=true to recreate it "
                    "and reconnect them"
                )
            self._refuse_if_configuring("recreated")
            plan.append(
                Action(
                    "recreate",
                    self.name,
                    before={k: v[0] for k, v in differs.items()},
                    after={k: v[1] for k, v in differs.items()},
                    reason="changed: " + ", ".join(sorted(differs)),
                    data=dict(want=want, reconnect=have_containers),
                )
            )
        for name in wanted_containers:
            if name not in have_containers and not any(e["id"].startswith(name) for e in have_containers.values()):
                plan.append(Action("connect", f"{name} to {self.name}", after=dict(connected=name), data=dict(container=name)))
        if not p.get("appends") and p.get("connected") is not None:
            for name in sorted(have_containers):
                if name not in wanted_containers:
                    plan.append(Action("disconnect", f"{name} from {self.name}", before=dict(connected=name), data=dict(container=name)))
        return plan

    def apply(self, plan: list) -> None:
        for action in plan:
            if action.kind == "disconnect":
                container = action.data["container"]
                with engine_errors("disconnecting", f"container {container} from network {self.name}"):
                    self.client.disconnect_container_from_network(container, self.name, force=True)
            elif action.kind == "connect":
                container = action.data["container"]
                with engine_errors("connecting", f"container {container} to network {self.name}"):
                    self.client.connect_container_to_network(container, self.name)
            elif action.kind == "remove":
                self._remove()
            elif action.kind == "create":
                self._create(action.data["want"])
            elif action.kind == "recreate":
                self._recreate(action.data["want"], action.data["reconnect"])
        # By the Id the engine answered with; a swarm-scoped network reaches the manager's store a moment after
        # the create returns, and may first be listed there without its driver, so a new one is read again for a
        # few seconds until it is there whole.
        self.network = find(self.client, "network", self.created_id or self.name)
        deadline = time.monotonic() + 10
        while self.created_id and not (self.network or {}).get("Driver") and time.monotonic() < deadline:
            time.sleep(0.2)
            self.network = find(self.client, "network", self.created_id)

    def _remove(self) -> None:
        with engine_errors("removing", f"network {self.name}"):
            self.client.remove_network((self.network or {}).get("Id") or self.name)

    def _create(self, want: dict) -> None:
        # The request body is written here: the SDK's create_network has no ConfigOnly, ConfigFrom or EnableIPv4.
        body = dict(
            Name=self.name,
            Driver=want["driver"],
            CheckDuplicate=True,
            Internal=want.get("internal", False),
            EnableIPv6=want.get("enable_ipv6", False),
            Ingress=want.get("ingress", False),
            ConfigOnly=want.get("config_only", False),
        )
        if want.get("ipam_config") or want.get("ipam_driver") or want.get("ipam_driver_options"):
            body["IPAM"] = dict(
                Driver=want.get("ipam_driver") or "default", Config=want.get("ipam_config") or [], Options=want.get("ipam_driver_options") or {}
            )
        optional = dict(
            Options=want.get("driver_options"),
            Labels=want.get("labels"),
            Scope=want.get("scope"),
            Attachable=want.get("attachable"),
            EnableIPv4=want.get("enable_ipv4"),
            ConfigFrom=dict(Network=want["config_from"]) if want.get("config_from") else None,
        )
        body.update({key: value for key, value in optional.items() if value is not None})
        try:
            with engine_errors("creating", f"network {self.name}"):
                self.created_id = api_post_json(self.client, "/networks/create", body=body).get("Id")
        except EngineError as exc:
            option = next((option for word, option in REFUSALS if word in exc.msg.lower() and option in want), None)
            raise (InvalidOption(option, exc.msg) if option else exc) from None
        self._settle_duplicates()

    def _settle_duplicates(self) -> None:
        """Two runs that create the same network at once both succeed (the engine's CheckDuplicate is no lock): of
        the networks of this name, the oldest is kept, and each run that made a younger one removes its own."""
        with engine_errors("listing", f"the networks named {self.name}"):
            same = [n for n in self.client.networks(names=[self.name]) if n.get("Name") == self.name]
        if len(same) < 2 or not self.created_id:
            return
        oldest = min(same, key=_creation_order)
        if oldest["Id"] != self.created_id:
            with engine_errors("removing", f"a second network {self.name} made at the same time as another run's"):
                self.client.remove_network(self.created_id)
            self.created_id = oldest["Id"]

    def _recreate(self, want: dict, reconnect: dict) -> None:
        """Disconnect its containers (``reconnect``: name -> endpoint), remove, create, and connect them again
        with their aliases."""
        endpoints = {}
        for name, endpoint in reconnect.items():
            container = find(self.client, "container", endpoint["id"]) or {}
            settings = ((container.get("NetworkSettings") or {}).get("Networks") or {}).get(self.name) or {}
            endpoints[name] = [a for a in (settings.get("Aliases") or []) if not endpoint["id"].startswith(a)]
            with engine_errors("disconnecting", f"container {name} from network {self.name}"):
                self.client.disconnect_container_from_network(endpoint["id"], self.name, force=True)
        self._remove()
        self._create(want)
        for name, aliases in endpoints.items():
            with engine_errors("reconnecting", f"container {name} to network {self.name}"):
                self.client.connect_container_to_network(name, self.name, aliases=aliases or None)

    def result(self) -> dict:
        return dict(network=self.network or {})
