# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pieces of the Compose CLI's hashed form that Go writes its own way (the whole form is checked against the CLI
in test_compose_conformance.py), and which services the module labels with its own hash instead."""

import pytest

from ansible_collections.noar.docker.plugins.module_utils import compose_form
from ansible_collections.noar.docker.plugins.module_utils.compose import load_project
from ansible_collections.noar.docker.plugins.module_utils.compose_form import (
    NoForm,
    go_bytes,
    go_duration,
    go_float32,
    go_json,
    hash_form,
    spec_hash,
    without_form,
)


@pytest.mark.parametrize(
    "given, written",
    [
        ("90s", "1m30s"),
        ("1h", "1h0m0s"),
        ("500ms", "500ms"),
        ("1.5s", "1.5s"),
        ("1m30s", "1m30s"),
        ("0s", "0s"),
        ("1500ms", "1.5s"),
        ("2us", "2µs"),
        ("10ns", "10ns"),
        ("1h1s", "1h0m1s"),
        ("36h", "36h0m0s"),
        ("0.5m", "30s"),
    ],
)
def test_durations_are_written_as_go_writes_them(given, written):
    assert go_duration(given) == written


@pytest.mark.parametrize("given", ["", "10", "1x", "s", "1m 30s", 10])
def test_a_duration_go_would_not_read_has_no_form(given):
    with pytest.raises(NoForm):
        go_duration(given)


@pytest.mark.parametrize(
    "given, written",
    [
        ("64m", "67108864"),
        ("50M", "52428800"),
        ("1g", "1073741824"),
        ("1gb", "1073741824"),
        (1024, "1024"),
        ("512", "512"),
        ("1.5k", "1536"),
        ("-1", None),
    ],
)
def test_sizes_are_bytes_as_strings(given, written):
    if written is None:
        with pytest.raises(NoForm):
            go_bytes(given)
    else:
        assert go_bytes(given) == written


@pytest.mark.parametrize("given, written", [("0.5", "0.5"), (0.1, "0.1"), ("1.5", "1.5"), (2, "2"), ("0.333", "0.333")])
def test_cpus_are_the_shortest_float32(given, written):
    assert go_json(go_float32(given)) == written


def test_json_is_compact_and_escapes_as_go_does():
    assert go_json({"a": "x<y>&z", "b": "é", "c": None}) == '{"a":"x\\u003cy\\u003e\\u0026z","b":"é","c":null}'


def project(service: dict, **top):
    return load_project(dict(definition=dict(services=dict(app=dict(image="img", **service)), **top), project_name="p"), {})


def test_a_service_with_secrets_keeps_the_module_hash():
    """Their content counts in the module's hash (a new password recreates), and not in the CLI's."""
    one = project(dict(secrets=["s"]), secrets=dict(s=dict(environment="S")))
    assert hash_form(one, "app") is None
    assert without_form(one, "app") == "secrets"
    assert spec_hash(one, "app") is None


def test_a_value_without_a_form_names_its_key():
    assert without_form(project(dict(volumes=["C:\\data:/data"])), "app") == "volumes"
    assert without_form(project(dict(stop_grace_period=10)), "app") == "stop_grace_period"
    assert without_form(project(dict(ports=["80"])), "app") is None


def test_the_keys_left_out_of_the_hash_do_not_change_it():
    plain = spec_hash(project({}), "app")
    assert plain == spec_hash(project(dict(pull_policy="always", scale=2)), "app")
    assert plain != spec_hash(project(dict(user="1000")), "app")


def test_every_form_key_is_a_key_of_the_service():
    assert set(compose_form.FORMS) <= set(compose_form.ORDER)
    assert set(compose_form.CONTEXT) - {"env_file"} <= set(compose_form.ORDER)
