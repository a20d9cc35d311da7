import pytest

from ansible_collections.noar.docker.plugins.module_utils.container_stats import (
    cgroup_memory_in_use,
    memory_in_use,
    oom_kills,
    summarise_stats,
)
from ansible_collections.noar.docker.plugins.module_utils.limits import format_cpuset, parse_cpuset
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0", {0}),
        ("0-2", {0, 1, 2}),
        ("0,2-3", {0, 2, 3}),
        (" 1 , 3 ", {1, 3}),
    ],
)
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
    "blkio_stats": {"io_service_bytes_recursive": [{"op": "Read", "value": 4096}, {"op": "Write", "value": 8192}, {"op": "Total", "value": 12288}]},
    "read": "2026-12-01T09:00:00.5Z",
}
CONTAINER = {
    "Id": "c" * 64,
    "Name": "/web-1",
    "State": {"Status": "running", "OOMKilled": True},
    "RestartCount": 2,
    "HostConfig": {"Memory": 100 * 2**20, "NanoCpus": 500_000_000, "PidsLimit": 50},
}


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


RUNNING = {"Id": "e" * 64, "State": {"Running": True, "Pid": 4321}}


def cgroup_tree(tmp_path, proc_line, counter_file, text):
    """A /proc/PID/cgroup and the cgroup file it points at, under tmp_path."""
    (tmp_path / "proc" / "4321").mkdir(parents=True)
    (tmp_path / "proc" / "4321" / "cgroup").write_text(proc_line)
    counter = tmp_path / "cgroup" / counter_file
    counter.parent.mkdir(parents=True)
    counter.write_text(text)
    return dict(proc=str(tmp_path / "proc"), cgroup_root=str(tmp_path / "cgroup"))


@pytest.mark.parametrize(
    "proc_line, counter_file, text",
    [
        # cgroup v1, cgroupfs driver
        (
            "12:pids:/docker/" + "e" * 64 + "\n4:memory:/docker/" + "e" * 64 + "\n",
            "memory/docker/" + "e" * 64 + "/memory.oom_control",
            "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n",
        ),
        # hybrid: the unified hierarchy (0::) is mounted elsewhere, the v1 memory one is read
        ("0::/docker/" + "e" * 64 + "\n4:memory:/docker/" + "e" * 64 + "\n", "memory/docker/" + "e" * 64 + "/memory.oom_control", "oom_kill 3\n"),
        # cgroup v2, systemd driver
        (
            "0::/system.slice/docker-" + "e" * 64 + ".scope\n",
            "system.slice/docker-" + "e" * 64 + ".scope/memory.events",
            "low 0\nhigh 0\nmax 9\noom 3\noom_kill 3\n",
        ),
    ],
)
def test_oom_kills_come_from_the_containers_own_cgroup(tmp_path, proc_line, counter_file, text):
    assert oom_kills(RUNNING, **cgroup_tree(tmp_path, proc_line, counter_file, text)) == 3


def test_oom_kills_are_none_when_the_cgroup_is_not_the_containers(tmp_path):
    # A PID of another machine's engine, or a process that has gone: its cgroup does not name the container.
    where = cgroup_tree(tmp_path, "4:memory:/user.slice\n", "memory/user.slice/memory.oom_control", "oom_kill 7\n")
    assert oom_kills(RUNNING, **where) is None
    assert oom_kills({"Id": "e" * 64, "State": {"Running": False, "Pid": 0}}, **where) is None
    assert oom_kills(dict(RUNNING, State={"Running": True, "Pid": 999}), **where) is None


def memory_tree(tmp_path, proc_line, folder, files):
    (tmp_path / "proc" / "4321").mkdir(parents=True)
    (tmp_path / "proc" / "4321" / "cgroup").write_text(proc_line)
    for name, text in files.items():
        path = tmp_path / "cgroup" / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return dict(proc=str(tmp_path / "proc"), cgroup_root=str(tmp_path / "cgroup"))


@pytest.mark.parametrize(
    "proc_line, folder, files",
    [
        (
            "4:memory:/docker/" + "e" * 64 + "\n",
            "memory/docker/" + "e" * 64,
            {"memory.usage_in_bytes": "10485760\n", "memory.stat": "cache 4096\ninactive_file 1\ntotal_inactive_file 2097152\n"},
        ),
        (
            "0::/system.slice/docker-" + "e" * 64 + ".scope\n",
            "system.slice/docker-" + "e" * 64 + ".scope",
            {"memory.current": "10485760\n", "memory.stat": "anon 1\ninactive_file 2097152\nactive_file 3\n"},
        ),
    ],
)
def test_memory_in_use_is_read_from_the_containers_cgroup_as_docker_stats_counts_it(tmp_path, proc_line, folder, files):
    """The same figure memory_in_use makes of the engine's stats: usage less the inactive page cache."""
    where = memory_tree(tmp_path, proc_line, folder, files)
    assert cgroup_memory_in_use(RUNNING, **where) == 8 * 1024**2
    stats = {"memory_stats": {"usage": 10485760, "stats": {"total_inactive_file": 2097152}}}
    assert memory_in_use(stats) == 8 * 1024**2


def test_memory_in_use_is_none_when_the_cgroup_is_not_the_containers(tmp_path):
    where = memory_tree(tmp_path, "4:memory:/user.slice\n", "memory/user.slice", {"memory.usage_in_bytes": "5\n"})
    assert cgroup_memory_in_use(RUNNING, **where) is None
    assert cgroup_memory_in_use(dict(RUNNING, State={"Running": False, "Pid": 0}), **where) is None


