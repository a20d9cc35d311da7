"""What the engine role left on each node, read with docker exec (conftest.py)."""

import json
import os

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("all")

HARDENED = {
    "live-restore": True,
    "log-driver": "local",
    "log-opts": {"max-size": "10m", "max-file": "3"},
    "no-new-privileges": True,
    "icc": False,
    "userland-proxy": True,  # relaxed in molecule.yml: /proc/sys is read-only in the nodes
}


def test_daemon_json_has_the_hardened_defaults(host):
    daemon_json = host.file("/etc/docker/daemon.json")
    assert daemon_json.mode == 0o644
    assert daemon_json.user == "root"
    # nofile as molecule.yml sets it (16384), lowered by the role to the node's hard limit where that is lower (no
    # container could start above it); the cgroups role's parent and driver (test_cgroups.py measures them).
    node_max = int(host.check_output("sh -c 'ulimit -Hn'"))
    nofile = min(16384, node_max)
    wanted = dict(
        HARDENED,
        **{
            "default-ulimits": {"nofile": {"Name": "nofile", "Soft": nofile, "Hard": nofile}},
            "cgroup-parent": "/" + host.backend.get_hostname(),
            "exec-opts": ["native.cgroupdriver=cgroupfs"],
        },
    )
    assert json.loads(daemon_json.content_string) == wanted


def test_the_daemon_runs_with_those_settings(host):
    # Through the SDK the role installs: testinfra's Ansible backend would template a Go --format string.
    info = json.loads(host.check_output("python3 -c 'import docker, json; print(json.dumps(docker.from_env().info()))'"))
    assert info["LoggingDriver"] == "local"
    assert info["LiveRestoreEnabled"] is True
    assert info["CgroupDriver"] == "cgroupfs"


def test_a_user_of_the_docker_group_runs_docker(host):
    assert "docker" in host.user("noaruser").groups
    assert host.run("su -s /bin/sh noaruser -c 'docker ps'").rc == 0


def test_a_container_runs_inside_with_an_enforced_memory_limit(host):
    limit = host.check_output("docker run --pull never --rm -m 32m --memory-swap 32m noar-test/busybox:latest cat /sys/fs/cgroup/memory/memory.limit_in_bytes")
    assert int(limit) == 32 * 1024 * 1024
    # Filling a tmpfs past the limit gets the container OOM-killed by the node's engine.
    grown = host.run(
        "docker run --pull never --rm -m 16m --memory-swap 16m --tmpfs /fill:size=64m noar-test/busybox:latest dd if=/dev/zero of=/fill/x bs=1M count=48"
    )
    assert grown.rc == 137
