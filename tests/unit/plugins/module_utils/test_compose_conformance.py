# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Our Compose loader judged by the real Compose CLI (issue 33's conformance suite).

Each case is loaded twice: by our loader from the files as written, and by our loader from what
``docker compose config --format json`` makes of the same files (merged, interpolated, extended, included,
every short syntax in its long form, relative paths resolved). Both must give the same container parameters,
network and volume names, service for service. A file the CLI refuses must be refused by ours too. So every
step of our loading before the translation (interpolation, merges, merge tags, extends, profiles, env files,
include) and both syntaxes of each key are checked against the CLI's own reading.

The corpus: compose-go's test data (Debian's golang-github-compose-spec-compose-go-dev, the library the CLI is
built on), the repository's Compose files, and the cases under tests/unit/compose-cases. ``./noar unit`` unpacks
the CLI and the corpus (tests/tools/debian-unstable) and points NOAR_COMPOSE_CLI and NOAR_COMPOSE_GO at them.
"""

from __future__ import absolute_import, division, print_function

import json
import os
import re
import shlex
import subprocess

import pytest
from ansible.module_utils.common.text.formatters import human_to_bytes

from ansible_collections.noar.docker.plugins.module_utils import compose, compose_form
from ansible_collections.noar.docker.plugins.module_utils.compose_manager import start_order
from ansible_collections.noar.docker.plugins.module_utils.converge import InvalidOption
from ansible_collections.noar.docker.plugins.module_utils.units import parse_duration

CLI = os.environ.get("NOAR_COMPOSE_CLI")
COMPOSE_GO = os.environ.get("NOAR_COMPOSE_GO")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
CASES = os.path.join(ROOT, "tests", "unit", "compose-cases")
SCHEMA = os.path.join(ROOT, "tests", "unit", "compose-spec", "compose-spec.json")  # kept as test data

NEEDS = "needs the Compose CLI and compose-go's test data (./noar unit sets NOAR_COMPOSE_CLI, NOAR_COMPOSE_GO)"
pytestmark = pytest.mark.skipif(not CLI or not COMPOSE_GO, reason=NEEDS)

# Labels that name the files read: the CLI's output is another file in another folder.
FILE_LABELS = ("com.docker.compose.project.working_dir", "com.docker.compose.project.config_files")

# (case, service, parameter) -> why ours differs from the CLI's reading, kept on purpose.
DELIBERATE = {
    ("go-simple-paths", "test", "mounts"): "C:\\docker\\project is a Windows path, which the CLI leaves as it is; on the Linux hosts the module runs on "
    "it is a relative path",
    ("go-with-version", "", "volumes"): "a volume the file declares and no service mounts is made by the module, and "
    "left out by the CLI (compose-go drops unused resources)",
}

# Cases: (name, folder, files, environment, profiles). Folders are relative to compose-go's source, to the
# repository (repo:) or to the cases folder (case:).
CORPUS = [
    ("go-simple", "cli/testdata/simple", ["compose.yaml"], {}, []),
    ("go-simple-overrides", "cli/testdata/simple", ["compose.yaml", "compose-with-overrides.yaml"], {}, []),
    ("go-simple-variables", "cli/testdata/simple", ["compose-with-variables.yaml"], {}, []),
    ("go-simple-name", "cli/testdata/simple", ["compose-name.yaml"], {}, []),
    ("go-simple-paths", "cli/testdata/simple", ["compose-with-paths.yaml"], {}, []),
    ("go-env-file", "cli/testdata/env-file", ["compose-with-env-file.yaml"], {}, []),
    ("go-env-files", "cli/testdata/env-file", ["compose-with-env-files.yaml"], {}, []),
    ("go-extends", "loader/testdata", ["compose-test-extends.yaml"], {}, []),
    ("go-extends-base", "loader/testdata/extends", ["base.yaml"], {}, []),
    ("go-extends-nested", "loader/testdata/extends", ["nested.yaml"], {}, []),
    ("go-extends-sibling", "loader/testdata/extends", ["sibling.yaml"], {}, []),
    ("go-extends-ports", "loader/testdata/extends", ["ports.yaml"], {}, []),
    ("go-extends-reset", "loader/testdata/extends", ["reset.yaml"], {}, []),
    ("go-extends-depends-on", "loader/testdata/extends", ["depends_on.yaml"], {}, []),
    ("go-extends-interpolated", "loader/testdata/extends", ["interpolated.yaml"], {}, []),
    ("go-extends-withdir", "loader/testdata/extends/withdir", ["compose.yaml"], {}, []),
    ("go-include", "loader/testdata", ["compose-include.yaml"], {}, []),
    ("go-include-dir", "loader/testdata/include", ["compose.yaml"], {}, []),
    ("go-include-cycle", "loader/testdata", ["compose-include-cycle.yaml"], {}, []),
    ("go-combined", "loader/testdata/combined", ["compose.yaml"], {}, []),
    ("go-depends-cycle", "loader/testdata", ["compose-depends-on-cycle.yaml"], {}, []),
    ("go-depends-self", "loader/testdata", ["compose-depends-on-self.yaml"], {}, []),
    ("go-depends-profile", "loader/testdata", ["compose-depends-on-profile-no-cycle.yaml"], {}, []),
    ("go-with-version", "loader/testdata", ["compose-test-with-version.yaml"], {}, []),
    ("go-full-example", "loader", ["full-example.yml"], {"HOST": "host", "BAR": "bar"}, []),
    ("repo-projeto-no-ar", "repo:roles/projeto_no_ar/files/compose", ["compose.yaml"], {"DB_PASSWORD": "x"}, []),
    ("repo-bench", "repo:bench", ["compose.yml"], {}, []),
]
if os.path.isdir(CASES):
    for _case in sorted(os.listdir(CASES)):
        _spec_path = os.path.join(CASES, _case, "case.json")
        if os.path.isfile(_spec_path):
            with open(_spec_path) as _f:
                _spec = json.load(_f)
            CORPUS.append((f"case-{_case}", f"case:{_case}", _spec["files"], _spec.get("environment", {}), _spec.get("profiles", [])))


def folder_of(where: str) -> str:
    if where.startswith("repo:"):
        return os.path.join(ROOT, where[5:])
    if where.startswith("case:"):
        return os.path.join(CASES, where[5:])
    return os.path.join(COMPOSE_GO, where)


def run_config(folder: str, files: list, env: dict, profiles: list, project: str, *flags: str):
    """``docker compose config --format json`` (with ``flags``) of the files, in an environment of ``env`` and
    nothing of the caller's Compose or Docker settings."""
    args = [CLI, "--project-directory", folder, "-p", project]
    for name in files:
        args += ["-f", os.path.join(folder, name)]
    for profile in profiles:
        args += ["--profile", profile]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_"))}
    return subprocess.run(
        args + ["config", *flags, "--format", "json"], cwd=folder, env=dict(clean, **env), capture_output=True, text=True, timeout=60, check=False
    )


