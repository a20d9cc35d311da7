"""Faults injected while the collection's playbooks run against the real engine (./noar chaos).

Each scenario injects its fault, asserts the immediate outcome (a clear error or a correct result), then
runs the same play again and asserts that it converges with nothing lost. Everything is named
noartest-chaos-<hex> and removed at the end, whatever happened (conftest.py).
"""

import base64
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest
from chaos import (  # pylint: disable=import-error
    ENGINE,
    ENV,
    HERE,
    PREFIX,
    WORK,
    command,
    containers,
    converged,
    expect,
    failed_clearly,
    finish,
    free_port,
    get,
    module,
    named,
    play,
    start,
    wait_for,
)

# -- many commands through the connection while the other scenarios run (500; ./noar test runs 200)


STRESS_COUNT = int(os.environ.get("NOAR_CHAOS_COMMANDS", "500"))


@pytest.fixture(scope="module", autouse=True)
def stress():
    """A node booting systemd, and the stress play started against it: it runs while the scenarios below do,
    until test_commands_through_the_connection waits for it (before the engine restarts)."""
    node = ENGINE.containers.run(
        "noar-test/debian-systemd:bookworm",
        name=f"{PREFIX}-node",
        detach=True,
        hostname=f"{PREFIX}-node",
        cap_add=["ALL"],
        cap_drop=["SYS_RESOURCE"],
        cgroupns="host",
        tmpfs={"/run": "", "/run/lock": ""},
        security_opt=["seccomp=unconfined", "apparmor=unconfined", "no-new-privileges=false"],
        volumes={"/sys/fs/cgroup": dict(bind="/sys/fs/cgroup", mode="rw")},
    )
    wait_for(
        lambda: node.exec_run(["systemctl", "is-system-running", "--wait"]).output.strip() in (b"running", b"degraded"),
        timeout=60,
        step=1,
        what="systemd to boot",
    )
    log = open(os.path.join(WORK, "stress.log"), "w+", encoding="utf-8")  # pylint: disable=consider-using-with
    running = subprocess.Popen(
        [
            "ansible-playbook",
            "-i",
            f"{node.name},",
            "-e",
            "ansible_connection=noar.docker.docker",
            "-e",
            "ansible_python_interpreter=/usr/bin/python3",
            "-e",
            "ansible_pipelining=false",
            "-e",
            f"count={STRESS_COUNT}",
            os.path.join(HERE, "stress.yml"),
        ],
        env=ENV,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    running.log = log
    yield running
    if running.poll() is None:
        os.killpg(running.pid, signal.SIGKILL)
        running.wait()
    log.close()


# -- a recreate interrupted


def exec_in(name: str, script: str) -> str:
    code, out = ENGINE.containers.get(name).exec_run(["/bin/busybox", "sh", "-c", script])
    assert code == 0, out
    return out.decode().strip()


def interrupt_a_recreate(sig) -> None:
    """Converge to generation 1 and send ``sig`` to the play's process group once the new container exists."""
    running = start(os.path.join(HERE, "recreate.yml"), generation=1)
    try:
        wait_for(lambda: named(rf"{PREFIX}-rc-noar-\d+"), what="the recreate's temporary container")
        os.killpg(running.pid, sig)
    finally:
        finish(running, 120)


def test_a_recreate_interrupted_then_killed_converges_with_its_volume():
    rc = f"{PREFIX}-rc"
    converged(play(os.path.join(HERE, "recreate.yml"), generation=0))
    exec_in(rc, "echo kept > /data/marker")

    # SIGINT (Ctrl-C): the module settles before it exits; one container keeps the name, no temporary.
    interrupt_a_recreate(signal.SIGINT)
    assert [c.name for c in named(rf"{rc}(-noar-\d+)?")] == [rc]

    # SIGKILL in the same window: nothing can settle; the next run removes the temporary and converges.
    converged(play(os.path.join(HERE, "recreate.yml"), generation=0))  # running again: a stop to wait for
    interrupt_a_recreate(signal.SIGKILL)
    converged(play(os.path.join(HERE, "recreate.yml"), generation=1))
    left = named(rf"{rc}(-noar-\d+)?")
    assert [c.name for c in left] == [rc]
    assert "GENERATION=1" in left[0].attrs["Config"]["Env"]
    assert exec_in(rc, "cat /data/marker") == "kept"
    converged(play(os.path.join(HERE, "recreate.yml"), generation=1), changed=0)


# -- two runs at the same time


def concurrently(generation: int) -> list:
    runs = [start(os.path.join(HERE, "concurrent.yml"), generation=generation) for run in range(2)]
    return [(finish(run, 300), run.returncode) for run in runs]


@pytest.mark.parametrize("generation", [0, 1], ids=["create", "recreate"])
def test_two_runs_at_once_leave_one_container_and_its_network(generation):
    outputs = concurrently(generation)
    expect(any(code == 0 for output, code in outputs), "both runs failed", "\n".join(o for o, code in outputs))
    for output, code in outputs:
        if code != 0:
            failed_clearly(output)
    containers = named(rf"{PREFIX}-cc(-noar-\d+)?")
    networks = ENGINE.networks.list(names=[f"{PREFIX}-net"])
    assert [c.name for c in containers] == [f"{PREFIX}-cc"]
    assert len(networks) == 1, [n.id for n in networks]
    assert networks[0].id in [n["NetworkID"] for n in containers[0].attrs["NetworkSettings"]["Networks"].values()]
    assert f"GENERATION={generation}" in containers[0].attrs["Config"]["Env"]
    converged(play(os.path.join(HERE, "concurrent.yml"), generation=generation), changed=0)


# -- the object is gone


def test_limits_and_exec_on_a_container_that_is_gone():
    code, result = module("limits", name=f"{PREFIX}-gone", memory="64m")
    assert code != 0 and result["msg"] == f"name: no container named {PREFIX}-gone", result
    code, result = module("container_exec", container=f"{PREFIX}-gone", command="true")
    assert code != 0 and result["msg"] == f"container: no container named {PREFIX}-gone", result


# -- the disk fills up


@pytest.fixture()
def small_disk():
    folder = tempfile.mkdtemp(prefix=PREFIX + "-disk-", dir=WORK)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", folder], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", folder], check=False)


