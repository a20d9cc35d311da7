# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image names: repositories, tags and digests, the registry a name lives in, and what that registry holds.

Apart from ``image.py`` so that ``container``, which needs names on every run and pulls rarely, does not
compile the whole image manager on each run (AnsiballZ runs module_utils from a zip, without bytecode).
"""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError, engine_errors
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

_AUTH_FAILURE = re.compile(r"no basic auth credentials|unauthorized|authentication required|denied", re.IGNORECASE)
_DIGEST_REF = re.compile(r"@sha256:[0-9a-f]{64}$")
_IMAGE_ID = re.compile(r"^sha256:[0-9a-f]{64}$")


def is_image_id(name: str) -> bool:
    """Whether ``name`` is a full image Id (``sha256:`` and 64 hex digits) rather than a name."""
    return bool(_IMAGE_ID.match(name or ""))


def split_name(name: str, tag: str = "latest", option: str = "name") -> tuple:
    """``(repository, tag)`` from ``name`` and ``tag``; a tag or digest written in ``name`` wins."""
    if not name or not name.strip():
        raise InvalidOption(option, "an image name is needed")
    name = name.strip()
    if _DIGEST_REF.search(name):
        repository, _sep, tag = name.partition("@")
    elif ":" in name.rsplit("/", 1)[-1]:
        repository, _sep, tag = name.rpartition(":")
    else:
        repository, tag = name, tag or "latest"
    if repository != repository.lower():
        raise InvalidOption(option, f"{name!r}: repository names must be lowercase")
    return repository, tag


def reference(repository: str, tag: str) -> str:
    """``repo:tag``, or ``repo@sha256:...`` for a digest."""
    return f"{repository}@{tag}" if tag.startswith("sha256:") else f"{repository}:{tag}"


def registry_of(repository: str) -> str:
    """The registry a repository lives in (``docker.io`` when its name has none)."""
    first, sep, _rest = repository.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


def explain_registry_error(operation: str, ref: str, error: str) -> str:
    """A clear sentence for a registry's refusal, pointing at ``login`` when credentials are the cause."""
    # The engine prefixes what the registry said with the request it made (Head "http://...": ...).
    error = re.sub(r'^[A-Za-z]+ "[^"]*": ', "", error.strip())
    if _AUTH_FAILURE.search(error):
        return (
            f"{operation} {ref} was refused by the registry {registry_of(split_name(ref)[0])} "
            f"({error}): log in first with noar.docker.login, or check the account's rights"
        )
    return f"{operation} {ref} failed: {error}"


def remote_digest(client: Any, ref: str, operation: str, option: str) -> str | None:
    """The manifest digest the registry holds for ``ref``, or None when it holds none.

    A registry that refuses our credentials raises ``EngineError`` pointing at ``login``; one that cannot be
    asked, an ``EngineError`` that names ``option``, the task option that made the question necessary.
    """
    try:
        with engine_errors("asking the registry about", f"image {ref}"):
            return client.inspect_distribution(ref)["Descriptor"]["digest"]
    except EngineError as exc:
        if exc.details.get("status_code") == 404 or "manifest unknown" in exc.msg or "not found" in exc.msg:
            return None
        if _AUTH_FAILURE.search(exc.msg):
            raise EngineError(explain_registry_error(operation, ref, exc.msg.split("failed: ", 1)[-1])) from None
        raise EngineError(f"{option}: {exc.msg}", **exc.details) from None


def holds_digest(image: dict | None, repository: str, digest: str | None) -> bool:
    """Whether a local image is the one the registry holds under ``digest``."""
    return bool(digest) and f"{repository}@{digest}" in ((image or {}).get("RepoDigests") or [])
