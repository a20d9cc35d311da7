"""The swarm as each server reports it, over SSH as admin (sudo for the engine): one swarm of three servers,
projeto no ar answering on every one of them, the database and its volume on the labelled server."""

import json
import os

import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("all")

MANAGER = "noartest-mol-swarm-1"
DB_SERVER = "noartest-mol-swarm-2"
APP = "noartest-mol-swarm-pna"


def engine(host, call):
    """What the server's engine returns for ``call`` (a docker SDK expression on ``c``), as root."""
    # Through the SDK the engine role installs: testinfra's Ansible backend would template a Go --format string.
    script = f"import docker, json; c = docker.APIClient(); print(json.dumps({call}))"
    return json.loads(host.check_output(f"sudo python3 -c '{script}'"))


def test_reached_as_admin_over_ssh_who_becomes_root_with_sudo(host):
    assert host.user().name == "admin"
    assert host.check_output("sudo -n id -u") == "0"
    assert host.check_output("grep -c '^PermitRootLogin no' /etc/ssh/sshd_config.d/noar.conf") == "1"


def test_each_server_is_in_the_one_swarm(host):
    info = engine(host, "c.info()")
    assert info["Swarm"]["LocalNodeState"] == "active"
    assert info["LiveRestoreEnabled"] is False
    assert info["Swarm"]["ControlAvailable"] is True  # three managers


def test_the_first_manager_sees_three_ready_managers_and_the_db_label(host):
    if host.backend.get_hostname() != MANAGER:
        return
    nodes = {n["Description"]["Hostname"]: n for n in engine(host, "c.nodes()")}
    assert sorted(nodes) == [MANAGER, DB_SERVER, "noartest-mol-swarm-3"]
    assert all(n["Status"]["State"] == "ready" and n["Spec"]["Role"] == "manager" for n in nodes.values())
    assert nodes[DB_SERVER]["Spec"]["Labels"] == {"projeto.db": "true"}
    services = {s["Spec"]["Name"] for s in engine(host, "c.services()")}
    assert services == {f"{APP}_proxy", f"{APP}_web", f"{APP}_db"}


def test_every_service_is_limited_and_the_password_is_a_swarm_secret(host):
    if host.backend.get_hostname() != MANAGER:
        return
    services = {s["Spec"]["Name"]: s["Spec"]["TaskTemplate"] for s in engine(host, "c.services()")}
    for name, template in services.items():
        limits = template["Resources"]["Limits"]
        assert limits["MemoryBytes"] > 0 and limits["NanoCPUs"] > 0 and limits["Pids"] > 0, name
    secrets = {s["Spec"]["Name"] for s in engine(host, "c.secrets()")}
    for name in (f"{APP}_web", f"{APP}_db"):
        used = [ref["SecretName"] for ref in services[name]["ContainerSpec"]["Secrets"]]
        assert len(used) == 1 and used[0].startswith(f"{APP}_db_password") and used[0] in secrets


def test_the_proxy_answers_on_every_server(host):
    answer = host.check_output("python3 -c \"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=10).status)\"")
    assert answer == "200"


def test_the_database_and_its_volume_are_on_the_labelled_server(host):
    containers = engine(host, f'c.containers(filters={{"label": "com.docker.swarm.service.name={APP}_db"}})')
    volumes = [v["Name"] for v in engine(host, "c.volumes()")["Volumes"] or []]
    on_db_server = host.backend.get_hostname() == DB_SERVER
    assert len(containers) == (1 if on_db_server else 0)
    assert (f"{APP}_data" in volumes) is on_db_server
