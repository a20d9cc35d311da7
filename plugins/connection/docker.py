# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: docker
short_description: Run tasks inside Docker containers through the Engine API
version_added: 0.1.0
description:
  - Runs commands in a running container with the Engine's exec API and moves files in and out of it as tar
    archives, through the Docker SDK for Python on the controller. No C(docker) CLI is needed, nor any other
    collection.
  - Files keep their mode and are streamed through a temporary file, so large files never sit in memory.
  - Pipelining works (the module goes to the exec's standard input), and so does C(become) to another user when it
    needs no password (connecting as root), or with C(sudo) and a password.
  - Hosts made by the C(noar.docker.containers) inventory plugin use this connection already.
extends_documentation_fragment:
  - ansible.builtin.connection_pipelining
options:
  remote_addr:
    description:
      - The container's name or Id.
      - C(ansible_docker_host) means the container, as in community.docker's C(docker_api) connection; the engine
        is C(ansible_docker_docker_host). A value that looks like an engine address (C(unix://), C(tcp://), ...) fails
        with a message saying so, rather than being taken as a container name.
    type: str
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
      - name: ansible_docker_host
      - name: ansible_docker_container
  remote_user:
    description:
      - The user commands run as inside the container (C(docker exec --user)). Without it, the container's own
        user.
    type: str
    vars:
      - name: ansible_user
      - name: ansible_docker_user
    env:
      - name: ANSIBLE_REMOTE_USER
    keyword:
      - name: remote_user
  working_dir:
    description: The folder commands start in (C(docker exec --workdir)). Without it, the container's own.
    type: str
    env:
      - name: ANSIBLE_DOCKER_WORKING_DIR
    vars:
      - name: ansible_docker_working_dir
  docker_extra_args:
    description:
      - The C(docker) CLI options of community.docker's CLI connection that say where the engine is and how to
        reach it (V(-H)/V(--host), V(--tls), V(--tlsverify), V(--tlscacert), V(--tlscert), V(--tlskey)); they
        override the options above. Any other CLI option fails the task, naming it, as this connection does not
        run the CLI.
    type: str
    default: ""
    vars:
      - name: ansible_docker_extra_args
  privileged:
    description:
      - Run commands with all capabilities and devices (C(docker exec --privileged)). The engine refuses it where
        its own process lacks capabilities, saying so.
    type: bool
    default: false
    env:
      - name: ANSIBLE_DOCKER_PRIVILEGED
    vars:
      - name: ansible_docker_privileged
  extra_env:
    description: Environment variables added to every command (C(docker exec --env)).
    type: dict
    vars:
      - name: ansible_docker_extra_env
  docker_host:
    description: The engine that runs the container, as V(unix:///path/to/docker.sock) or V(tcp://host:2376).
    type: str
    default: unix:///var/run/docker.sock
    env:
      - name: DOCKER_HOST
    vars:
      - name: ansible_docker_docker_host
  api_version:
    description: The Engine API version to speak; V(auto) asks the engine.
    type: str
    default: auto
    env:
      - name: DOCKER_API_VERSION
    vars:
      - name: ansible_docker_api_version
  timeout:
    description: Seconds to wait for the engine to answer one request (not for a command to finish).
    type: int
    default: 60
    env:
      - name: DOCKER_TIMEOUT
    vars:
      - name: ansible_docker_timeout
  tls:
    description: Talk to the engine over TLS without checking its certificate. Prefer O(validate_certs).
    type: bool
    default: false
    env:
      - name: DOCKER_TLS
    vars:
      - name: ansible_docker_tls
  validate_certs:
    description: Talk to the engine over TLS and check its certificate against O(ca_path).
    type: bool
    default: false
    env:
      - name: DOCKER_TLS_VERIFY
    vars:
      - name: ansible_docker_validate_certs
  ca_path:
    description: The CA certificate that signed the engine's certificate.
    type: path
    vars:
      - name: ansible_docker_ca_cert
      - name: ansible_docker_ca_path
  client_cert:
    description: The client certificate to present to the engine; needs O(client_key).
    type: path
    vars:
      - name: ansible_docker_client_cert
  client_key:
    description: The key of O(client_cert).
    type: path
    vars:
      - name: ansible_docker_client_key
  tls_hostname:
    description: The name the engine's certificate must carry, when it differs from the host in O(docker_host).
    type: str
    env:
      - name: DOCKER_TLS_HOSTNAME
    vars:
      - name: ansible_docker_tls_hostname
  use_ssh_client:
    description: For an V(ssh://) O(docker_host), use the C(ssh) command instead of paramiko's own SSH client.
    type: bool
    default: false
    vars:
      - name: ansible_docker_use_ssh_client
notes:
  - A container without Python can still be driven with M(ansible.builtin.raw); modules then fail with a message
    that says the interpreter is missing.
  - C(become) methods that read a password from a terminal (C(su) with a password) are not supported; connect as
    root, or use C(sudo).
author:
  - noar.docker maintainers (@noar-docker)
seealso:
  - plugin: noar.docker.containers
    plugin_type: inventory
"""

EXAMPLES = r"""
# inventory.yml: two containers as hosts
# all:
#   hosts:
#     web-1: {}
#     db: {ansible_docker_user: postgres}
#   vars:
#     ansible_connection: noar.docker.docker
#     ansible_python_interpreter: /usr/bin/python3

- name: Configure a running container
  hosts: web-1
  gather_facts: false
  tasks:
    - name: Install a package inside it
      ansible.builtin.apt:
        name: curl

- name: Reach a container on another engine
  hosts: build-box
  vars:
    ansible_connection: noar.docker.docker
    ansible_docker_docker_host: tcp://ci.example.com:2376
    ansible_docker_validate_certs: true
    ansible_docker_ca_path: /etc/ci/ca.pem
  tasks:
    - name: Without Python in the container
      ansible.builtin.raw: cat /etc/os-release
      changed_when: false
"""

import os
import shlex
import tarfile
import tempfile

from ansible.errors import AnsibleConnectionFailure, AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.connection import ConnectionBase
from ansible.utils.display import Display

from ansible_collections.noar.docker.plugins.module_utils.client import (
    DOCKER_COMMON_ARGS,
    EngineError,
    build_client,
)
from ansible_collections.noar.docker.plugins.module_utils.container_io import exec_output
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

try:
    # The whole SDK, its SSH transport included: the controller may reach several engines, ssh:// ones too.
    import docker.errors
except ImportError:
    HAS_DOCKER = False
else:
    HAS_DOCKER = True

display = Display()

CHUNK = 1024 * 1024
MAX_LINK_DEPTH = 10


# The docker CLI's engine options (as community.docker's CLI connection passes them in docker_extra_args)
# and the connection option each one sets; True marks a flag without a value.
CLI_ENGINE_OPTIONS = {
    "-H": "docker_host",
    "--host": "docker_host",
    "--tls": True,
    "--tlsverify": True,
    "--tlscacert": "ca_path",
    "--tlscert": "client_cert",
    "--tlskey": "client_key",
}


def cli_engine_options(text: str) -> dict:
    """The connection options that docker CLI arguments such as ``-H tcp://host:2376 --tlsverify`` ask for.

    Raises ``ValueError`` naming an argument this connection cannot apply.
    """
    words = shlex.split(text or "")
    options: dict = {}
    index = 0
    while index < len(words):
        word, _sep, value = words[index].partition("=")
        target = CLI_ENGINE_OPTIONS.get(word)
        if target is None:
            raise ValueError(
                f"{words[index]!r} is a docker CLI option that this connection, which speaks the Engine "
                "API, cannot apply; only the engine's address and TLS options are taken from here"
            )
        if target is True:
            options["tls" if word == "--tls" else "validate_certs"] = value.lower() not in ("false", "0")
        else:
            if not value:
                index += 1
                if index >= len(words):
                    raise ValueError(f"{word} needs a value")
                value = words[index]
            options[target] = value
        index += 1
    return options


class Connection(ConnectionBase):
    """Commands through exec, files through tar archives, all over the Engine API."""

    transport = "noar.docker.docker"
    has_pipelining = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = None
        self.ids: tuple | None = None

    @property
    def container(self) -> str:
        name = self.get_option("remote_addr")
        if "://" in str(name):
            # ansible_docker_host as this plugin used to read it (the engine); community.docker reads it as the
            # container, and so does this plugin now: say so rather than look for a container of that name.
            raise AnsibleConnectionFailure(
                f"the container to connect to is {name!r}, which is an engine address: ansible_docker_host names the "
                "container (as in community.docker.docker_api); put the engine in ansible_docker_docker_host"
            )
        return name

    def _connect(self):
        if not HAS_DOCKER:
            raise AnsibleConnectionFailure("the noar.docker.docker connection needs the Docker SDK for Python on the controller: pip install docker")
        if self._connected:
            return self
        params = {option: self.get_option(option) for option in DOCKER_COMMON_ARGS}
        try:
            params.update(cli_engine_options(self.get_option("docker_extra_args")))
        except ValueError as exc:
            raise AnsibleConnectionFailure(f"ansible_docker_extra_args: {exc}") from None
        try:
            self.client = build_client(params)
        except (EngineError, InvalidOption) as exc:
            raise AnsibleConnectionFailure(f"cannot reach the engine for container {self.container}: {exc}") from None
        self._require_running()
        display.vvv(f"ESTABLISH DOCKER CONNECTION TO {self.container} AS {self._user() or '(its user)'}", host=self.container)
        self._connected = True
        return self

    def _require_running(self):
        try:
            state = self.client.inspect_container(self.container).get("State") or {}
        except docker.errors.NotFound:
            raise AnsibleConnectionFailure(f"container {self.container} does not exist on {self.get_option('docker_host')}") from None
        except docker.errors.APIError as exc:
            raise AnsibleConnectionFailure(f"inspecting container {self.container} failed: {exc}") from None
        if not state.get("Running") or state.get("Paused") or state.get("Restarting"):
            status = state.get("Status", "not running")
            raise AnsibleConnectionFailure(
                f"container {self.container} is {status}, not running: start it (noar.docker.container with state=started) before running tasks in it"
            )

    def _user(self) -> str:
        return self.get_option("remote_user") or ""

    def _exec(self, argv: list, stdin: bytes | None = None) -> tuple:
        """(rc, stdout, stderr) of ``argv`` run in the container, with ``stdin`` fed to it."""
        env = self.get_option("extra_env") or {}
        try:
            exec_id = self.client.exec_create(
                self.container,
                argv,
                stdin=stdin is not None,
                user=self._user(),
                workdir=self.get_option("working_dir") or None,
                privileged=bool(self.get_option("privileged")),
                environment={str(k): str(v) for k, v in env.items()} or None,
            )["Id"]
            stdout, stderr = exec_output(self.client, exec_id, stdin)
            rc = self.client.exec_inspect(exec_id).get("ExitCode")
        except docker.errors.NotFound:
            raise AnsibleConnectionFailure(f"container {self.container} went away") from None
        except docker.errors.APIError as exc:
            if exc.status_code == 409:
                self._require_running()
            raise AnsibleConnectionFailure(f"running a command in container {self.container} failed: {exc.explanation or exc}") from None
        return rc, stdout, stderr

    def exec_command(self, cmd, in_data=None, sudoable=True):
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        display.vvv(f"EXEC {cmd}", host=self.container)
        stdin = to_bytes(in_data) if in_data is not None else None
        if sudoable and self.become and self.become.expect_prompt():
            if self.become.name != "sudo" and "sudo" not in self.become.name:
                raise AnsibleConnectionFailure(
                    f"become method {self.become.name} asks for a password on a terminal, which the "
                    "noar.docker.docker connection has not: connect as root (no password needed) or use sudo"
                )
            password = self.become.get_option("become_pass") or ""
            stdin = to_bytes(password + "\n") + (stdin or b"")
        rc, stdout, stderr = self._exec(["/bin/sh", "-c", cmd], stdin)
        if rc == 127 and b"python" in stderr and b"not found" in stderr:
            display.warning(
                f"container {self.container} has no Python where Ansible looked "
                f"({to_text(stderr.strip())}): modules need one; ansible.builtin.raw works without"
            )
        return rc, stdout, stderr

    def _owner(self) -> tuple:
        """(uid, gid) files put into the container get: the exec user's, so that it can read them."""
        if self.ids is None:
            self.ids = (0, 0)
            if self._user() not in ("", "root", "0"):
                rc, out, _err = self._exec(["/bin/sh", "-c", "id -u && id -g"])
                numbers = out.split()
                if rc == 0 and len(numbers) == 2:
                    self.ids = (int(numbers[0]), int(numbers[1]))
        return self.ids

    def _absolute(self, path: str) -> str:
        if path.startswith("/"):
            return path
        return os.path.join(self.get_option("working_dir") or "/", path)

    def put_file(self, in_path, out_path):
        super().put_file(in_path, out_path)
        out_path = self._absolute(to_text(out_path))
        display.vvv(f"PUT {in_path} TO {out_path}", host=self.container)
        in_bytes = to_bytes(in_path, errors="surrogate_or_strict")
        if not os.path.isfile(in_bytes):
            raise AnsibleFileNotFound(f"file or module does not exist: {to_text(in_path)}")
        uid, gid = self._owner()
        with tempfile.TemporaryFile() as archive:
            with tarfile.open(fileobj=archive, mode="w") as tar:
                info = tar.gettarinfo(in_bytes, arcname=os.path.basename(out_path))
                info.uid, info.gid, info.uname, info.gname = uid, gid, "", ""
                with open(in_bytes, "rb") as source:
                    tar.addfile(info, source)
            archive.seek(0)
            try:
                ok = self.client.put_archive(self.container, os.path.dirname(out_path) or "/", archive)
            except docker.errors.APIError as exc:
                raise AnsibleConnectionFailure(f"copying {in_path} to {self.container}:{out_path} failed: {exc.explanation or exc}") from None
        if not ok:
            raise AnsibleConnectionFailure(f"copying {in_path} to {self.container}:{out_path} failed")

    def fetch_file(self, in_path, out_path):
        super().fetch_file(in_path, out_path)
        in_path = self._absolute(to_text(in_path))
        display.vvv(f"FETCH {in_path} TO {out_path}", host=self.container)
        for _depth in range(MAX_LINK_DEPTH):
            try:
                stream, stat = self.client.get_archive(self.container, in_path, chunk_size=CHUNK)
            except docker.errors.NotFound:
                raise AnsibleFileNotFound(f"{self.container}:{in_path} does not exist") from None
            except docker.errors.APIError as exc:
                raise AnsibleConnectionFailure(f"fetching {self.container}:{in_path} failed: {exc.explanation or exc}") from None
            if not stat.get("linkTarget"):
                break
            for _chunk in stream:
                pass
            in_path = os.path.join(os.path.dirname(in_path), stat["linkTarget"])
        else:
            raise AnsibleError(f"{self.container}:{in_path}: more than {MAX_LINK_DEPTH} symbolic links")
        with tempfile.TemporaryFile() as archive:
            for chunk in stream:
                archive.write(chunk)
            archive.seek(0)
            with tarfile.open(fileobj=archive, mode="r|") as tar:
                member = tar.next()
                if member is None or not member.isfile():
                    raise AnsibleError(f"{self.container}:{in_path} is not a regular file")
                source = tar.extractfile(member)
                with open(to_bytes(out_path, errors="surrogate_or_strict"), "wb") as target:
                    for chunk in iter(lambda: source.read(CHUNK), b""):
                        target.write(chunk)

    def reset(self):
        self.close()

    def close(self):
        if self.client is not None:
            self.client.close()
            self.client = None
        self.ids = None
        self._connected = False
