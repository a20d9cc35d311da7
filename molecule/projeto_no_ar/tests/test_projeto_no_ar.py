"""projeto no ar as molecule's converge left it, checked through the proxy and with docker inspect."""

import json
import os

import pytest
import testinfra.utils.ansible_runner

testinfra_hosts = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"]).get_hosts("all")

NAME = "noartest-mol-pna"
URL = "http://127.0.0.1:18473/"
WEB = [f"{NAME}-web1-1.0.0", f"{NAME}-web2-1.0.0"]
MiB = 1024 * 1024


def get(host, url=URL):
    return json.loads(
        host.check_output("python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' " + url)
    )


def inspect(host, name):
    return json.loads(host.check_output(f"docker inspect {name}"))[0]


def test_the_proxy_answers_and_the_counter_goes_up(host):
    first = get(host)
    second = get(host)
    assert second["visits"] > first["visits"]
    assert first["version"] == "1.0.0"
    assert first["hostname"] in WEB


def test_both_replicas_serve(host):
    assert {get(host)["hostname"] for _request in range(8)} == set(WEB)


def test_the_data_survived_a_recreated_database(host):
    before = int(host.file(f"/tmp/{NAME}/visits-before-recreate").content_string)
    assert get(host)["visits"] > before + 1


@pytest.mark.parametrize(
    "name, memory, nano_cpus, pids",
    [
        (WEB[0], 128 * MiB, 500_000_000, 64),
        (WEB[1], 128 * MiB, 500_000_000, 64),
        (f"{NAME}-db", 256 * MiB, 1_000_000_000, 128),
        (f"{NAME}-proxy", 64 * MiB, 500_000_000, 64),
    ],
)
def test_each_container_is_limited_healthy_and_restarted(host, name, memory, nano_cpus, pids):
    c = inspect(host, name)
    assert c["HostConfig"]["Memory"] == memory
    assert c["HostConfig"]["NanoCpus"] == nano_cpus
    assert c["HostConfig"]["PidsLimit"] == pids
    assert c["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"
    assert c["HostConfig"]["LogConfig"] == {"Type": "local", "Config": {"max-size": "10m", "max-file": "3"}}
    assert c["Config"]["Healthcheck"]["Test"]
    assert c["State"]["Health"]["Status"] == "healthy"
    assert c["HostConfig"]["ReadonlyRootfs"] is True


def test_web_runs_as_a_user_with_a_tmpfs(host):
    for name in WEB:
        c = inspect(host, name)
        assert c["Config"]["User"] == "10001:10001"
        assert "/tmp" in c["HostConfig"]["Tmpfs"]
        assert host.check_output(f"docker exec {name} id -u") == "10001"
        assert host.run(f"docker exec {name} touch /app/x").rc != 0


def test_only_the_proxy_publishes_and_only_on_loopback(host):
    assert inspect(host, f"{NAME}-proxy")["HostConfig"]["PortBindings"] == {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "18473"}]}
    for name in WEB + [f"{NAME}-db"]:
        assert not inspect(host, name)["HostConfig"]["PortBindings"]


def test_the_proxy_cannot_reach_the_database(host):
    back = inspect(host, f"{NAME}-back")
    assert back["Internal"] is True
    db_ip = inspect(host, f"{NAME}-db")["NetworkSettings"]["Networks"][f"{NAME}-back"]["IPAddress"]
    reach = "exec 3<>/dev/tcp/{}/5432"
    # web can (positive control), the proxy cannot: neither by name nor by address.
    assert host.run(f"docker exec {WEB[0]} bash -c '{reach.format(db_ip)}'").rc == 0
    assert host.run(f"docker exec {NAME}-proxy timeout 5 bash -c '{reach.format(db_ip)}'").rc != 0
    assert host.run(f"docker exec {NAME}-proxy timeout 5 bash -c '{reach.format('db')}'").rc != 0
    assert f"{NAME}-back" not in inspect(host, f"{NAME}-proxy")["NetworkSettings"]["Networks"]


def test_the_database_keeps_its_data_on_the_named_volume(host):
    mounts = {m["Destination"]: m for m in inspect(host, f"{NAME}-db")["Mounts"]}
    assert mounts["/var/lib/postgresql/data"]["Type"] == "volume"
    assert mounts["/var/lib/postgresql/data"]["Name"] == f"{NAME}-db-data"
    proxy_mounts = {m["Destination"]: m for m in inspect(host, f"{NAME}-proxy")["Mounts"]}
    assert proxy_mounts["/etc/nginx/noar"]["Type"] == "bind"
    assert proxy_mounts["/etc/nginx/noar"]["RW"] is False


def test_the_password_is_a_file_readable_by_the_app_only(host):
    secret = host.file(f"/tmp/{NAME}/home/secrets/db_password")
    assert secret.mode == 0o440
    assert secret.user == "root"
    for name in WEB + [f"{NAME}-db"]:
        env = inspect(host, name)["Config"]["Env"]
        assert not [e for e in env if "PASSWORD=" in e and not e.startswith("DB_PASSWORD_FILE=")]
