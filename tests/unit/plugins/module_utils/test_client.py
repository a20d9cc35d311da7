"""The client's option handling, and its errors against a real (fake-engine) TLS server on 127.0.0.1."""

import datetime
import http.server
import json
import os
import socket
import ssl
import subprocess
import sys
import threading

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.noar.docker.plugins.module_utils import client as client_mod
from ansible_collections.noar.docker.plugins.module_utils.client import (
    DOCKER_COMMON_ARGS,
    EngineError,
    build_client,
    client_kwargs,
    connect,
    docker_argument_spec,
    engine_errors,
    inspect_or_none,
)
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption


def params(**overrides):
    values = {name: spec.get("default") for name, spec in DOCKER_COMMON_ARGS.items()}
    values.update(overrides)
    return values


def test_argument_spec_keeps_community_docker_names():
    spec = docker_argument_spec(name=dict(type="str"))
    assert "name" in spec
    assert spec["docker_host"]["aliases"] == ["docker_url"]
    assert spec["validate_certs"]["aliases"] == ["tls_verify"]
    assert set(spec["ca_path"]["aliases"]) == {"ca_cert", "tls_ca_cert", "cacert_path"}
    assert spec["docker_host"]["fallback"][1] == ["DOCKER_HOST"]


def test_default_is_the_local_socket():
    kwargs = client_kwargs(params())
    assert kwargs["base_url"] == "unix:///var/run/docker.sock"
    assert kwargs["version"] == "auto"
    assert "tls" not in kwargs


def test_tls_turns_tcp_into_https_without_verification():
    kwargs = client_kwargs(params(docker_host="tcp://10.0.0.5:2376", tls=True))
    assert kwargs["base_url"] == "https://10.0.0.5:2376"
    assert kwargs["tls"]["verify"] is False


