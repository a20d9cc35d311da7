import pytest

from ansible_collections.noar.docker.plugins.module_utils.container_stats import memory_in_use, summarise_stats
from ansible_collections.noar.docker.plugins.module_utils.limits import format_cpuset, parse_cpuset
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption


@pytest.mark.parametrize("text, expected", [
    ("0", {0}), ("0-2", {0, 1, 2}), ("0,2-3", {0, 2, 3}), (" 1 , 3 ", {1, 3}),
])
def test_cpusets(text, expected):
    assert parse_cpuset(text, "cpuset_cpus") == expected


@pytest.mark.parametrize("text", ["a", "1-", "3-1", "1,,2"])
def test_bad_cpusets_name_the_option(text):
    with pytest.raises(InvalidOption) as error:
        parse_cpuset(text, "cpuset_cpus")
    assert error.value.option == "cpuset_cpus"


def test_memory_in_use_leaves_out_what_the_kernel_can_drop():
    assert memory_in_use({"memory_stats": {"usage": 100, "stats": {"total_inactive_file": 30, "cache": 50}}}) == 70
    assert memory_in_use({"memory_stats": {"usage": 100, "stats": {"inactive_file": 10}}}) == 90
    assert memory_in_use({"memory_stats": {"usage": 100, "stats": {"cache": 40}}}) == 60
    assert memory_in_use({"memory_stats": {}}) == 0


STATS = {
    "cpu_stats": {"cpu_usage": {"total_usage": 3_000_000}, "system_cpu_usage": 200_000_000, "online_cpus": 2},
    "precpu_stats": {"cpu_usage": {"total_usage": 1_000_000}, "system_cpu_usage": 100_000_000},
    "memory_stats": {"usage": 50 * 2**20, "limit": 100 * 2**20, "stats": {"total_inactive_file": 0}},
    "pids_stats": {"current": 3, "limit": 50},
    "networks": {"eth0": {"rx_bytes": 10, "tx_bytes": 20}, "eth1": {"rx_bytes": 1, "tx_bytes": 2}},
    "blkio_stats": {"io_service_bytes_recursive": [
        {"op": "Read", "value": 4096}, {"op": "Write", "value": 8192}, {"op": "Total", "value": 12288}]},
    "read": "2026-12-01T09:00:00.5Z",
}
CONTAINER = {"Id": "c" * 64, "Name": "/web-1", "State": {"Status": "running", "OOMKilled": True}, "RestartCount": 2,
             "HostConfig": {"Memory": 100 * 2**20, "NanoCpus": 500_000_000, "PidsLimit": 50}}


def test_a_snapshot_is_computed_as_docker_stats_does():
    snapshot = summarise_stats(STATS, CONTAINER)
    assert snapshot["name"] == "web-1"
    assert snapshot["cpu_percent"] == 4.0
    assert snapshot["memory_usage"] == 50 * 2**20
    assert snapshot["memory_percent"] == 50.0
    assert (snapshot["pids_current"], snapshot["pids_limit"]) == (3, 50)
    assert (snapshot["network_rx_bytes"], snapshot["network_tx_bytes"]) == (11, 22)
    assert (snapshot["block_read_bytes"], snapshot["block_write_bytes"]) == (4096, 8192)
    assert snapshot["limits"]["cpus"] == 0.5
    assert snapshot["limits"]["memory_swap"] is None
    assert (snapshot["read"], snapshot["restart_count"], snapshot["oom_killed"]) == ("2026-12-01T09:00:00.5Z", 2, True)


def test_a_stopped_container_reads_zero():
    snapshot = summarise_stats({"read": "0001-01-01T00:00:00Z"}, {"Id": "d" * 64, "Name": "/old", "State": {"Status": "exited"}})
    assert snapshot["cpu_percent"] == 0.0 and snapshot["memory_percent"] == 0.0 and snapshot["pids_limit"] is None
    assert snapshot["read"] is None and snapshot["restart_count"] == 0 and snapshot["oom_killed"] is False


def test_cpusets_are_written_back_as_ranges():
    assert format_cpuset({0, 1, 2, 4, 6, 7}) == "0-2,4,6-7"
    assert format_cpuset(set(range(2, 4096))) == "2-4095"


class BlindEngine:
    """An engine that cannot read a container's cgroups: stats without memory figures."""

    @staticmethod
    def stats(*args, **kwargs):
        return {"memory_stats": {}}


def test_memory_not_compared_with_use_says_so():
    from ansible_collections.noar.docker.plugins.module_utils.limits import check_container

    container = {"Id": "c1", "Name": "/web", "State": {"Running": True}}
    warnings: list = []
    check_container(BlindEngine(), container, {"memory": 64 * 1024 ** 2}, ["memory"], warnings=warnings)
    assert warnings == ["container web: the engine reports no memory usage (it cannot read the container's cgroups), "
                        "so the new memory limit was not compared with what it uses"]
