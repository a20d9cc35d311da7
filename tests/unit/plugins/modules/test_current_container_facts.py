import pytest

from ansible_collections.noar.docker.plugins.modules.current_container_facts import detect

ID = "0123456789abcdef" * 4
# cgroup v2 with a private cgroup namespace names no container: the engine's hostname mount does.
MOUNTINFO_V2 = f"""\
612 590 0:52 / / rw,relatime master:232 - overlay overlay rw,lowerdir=/x
620 612 254:1 /var/lib/docker/containers/{ID}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda1 rw
621 612 254:1 /var/lib/docker/containers/{ID}/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw
"""


@pytest.mark.parametrize(
    "cgroup, mountinfo, dockerenv, containerenv, expected",
    [
        (f"12:cpuset:/docker/{ID}\n11:memory:/docker/{ID}\n", "", True, False, ("docker", ID)),
        (f"0::/system.slice/docker-{ID}.scope\n", "", True, False, ("docker", ID)),
        ("0::/\n", MOUNTINFO_V2, True, False, ("docker", ID)),
        # a data root on a file system of its own: the mount's root starts at that file system
        ("0::/\n", f"7 1 8:1 /containers/{ID}/hostname /etc/hostname rw - ext4 /dev/sdb rw\n", False, False, ("docker", ID)),
        (f"0::/machine.slice/libpod-{ID}.scope\n", "", False, True, ("podman", ID)),
        ("0::/\n", f"7 1 8:1 /containers/storage/overlay-containers/{ID}/userdata/hostname /etc/hostname rw - x y\n", False, True, ("podman", ID)),
        (f"1:name=systemd:/actions_job/{ID}\n", "", True, False, ("github_actions", ID)),
        (f"1:name=systemd:/azpl_job/{ID}\n", "", True, False, ("azure_pipelines", ID)),
        ("0::/\n", "", True, False, ("docker", "")),
        ("0::/\n", "", False, True, ("podman", "")),
        ("0::/init.scope\n", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n", False, False, ("", "")),
        ("", "", False, False, ("", "")),
    ],
)
def test_detect(cgroup, mountinfo, dockerenv, containerenv, expected):
    assert detect(cgroup, mountinfo, dockerenv, containerenv) == expected
