"""The collection tarball as users get it (`./noar package` builds it, installs it into a fresh venv with
only ansible-core and the Docker SDK, and runs these tests).

The tarball holds what users need and nothing of the repository's tools and tests; its README speaks
only of what is in it; and the README's quick start runs, as written, from the installed tarball
against this machine's engine. The quick start's commands are read from the README itself (its blocks
marked `<!-- quickstart: ... -->`), with the test's own names, image and port in place of the README's.
"""

import os
import pathlib
import re
import shlex
import subprocess
import tarfile

import docker
import pytest
import yaml

TARBALL = pathlib.Path(os.environ.get("NOAR_PACKAGE_TARBALL", "/nonexistent"))
VENV = pathlib.Path(os.environ.get("NOAR_PACKAGE_VENV", "/nonexistent"))
COLLECTIONS = os.environ.get("NOAR_PACKAGE_COLLECTIONS", "")
INSTALLED = pathlib.Path(COLLECTIONS) / "ansible_collections" / "noar" / "docker"

pytestmark = pytest.mark.skipif(not TARBALL.is_file(), reason="run by ./noar package, which builds the tarball")

# What users need, and what only the repository's own tools and tests use.
NEEDED = {
    "README.md",
    "COPYING",
    "CHANGELOG.md",
    "MANIFEST.json",
    "FILES.json",
    "meta/runtime.yml",
    "plugins/modules/container.py",
    "plugins/connection/docker.py",
    "plugins/inventory/containers.py",
    "roles/engine/meta/argument_specs.yml",
    "playbooks/site.yml",
    "docs/cli-map.md",
    "changelogs/changelog.yaml",
}
TOP_LEVEL = {"README.md", "COPYING", "CHANGELOG.md", "MANIFEST.json", "FILES.json", "meta", "plugins", "roles", "playbooks", "docs", "changelogs"}
ROOT = pathlib.Path(__file__).resolve().parents[2]
# What only a clone has: the project's tools, tests, benchmarks, requirements and its own molecule scenarios.
SCENARIOS = "|".join(sorted(path.name for path in (ROOT / "molecule").iterdir() if path.is_dir()))
REPOSITORY_ONLY = re.compile(
    r"\./noar\b|(^|[\s`(])(tests|bench|requirements)/|molecule/({0})\b|\.\./shared|\.build/"
    r"|clone-only".format(SCENARIOS)
)

PREFIX = "noartest-qs-"
HELLO = PREFIX + "hello"
PROJETO_VARS = {
    "projeto_no_ar_name": PREFIX + "pna",
    "projeto_no_ar_home": "/tmp/{0}pna/home".format(PREFIX),
    "projeto_no_ar_backup_dir": "/tmp/{0}pna/backups".format(PREFIX),
    "projeto_no_ar_secrets_dir": "/tmp/{0}pna/secrets".format(PREFIX),
    "projeto_no_ar_listen": "127.0.0.1:18475",
    # The images molecule's projeto_no_ar scenario caches on this machine (built when missing).
    "projeto_no_ar_image_prefix": "noar-test/projeto-no-ar",
    "projeto_no_ar_purge": True,
}


@pytest.fixture(scope="module")
def members():
    with tarfile.open(TARBALL) as tar:
        return {member.name for member in tar.getmembers() if member.isfile()}


def test_tarball_holds_what_users_need(members):
    assert NEEDED <= members, "missing: {0}".format(sorted(NEEDED - members))
    assert {name.split("/")[0] for name in members} <= TOP_LEVEL
    assert not [name for name in members if name.startswith(("docs/site/", "changelogs/fragments/"))]


def test_readme_speaks_only_of_the_tarball():
    readme = (INSTALLED / "README.md").read_text()
    assert not [line for line in readme.splitlines() if REPOSITORY_ONLY.search(line)]
    headings = {anchor(line.lstrip("#").strip()) for line in readme.splitlines() if line.startswith("#")}
    for target in re.findall(r"\]\(([^)]+)\)", readme):
        if target.startswith("#"):
            assert target[1:] in headings, "README links to a heading it does not have: " + target
        elif "://" not in target:
            assert (INSTALLED / target.split("#")[0]).exists(), "README links to a file the tarball lacks: " + target


