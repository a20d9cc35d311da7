from ansible_collections.noar.docker.plugins.inventory.containers import container_vars


def test_host_vars_from_a_container_list_entry():
    entry = {
        "Id": "a" * 64,
        "Names": ["/web-1"],
        "Image": "projeto/web:1",
        "Labels": {"tier": "web"},
        "State": "running",
        "NetworkSettings": {"Networks": {"front": {
            "IPAddress": "172.20.0.5", "GlobalIPv6Address": "", "Gateway": "172.20.0.1",
            "MacAddress": "02:42:ac:14:00:05", "Aliases": None}}},
    }
    assert container_vars(entry) == dict(
        docker_id="a" * 64, docker_name="web-1", docker_image="projeto/web:1", docker_labels={"tier": "web"},
        docker_state="running",
        docker_networks={"front": dict(ip="172.20.0.5", ipv6=None, gateway="172.20.0.1", mac="02:42:ac:14:00:05",
                                       aliases=[])},
    )


def test_a_container_without_names_or_networks():
    assert container_vars({"Id": "b" * 64}) == dict(
        docker_id="b" * 64, docker_name="b" * 12, docker_image=None, docker_labels={}, docker_state=None,
        docker_networks={})