@pytest.mark.parametrize("kind", ["image_export", "container_export"])
def test_a_full_disk_fails_clearly_and_keeps_the_old_file(small_disk, kind):
    path = os.path.join(small_disk, "archive.tar")
    with open(path, "wb") as old:
        old.write(b"the old archive\n")
    if kind == "image_export":
        code, result = module(kind, names=["noar-test/busybox:latest"], path=path, force=True)
    else:
        ENGINE.containers.create("noar-test/busybox:latest", name=f"{PREFIX}-export")
        code, result = module(kind, container=f"{PREFIX}-export", path=path, force=True)
    assert code != 0, result
    assert result["msg"].startswith(f"writing {path} failed: ") and "No space left on device" in result["msg"], result
    with open(path, "rb") as kept:
        assert kept.read() == b"the old archive\n"
    assert os.listdir(small_disk) == ["archive.tar"]


# -- the registry goes away


def catalog(registry: str) -> list:
    token = base64.b64encode(f"{PREFIX}-user:{ENV['NOAR_TEST_REGISTRY_PASSWORD']}".encode()).decode()
    request = urllib.request.Request(f"http://{registry}/v2/_catalog", headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())["repositories"]


def test_the_registry_stopping_in_a_push_fails_clearly_and_the_rerun_completes():
    registry = "127.0.0.1:5000"
    stopped = play(os.path.join(HERE, "registry.yml"), fault="true")
    output = stopped.stdout + stopped.stderr
    assert stopped.returncode != 0, output
    failed_clearly(output)
    flat = " ".join(output.split())  # the result callback folds long messages
    for name in ("second", "third"):
        expect(
            f"asking the registry about image {registry}/{PREFIX}/{name}:1 failed: " in flat and "connection refused" in flat,
            f"no message for the failed push of {name}",
            output,
        )
    assert ENV["NOAR_TEST_REGISTRY_PASSWORD"] not in output
    converged(play(os.path.join(HERE, "registry.yml")))
    pushed = sorted(r for r in catalog(registry) if r.startswith(PREFIX))
    assert pushed == [f"{PREFIX}/{n}" for n in ("first", "second", "third")]
    again = play(os.path.join(HERE, "registry.yml"))
    converged(again)
    # What stays unchanged: the tags and the pushes; only the registry's start is a change.
    expect(
        re.search(r"TASK \[The first pushed\][^\n]*\nok:", again.stdout) and not re.search(r"changed: \[localhost\] => \(item=(second|third)\)", again.stdout),
        "a push changed something on the third run",
        again.stdout,
    )


