# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading from and running in containers: logs, and exec (``container_exec`` and the ``docker``
connection plugin share how an exec's input is sent and its output read)."""

from __future__ import annotations

import shlex
import socket
import struct
import time
from typing import TYPE_CHECKING, Any, Callable

from ansible_collections.noar.docker.plugins.module_utils.client import (
    api_post,
    connect,
    engine_errors,
    require,
    without_socket_timeout,
)
from ansible_collections.noar.docker.plugins.module_utils.converge import module_errors
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption, as_text, parse_time

if TYPE_CHECKING:
    from ansible.module_utils.basic import AnsibleModule


def read_logs(client: Any, params: dict) -> dict:
    """A container's logs, all of them and split by stream, as ``docker logs`` shows them."""
    name = params["name"]
    container = require(client, "container", name, "name")
    tail = params.get("tail")
    if tail is None or str(tail) == "all":
        tail = "all"
    else:
        try:
            tail = int(tail)
        except ValueError:
            raise InvalidOption("tail", f"{tail!r} is not a number of lines or 'all'") from None
        if tail < 0:
            raise InvalidOption("tail", f"cannot be negative, got {tail}")
    now = time.time()
    bounds = {key: int(parse_time(params[key], key, now)) if params.get(key) is not None else None for key in ("since", "until")}
    kwargs = dict(timestamps=params.get("timestamps", False), tail=tail, **bounds)
    driver = ((container.get("HostConfig") or {}).get("LogConfig") or {}).get("Type")

    def fetch(stdout: bool, stderr: bool) -> str:
        with engine_errors("reading the logs of", f"container {name} (logging driver {driver})"):
            return client.logs(container["Id"], stdout=stdout, stderr=stderr, **kwargs).decode("utf-8", "replace")

    want_out, want_err = params.get("stdout", True), params.get("stderr", True)
    out = fetch(True, False) if want_out else ""
    err = fetch(False, True) if want_err else ""
    both = fetch(want_out, want_err) if want_out and want_err else out or err
    return dict(logs=both.splitlines(), stdout_lines=out.splitlines(), stderr_lines=err.splitlines(), log_driver=driver)


def exec_output(client: Any, exec_id: str, stdin: bytes | None = None, tty: bool = False) -> tuple:
    """Start an exec, feed it ``stdin``, and read (stdout, stderr) to the end.

    The output is read from the buffered reader that parsed the HTTP upgrade's headers, not from the raw
    socket behind it (as docker-py's ``exec_start(socket=True)`` does): on a busy machine the first output
    often arrives with the headers and sits in that buffer, and reading the raw socket loses it (commands
    then "return an empty string"). The end of input is a half-close, as the docker CLI does it; without
    input the connection is left whole, as the CLI leaves it.
    """
    response = api_post(client, "/exec/{0}/start", exec_id, body=dict(Tty=tty, Detach=False), headers={"Connection": "Upgrade", "Upgrade": "tcp"}, stream=True)
    stream = response.raw._fp.fp  # pylint: disable=protected-access
    raw_socket = getattr(getattr(stream, "raw", None), "_sock", None)
    if raw_socket is None:  # a transport without a plain socket (SSH): docker-py's own way
        response.close()
        return _exec_output_by_socket(client, exec_id, stdin, tty)
    without_socket_timeout(client, stream.raw)
    try:
        if stdin is not None:
            raw_socket.sendall(stdin)
            raw_socket.shutdown(socket.SHUT_WR)
        if tty:
            return stream.read(), b""
        return _demultiplex(stream)
    finally:
        response.close()


def _demultiplex(stream: Any) -> tuple:
    """stdout and stderr from the engine's multiplexed stream: frames of an 8-byte header and a payload."""
    parts: dict = {1: [], 2: []}
    while True:
        header = stream.read(8)
        if len(header) < 8:
            break
        kind, length = struct.unpack(">BxxxL", header)
        payload = stream.read(length)
        parts[2 if kind == 2 else 1].append(payload)
        if len(payload) < length:
            break
    return b"".join(parts[1]), b"".join(parts[2])


def _exec_output_by_socket(client: Any, exec_id: str, stdin: bytes | None, tty: bool) -> tuple:
    from docker.utils.socket import (  # pylint: disable=import-outside-toplevel
        consume_socket_output,
        demux_adaptor,
        frames_iter,
    )

    sock = client.exec_start(exec_id, tty=tty, socket=True)
    try:
        if stdin is not None:
            raw = getattr(sock, "_sock", sock)
            raw.sendall(stdin)
            raw.shutdown(socket.SHUT_WR)
        frames = (demux_adaptor(*frame) for frame in frames_iter(sock, tty))
        out, err = consume_socket_output(frames, demux=True)
    finally:
        sock.close()
    return out or b"", err or b""


