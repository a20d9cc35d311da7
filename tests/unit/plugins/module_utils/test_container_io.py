"""exec output read through the HTTP upgrade, against a fake engine on a Unix socket.

The fake engine sends the upgrade's headers and the command's whole output in one write, as a real
engine does when the client is slow to read (a busy machine): the output then sits in the buffered
reader that parsed the headers. Reading the raw socket behind it (docker-py's exec_start(socket=True))
returns nothing; exec_output must return everything.
"""

import os
import socket
import struct
import tempfile
import threading

import docker
import pytest

from ansible_collections.noar.docker.plugins.module_utils.container_io import exec_output, run_exec
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

UPGRADE = b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"


def frame(kind: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", kind, len(payload)) + payload


class FakeEngine(threading.Thread):
    """Answers /version and one exec start; records what the client sent as the exec's input."""

    def __init__(self, path: str, output: bytes):
        super().__init__(daemon=True)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(4)
        self.output = output
        self.stdin = b""

    def run(self):
        while True:
            conn, _addr = self.server.accept()
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(4096)
            head, _sep, body = request.partition(b"\r\n\r\n")
            length = int(next((line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), b"0"))
            while len(body) < length:
                body += conn.recv(4096)
            if b"/exec/" not in head:
                reply = b'{"ApiVersion": "1.41"}'
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(reply), reply))
                conn.close()
                continue
            conn.sendall(UPGRADE + self.output)  # headers and output in one write
            conn.settimeout(0.5)
            try:
                while True:
                    data = conn.recv(4096)
                    if not data:
                        break
                    self.stdin += data
            except OSError:
                pass
            conn.close()
            return


@pytest.fixture
def engine_at():
    folder = tempfile.mkdtemp()

    def start(output: bytes) -> tuple:
        path = os.path.join(folder, "docker.sock")
        engine = FakeEngine(path, output)
        engine.start()
        return docker.APIClient(base_url="unix://" + path, version="1.41"), engine

    return start


def test_output_that_came_with_the_headers_is_not_lost(engine_at):
    client, _engine = engine_at(frame(1, b"ansible-tmp-1=/tmp/x\n") + frame(2, b"warn\n"))
    assert exec_output(client, "abc") == (b"ansible-tmp-1=/tmp/x\n", b"warn\n")


def test_input_is_sent_and_half_closed(engine_at):
    client, engine = engine_at(frame(1, b"ok\n"))
    assert exec_output(client, "abc", b"module source") == (b"ok\n", b"")
    engine.join(5)
    assert engine.stdin == b"module source"


def test_a_terminal_stream_is_not_multiplexed(engine_at):
    client, _engine = engine_at(b"hi\r\n")
    assert exec_output(client, "abc", tty=True) == (b"hi\r\n", b"")


class RunningContainer:
    """A client whose one container is running; exec is never reached."""

    def inspect_container(self, name):
        return dict(Name=name, State=dict(Running=True, Paused=False, Status="running"))


@pytest.mark.parametrize("given, option", [(dict(argv=[]), "argv"), (dict(command="  "), "command"), (dict(argv=None, command=None), "command")])
def test_an_empty_command_is_refused_naming_its_option(given, option):
    # shlex.split(None) reads standard input on Python 3.11 and raises on 3.12: never called with None.
    with pytest.raises(InvalidOption) as error:
        run_exec(RunningContainer(), dict(dict(container="c"), **given))
    assert (error.value.option, str(error.value)) == (option, f"{option}: is empty: name the command to run")