def test_commands_through_the_connection_while_the_scenarios_above_ran(stress):
    """The docker connection once lost output under load ("failed to resolve remote temporary directory ...
    returned empty string"); every command, and the temporary folder of each, must come back whole."""
    stress.wait(timeout=1200)
    stress.log.seek(0)
    output = stress.log.read()
    expect(stress.returncode == 0, "the commands did not all succeed", output)
    expect(re.search(r": ok=2 +changed=0 +unreachable=0 +failed=0 ", output), "not every command ran", output)


# -- projeto no ar: the engine restarts in a deploy, a replica dies in a rolling update


@pytest.fixture(scope="module")
def app():
    port = wait_for(free_port)
    name = f"{PREFIX}-pna"
    varsfile = os.path.join(WORK, "app.yml")
    with open(varsfile, "w", encoding="utf-8") as out:
        json.dump(
            dict(
                projeto_no_ar_name=name,
                projeto_no_ar_home=f"{WORK}/home",
                projeto_no_ar_backup_dir=f"{WORK}/backups",
                projeto_no_ar_secrets_dir=f"{WORK}/secrets",
                projeto_no_ar_listen=f"127.0.0.1:{port}",
                projeto_no_ar_image_prefix="noar-test/projeto-no-ar",
                projeto_no_ar_health_timeout=60,
            ),
            out,
        )
    yield dict(name=name, url=f"http://127.0.0.1:{port}/", vars="@" + varsfile)
    subprocess.run(command("noar.docker.teardown", "-e", "@" + varsfile, projeto_no_ar_purge="true"), env=ENV, capture_output=True, check=False)


def app_containers(name: str) -> dict:
    return {c.name: c for c in containers(label=f"noar.docker.app={name}")}


def during(running, fault) -> None:
    """Inject ``fault`` while the play ``running`` runs; its outcome must be a success or a clear failure."""
    try:
        fault()
    finally:
        output = finish(running)
    if running.returncode != 0:
        failed_clearly(output)


def between_db_and_proxy(containers: dict) -> bool:
    """A web replica exists (so the db is up and healthy) and the proxy does not yet."""
    return any(re.search(r"-web\d+-", n) for n in containers) and not any(n.endswith("-proxy") for n in containers)


def restart_engine() -> None:
    """As the engine role's supervisor is told to (SIGTERM to dockerd; it starts it again)."""
    with open("/var/run/docker.pid", encoding="utf-8") as pidfile:
        os.kill(int(pidfile.read()), signal.SIGTERM)
    time.sleep(1)
    wait_for(
        lambda: subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0, timeout=120, step=0.5, what="the engine to answer again"
    )


def test_the_engine_restarting_in_a_deploy(app):
    before = {}

    def fault():
        # After the db, before the proxy: a web replica exists and the proxy does not yet.
        wait_for(lambda: between_db_and_proxy(app_containers(app["name"])), timeout=600, what="the db to be up and the proxy not yet")
        before["db"] = ENGINE.containers.get(f"{app['name']}-db").id
        restart_engine()

    during(start("noar.docker.deploy", "-e", app["vars"]), fault)
    converged(play("noar.docker.deploy", "-e", app["vars"]))
    assert ENGINE.containers.get(f"{app['name']}-db").id == before["db"]  # the database was not recreated
    first = get(app["url"], "visits")
    assert get(app["url"], "visits") > first
    app["visits"] = get(app["url"], "visits")


def test_a_replica_killed_in_a_rolling_update(app):
    assert app.get("visits"), "needs the deploy of the previous test"

    def fault():
        new = wait_for(
            lambda: [c for c in app_containers(app["name"]).values() if c.attrs["Config"]["Image"].endswith(":1.1.0")],
            timeout=600,
            what="a replica of the new version",
        )
        old = [c for c in app_containers(app["name"]).values() if c.attrs["Config"]["Image"].endswith("web:1.0.0") and c.id != new[0].id]
        assert old, "an old replica to kill"
        old[-1].kill()

    during(start("noar.docker.update", "-e", app["vars"], projeto_no_ar_version="1.1.0"), fault)
    converged(play("noar.docker.update", "-e", app["vars"], projeto_no_ar_version="1.1.0"))
    webs = [c for c in app_containers(app["name"]).values() if "/web:" in c.attrs["Config"]["Image"]]
    assert sorted(c.attrs["Config"]["Image"].rsplit(":", 1)[1] for c in webs) == ["1.1.0", "1.1.0"], webs
    assert all(c.attrs["State"]["Running"] for c in webs)
    assert get(app["url"], "version") == "1.1.0"
    assert get(app["url"], "visits") > app["visits"]  # the count went on: nothing lost
