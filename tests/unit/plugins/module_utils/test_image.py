"""Images and registries: names, Dockerfile bases, archives, stream errors, client config (pure logic)."""

import base64
import io
import json
import os
import tarfile

import pytest

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError
from ansible_collections.noar.docker.plugins.module_utils.image import (
    archive_holds,
    archive_images,
    context_files,
    same_platform,
    stage_bases,
)
from ansible_collections.noar.docker.plugins.module_utils.image_names import explain_registry_error, registry_of, split_name
from ansible_collections.noar.docker.plugins.module_utils.registry import (
    INDEX_URL,
    read_config,
    registry_key,
    stored_credentials,
    write_config,
)
from ansible_collections.noar.docker.plugins.module_utils.streams import follow_stream
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    "name, tag, expected",
    [
        ("app", "latest", ("app", "latest")),
        ("app:1.2", "latest", ("app", "1.2")),
        ("app", "2", ("app", "2")),
        ("127.0.0.1:5000/team/app", "3", ("127.0.0.1:5000/team/app", "3")),
        ("127.0.0.1:5000/team/app:4", "latest", ("127.0.0.1:5000/team/app", "4")),
        ("app@" + DIGEST, "latest", ("app", DIGEST)),
    ],
)
def test_split_name(name, tag, expected):
    assert split_name(name, tag) == expected


@pytest.mark.parametrize("name", ["", "  ", "Team/App", "Team/App:1"])
def test_split_name_rejects(name):
    with pytest.raises(InvalidOption) as caught:
        split_name(name)
    assert caught.value.option == "name"
    with pytest.raises(InvalidOption) as caught:
        split_name(name, option="image")
    assert caught.value.option == "image"


@pytest.mark.parametrize(
    "repository, registry",
    [
        ("app", "docker.io"),
        ("team/app", "docker.io"),
        ("127.0.0.1:5000/app", "127.0.0.1:5000"),
        ("registry.example.com/team/app", "registry.example.com"),
        ("localhost/app", "localhost"),
    ],
)
def test_registry_of(repository, registry):
    assert registry_of(repository) == registry


def test_stage_bases_follow_args_and_skip_stages_and_scratch():
    dockerfile = (
        "ARG BASE=debian:bookworm\n"
        "ARG TOOLS\n"
        "FROM ${BASE} AS build\n"
        "RUN make \\\n  all\n"
        "FROM --platform=linux/amd64 $TOOLS AS tools\n"
        "FROM scratch\n"
        "COPY --from=build /out /\n"
        "FROM build AS again\n"
    )
    assert stage_bases(dockerfile, {"TOOLS": "busybox:1"}) == ["debian:bookworm", "busybox:1"]
    assert stage_bases(dockerfile, {"BASE": "debian:trixie", "TOOLS": "x"}) == ["debian:trixie", "x"]


def test_stage_bases_ignore_args_declared_inside_a_stage():
    dockerfile = "ARG BASE=busybox:1\nFROM debian:bookworm\nARG BASE=other:2\nFROM ${BASE}\n"
    assert stage_bases(dockerfile, {}) == ["debian:bookworm", "busybox:1"]


def test_context_files_honour_dockerignore(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "keep.txt").write_text("k")
    (tmp_path / "skip.log").write_text("s")
    (tmp_path / ".dockerignore").write_text("*.log\n")
    assert "skip.log" not in context_files(str(tmp_path), "Dockerfile")
    assert {"Dockerfile", "keep.txt"} <= set(context_files(str(tmp_path), "Dockerfile"))


def _save_archive(path, entries, compress="", index=None):
    with tarfile.open(path, "w:" + compress) as archive:
        for name, content in (("manifest.json", entries), ("index.json", index)):
            if content is None:
                continue
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("compress", ["", "gz"])
def test_archive_images_reads_both_manifest_forms(tmp_path, compress):
    path = str(tmp_path / "images.tar")
    _save_archive(path, [{"Config": "b" * 64 + ".json", "RepoTags": ["app:1"]}, {"Config": "blobs/sha256/" + "c" * 64, "RepoTags": None}], compress)
    assert archive_images(path) == [
        {"Id": "sha256:" + "b" * 64, "Ids": ["sha256:" + "b" * 64], "RepoTags": ["app:1"]},
        {"Id": "sha256:" + "c" * 64, "Ids": ["sha256:" + "c" * 64], "RepoTags": []},
    ]
    held = archive_images(path)
    assert archive_holds(held, {"app:1": "sha256:" + "b" * 64})
    assert not archive_holds(held, {"app:1": "sha256:" + "c" * 64})
    assert not archive_holds([], {"app:1": "x"})


def test_an_oci_archive_is_found_by_either_stores_id(tmp_path):
    """The containerd image store (API 1.44+) gives an image the digest index.json names it by, not its config's."""
    path = str(tmp_path / "images.tar")
    config, indexed = "sha256:" + "b" * 64, "sha256:" + "d" * 64
    _save_archive(
        path,
        [{"Config": "blobs/sha256/" + "b" * 64, "RepoTags": ["app:1", "other/app:2"]}],
        index={
            "manifests": [{"digest": indexed, "annotations": {"io.containerd.image.name": "docker.io/library/app:1", "org.opencontainers.image.ref.name": "1"}}]
        },
    )
    held = archive_images(path)
    assert held[0]["Id"] == config and held[0]["Ids"] == [config, indexed]
    assert archive_holds(held, {"app:1": config}) and archive_holds(held, {"app:1": indexed})
    assert not archive_holds(held, {"app:1": "sha256:" + "e" * 64})


