# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way the collection talks to a Docker engine.

Modules build their argument spec with ``docker_argument_spec()`` and get a connected
``docker.APIClient`` from ``connect()``. Engine failures are turned into ``EngineError``
with a message that names the operation and the object, through ``engine_errors()``.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

if TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule

DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"

DOCKER_COMMON_ARGS = dict(
    docker_host=dict(type="str", default=DEFAULT_DOCKER_HOST, aliases=["docker_url"], fallback=(env_fallback, ["DOCKER_HOST"])),
    api_version=dict(type="str", default="auto", aliases=["docker_api_version"], fallback=(env_fallback, ["DOCKER_API_VERSION"])),
    timeout=dict(type="int", default=60, fallback=(env_fallback, ["DOCKER_TIMEOUT"])),
    tls=dict(type="bool", default=False, fallback=(env_fallback, ["DOCKER_TLS"])),
    validate_certs=dict(type="bool", default=False, aliases=["tls_verify"], fallback=(env_fallback, ["DOCKER_TLS_VERIFY"])),
    ca_path=dict(type="path", aliases=["ca_cert", "tls_ca_cert", "cacert_path"]),
    client_cert=dict(type="path", aliases=["tls_client_cert", "cert_path"]),
    client_key=dict(type="path", aliases=["tls_client_key", "key_path"]),
    tls_hostname=dict(type="str", fallback=(env_fallback, ["DOCKER_TLS_HOSTNAME"])),
    use_ssh_client=dict(type="bool", default=False),
)


