"""The nodes are read with docker exec (testinfra's docker backend). Converge, idempotence and check went through
the noar.docker.docker connection; reading each command back through it as well cost a whole Ansible run (about
2 s) a command, most of this scenario's verify time. The connection's own proofs are the connection_docker target."""

import pytest
import testinfra


@pytest.fixture
def host(host):  # pylint: disable=redefined-outer-name
    """The same node as the inventory's host, reached with docker exec."""
    return testinfra.get_host("docker://" + host.backend.host)
