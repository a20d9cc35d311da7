"""The parent cgroup, its cap, and containers under it, measured on each node (read with docker exec: conftest.py)."""

import os
import time

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("all")

CAP = 64 * 1024 * 1024


def parent(host) -> str:
    return host.backend.get_hostname()


def test_daemon_json_names_the_parent_and_driver(host):
    config = host.file("/etc/docker/daemon.json").content_string
    assert f'"cgroup-parent": "/{parent(host)}"' in config
    assert '"native.cgroupdriver=cgroupfs"' in config


def test_the_parent_has_the_cap(host):
    name = parent(host)
    assert int(host.file(f"/sys/fs/cgroup/memory/{name}/memory.limit_in_bytes").content_string) == CAP
    assert int(host.file(f"/sys/fs/cgroup/cpu/{name}/cpu.cfs_quota_us").content_string) == 100000


def test_a_container_sits_under_the_parent(host):
    name = parent(host)
    cid = host.check_output("docker run --pull never -d --name under noar-test/busybox:latest sleep 600")
    try:
        assert host.file(f"/sys/fs/cgroup/memory/{name}/{cid}").is_directory
    finally:
        host.run("docker rm -f under")


def test_two_containers_cannot_exceed_the_aggregate(host):
    """Each may use 96m, more than the 64m cap; together they try 80m."""
    name = parent(host)
    usage = f"/sys/fs/cgroup/memory/{name}/memory.max_usage_in_bytes"
    host.run(f"echo 0 > {usage}")
    ids = []
    for fill in ("fill-a", "fill-b"):
        ids.append(
            host.check_output(
                f"docker run --pull never -d --name {fill} -m 96m --memory-swap 96m --tmpfs /fill:size=90m "
                f"noar-test/busybox:latest sh -c 'dd if=/dev/zero of=/fill/x bs=1M count=40; sleep 600'"
            )
        )
        time.sleep(3)
    try:
        peak = int(host.file(usage).content_string)
        # Read from the containers' own cgroups: a new process in them would not fit under the cap.
        held = sum(int(host.file(f"/sys/fs/cgroup/memory/{name}/{cid}/memory.usage_in_bytes").content_string) for cid in ids)
        assert peak <= CAP, f"the parent used {peak} bytes, more than its cap"
        # Each was allowed 96m and asked for 40m; the kernel stopped the second short of 80m in all.
        assert held <= CAP < 80 * 1024 * 1024, f"the two containers hold {held} bytes under a {CAP}-byte cap"
    finally:
        host.run("docker rm -f fill-a fill-b")


def test_the_boot_loader_asks_for_cgroup_v2(host):
    grub = host.file("/etc/default/grub").content_string
    assert 'GRUB_CMDLINE_LINUX="console=ttyS0 systemd.unified_cgroup_hierarchy=1"' in grub