class EngineError(Exception):
    """The engine refused or failed an operation; ``msg`` is what the user reads."""

    def __init__(self, msg: str, **details: Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.details = details


def docker_sdk(ssh: bool = False) -> Any:
    """The Docker SDK for Python, imported on first use; raises ImportError when it cannot be.

    The SDK imports its SSH transport, and with it paramiko, whenever paramiko is installed: about 40 ms of
    the ~200 ms a module run costs. Unless an ssh:// engine needs it, the first import runs with paramiko
    hidden (a ``None`` in ``sys.modules`` makes its import fail, which the SDK allows for). A module run
    reaches one engine; the controller's plugins, which may reach several, import the whole SDK themselves.
    """
    if "docker" not in sys.modules and not ssh and "paramiko" not in sys.modules:
        sys.modules["paramiko"] = None  # type: ignore[assignment]
        try:
            import docker  # pylint: disable=import-outside-toplevel
        finally:
            del sys.modules["paramiko"]
    import docker  # pylint: disable=import-outside-toplevel,redefined-outer-name,reimported
    import docker.constants  # pylint: disable=import-outside-toplevel
    import docker.errors  # pylint: disable=import-outside-toplevel
    import docker.tls  # pylint: disable=import-outside-toplevel

    return docker


# Shared by every module but not by the connection and inventory plugins.
MODULE_COMMON_ARGS = dict(
    debug=dict(type="bool", default=False),
)


def docker_argument_spec(**spec: Any) -> dict:
    """A module's own options merged with the shared connection options."""
    merged = dict(DOCKER_COMMON_ARGS, **MODULE_COMMON_ARGS)
    merged.update(spec)
    return merged


def containerd_image_store(info: dict) -> bool:
    """Whether the engine keeps its images in containerd (``features.containerd-snapshotter``, API 1.44+, the default
    of new Docker Engine 29 installs): an image's Id is its manifest's digest, retagging leaves no dangling image, a
    digest name is no record of its own, and prune takes every dangling image whatever its children."""
    return ["driver-type", "io.containerd.snapshotter.v1"] in (info.get("DriverStatus") or [])


def engine_on_this_machine(params: dict) -> bool:
    """Whether the engine is reached through a unix socket, so that its cgroup and /proc files are this machine's."""
    return str(params.get("docker_host") or "unix://").startswith("unix://")


def _cert_path_default(params: dict, option: str, filename: str) -> str | None:
    if params.get(option):
        return params[option]
    cert_dir = os.environ.get("DOCKER_CERT_PATH")
    if cert_dir and os.path.exists(os.path.join(cert_dir, filename)):
        return os.path.join(cert_dir, filename)
    return None


def _has_paramiko() -> bool:
    try:
        import paramiko  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        return False
    return True


def client_kwargs(params: dict) -> dict:
    """The ``docker.APIClient`` arguments for the shared connection options.

    Pure, so that it can be tested without an engine. Raises ``InvalidOption`` for options that
    cannot work together or files that are not there.
    """
    host = (params.get("docker_host") or DEFAULT_DOCKER_HOST).strip()
    timeout = params.get("timeout")
    if timeout is None:
        timeout = 60
    if int(timeout) <= 0:
        raise InvalidOption("timeout", f"must be a positive number of seconds, got {timeout}")
    kwargs = dict(base_url=host, version=params.get("api_version") or "auto", timeout=int(timeout))

    ca_path = _cert_path_default(params, "ca_path", "ca.pem")
    client_cert = _cert_path_default(params, "client_cert", "cert.pem")
    client_key = _cert_path_default(params, "client_key", "key.pem")
    verify = bool(params.get("validate_certs"))
    use_tls = verify or bool(params.get("tls"))

    if bool(client_cert) != bool(client_key):
        missing = "client_key" if client_cert else "client_cert"
        raise InvalidOption(missing, "client_cert and client_key go together: set both or neither")
    for option, path in (("ca_path", ca_path), ("client_cert", client_cert), ("client_key", client_key)):
        if path and not os.path.isfile(path):
            raise InvalidOption(option, f"no such file: {path}")
    if host.startswith("ssh://"):
        if use_tls:
            raise InvalidOption("docker_host", "an ssh:// engine address is reached through SSH; tls and validate_certs are for tcp:// addresses")
        if not _has_paramiko():
            # The Docker SDK's SSH transport imports paramiko even when it runs the ssh command.
            raise InvalidOption(
                "docker_host", f"{host}: an ssh:// address needs the Docker SDK's SSH support, and paramiko is not installed (pip install 'docker[ssh]')"
            )
        kwargs["use_ssh_client"] = bool(params.get("use_ssh_client"))
    if use_tls:
        if host.startswith("unix://"):
            raise InvalidOption("docker_host", "TLS needs a tcp:// engine address, not a unix socket")
        kwargs["base_url"] = host.replace("tcp://", "https://", 1)
        kwargs["tls"] = dict(
            client_cert=(client_cert, client_key) if client_cert else None,
            ca_cert=ca_path,
            verify=verify,
        )
    kwargs["tls_hostname"] = params.get("tls_hostname") if use_tls else None
    return kwargs


def _hostname_adapter(hostname: str) -> Any:
    """A requests adapter that checks the engine's certificate against ``tls_hostname`` instead of the address."""
    import requests.adapters  # pylint: disable=import-outside-toplevel

    class HostnameAdapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["assert_hostname"] = hostname
            kwargs["server_hostname"] = hostname
            return super().init_poolmanager(*args, **kwargs)

    return HostnameAdapter()


def _failures(docker: Any) -> tuple:
    """The exceptions by which the SDK and requests say an engine call failed."""
    # Imported by the SDK already.
    import requests.exceptions  # pylint: disable=import-outside-toplevel

    return docker.errors.DockerException, requests.exceptions.RequestException


def _root_cause(exc: BaseException) -> str:
    """The innermost readable reason of a chained connection error."""
    seen: list = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        nxt = current.__cause__ or current.__context__
        if nxt is None and current.args and isinstance(current.args[0], BaseException):
            nxt = current.args[0]
        reason = getattr(current, "reason", None)
        if nxt is None and isinstance(reason, BaseException):
            nxt = reason
        current = nxt
    text = str(seen[-1]) or str(exc)
    return text.strip()


def describe_connection_error(host: str, exc: BaseException) -> str:
    """One sentence that says why the engine at ``host`` could not be used."""
    text = f"{exc} {_root_cause(exc)}"
    reason = _root_cause(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text or ("hostname" in text and "match" in text):
        return (
            f"TLS connection to the Docker engine at {host} refused its certificate ({reason}); "
            "check ca_path and tls_hostname, or set validate_certs=false to skip the check"
        )
    if "SSL" in text or "TLS" in text or "wrong version number" in text:
        return (
            f"TLS connection to the Docker engine at {host} failed ({reason}); "
            "check that the engine speaks TLS and that tls, client_cert and client_key are right"
        )
    if "Permission denied" in text:
        return f"Permission denied on the Docker engine at {host}; run as root (become) or as a member of the docker group"
    return f"Cannot reach the Docker engine at {host} ({reason}); is dockerd running, and is docker_host right?"


def build_client(params: dict) -> Any:
    """A connected ``docker.APIClient``; raises ``EngineError``, ``InvalidOption``, or ImportError without the SDK."""
    kwargs = client_kwargs(params)
    tls_hostname = kwargs.pop("tls_hostname")
    tls = kwargs.pop("tls", None)
    host = params.get("docker_host") or DEFAULT_DOCKER_HOST
    version = kwargs.pop("version")
    docker = docker_sdk(ssh=kwargs["base_url"].startswith("ssh://"))
    try:
        if tls is None:
            client = docker.APIClient(version=version, **kwargs)
        else:
            kwargs["tls"] = docker.tls.TLSConfig(**tls)
            # The version is asked for below, once the TLS settings are all in place.
            client = docker.APIClient(version=docker.constants.MINIMUM_DOCKER_API_VERSION if version == "auto" else version, **kwargs)
            # requests lets REQUESTS_CA_BUNDLE (and friends) replace the session's CA, which would override
            # ca_path and even validate_certs=false: the task's TLS settings must win.
            client.trust_env = False
            if tls_hostname:
                client.mount("https://", _hostname_adapter(tls_hostname))
            if version == "auto":
                client._version = client._retrieve_server_version()  # pylint: disable=protected-access
        if version != "auto":
            client.ping()  # with auto, asking the version has already proved the engine answers
    except docker.errors.TLSParameterError as exc:
        raise InvalidOption("ca_path", str(exc)) from None
    except (*_failures(docker), OSError) as exc:
        raise EngineError(describe_connection_error(host, exc), error=str(exc)) from None
    return client


def connect(module: AnsibleModule, **failure: Any) -> Any:
    """The module's engine client, or a ``fail_json`` that says why there is none (with ``failure``'s keys)."""
    try:
        return build_client(module.params)
    except ImportError:
        module.fail_json(msg=missing_required_lib("docker (Docker SDK for Python)"), exception=traceback.format_exc(), **failure)
    except InvalidOption as exc:
        module.fail_json(msg=str(exc), **failure)
    except EngineError as exc:
        module.fail_json(msg=exc.msg, **dict(exc.details, **failure))
    return None  # not reached: fail_json exits


def _engine_explanation(exc: BaseException) -> str:
    explanation = getattr(exc, "explanation", None)
    if explanation:
        return explanation.decode() if isinstance(explanation, bytes) else str(explanation)
    return str(exc)


@contextmanager
def engine_errors(operation: str, target: str) -> Iterator[None]:
    """Turn SDK failures inside the block into ``EngineError('<operation> <target>: <reason>')``."""
    docker = docker_sdk()
    try:
        yield
    except docker.errors.APIError as exc:
        raise EngineError(f"{operation} {target} failed: {_engine_explanation(exc)}", status_code=exc.status_code) from None
    except _failures(docker) as exc:
        raise EngineError(f"{operation} {target} failed: {_root_cause(exc)}") from None


def inspect_or_none(target: str, inspect: Callable[[str], Any], ref: str) -> Any:
    """``inspect(ref)``'s data, or None when the engine has no such object (``target`` names it in errors)."""
    try:
        with engine_errors("inspecting", target):
            return inspect(ref)
    except EngineError as exc:
        if exc.details.get("status_code") == 404:
            return None
        raise


def api_below(version: str, wanted: str) -> bool:
    """Whether the Engine API ``version`` (as ``1.41``) is older than ``wanted``: the one comparison every
    engine-dependent path makes, each naming the version it needs."""

    def parts(text: str) -> tuple:
        return tuple(int(part) for part in re.findall(r"\d+", str(text))[:2]) or (0,)

    return parts(version) < parts(wanted)


def require_api(api_version: str, option: str, wanted: str) -> None:
    """Refuse, naming ``option``, what the engine's API is too old for, rather than have the engine drop it."""
    if api_below(api_version, wanted):
        raise InvalidOption(option, f"needs Docker API {wanted} or later; this engine speaks {api_version}")


# The Engine API calls docker-py has no method for, or one that drops fields: the SDK's private request helpers are
# used here and nowhere else.


def api_post(client: Any, path: str, *args: str, body: dict, stream: bool = False, headers: dict | None = None) -> Any:
    """POST ``body`` as JSON to ``path`` (``{0}``... filled with ``args``, quoted); the response, its status
    checked."""
    # pylint: disable=protected-access
    # The SDK adds its Content-Type to the headers given, so none given is an empty mapping, not None.
    response = client._post_json(client._url(path, *args), data=body, stream=stream, headers=dict(headers or {}))
    client._raise_for_status(response)
    return response


def api_post_json(client: Any, path: str, *args: str, body: dict) -> dict:
    """``api_post``, and the JSON it answers (an empty mapping for none)."""
    return client._result(api_post(client, path, *args, body=body), True) or {}  # pylint: disable=protected-access


def api_get_stream(client: Any, path: str, params: dict) -> Any:
    """GET ``path`` with ``params``, streamed; the response, its status checked."""
    # pylint: disable=protected-access
    response = client._get(client._url(path), params=params, stream=True)
    client._raise_for_status(response)
    return response


def without_socket_timeout(client: Any, stream: Any) -> None:
    """No API timeout on ``stream``: a command may stay silent longer than it."""
    client._disable_socket_timeout(stream)  # pylint: disable=protected-access


def connect_endpoint(client: Any, container: str, network: str, endpoint: dict) -> None:
    """Connect ``container`` to ``network`` with the Engine API's EndpointSettings as given. docker-py 7's
    ``connect_container_to_network`` builds them itself and knows no ``GwPriority`` (API 1.48)."""
    api_post(client, "/networks/{0}/connect", network, body=dict(Container=container, EndpointConfig=endpoint))


_INSPECT = dict(container="inspect_container", image="inspect_image", network="inspect_network", volume="inspect_volume")


def find(client: Any, kind: str, name: str | None) -> dict | None:
    """Inspect data of the engine's ``kind`` (container, image, network, volume) named ``name``, or None."""
    if not str(name or "").strip():
        return None  # the engine would answer "Resource ID was not provided", naming no option
    return inspect_or_none(f"{kind} {name}", getattr(client, _INSPECT[kind]), str(name))


def require(client: Any, kind: str, name: str | None, option: str) -> dict:
    """Like ``find``, but a missing object is bad input for ``option``."""
    found = find(client, kind, name)
    if found is None:
        raise InvalidOption(option, f"no {kind} named {name}")
    return found


def known_drivers(client: Any, kind: str, builtin: tuple = ()) -> list:
    """The drivers of ``kind`` (``Log``, ``Volume``, ``Network``; ``builtin`` for kinds docker info does not
    list, as IPAM) the engine has: its own, and the enabled plugins, by name with and without ``:latest``."""
    known = list(builtin) + list((engine_info(client).get("Plugins") or {}).get(kind) or [])
    with engine_errors("listing", "plugins"):
        for plugin in client.plugins():
            if plugin.get("Enabled"):
                known += [plugin["Name"], plugin["Name"].rsplit(":latest", 1)[0]]
    return known


def engine_info(client: Any, fresh: bool = False) -> dict:
    """``docker info``, read once per client (a module run): several checks need it. ``fresh`` reads it again (what
    may have changed since: swarm membership) and keeps that answer for the checks after."""
    cached = None if fresh else getattr(client, "_noar_engine_info", None)
    if cached is None:
        with engine_errors("reading", "engine info"):
            cached = client.info()
        try:
            client._noar_engine_info = cached  # pylint: disable=protected-access
        except AttributeError:
            pass
    return cached