def anchor(heading):
    """The anchor GitHub and Galaxy give a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def quickstart():
    """The quick start's files (name -> text) and its command lines, in the README's order."""
    readme = (INSTALLED / "README.md").read_text()
    files, commands = {}, []
    for mark, body in re.findall(r"<!-- quickstart: (\S+) -->\n```\w+\n(.*?)```", readme, re.S):
        if mark == "run":
            commands += [line.split("  #")[0].strip() for line in body.splitlines() if line.strip()]
        else:
            files[mark] = body
    return files, commands


def as_tested(command):
    """A README command with the test's names, image and port in place of the README's."""
    command = re.sub(r"\bhello\b(?!\.yml)", HELLO, command)
    if "hello.yml" in command:
        command += " -e hello_name={0} -e hello_image=noar-test/busybox:latest".format(HELLO)
    if "noar.docker.deploy" in command or "noar.docker.teardown" in command:
        command += " -e @projeto.yml"
    return command.replace("127.0.0.1:8080", PROJETO_VARS["projeto_no_ar_listen"])


@pytest.fixture
def workdir(tmp_path):
    files = quickstart()[0]
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "projeto.yml").write_text(yaml.safe_dump(PROJETO_VARS))
    yield tmp_path
    engine = docker.from_env()
    for container in engine.containers.list(all=True, filters={"name": "^" + PREFIX}):
        container.remove(force=True, v=True)
    subprocess.run(
        shlex.split(as_tested("ansible-playbook -i localhost, -c local noar.docker.teardown")),
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        check=False,
    )


def environment():
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(
        PATH="{0}/bin:{1}".format(VENV, os.environ["PATH"]),
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_PYTHON_INTERPRETER=str(VENV / "bin" / "python"),
        ANSIBLE_NOCOLOR="1",
    )
    return env


def recap_changed(output):
    return [int(n) for n in re.findall(r"changed=(\d+)", output.split("PLAY RECAP")[-1])]


def test_quickstart_runs_as_written(workdir):
    commands = quickstart()[1]
    assert len(commands) == 8, commands
    engine = docker.from_env()
    results = []
    for command in commands:
        run = subprocess.run(as_tested(command), shell=True, cwd=workdir, env=environment(), capture_output=True, text=True, timeout=1200, check=False)
        assert run.returncode == 0, "{0}\n{1}\n{2}".format(command, run.stdout[-4000:], run.stderr[-4000:])
        results.append(run.stdout)
        if command.startswith("ansible-playbook hello.yml --check"):
            ports = engine.containers.get(HELLO).attrs["HostConfig"]["PortBindings"]
            assert ports == {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8081"}]}, "check mode changed the port"
    first, second, check, inside, absent, deploy, answer, teardown = results
    assert "hello from noar.docker" in first
    assert recap_changed(second) == [0]
    assert recap_changed(check) == [1] and "8082" in check
    assert "hello from noar.docker" in inside
    assert not engine.containers.list(all=True, filters={"name": "^" + HELLO})
    assert recap_changed(deploy)[0] > 0
    assert '"version": "1.0.0"' in answer
    assert not engine.containers.list(all=True, filters={"name": "^" + PREFIX})


# A user's own role, outside the collection's tree, tested with `molecule test` through the collection's
# noar.docker.molecule_create and noar.docker.molecule_destroy playbooks, from the installed tarball only: the
# scenario is the README's copy-paste molecule.yml (with the test's names), its platform built from a Dockerfile.
PLATFORM = PREFIX + "molecule"
IMAGE = PREFIX + "sample:latest"
ROLE = {
    "tasks/main.yml": """---
- name: Write the message of the day
  ansible.builtin.copy:
    content: "hello from {{ motd_name }}\\n"
    dest: /etc/motd
    mode: "0644"
""",
    "defaults/main.yml": "---\nmotd_name: molecule\n",
    "meta/main.yml": """---
galaxy_info:
  role_name: motd
  namespace: sample
  author: sample
  description: Writes /etc/motd
  license: MIT
  min_ansible_version: "2.17"
""",
    "molecule/default/converge.yml": """---
- name: Converge
  hosts: all
  gather_facts: false
  tasks:
    - name: The role
      ansible.builtin.include_role:
        name: motd
""",
    "molecule/default/verify.yml": """---
- name: Verify
  hosts: all
  gather_facts: false
  tasks:
    - name: Read the message of the day
      ansible.builtin.slurp:
        src: /etc/motd
      register: motd
    - name: Read what the scenario's Dockerfile put in the image
      ansible.builtin.slurp:
        src: /etc/built-by-molecule
      register: built
    - name: The role wrote it, in the image the Dockerfile built
      ansible.builtin.assert:
        that:
          - (motd.content | b64decode) == "hello from molecule\\n"
          - (built.content | b64decode) == "sample\\n"
""",
    # The test machine reaches no registry: the platform's base is the suite's own Debian image.
    "molecule/default/Dockerfile": "FROM noar-test/debian:bookworm\nRUN echo sample > /etc/built-by-molecule\n",
}


def readme_example(path):
    readme = (INSTALLED / "README.md").read_text()
    return re.search(r"<!-- example: {0} -->\n```\w+\n(.*?)```".format(re.escape(path)), readme, re.S).group(1)


@pytest.fixture
def role(tmp_path):
    root = tmp_path / "motd"
    for name, text in ROLE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for name in ("molecule.yml", "create.yml", "destroy.yml"):
        text = readme_example("molecule/default/" + name)
        (root / "molecule" / "default" / name).write_text(text.replace("name: instance", "name: " + PLATFORM).replace("my-role-test:latest", IMAGE))
    yield root
    engine = docker.from_env()
    for container in engine.containers.list(all=True, filters={"name": "^" + PLATFORM}):
        container.remove(force=True, v=True)
    if engine.images.list(name=IMAGE):
        engine.images.remove(IMAGE, force=True)


def test_molecule_test_on_a_users_role(role):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "MOLECULE_"))}
    env.update(
        PATH="{0}/bin:{1}".format(VENV, os.environ["PATH"]),
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_ROLES_PATH=str(role.parent),
        ANSIBLE_NOCOLOR="1",
        PY_COLORS="0",
    )
    run = subprocess.run([str(VENV / "bin" / "molecule"), "test"], cwd=role, env=env, capture_output=True, text=True, timeout=900, check=False)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert "Build the images of the platforms that have a Dockerfile" in output
    for step in ("create", "converge", "idempotence", "verify", "destroy"):
        assert re.search(r"\[default > {0}\] Executed: Successful".format(step), output), step
    assert not docker.from_env().containers.list(all=True, filters={"name": "^" + PLATFORM})