def cli_config(folder: str, files: list, env: dict, profiles: list, project: str):
    """The CLI's reading as JSON, or None and its message when it refuses the files."""
    done = run_config(folder, files, env, profiles, project)
    if done.returncode:
        return None, done.stderr.strip()
    return json.loads(done.stdout), ""


def our_reading(params: dict, environ: dict):
    """What the compose module would make: each service's container parameters, and the networks and volumes."""
    project = compose.load_project(dict(params, dependencies=True), environ)
    start_order(project["model"]["services"])  # where the module refuses a dependency cycle
    warnings: list = []
    services = {}
    for name in sorted(project["model"]["services"]):
        values = compose.service_params(project, name, warnings)
        values["labels"] = {k: v for k, v in values["labels"].items() if k not in FILE_LABELS}
        services[name] = values
    objects = {kind: {compose.object_name(project, kind, key) for key in project["model"].get(kind) or {}} for kind in ("networks", "volumes")}
    # The CLI's output declares the default network that the services use without declaring it.
    objects["networks"] |= {n["name"] for s in services.values() for n in s.get("networks") or []}
    objects = {kind: sorted(names) for kind, names in objects.items()}
    return dict(name=project["name"], services=services, **objects)


def same_value(key: str, value):
    """A value as the container module reads it: the CLI writes sizes in bytes, numbers as numbers, commands as lists;
    the module takes either form of each to the same engine setting."""
    if value is None or (value is False and key in ("privileged", "read_only", "tty", "interactive")):
        return None
    if key == "devices":
        return [full_device(d) for d in value]
    if key == "published_ports":
        return [one for port in value for one in each_port(port)]
    if key == "healthcheck":
        test = value.get("test")
        return dict(
            value,
            test=["CMD-SHELL", test] if isinstance(test, str) else test,
            **{k: parse_duration(v, "healthcheck") for k, v in value.items() if k in DURATIONS},
        )
    if key == "mounts":
        return [dict(m, tmpfs_size=human_to_bytes(str(m["tmpfs_size"]))) if "tmpfs_size" in m else m for m in value]
    if key in ("command", "entrypoint") and isinstance(value, str):
        return shlex.split(value)
    if key in ("memory", "memory_reservation", "memory_swap", "shm_size"):
        return human_to_bytes(str(value)) if not str(value).lstrip("-").isdigit() else int(value)
    if key in ("cpus",):
        return float(value)
    if key in ("pids_limit", "cpu_shares", "cpu_period", "cpu_quota", "stop_timeout"):
        return int(value)
    return value


