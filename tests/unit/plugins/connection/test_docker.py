# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
import pytest

from ansible_collections.noar.docker.plugins.connection.docker import cli_engine_options


@pytest.mark.parametrize(
    "text, options",
    [
        ("", {}),
        (
            "-H tcp://build.example.com:2376 --tlsverify --tlscacert /etc/ca.pem",
            dict(docker_host="tcp://build.example.com:2376", validate_certs=True, ca_path="/etc/ca.pem"),
        ),
        (
            "--host=unix:///run/docker.sock --tls --tlscert c.pem --tlskey 'k ey.pem'",
            dict(docker_host="unix:///run/docker.sock", tls=True, client_cert="c.pem", client_key="k ey.pem"),
        ),
        ("--tlsverify=false", dict(validate_certs=False)),
    ],
)
def test_cli_engine_options(text, options):
    assert cli_engine_options(text) == options


@pytest.mark.parametrize(
    "text, message",
    [
        ("--config /etc/docker-ci", "'--config' is a docker CLI option that this connection, which speaks the Engine API, cannot apply"),
        ("-H", "-H needs a value"),
    ],
)
def test_cli_options_it_cannot_apply(text, message):
    with pytest.raises(ValueError, match=message):
        cli_engine_options(text)