def test_validate_certs_verifies(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    kwargs = client_kwargs(params(docker_host="tcp://h:2376", validate_certs=True, ca_path=str(ca), tls_hostname="engine.test"))
    assert kwargs["tls"] == dict(client_cert=None, ca_cert=str(ca), verify=True)
    assert kwargs["tls_hostname"] == "engine.test"


def test_client_cert_needs_its_key(tmp_path):
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    with pytest.raises(InvalidOption) as err:
        client_kwargs(params(docker_host="tcp://h:2376", tls=True, client_cert=str(cert)))
    assert err.value.option == "client_key"


def test_missing_ca_file_is_named(tmp_path):
    with pytest.raises(InvalidOption, match="ca_path: no such file"):
        client_kwargs(params(docker_host="tcp://h:2376", validate_certs=True, ca_path=str(tmp_path / "nope.pem")))


def test_tls_over_a_unix_socket_is_refused():
    with pytest.raises(InvalidOption) as err:
        client_kwargs(params(tls=True))
    assert err.value.option == "docker_host"


def test_timeout_must_be_positive():
    with pytest.raises(InvalidOption, match="timeout"):
        client_kwargs(params(timeout=0))


def test_docker_cert_path_gives_the_default_files(tmp_path, monkeypatch):
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("x")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))
    kwargs = client_kwargs(params(docker_host="tcp://h:2376", validate_certs=True))
    assert kwargs["tls"]["ca_cert"] == str(tmp_path / "ca.pem")
    assert kwargs["tls"]["client_cert"] == (str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_engine_says_so():
    with pytest.raises(EngineError) as err:
        build_client(params(docker_host=f"tcp://127.0.0.1:{free_port()}", timeout=5))
    assert "Cannot reach the Docker engine at tcp://127.0.0.1:" in err.value.msg
    assert "Connection refused" in err.value.msg


def test_missing_socket_says_so(tmp_path):
    with pytest.raises(EngineError, match="Cannot reach the Docker engine at unix://"):
        build_client(params(docker_host=f"unix://{tmp_path}/docker.sock", timeout=5))


def _certificate(subject, issuer, key, issuer_key, is_ca, names=()):
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if is_ca:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write(path, cert=None, key=None):
    data = b""
    if cert is not None:
        data += cert.public_bytes(serialization.Encoding.PEM)
    if key is not None:
        data += key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.write_bytes(data)
    return str(path)


class _FakeEngine(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path.endswith("/version"):
            body, kind = json.dumps({"ApiVersion": "1.41", "Version": "fake"}).encode(), "application/json"
        else:
            body, kind = b"OK", "text/plain"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def tls_engine(tmp_path_factory):
    """A fake engine answering over TLS on 127.0.0.1 with a certificate for engine.test only."""
    folder = tmp_path_factory.mktemp("tls")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("noar test CA", "noar test CA", ca_key, ca_key, True)
    other_key = ec.generate_private_key(ec.SECP256R1())
    other_ca = _certificate("another CA", "another CA", other_key, other_key, True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate("engine.test", "noar test CA", key, ca_key, False, names=["engine.test"])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(_write(folder / "server.pem", cert, key))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeEngine)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield dict(host=f"tcp://127.0.0.1:{server.server_address[1]}", ca=_write(folder / "ca.pem", ca), other_ca=_write(folder / "other.pem", other_ca))
    server.shutdown()


def test_tls_with_the_right_ca_and_hostname_connects(tls_engine):
    client = build_client(params(docker_host=tls_engine["host"], validate_certs=True, ca_path=tls_engine["ca"], tls_hostname="engine.test", timeout=5))
    assert client.api_version == "1.41"


def test_tls_hostname_mismatch_is_refused(tls_engine):
    with pytest.raises(EngineError) as err:
        build_client(params(docker_host=tls_engine["host"], validate_certs=True, ca_path=tls_engine["ca"], timeout=5))
    assert "refused its certificate" in err.value.msg
    assert "tls_hostname" in err.value.msg


def test_tls_certificate_from_another_ca_is_refused(tls_engine):
    with pytest.raises(EngineError, match="refused its certificate"):
        build_client(params(docker_host=tls_engine["host"], validate_certs=True, ca_path=tls_engine["other_ca"], tls_hostname="engine.test", timeout=5))


def test_tls_without_verification_connects(tls_engine):
    client = build_client(params(docker_host=tls_engine["host"], tls=True, timeout=5))
    assert client.api_version == "1.41"


def test_plain_http_to_a_tls_engine_fails_clearly(tls_engine):
    with pytest.raises(EngineError, match="Cannot reach|TLS"):
        build_client(params(docker_host=tls_engine["host"], timeout=5))


class FakeModule:
    def __init__(self, **values):
        self.params = params(**values)
        self.failed = None

    def fail_json(self, **kwargs):
        self.failed = kwargs
        raise SystemExit(1)


def test_connect_without_the_sdk_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "docker", None)
    module = FakeModule()
    with pytest.raises(SystemExit):
        connect(module)
    assert "docker (Docker SDK for Python)" in module.failed["msg"]


def test_connect_fails_with_one_message():
    module = FakeModule(docker_host=f"tcp://127.0.0.1:{free_port()}", timeout=5)
    with pytest.raises(SystemExit):
        connect(module)
    assert module.failed["msg"].startswith("Cannot reach the Docker engine")


def test_engine_errors_name_operation_and_target():
    import docker.errors
    import requests

    response = requests.Response()
    response.status_code = 409
    with pytest.raises(EngineError) as err:
        with engine_errors("removing", "container web-1"):
            raise docker.errors.APIError("409 Conflict", response=response, explanation="container is running")
    assert err.value.msg == "removing container web-1 failed: container is running"
    assert err.value.details["status_code"] == 409


def test_inspect_or_none():
    import docker.errors
    import requests

    def answer(status):
        response = requests.Response()
        response.status_code = status

        def inspect(ref):
            if status == 200:
                return {"Id": ref}
            raise docker.errors.APIError(f"{status}", response=response, explanation=f"said {status}")

        return inspect

    assert inspect_or_none("image x", answer(200), "x") == {"Id": "x"}
    assert inspect_or_none("image x", answer(404), "x") is None
    with pytest.raises(EngineError, match="inspecting image x failed: said 500"):
        inspect_or_none("image x", answer(500), "x")


def test_ssh_addresses_go_through_the_ssh_command_when_asked():
    kwargs = client_kwargs(params(docker_host="ssh://admin@192.0.2.10", use_ssh_client=True))
    assert kwargs["base_url"] == "ssh://admin@192.0.2.10"
    assert kwargs["use_ssh_client"] is True
    with pytest.raises(InvalidOption) as error:
        client_kwargs(params(docker_host="ssh://admin@192.0.2.10", tls=True, use_ssh_client=True))
    assert error.value.option == "docker_host"


def test_ssh_needs_the_sdks_ssh_support(monkeypatch):
    monkeypatch.setattr(client_mod, "_has_paramiko", lambda: False)
    with pytest.raises(
        InvalidOption,
        match=r"docker_host: ssh://admin@h: an ssh:// address needs the Docker SDK's SSH "
        r"support, and paramiko is not installed \(pip install 'docker\[ssh\]'\)",
    ):
        client_kwargs(params(docker_host="ssh://admin@h", use_ssh_client=True))


SDK_IMPORT = """
import sys
from ansible_collections.noar.docker.plugins.module_utils.client import docker_sdk
docker = docker_sdk(ssh={ssh})
print("paramiko" in sys.modules, hasattr(docker.api.client, "SSHHTTPAdapter"))
import paramiko
print(paramiko.SSHClient.__name__)
"""


@pytest.mark.parametrize("ssh, imported", [(False, "False False"), (True, "True True")])
def test_the_sdk_is_imported_without_paramiko_unless_ssh_needs_it(ssh, imported):
    # A fresh interpreter: this one has imported the SDK already.
    done = subprocess.run(
        [sys.executable, "-c", SDK_IMPORT.format(ssh=ssh)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
    )
    assert done.stdout.split("\n")[:2] == [imported, "SSHClient"]


def test_the_containerd_image_store_is_read_from_the_driver_status():
    """Debian's 20.10 (overlay2, its own store) and Docker Engine 28 with containerd-snapshotter, as each reports."""
    assert not client_mod.containerd_image_store(
        {"Driver": "overlay2", "DriverStatus": [["Backing Filesystem", "extfs"], ["Supports d_type", "true"], ["Native Overlay Diff", "true"]]}
    )
    assert client_mod.containerd_image_store({"Driver": "overlayfs", "DriverStatus": [["driver-type", "io.containerd.snapshotter.v1"]]})
    assert not client_mod.containerd_image_store({})


def test_a_raw_api_post_sends_json_with_the_sdk_s_own_request_helper():
    """api_post and api_post_json go through docker-py's _post_json, which adds its Content-Type to the headers: a
    call without headers must still give it a mapping (None failed every network create and docker update)."""
    import docker

    from ansible_collections.noar.docker.plugins.module_utils.client import api_post_json

    sent = {}

    class Recording(docker.APIClient):
        def _post(self, url, **kwargs):  # pylint: disable=arguments-differ
            sent.update(url=url, **kwargs)
            response = requests.Response()
            response.status_code, response._content = 200, b'{"Id": "n1"}'  # pylint: disable=protected-access
            return response

    client = Recording(base_url="tcp://127.0.0.1:1", version="1.41")
    assert api_post_json(client, "/networks/{0}/connect", "a b", body=dict(Container="c")) == {"Id": "n1"}
    assert sent["url"].endswith("/v1.41/networks/a%20b/connect")
    assert sent["headers"] == {"Content-Type": "application/json"}
    assert json.loads(sent["data"]) == {"Container": "c"}