def full_device(text: str) -> str:
    parts = text.split(":")
    return ":".join([parts[0], parts[1] if len(parts) > 1 else parts[0], parts[2] if len(parts) > 2 else "rwm"])


DURATIONS = ("interval", "timeout", "start_period", "start_interval")


def each_port(text: str) -> list:
    """A published port's ranges one port at a time (the CLI writes 9000-9001:9000-9001 as two ports)."""
    match = re.match(r"^(.*:)?(\d+)-(\d+):(\d+)-(\d+)(/\w+)?$", text)
    if not match:
        return [text]
    ip, first, last, target, _last, protocol = match.groups()
    return [f"{ip or ''}{first_port}:{int(target) + n}{protocol or ''}" for n, first_port in enumerate(range(int(first), int(last) + 1))]


def differences(ours: dict, theirs: dict) -> list:
    """(service, parameter, ours, theirs) for each parameter that differs, and the number compared."""
    found, compared = [], 0
    for kind in ("name", "networks", "volumes"):
        compared += 1
        if ours[kind] != theirs[kind]:
            found.append(("", kind, ours[kind], theirs[kind]))
    for name in sorted(set(ours["services"]) | set(theirs["services"])):
        mine, cli = ours["services"].get(name), theirs["services"].get(name)
        if mine is None or cli is None:
            found.append((name, "(service)", mine is not None, cli is not None))
            continue
        for key in sorted(set(mine) | set(cli)):
            compared += 1
            if same_value(key, mine.get(key)) != same_value(key, cli.get(key)):
                found.append((name, key, mine.get(key), cli.get(key)))
    return found, compared


TOTALS = dict(files=0, cases=0, compared=0, differences=0, refused_by_both=0)


@pytest.mark.parametrize("case", CORPUS, ids=[c[0] for c in CORPUS])
def test_reads_as_the_cli_reads(case, tmp_path):
    name, where, files, env, profiles = case
    folder = folder_of(where)
    project = "conformance"
    theirs_json, _refusal = cli_config(folder, files, env, profiles, project)
    params = dict(files=[os.path.join(folder, f) for f in files], project_name=project, profiles=profiles or None, files_dir=str(tmp_path / "files"))
    TOTALS["cases"] += 1
    TOTALS["files"] += len(files)
    if theirs_json is None:
        with pytest.raises(InvalidOption):
            our_reading(params, dict(env))
        TOTALS["refused_by_both"] += 1
        return
    ours = our_reading(params, dict(env))
    normalised = tmp_path / "cli.json"
    normalised.write_text(json.dumps(theirs_json))
    theirs = our_reading(dict(params, files=[str(normalised)], env_files=[]), {})
    found, compared = differences(ours, theirs)
    TOTALS["compared"] += compared
    unexplained = [d for d in found if (name,) + d[:2] not in DELIBERATE]
    TOTALS["differences"] += len(found)
    assert not unexplained, "\n".join(f"{name}: services.{s}: {k}: ours {o!r}, the CLI's {t!r}" for s, k, o, t in unexplained)


