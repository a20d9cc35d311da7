# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """How every module reaches the engine: the options built by module_utils/client.py."""

    DOCUMENTATION = r"""
options:
  docker_host:
    description:
      - The engine to talk to, as V(unix:///path/to/docker.sock), V(tcp://host:2375), with TLS V(tcp://host:2376), or
        through SSH as V(ssh://user@host) (see O(use_ssh_client)).
      - Falls back to the E(DOCKER_HOST) environment variable of the managed host, then to the local socket.
    type: str
    default: unix:///var/run/docker.sock
    aliases: [docker_url]
  api_version:
    description:
      - The Engine API version to speak. V(auto) asks the engine and uses its version.
      - Falls back to E(DOCKER_API_VERSION).
    type: str
    default: auto
    aliases: [docker_api_version]
  timeout:
    description:
      - Seconds to wait for an answer from the engine. Falls back to E(DOCKER_TIMEOUT).
    type: int
    default: 60
  tls:
    description:
      - Talk to the engine over TLS without checking its certificate. Prefer O(validate_certs).
      - Falls back to E(DOCKER_TLS).
    type: bool
    default: false
  validate_certs:
    description:
      - Talk to the engine over TLS and check its certificate against O(ca_path).
      - Falls back to E(DOCKER_TLS_VERIFY).
    type: bool
    default: false
    aliases: [tls_verify]
  ca_path:
    description:
      - The CA certificate that signed the engine's certificate.
      - Defaults to C(ca.pem) in the folder named by E(DOCKER_CERT_PATH), when that is set.
    type: path
    aliases: [ca_cert, tls_ca_cert, cacert_path]
  client_cert:
    description:
      - The client certificate to present to the engine. Needs O(client_key).
      - Defaults to C(cert.pem) in the folder named by E(DOCKER_CERT_PATH), when that is set.
    type: path
    aliases: [tls_client_cert, cert_path]
  client_key:
    description:
      - The key of O(client_cert).
      - Defaults to C(key.pem) in the folder named by E(DOCKER_CERT_PATH), when that is set.
    type: path
    aliases: [tls_client_key, key_path]
  tls_hostname:
    description:
      - The name the engine's certificate must carry, when it differs from the host in O(docker_host)
        (for example when connecting by IP address). Falls back to E(DOCKER_TLS_HOSTNAME).
    type: str
  use_ssh_client:
    description:
      - For an V(ssh://) O(docker_host), use the C(ssh) command of the host the module runs on, with its SSH
        configuration (keys, known hosts, C(~/.ssh/config)), instead of paramiko's own SSH client. The remote user
        needs the C(docker) command and access to the engine (root or the docker group).
    type: bool
    default: false
  debug:
    description:
      - Accepted for playbooks written for community.docker, whose modules all have it. It changes nothing here, as
        every failure already says which operation on which object failed, with the engine's own error.
    type: bool
    default: false
notes:
  - Connection options, their names and their environment fallbacks are the same as community.docker's,
    so playbooks move between the two collections by changing the module name.
  - Every module of this collection is in the action group C(noar.docker.docker), so the connection options can
    be set once with C(module_defaults).
requirements:
  - Docker SDK for Python 7.0 or newer (C(pip install docker)), or Debian 12's 5.0.3 (C(python3-docker)), on the
    managed host; for an V(ssh://) O(docker_host), with its SSH support (C(pip install 'docker[ssh]'), which
    brings paramiko).
"""
