"""Secrets never reach output or logs: every playbook and module that takes one, at -vvv with --diff, in check mode
and for real, its output and the Ansible log scanned for each secret, plain and base64 (at every alignment, so a
secret inside a longer base64 text, as in a registry's auth header or config.json, is found too)."""

import base64
import json
import os
import secrets
import string
import subprocess
import sys

import pytest
from chaos import ENV, HERE, PREFIX, WORK, command, free_port, get  # pylint: disable=import-error

DB_PASSWORD = "".join(secrets.choice(string.ascii_letters + string.digits) for position in range(32))
BUILD_SECRET = secrets.token_urlsafe(24)
SECRETS = {"the database password": DB_PASSWORD, "the registry password": ENV["NOAR_TEST_REGISTRY_PASSWORD"], "a build secret": BUILD_SECRET}
LOG = os.path.join(WORK, "ansible.log")
SCANNED: list = []


def forms(secret: str) -> set:
    """The secret, and what it looks like inside any base64 text (standard and URL-safe alphabets): for each of
    the three alignments, the characters that only its own bytes determine."""
    found = {secret}
    data = secret.encode()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + data).decode()
        middle = encoded[-(-offset // 3) * 4 : (offset + len(data)) // 3 * 4]
        found |= {middle, middle.replace("+", "-").replace("/", "_")}
    return {f for f in found if len(f) >= 16}


def scan(what: str, output: str) -> None:
    SCANNED.append(what)
    for name, secret in SECRETS.items():
        for form in forms(secret):
            assert form not in output, f"{name} appeared in the output of {what}"


# The registry login is written to a docker configuration of this test's own, not to the user's ~/.docker.
SECRETS_ENV = dict(ENV, DOCKER_CONFIG=os.path.join(WORK, "docker"))


def run(what: str, *args, ok=True, **extra) -> str:
    """A play at -vvv with --diff, logged to LOG; its output scanned."""
    done = subprocess.run(
        command("-vvv", "--diff", *args, **extra), env=dict(SECRETS_ENV, ANSIBLE_LOG_PATH=LOG), capture_output=True, text=True, timeout=900, check=False
    )
    output = done.stdout + done.stderr
    assert (done.returncode == 0) == ok, output
    scan(what, output)
    return output


def run_module(what: str, name: str, args: dict, check: bool = False) -> str:
    """One module ad hoc at -vvv with --diff, logged to LOG; it must fail (bad credentials, no BuildKit)."""
    done = subprocess.run(
        [
            "ansible",
            "localhost",
            "-i",
            "localhost,",
            "-c",
            "local",
            "-vvv",
            "--diff",
            *(["--check"] if check else []),
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            "-m",
            f"noar.docker.{name}",
            "-a",
            json.dumps(args),
        ],
        env=dict(SECRETS_ENV, ANSIBLE_LOG_PATH=LOG),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "msg: " in output, output
    scan(what, output)
    return output


@pytest.fixture(scope="module")
def app():
    port = free_port()
    name = f"{PREFIX}-sec"
    varsfile = os.path.join(WORK, "secrets-app.yml")
    with open(varsfile, "w", encoding="utf-8") as out:
        out.write(f"""projeto_no_ar_name: {name}
projeto_no_ar_home: {WORK}/sec-home
projeto_no_ar_backup_dir: {WORK}/sec-backups
projeto_no_ar_secrets_dir: {WORK}/sec-secrets
projeto_no_ar_listen: 127.0.0.1:{port}
projeto_no_ar_image_prefix: noar-test/projeto-no-ar
projeto_no_ar_db_password: {DB_PASSWORD}
""")
    yield dict(url=f"http://127.0.0.1:{port}/", vars="@" + varsfile)
    subprocess.run(command("noar.docker.teardown", "-e", "@" + varsfile, projeto_no_ar_purge="true"), env=ENV, capture_output=True, check=False)


def test_the_playbooks_of_projeto_no_ar(app):
    extra = ("-e", app["vars"])
    run("deploy", "noar.docker.deploy", *extra)
    assert get(app["url"], "visits") >= 1
    run("deploy in check mode", "noar.docker.deploy", "--check", *extra)
    run("update in check mode", "noar.docker.update", "--check", *extra, projeto_no_ar_version="1.1.0")
    run("update", "noar.docker.update", *extra, projeto_no_ar_version="1.1.0")
    run("backup in check mode", "noar.docker.backup", "--check", *extra)
    run("backup", "noar.docker.backup", *extra)
    dumps = os.listdir(os.path.join(WORK, "sec-backups"))
    assert len(dumps) == 1, dumps
    run("restore in check mode", "noar.docker.restore", "--check", *extra, projeto_no_ar_restore_file=dumps[0])
    run("restore", "noar.docker.restore", *extra, projeto_no_ar_restore_file=dumps[0])
    run("a deploy with a wrong password", "noar.docker.deploy", *extra, ok=False, projeto_no_ar_db_password="x" + DB_PASSWORD[1:])
    run("teardown in check mode", "noar.docker.teardown", "--check", *extra, projeto_no_ar_purge="true")
    run("teardown", "noar.docker.teardown", *extra, projeto_no_ar_purge="true")


def test_the_compose_version_of_projeto_no_ar(app):
    extra = ("-e", app["vars"], "-e", f"projeto_no_ar_name={PREFIX}-secc", "-e", f"projeto_no_ar_listen=127.0.0.1:{free_port()}")
    try:
        run("compose deploy in check mode", "noar.docker.compose", "--check", *extra)
        run("compose deploy", "noar.docker.compose", *extra)
        run("compose down in check mode", "noar.docker.compose", "--check", *extra, projeto_no_ar_compose_state="absent")
    finally:
        run("compose down", "noar.docker.compose", *extra, projeto_no_ar_compose_state="absent", projeto_no_ar_purge="true")


def test_the_registry_login_and_pushes():
    play = os.path.join(HERE, "registry.yml")
    run("login and pushes", play)
    run("login and pushes in check mode", play, "--check")  # the registry the run above started still runs


def test_modules_that_take_a_secret():
    for check in (True, False):
        output = run_module(
            f"image_build with a secret value (check mode: {check})",
            "image_build",
            dict(name=f"{PREFIX}/secret", path=HERE, secrets=[dict(id="token", type="value", value=BUILD_SECRET)]),
            check=check,
        )
        assert "secrets" in output
    # The registry runs (test_the_registry_login_and_pushes started it); the password is one letter short.
    run_module(
        "login with a wrong password", "login", dict(registry_url="127.0.0.1:5000", username=f"{PREFIX}-user", password=ENV["NOAR_TEST_REGISTRY_PASSWORD"][:-1])
    )


def test_the_ansible_log():
    assert SCANNED, "the runs above"
    with open(LOG, encoding="utf-8", errors="replace") as handle:
        scan("the Ansible log of all the runs above", handle.read())