def runtime_refusal(text: str, params: dict) -> tuple | None:
    """``(option, reason)`` when the container's runtime refused to start an exec (status 126 with its own
    message, not the command's), naming the option that caused it; None for a command that exited 126."""
    text = text.strip()
    if "unable to find user" in text or "no matching entries in" in text or "uids and gids must be" in text:
        return "user", f"the container has no such user: {text}"
    if not text.startswith("OCI runtime exec failed"):
        return None
    if "chdir to cwd" in text or "Cwd must be" in text:
        return "chdir", f"the container's runtime cannot start the command there: {text}"
    return ("argv" if params.get("argv") else "command"), f"the container's runtime cannot start it: {text}"


def run_exec(client: Any, params: dict) -> dict:
    """Run a command in a running container: ``rc``, ``stdout`` and ``stderr`` (or ``exec_id`` when detached)."""
    name = params["container"]
    container = require(client, "container", name, "container")
    state = container.get("State") or {}
    if not state.get("Running") or state.get("Paused"):
        status = state.get("Status") or "absent"
        raise InvalidOption("container", f"container {name} is not running ({status})")
    if params.get("argv") is not None:
        argv = [str(a) for a in params["argv"]]
    else:
        try:
            argv = shlex.split(params.get("command") or "")  # None: Python 3.11 would read stdin, 3.12 raises
        except ValueError as exc:
            raise InvalidOption("command", f"cannot be split like a shell does: {exc}") from None
    if not argv:
        option = "argv" if params.get("argv") is not None else "command"
        raise InvalidOption(option, "is empty: name the command to run")
    if params.get("chdir") is not None and not str(params["chdir"]).startswith("/"):
        raise InvalidOption("chdir", f"must be an absolute path inside the container, as /srv/app; got {params['chdir']!r}")
    stdin = params.get("stdin")
    if stdin is not None and params.get("stdin_add_newline", True) and not stdin.endswith("\n"):
        stdin += "\n"
    env = {str(k): as_text(v) for k, v in (params.get("env") or {}).items()}
    tty = params.get("tty", False)
    with engine_errors("running a command in", f"container {name}"):
        exec_id = client.exec_create(
            container["Id"],
            argv,
            stdout=True,
            stderr=True,
            stdin=stdin is not None,
            tty=tty,
            user=params.get("user") or "",
            environment=env or None,
            workdir=params.get("chdir"),
            privileged=bool(params.get("privileged")),
        )["Id"]
        if params.get("detach"):
            client.exec_start(exec_id, detach=True)
            return dict(exec_id=exec_id)
        out, err = exec_output(client, exec_id, stdin.encode("utf-8") if stdin is not None else None, tty)
        rc = client.exec_inspect(exec_id).get("ExitCode")
    out = out.decode("utf-8", "replace")
    err = err.decode("utf-8", "replace")
    if rc == 126:
        refused = runtime_refusal(out + err, params)
        if refused:
            raise InvalidOption(*refused)
    if params.get("strip_empty_ends", True):
        out, err = out.rstrip("\r\n"), err.rstrip("\r\n")
    return dict(rc=rc, stdout=out, stderr=err, exec_id=exec_id)


def exec_argument_spec(tty: bool) -> dict:
    """The options of a command run in a container (container_exec, compose_exec, compose_run), as community.docker
    names them; ``tty`` is the default of the option of that name, which its modules differ on."""
    return dict(
        command=dict(type="str"),
        argv=dict(type="list", elements="str"),
        env=dict(type="dict"),
        user=dict(type="str"),
        chdir=dict(type="str"),
        stdin=dict(type="str"),
        stdin_add_newline=dict(type="bool", default=True),
        strip_empty_ends=dict(type="bool", default=True),
        tty=dict(type="bool", default=tty),
        detach=dict(type="bool", default=False),
    )


def run_command_module(module: AnsibleModule, run: Callable[[Any], dict]) -> None:
    """Run ``run(client)`` and exit as the command modules do: skipped in check mode, the output also as lines, and
    a non-zero exit status failing the task (as ansible.builtin.command does); warnings the run returns are passed on."""
    if module.check_mode:
        module.exit_json(changed=False, skipped=True, msg="check mode: the command was not run")
    client = connect(module)
    with module_errors(module):
        result = run(client)
    for warning in result.pop("warnings", None) or []:
        module.warn(warning)
    if "stdout" in result:
        result["stdout_lines"] = result["stdout"].splitlines()
        result["stderr_lines"] = result["stderr"].splitlines()
    if result.get("rc"):
        module.fail_json(msg=f"non-zero return code {result['rc']}", changed=True, **result)
    module.exit_json(changed=True, **result)