def test_every_service_key_of_the_specification_is_read_or_refused_by_name():
    """The specification's schema (compose-go 2.9.1's, which the CLI validates with; kept under tests/unit/compose-spec)
    against the keys the loader reads,
    the ones only other tools read, and the ones it refuses: a key the specification adds fails here until it is
    classified, and each refused key is refused naming its path and why."""
    with open(SCHEMA) as handle:
        keys = set(json.load(handle)["definitions"]["service"]["properties"])
    read = set(compose.SAME) | set(compose.HANDLED) | set(compose.OTHER_TOOLS)
    assert keys - read - set(compose.REFUSED) == set(), "service keys of the specification the loader does not classify"
    assert (read | set(compose.REFUSED)) - keys == set(), "classified keys the specification does not have"
    assert not read & set(compose.REFUSED)
    for key, why in compose.REFUSED.items():
        project = compose.load_project(dict(definition={"services": {"app": {"image": "x", key: "value"}}}, project_name="p"), {})
        with pytest.raises(InvalidOption) as raised:
            compose.service_params(project, "app", [])
        assert str(raised.value) == f"definition: services.app.{key}: not supported by noar.docker.compose ({why})"


def cli_hash_forms(folder: str, files: list, env: dict, profiles: list, project: str):
    """Each service as ``docker compose up`` hashes it: the CLI's reading without resolving the environment (as
    ``up`` reads it), less the keys its hash leaves out (docker/compose pkg/compose/hash.go); None when the CLI
    refuses the files."""
    done = run_config(folder, files, env, profiles, project, "--no-env-resolution")
    if done.returncode:
        return None
    forms = {}
    # config writes a literal $ as $$, so that its output reads back as the same; up hashes the $ itself.
    reading = json.loads(done.stdout, object_hook=lambda o: {k: unescape(v) for k, v in o.items()})
    for name, service in reading["services"].items():
        for key in compose_form.NOT_HASHED:
            service.pop(key, None)
        if service.get("deploy"):
            service["deploy"].pop("replicas", None)
        forms[name] = service
    return forms


def unescape(value):
    if isinstance(value, str):
        return value.replace("$$", "$")
    if isinstance(value, list):
        return [unescape(v) for v in value]
    return value


HASHED: dict = dict(services=0, same=0, without_form=[])


@pytest.mark.parametrize("case", CORPUS, ids=[c[0] for c in CORPUS])
def test_hashes_as_the_cli_hashes(case, tmp_path):
    """Our form of each service is the CLI's, byte for byte, or there is none (the module then labels the service
    with its own hash, and the CLI recreates what the module made): the config-hash label is the same either way."""
    name, where, files, env, profiles = case
    folder = folder_of(where)
    theirs = cli_hash_forms(folder, files, env, profiles, "conformance")
    if theirs is None:
        return  # refused by both: test_reads_as_the_cli_reads
    params = dict(files=[os.path.join(folder, f) for f in files], project_name="conformance", profiles=profiles or None, files_dir=str(tmp_path / "files"))
    project = compose.load_project(dict(params, dependencies=True), dict(env))
    wrong = []
    for service in sorted(theirs):
        HASHED["services"] += 1
        ours = compose_form.hash_form(project, service)
        if ours is None:
            HASHED["without_form"].append(f"{name}: {service}: {compose_form.without_form(project, service)}")
            continue
        if compose_form.go_json(ours) != compose_form.go_json(theirs[service]):
            wrong.append(f"{service}:\n ours  {compose_form.go_json(ours)}\n theirs {compose_form.go_json(theirs[service])}")
        else:
            HASHED["same"] += 1
    assert not wrong, "\n".join(wrong)


def REPORT() -> list:  # noqa: N802 - read by tests/unit/conftest.py
    lines = []
    if TOTALS["cases"]:
        lines.append(
            "Compose conformance: {cases} cases, {files} files, {compared} values compared, {differences} "
            "differences ({listed} listed as deliberate), {refused_by_both} refused by both".format(listed=len(DELIBERATE), **TOTALS)
        )
    if HASHED["services"]:
        lines.append(
            "Compose config hash: {services} services, {same} hashed as the CLI hashes them, {count} without "
            "a form here (labelled with the module's own hash): {keys}".format(
                count=len(HASHED["without_form"]), keys="; ".join(HASHED["without_form"]), **HASHED
            )
        )
    return lines
