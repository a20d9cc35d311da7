import hashlib
import json

import pytest

from ansible_collections.noar.docker.plugins.modules.context_info import context_info


def store(folder, name, host, description=None, skip_verify=False, tls_files=()):
    """A context as `docker context create` stores it."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta = folder / "contexts" / "meta" / digest
    meta.mkdir(parents=True)
    metadata = {"Description": description} if description else {}
    (meta / "meta.json").write_text(json.dumps({"Name": name, "Metadata": metadata, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip_verify}}}))
    if tls_files:
        tls = folder / "contexts" / "tls" / digest / "docker"
        tls.mkdir(parents=True)
        for filename in tls_files:
            (tls / filename).write_text("pem")
    return folder / "contexts" / "tls" / digest / "docker"


@pytest.fixture(name="folder")
def fixture_folder(tmp_path):
    store(tmp_path, "remote", "tcp://192.0.2.10:2376", "the build host", tls_files=("ca.pem", "cert.pem", "key.pem"))
    store(tmp_path, "insecure", "tcp://192.0.2.11:2376", skip_verify=True)
    store(tmp_path, "local", "unix:///run/user/1000/docker.sock")
    (tmp_path / "config.json").write_text(json.dumps({"currentContext": "local"}))
    return tmp_path


def names(result):
    return [(context["name"], context["current"]) for context in result["contexts"]]


def test_all_contexts_default_first(folder):
    result = context_info({}, {"DOCKER_CONFIG": str(folder)})
    assert result["current_context_name"] == "local"
    assert names(result) == [("default", False), ("insecure", False), ("local", True), ("remote", False)]
    default, insecure, local, remote = result["contexts"]
    assert default["config"] == {"docker_host": "unix:///var/run/docker.sock", "tls": False}
    assert "meta_path" not in default
    assert local["config"] == {"docker_host": "unix:///run/user/1000/docker.sock", "tls": False}
    assert insecure["config"] == {"docker_host": "tcp://192.0.2.11:2376", "tls": True, "validate_certs": False}
    material = folder / "contexts" / "tls" / hashlib.sha256(b"remote").hexdigest() / "docker"
    assert remote["description"] == "the build host"
    assert remote["config"] == {
        "docker_host": "tcp://192.0.2.10:2376",
        "tls": False,
        "validate_certs": True,
        "ca_path": str(material / "ca.pem"),
        "client_cert": str(material / "cert.pem"),
        "client_key": str(material / "key.pem"),
    }
    assert remote["meta_path"] == str(folder / "contexts" / "meta" / hashlib.sha256(b"remote").hexdigest())


@pytest.mark.parametrize(
    "params, environ, current",
    [
        ({}, {}, "local"),
        ({}, {"DOCKER_CONTEXT": "remote"}, "remote"),
        ({}, {"DOCKER_HOST": "tcp://192.0.2.12:2375", "DOCKER_CONTEXT": "remote"}, "default"),  # as the CLI
        ({"cli_context": "insecure"}, {"DOCKER_HOST": "tcp://192.0.2.12:2375"}, "insecure"),
    ],
)
def test_current_context_as_the_cli_chooses(folder, params, environ, current):
    result = context_info(dict(params, only_current=True), dict(environ, DOCKER_CONFIG=str(folder)))
    assert result["current_context_name"] == current
    assert names(result) == [(current, True)]


def test_default_context_from_the_environment(folder):
    environ = {"DOCKER_CONFIG": str(folder), "DOCKER_HOST": "tcp://192.0.2.12:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(folder)}
    (folder / "ca.pem").write_text("pem")
    default = context_info({"name": "default"}, environ)["contexts"][0]
    assert default["config"] == {"docker_host": "tcp://192.0.2.12:2376", "tls": False, "validate_certs": True, "ca_path": str(folder / "ca.pem")}


def test_unknown_names(folder):
    with pytest.raises(KeyError):
        context_info({"name": "nope"}, {"DOCKER_CONFIG": str(folder)})
    with pytest.raises(LookupError, match="the current context 'gone' does not exist"):
        context_info({"cli_context": "gone"}, {"DOCKER_CONFIG": str(folder)})


def test_no_configuration_at_all(tmp_path):
    result = context_info({}, {"DOCKER_CONFIG": str(tmp_path / "absent")})
    assert names(result) == [("default", True)]