class CountingEngine:
    """An engine whose stats calls are counted: a local engine's container is read from its cgroup instead."""

    def __init__(self):
        self.calls = 0

    def stats(self, *args, **kwargs):
        self.calls += 1
        return {"memory_stats": {"usage": 1}}


def test_a_local_engine_is_not_asked_for_stats_when_the_cgroup_answers(monkeypatch):
    from ansible_collections.noar.docker.plugins.module_utils import limits

    engine = CountingEngine()
    container = {"Id": "c1", "Name": "/web", "State": {"Running": True}}
    monkeypatch.setattr(limits, "cgroup_memory_in_use", lambda container: 100 * 1024**2)
    with pytest.raises(InvalidOption, match="below what it uses now"):
        limits.check_container(engine, container, {"memory": 64 * 1024**2}, ["memory"], local=True)
    assert engine.calls == 0
    monkeypatch.setattr(limits, "cgroup_memory_in_use", lambda container: None)
    limits.check_container(engine, container, {"memory": 64 * 1024**2}, ["memory"], local=True)
    assert engine.calls == 1


def test_oom_kills_are_read_only_for_an_engine_on_this_machine():
    assert summarise_stats(STATS, CONTAINER)["oom_kills"] is None


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
    check_container(BlindEngine(), container, {"memory": 64 * 1024**2}, ["memory"], warnings=warnings)
    assert warnings == [
        "container web: the engine reports no memory usage (it cannot read the container's cgroups), so the new memory limit was not compared with what it uses"
    ]


@pytest.mark.parametrize(
    "host, merged, changes, refused",
    [
        # The container has a CFS period (or quota); the task changes only cpus, so its view does not name them.
        ({"CpuPeriod": 100000}, {"cpus": 10**9}, ["cpus"], True),
        ({"CpuQuota": 50000}, {"cpus": 10**9}, ["cpus"], True),
        ({"NanoCpus": 10**9}, {"cpu_period": 100000}, ["cpu_period"], True),
        # Quota -1 (unlimited) and 0 are not a limit; clearing both at once leaves cpus alone.
        ({"CpuQuota": -1}, {"cpus": 10**9}, ["cpus"], False),
        ({"CpuPeriod": 100000, "CpuQuota": 50000}, {"cpus": 10**9, "cpu_period": 0, "cpu_quota": 0}, ["cpus", "cpu_period", "cpu_quota"], False),
        ({"CpuPeriod": 100000}, {"memory": 64 * 1024**2}, ["memory"], False),
    ],
)
def test_cpus_and_a_cfs_period_are_refused_in_place_as_at_create_time(host, merged, changes, refused):
    """One rule (cpu_conflict) for create time and for a change in place, on what the container would have."""
    from ansible_collections.noar.docker.plugins.module_utils.container_options import check_together, cpu_conflict
    from ansible_collections.noar.docker.plugins.module_utils.limits import check_container

    container = {"Id": "c1", "Name": "/web", "State": {"Running": False}, "HostConfig": host}
    if refused:
        with pytest.raises(InvalidOption, match="^cpus: container web: cpus cannot be set with cpu_period or cpu_quota"):
            check_container(None, container, merged, changes)
    else:
        check_container(None, container, merged, changes)
    assert cpu_conflict({"cpus": 10**9, "cpu_period": 100000}) is not None
    with pytest.raises(InvalidOption, match="^cpus: cannot be set with cpu_period or cpu_quota"):
        check_together({"cpus": 10**9, "cpu_quota": 50000})


MIB = 1024**2


@pytest.mark.parametrize(
    "view, option, why",
    [
        ({"memory": 1 * MIB}, "memory", "1m is below the engine's minimum of 6m"),
        ({"memory": 64 * MIB, "memory_swap": 32 * MIB}, "memory_swap", "32m is below memory (64m); it counts memory plus swap, so it must be at least memory"),
        ({"memory_swap": 32 * MIB}, "memory_swap", "needs a memory limit (the engine takes memory_swap only with memory)"),
        ({"memory": 64 * MIB, "memory_reservation": 128 * MIB}, "memory_reservation", "128m is above memory (64m)"),
        (
            {"restart_policy": "always", "restart_retries": 3},
            "restart_retries",
            "applies only with restart_policy on-failure; the restart policy would be 'always'",
        ),
        ({"cpus": 10**9, "cpu_quota": 50000}, "cpus", "cannot be set with cpu_period or cpu_quota: the engine takes one way of limiting CPU or the other"),
    ],
)
def test_each_rule_refuses_the_same_at_create_time_and_in_place(view, option, why):
    """limit_problems holds the rules once: create (check_together) and docker update (check_container) give the same
    refusal, the second naming the container."""
    from ansible_collections.noar.docker.plugins.module_utils.container_options import check_together
    from ansible_collections.noar.docker.plugins.module_utils.limits import check_container

    with pytest.raises(InvalidOption) as at_create:
        check_together(view)
    assert str(at_create.value) == f"{option}: {why}"
    container = {"Id": "c1", "Name": "/web", "State": {"Running": False}, "HostConfig": {}}
    with pytest.raises(InvalidOption) as in_place:
        check_container(None, container, view, list(view))
    assert str(in_place.value) == f"{option}: container web: {option} {why}"
    # A change in place that takes no part in the rule leaves it to the container as it is.
    check_container(None, container, view, ["pids_limit"])