def test_archive_images_rejects_what_is_not_an_archive(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(InvalidOption) as caught:
        archive_images(str(path))
    assert caught.value.option == "load_path"


def test_follow_stream_names_the_failing_step():
    chunks = [
        {"stream": "Step 1/3 : FROM busybox\n"},
        {"stream": " ---> 123\n"},
        {"stream": "Step 2/3 : RUN false\n"},
        {"error": "The command '/bin/sh -c false' returned a non-zero code: 1", "errorDetail": {"message": "..."}},
    ]
    with pytest.raises(EngineError) as caught:
        follow_stream(chunks, "building", "app:1")
    assert caught.value.msg == ("building image app:1 failed at step 2/3 (RUN false): The command '/bin/sh -c false' returned a non-zero code: 1")
    assert caught.value.details["build_log"][-1] == "Step 2/3 : RUN false"


def test_follow_stream_returns_the_log_without_progress():
    log = follow_stream(
        [{"status": "Pushing", "progressDetail": {"current": 5}}, {"status": "Pushed", "id": "abc"}, {"aux": {"Digest": DIGEST}}], "pushing", "r/a:1"
    )
    assert log == ["Pushed abc"]


def test_registry_refusals_point_at_login():
    text = explain_registry_error("pushing", "127.0.0.1:5000/app:1", 'Head "http://127.0.0.1:5000/v2/app/manifests/1": no basic auth credentials')
    assert text == (
        "pushing 127.0.0.1:5000/app:1 was refused by the registry 127.0.0.1:5000 "
        "(no basic auth credentials): log in first with noar.docker.login, or check the account's rights"
    )
    assert explain_registry_error("pulling", "app:1", "manifest unknown") == "pulling app:1 failed: manifest unknown"


@pytest.mark.parametrize(
    "url, key",
    [
        ("docker.io", INDEX_URL),
        ("https://index.docker.io/v1/", INDEX_URL),
        ("127.0.0.1:5000", "127.0.0.1:5000"),
        ("http://127.0.0.1:5000/v2/", "127.0.0.1:5000"),
        ("registry.example.com", "registry.example.com"),
    ],
)
def test_registry_key(url, key):
    assert registry_key(url) == key


def test_config_round_trip_is_private(tmp_path):
    path = str(tmp_path / "docker" / "config.json")
    auth = base64.b64encode(b"deploy:s3cret:with:colons").decode()
    write_config(path, {"auths": {"127.0.0.1:5000": {"auth": auth}}})
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(os.path.dirname(path)).st_mode & 0o777 == 0o700
    config = read_config(path)
    assert stored_credentials(config, "127.0.0.1:5000") == ("deploy", "s3cret:with:colons")
    assert stored_credentials({"auths": {"https://127.0.0.1:5000": {"auth": auth}}}, "127.0.0.1:5000")[0] == "deploy"
    assert stored_credentials(config, "other:5000") is None


def test_read_config_rejects_broken_json(tmp_path):
    path = tmp_path / "config.json"
    path.write_text("{not json")
    with pytest.raises(InvalidOption) as caught:
        read_config(str(path))
    assert caught.value.option == "config_path"


AMD64_ENGINE = {"OSType": "linux", "Architecture": "x86_64"}


@pytest.mark.parametrize(
    "wanted, image, same",
    [
        ("linux/amd64", {"Os": "linux", "Architecture": "amd64"}, True),
        ("linux", {"Os": "linux", "Architecture": "amd64"}, True),  # the engine's architecture, in Go's name
        ("linux/arm64", {"Os": "linux", "Architecture": "amd64"}, False),
        ("linux/arm/v7", {"Os": "linux", "Architecture": "arm", "Variant": "v7"}, True),
        ("linux/arm/v7", {"Os": "linux", "Architecture": "arm", "Variant": "v6"}, False),
        ("windows/amd64", {"Os": "linux", "Architecture": "amd64"}, False),
        ("/amd64", {"Os": "linux", "Architecture": "amd64"}, True),
    ],
)
def test_same_platform(wanted, image, same):
    assert same_platform(wanted, image, AMD64_ENGINE) is same


def test_a_push_without_stored_credentials_sends_an_empty_auth_header(tmp_path, monkeypatch):
    import docker  # pylint: disable=import-outside-toplevel

    from ansible_collections.noar.docker.plugins.module_utils.image import push_auth

    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))  # the SDK falls back to ~/.docker/config.json
    client = docker.APIClient(base_url="unix:///nonexistent.sock", version="1.41")
    assert push_auth(client, "127.0.0.1:5000/app") == {}  # Docker Engine 28.3.3+ wants the header, even empty
    (tmp_path / "config.json").write_text('{"auths": {"127.0.0.1:5000": {"auth": "dXNlcjpwYXNz"}}}')
    client = docker.APIClient(base_url="unix:///nonexistent.sock", version="1.41")
    assert push_auth(client, "127.0.0.1:5000/app") is None  # the SDK sends the stored credentials itself
    assert push_auth(client, "registry.example.com/app") == {}
