import pytest

from ansible_collections.noar.docker.plugins.module_utils.prune import (
    labels_match,
    normalise_filters,
    plan_build_cache,
    plan_images,
)
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption, parse_time, parse_timestamp

NOW = 1_800_000_000.0


def image(image_id, parent="", tags=None, digests=None, created=100, labels=None):
    return dict(Id=image_id, ParentId=parent, RepoTags=tags or ["<none>:<none>"], RepoDigests=digests or [], Created=created, Labels=labels)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("24h", NOW - 86400),
        ("1h30m", NOW - 5400),
        ("1700000000", 1700000000.0),
        ("1700000000.5", 1700000000.5),
        ("2026-01-31", 1769817600.0),
        ("2026-01-31T12:00:00Z", 1769860800.0),
        ("2026-01-31T12:00:00+02:00", 1769853600.0),
    ],
)
def test_until_reads_durations_timestamps_and_dates(value, expected):
    assert parse_time(value, "containers_filters", NOW) == expected


def test_until_that_is_no_time_names_the_option():
    with pytest.raises(InvalidOption) as error:
        parse_time("yesterday", "images_filters", NOW)
    assert error.value.option == "images_filters"
    assert "yesterday" in str(error.value)


def test_engine_timestamps_with_nanoseconds():
    assert parse_timestamp("2026-11-28T01:58:00.123456789Z") == pytest.approx(1795831080.123456)
    assert parse_timestamp("") is None


@pytest.mark.parametrize(
    "filters, labels, expected",
    [
        ({}, None, True),
        ({"label": ["app"]}, {"app": "web"}, True),
        ({"label": ["app=web"]}, {"app": "web"}, True),
        ({"label": ["app=db"]}, {"app": "web"}, False),
        ({"label": ["app", "tier"]}, {"app": "web"}, False),
        ({"label!": ["keep"]}, {"keep": "yes"}, False),
        ({"label!": ["keep=no"]}, {"keep": "yes"}, True),
        ({"label": ["app"], "label!": ["keep"]}, {"app": "x"}, True),
    ],
)
def test_labels_follow_the_engine_rule(filters, labels, expected):
    assert labels_match(filters, labels) is expected


def test_filters_become_lists_of_strings():
    assert normalise_filters("images", {"dangling": False, "label": ["a=1", "b"]}, "1.41") == {"dangling": ["false"], "label": ["a=1", "b"]}
    assert normalise_filters("containers", None, "1.41") == {}


def test_unknown_filters_and_volume_all_on_old_engines_are_refused():
    with pytest.raises(InvalidOption, match="'status' is not a filter of containers prune"):
        normalise_filters("containers", {"status": "exited"}, "1.41")
    with pytest.raises(InvalidOption, match="'all' is not a filter of volumes prune"):
        normalise_filters("volumes", {"all": True}, "1.41")
    assert normalise_filters("volumes", {"all": True}, "1.43") == {"all": ["true"]}
    with pytest.raises(InvalidOption, match="dangling must be true or false"):
        normalise_filters("images", {"dangling": "maybe"}, "1.41")


# base <- mid <- app:1 (tagged), mid <- old (dangling); base tagged; lone dangling image; used dangling image.
IMAGES = [
    image("base", tags=["base:1"]),
    image("mid", parent="base"),
    image("app", parent="mid", tags=["app:1"], labels={"team": "a"}),
    image("old", parent="mid", labels={"team": "a"}),
    image("lone", created=50),
    image("used"),
    image("only-digest", digests=["repo@sha256:abc"]),
]


def test_dangling_prune_takes_untagged_unused_heads():
    removed, untagged = plan_images(IMAGES, {"used"}, {}, None)
    assert removed == ["lone", "old", "only-digest"]
    assert untagged == ["repo@sha256:abc"]


def test_removing_a_head_walks_up_to_parents_only_it_had():
    images = [image("base", tags=["base:1"]), image("mid", parent="base"), image("old", parent="mid")]
    assert plan_images(images, set(), {}, None) == (["mid", "old"], [])


def test_all_images_prune_untags_unused_tagged_images_and_their_chain():
    removed, untagged = plan_images(IMAGES, {"used"}, {"dangling": ["false"]}, None)
    # app and old go; then mid, their only parent, is walked to; then base has no children left.
    assert removed == ["app", "base", "lone", "mid", "old", "only-digest"]
    assert untagged == ["app:1", "base:1", "repo@sha256:abc"]


def test_a_used_image_keeps_its_parents():
    removed = plan_images(IMAGES, {"used", "app"}, {"dangling": ["false"]}, None)[0]
    assert "mid" not in removed and "base" not in removed and "app" not in removed
    assert "old" in removed


def test_label_and_until_narrow_the_images():
    assert plan_images(IMAGES, set(), {"label": ["team=a"]}, None)[0] == ["old"]
    assert plan_images(IMAGES, {"used"}, {}, 60)[0] == ["lone"]


def test_the_containerd_image_store_takes_every_candidate_whatever_its_children():
    """containerd's store records no parents (API 1.44+ with containerd-snapshotter): a dangling intermediate goes
    like any dangling image, and a digest name is not untagged on its own."""
    removed, untagged = plan_images(IMAGES, {"used"}, {}, None, containerd_store=True)
    assert removed == ["lone", "mid", "old", "only-digest"]
    assert untagged == []
    removed, untagged = plan_images(IMAGES, {"used"}, {"dangling": ["false"]}, None, containerd_store=True)
    assert removed == ["app", "base", "lone", "mid", "old", "only-digest"]
    assert untagged == ["app:1", "base:1"]


def test_build_cache_keep_storage_keeps_the_most_recently_used_that_fit():
    cache = [
        dict(ID="old", Size=300, LastUsedAt="2026-01-01T00:00:00Z"),
        dict(ID="mid", Size=300, LastUsedAt="2026-06-01T00:00:00Z"),
        dict(ID="new", Size=300, LastUsedAt="2026-12-01T00:00:00Z"),
        dict(ID="busy", Size=300, InUse=True),
        dict(ID="shared", Size=100, Shared=True, LastUsedAt="2025-01-01T00:00:00Z"),
    ]
    assert [e["ID"] for e in plan_build_cache(cache, False, None)] == ["old", "mid", "new"]
    # 1300 bytes in all; 700 may stay: the two least recently used unshared records go.
    assert [e["ID"] for e in plan_build_cache(cache, False, 700)] == ["old", "mid"]
    assert [e["ID"] for e in plan_build_cache(cache, True, 700)] == ["shared", "old", "mid"]
    assert plan_build_cache(cache, False, 5 << 30) == []
