"""What the chaos scenarios share: the prefix of everything they make, plays run as a user runs them, waits,
and the cleanup."""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import docker
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PREFIX = "noartest-chaos-" + secrets.token_hex(3)
WORK = os.path.join("/tmp", PREFIX)
ENGINE = docker.from_env(timeout=120)
LOCAL = ["-i", "localhost,", "-e", "ansible_connection=local", "-e", f"ansible_python_interpreter={sys.executable}"]
ENV = dict(
    os.environ,
    ANSIBLE_ROLES_PATH=os.path.join(ROOT, "tests", "integration", "targets"),
    ANSIBLE_FORCE_COLOR="0",
    ANSIBLE_NOCOLOR="1",
    NOAR_TEST_REGISTRY_PASSWORD=secrets.token_urlsafe(18),
)


def command(*args, **extra):
    """ansible-playbook with ``args``; ``extra`` variables come last, so that they win over a vars file in ``args``."""
    return ["ansible-playbook", *LOCAL, "-e", f"prefix={PREFIX}", *args, *[a for k, v in extra.items() for a in ("-e", f"{k}={v}")]]


def play(*args, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args, **extra), env=ENV, capture_output=True, text=True, timeout=900, check=False)


def start(*args, **extra) -> subprocess.Popen:
    """A play in its own process group, as a terminal runs it: a signal to the group reaches its modules too. Its
    output goes to a file (a pipe nobody reads while a fault is injected would stop the play when full)."""
    log = tempfile.TemporaryFile("w+", encoding="utf-8")  # pylint: disable=consider-using-with
    running = subprocess.Popen(command(*args, **extra), env=ENV, stdout=log, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    running.log = log
    return running


def finish(running: subprocess.Popen, timeout: float = 600) -> str:
    """Wait for a play ``start`` started (killed when it outlives ``timeout``) and return its output."""
    try:
        running.wait(timeout=timeout)
    finally:
        if running.poll() is None:
            os.killpg(running.pid, signal.SIGKILL)
            running.wait()
    running.log.seek(0)
    output = running.log.read()
    running.log.close()
    return output


def expect(condition, why: str, output: str) -> None:
    """Fail with the whole output (pytest shortens the explanation of a plain assert)."""
    if not condition:
        pytest.fail(f"{why}\n{output}", pytrace=False)


def converged(result, changed=None) -> None:
    output = result.stdout + result.stderr
    expect(result.returncode == 0, "the play failed", output)
    if changed is not None:
        expect(re.search(rf"localhost +: ok=\d+ +changed={changed} ", output), f"changed is not {changed}", output)


def failed_clearly(output: str) -> None:
    """A failure a user can act on: a task failed with a msg, no traceback, no MODULE FAILURE."""
    expect(("fatal:" in output or "failed:" in output) and "msg:" in output, "no failed task with a msg", output)
    for sign in ("Traceback", "MODULE FAILURE", "KeyError", "AttributeError"):
        expect(sign not in output, f"{sign} in the output", output)


def wait_for(predicate, timeout=120, step=0.1, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


def containers(**filters) -> list:
    """The engine's containers matching ``filters``, each read whole; one removed between the list and its read
    (a rolling update replaces replicas while the faults run) is left out, where the SDK's list fails with 404."""
    found = []
    for summary in ENGINE.api.containers(all=True, filters=filters):
        try:
            found.append(ENGINE.containers.get(summary["Id"]))
        except docker.errors.NotFound:
            continue
    return found


def named(pattern: str) -> list:
    """The engine's containers whose whole name matches ``pattern``."""
    return [c for c in containers(name=PREFIX) if re.fullmatch(pattern, c.name)]


def module(plugin: str, /, **args) -> tuple:
    """One module run ad hoc: (return code, its result)."""
    done = subprocess.run(
        ["ansible", "localhost", *LOCAL, "-m", f"noar.docker.{plugin}", "-a", json.dumps(args)],
        env=dict(ENV, ANSIBLE_CALLBACK_RESULT_FORMAT="json"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    text = done.stdout
    assert "=> " in text, text + done.stderr
    return done.returncode, json.loads(text[text.index("=> ") + 3 :])


def cleanup():
    """Remove everything the scenarios made: the registry process, containers, networks, volumes, images and
    files named with PREFIX, and the small disks mounted under WORK."""
    subprocess.run(["pkill", "-f", f"docker-registry serve /tmp/{PREFIX}/"], check=False)
    for container in containers(name=PREFIX):
        container.remove(force=True, v=True)
    for network in ENGINE.networks.list(filters=dict(name=PREFIX)):
        network.remove()
    for volume in ENGINE.volumes.list(filters=dict(name=PREFIX)):
        volume.remove(force=True)
    for image in ENGINE.images.list():
        for tag in image.tags:
            if PREFIX in tag:
                ENGINE.images.remove(tag)
    for disk in [os.path.join(WORK, d) for d in os.listdir(WORK) if "-disk-" in d] if os.path.isdir(WORK) else []:
        subprocess.run(["umount", "-q", disk], check=False)
    subprocess.run(["rm", "-rf", WORK], check=False)


def get(url: str, key: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        assert answer.status == 200
        return json.loads(answer.read())[key]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
