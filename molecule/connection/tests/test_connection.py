"""What the connection scenario's converge left in the container, checked through the same connection.

testinfra's Ansible backend strips the trailing newline of what a command prints, so whole files are
compared by their sha256 (computed inside the container), not by their text.
"""

import hashlib
import os

import pytest
import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("all")


def motd(host) -> str:
    return f"Olá, projeto no ar on {host.backend.get_hostname()} (Debian 12)\n"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_copied_file_has_content_and_mode(host):
    copied = host.file("/etc/noar-copied.txt")
    assert copied.sha256sum == sha256("copied by the noar.docker.docker connection\n")
    assert copied.mode == 0o640
    assert copied.user == "root"


def test_template_rendered_with_facts(host):
    assert host.file("/etc/noar-motd").sha256sum == sha256(motd(host))


def test_package_installed_from_the_mirror(host):
    assert host.package("tree").is_installed
    assert host.run("tree --version").rc == 0


def test_file_written_by_the_become_user(host):
    mine = host.file("/home/noar/mine.txt")
    assert mine.user == "noar"
    assert mine.mode == 0o600
    assert mine.sha256sum == sha256("written as noar\n")


def test_fetched_copy_matches(host):
    fetched = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "fetched", host.backend.get_hostname(), "etc", "noar-motd")
    with open(fetched, encoding="utf-8") as local:
        assert local.read() == motd(host)


def test_systemd_platform_booted(host):
    if "systemd" not in host.ansible.get_variables().get("group_names", []):
        pytest.skip("not a systemd platform")
    assert host.run("systemctl is-system-running").stdout.strip() in ("running", "degraded")
    assert host.run("cat /proc/1/comm").stdout.strip() == "systemd"
