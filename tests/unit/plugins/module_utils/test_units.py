import pytest

from ansible_collections.noar.docker.plugins.module_utils.units import (
    UNLIMITED,
    InvalidOption,
    cpus_to_nano,
    duration_to_nano,
    format_duration,
    format_size,
    parse_cpus,
    parse_duration,
    parse_port_range,
    parse_size,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("512m", 512 * 1024**2),
        ("512M", 512 * 1024**2),
        ("1.5g", int(1.5 * 1024**3)),
        ("1073741824", 1073741824),
        (1073741824, 1073741824),
        ("64k", 65536),
        ("64kb", 65536),
        ("2GiB", 2 * 1024**3),
        ("10b", 10),
        (" 6m ", 6 * 1024**2),
        ("0", 0),
        (".5k", 512),
        (2048.0, 2048),
    ],
)
def test_parse_size_accepts_what_docker_accepts(value, expected):
    assert parse_size(value) == expected


@pytest.mark.parametrize("value", ["12zz", "", "m", "-1", -5, "1..5g", "one gig", True, float("nan"), "5 m b"])
def test_parse_size_rejects_and_names_the_option(value):
    with pytest.raises(InvalidOption) as err:
        parse_size(value, "memory")
    assert err.value.option == "memory"
    assert str(err.value).startswith("memory: ")


def test_parse_size_unit_error_names_the_unit():
    with pytest.raises(InvalidOption, match="unknown unit 'zz'"):
        parse_size("12zz", "memory")


@pytest.mark.parametrize("value", [-1, "-1", "unlimited", "UNLIMITED"])
def test_parse_size_unlimited_only_when_allowed(value):
    assert parse_size(value, "memory_swap", allow_unlimited=True) == UNLIMITED
    if value != -1 and value != "-1":
        with pytest.raises(InvalidOption):
            parse_size(value, "memory")


@pytest.mark.parametrize(
    "value, text",
    [
        (512 * 1024**2, "512m"),
        (1024**3, "1g"),
        (1536 * 1024, "1536k"),
        (1000, "1000"),
        (UNLIMITED, "unlimited"),
        (0, "0"),
    ],
)
def test_format_size(value, text):
    assert format_size(value) == text


def test_format_size_round_trips():
    for text in ("512m", "3g", "100k", "7t"):
        assert format_size(parse_size(text)) == text


@pytest.mark.parametrize("value, expected", [("0.5", 0.5), (2, 2.0), ("1.25", 1.25), (0.01, 0.01)])
def test_parse_cpus(value, expected):
    assert parse_cpus(value) == expected


@pytest.mark.parametrize(
    "value, reason",
    [
        (-1, "greater than 0"),
        (0, "greater than 0"),
        ("two", "not a number"),
        (True, "expected a number"),
        ("inf", "greater than 0"),
        (1e-12, "smallest share"),
    ],
)
def test_parse_cpus_rejects(value, reason):
    with pytest.raises(InvalidOption, match=reason) as err:
        parse_cpus(value, "cpus")
    assert err.value.option == "cpus"


def test_parse_cpus_above_host_count():
    assert parse_cpus(2, host_cpus=2) == 2.0
    with pytest.raises(InvalidOption, match="more than the 2 CPUs this host has"):
        parse_cpus(2.5, host_cpus=2)


def test_cpus_to_nano():
    assert cpus_to_nano(1.5) == 1_500_000_000
    assert cpus_to_nano(0.1) == 100_000_000


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("30s", 30),
        ("1m30s", 90),
        ("1h", 3600),
        ("500ms", 0.5),
        ("2m", 120),
        (15, 15),
        ("15", 15),
        ("1h2m3s", 3723),
        ("1.5s", 1.5),
        ("100us", 0.0001),
        ("0s", 0),
    ],
)
def test_parse_duration(value, seconds):
    assert parse_duration(value) == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["30x", "1m30", "abc", "", "-5s", -1, "s", "1 m"])
def test_parse_duration_rejects(value):
    with pytest.raises(InvalidOption) as err:
        parse_duration(value, "healthcheck.interval")
    assert err.value.option == "healthcheck.interval"


@pytest.mark.parametrize("text", ["30s", "1m30s", "2h", "500ms", "1h1m1s", "0s"])
def test_format_duration_round_trips(text):
    assert format_duration(parse_duration(text)) == text


def test_duration_to_nano():
    assert duration_to_nano(parse_duration("1m30s")) == 90 * 10**9


def test_one_port_range_reading_for_containers_and_compose():
    """A port range is read once (units.parse_port_range): a container's published and exposed ports and a Compose
    service's ports refuse the same ranges in the same words, each naming its own option."""
    from ansible_collections.noar.docker.plugins.module_utils.compose import port_entries
    from ansible_collections.noar.docker.plugins.module_utils.container_options import parse_exposed_ports, parse_published_ports

    assert parse_port_range("8000-8002", "x", "8000-8002") == [8000, 8001, 8002]
    reason = "'9000-8000': ports must be between 1 and 65535, low to high"
    with pytest.raises(InvalidOption) as published:
        parse_published_ports(["9000-8000"])
    with pytest.raises(InvalidOption) as exposed:
        parse_exposed_ports(["9000-8000"])
    with pytest.raises(InvalidOption) as compose:
        port_entries(["9000-8000"], "services.web.ports")
    assert str(published.value) == f"published_ports: {reason}"
    assert str(exposed.value) == f"exposed_ports: {reason}"
    assert str(compose.value) == f"definition: services.web.ports[0]: {reason}"
