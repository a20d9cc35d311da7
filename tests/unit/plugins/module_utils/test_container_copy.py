import pytest

from ansible_collections.noar.docker.plugins.module_utils.container_copy import parse_mode
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption


@pytest.mark.parametrize(
    "value, how, expected",
    [
        (None, "legacy", None),
        (0o644, "legacy", 0o644),
        ("644", "legacy", 644),  # community.docker's legacy reading: a string is a decimal number
        ("0644", "modern", 0o644),
        (420, "modern", 0o644),
        ("755", "octal_string_only", 0o755),
    ],
)
def test_mode_as_community_docker_reads_it(value, how, expected):
    assert parse_mode(value, how) == expected


@pytest.mark.parametrize(
    "value, how, message",
    [
        ("rw", "modern", "mode: must be an octal string or an integer (mode_parse=modern), got 'rw'"),
        ("0o644", "legacy", "mode: must be an integer (mode_parse=legacy), got '0o644'"),
        (493, "octal_string_only", "mode: must be a string of octal digits (mode_parse=octal_string_only), got 493"),
        ("7777", "legacy", "mode: must be between 0 and 07777 (octal), got '7777' (0o17141)"),
        (True, "modern", "mode: must be a file mode, got True"),
    ],
)
def test_bad_modes_are_refused_by_name(value, how, message):
    with pytest.raises(InvalidOption) as raised:
        parse_mode(value, how)
    assert str(raised.value) == message
