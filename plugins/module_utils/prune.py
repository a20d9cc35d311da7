# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prune: the manager behind ``prune``.

The engine's prune endpoints answer only after they have removed things, so the plan is worked out
here, from the engine's lists, with the engine's own rules: a container goes when it is not running
(nor paused or restarting); an image when no container uses it and, unless ``dangling`` is false, it
has no tag; a network when no container is attached and it is not one of the engine's own; a local
volume when no container mounts it; build cache when nothing uses it. ``until`` and ``label``
filters narrow each kind as they do for ``docker <kind> prune --filter``. Check mode returns that
list; a real run calls the prune endpoints only for the kinds with something to remove, and returns
what the engine says it removed.
"""

from __future__ import annotations

import time
from typing import Any

from ansible_collections.noar.docker.plugins.module_utils.client import (
    api_below,
    containerd_image_store,
    engine_errors,
    engine_info,
)
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption, parse_size, parse_time, parse_timestamp

KINDS = ("containers", "images", "networks", "volumes", "builder_cache")

# The filters each prune endpoint accepts (engine API 1.41+).
FILTERS = dict(
    containers=("until", "label", "label!"),
    images=("dangling", "until", "label", "label!"),
    networks=("until", "label", "label!"),
    volumes=("label", "label!", "all"),
    builder_cache=("until", "id", "parent", "type", "description", "inuse", "shared", "private"),
)

NOUNS = dict(containers="container", images="image", networks="network", volumes="volume", builder_cache="build cache")
PREDEFINED_NETWORKS = ("bridge", "host", "none", "ingress", "docker_gwbridge")
BUSY_STATES = ("running", "paused", "restarting", "removing")


def normalise_filters(kind: str, filters: dict | None, api_version: str) -> dict:
    """``<kind>_filters`` as the engine expects them (each value a list of strings), checked."""
    option = f"{kind}_filters"
    if filters is None:
        return {}
    allowed = list(FILTERS[kind])
    if kind == "volumes" and api_below(api_version, "1.42"):
        allowed.remove("all")
    normalised = {}
    for key, value in filters.items():
        if key not in allowed:
            raise InvalidOption(option, f"{key!r} is not a filter of {kind} prune on this engine; use " + ", ".join(allowed))
        values = value if isinstance(value, list) else [value]
        normalised[key] = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
    for key in ("dangling", "all", "inuse", "shared", "private"):
        for value in normalised.get(key, []):
            if value not in ("true", "false", "1", "0"):
                raise InvalidOption(option, f"{key} must be true or false, got {value!r}")
    return normalised


def labels_match(filters: dict, labels: dict) -> bool:
    """The engine's label rule: every ``label`` entry holds, no ``label!`` entry does."""
    labels = labels or {}

    def holds(entry: str) -> bool:
        key, sep, value = entry.partition("=")
        return key in labels and (not sep or labels[key] == value)

    return all(holds(e) for e in filters.get("label", [])) and not any(holds(e) for e in filters.get("label!", []))


def _true(filters: dict, key: str, default: bool) -> bool:
    values = filters.get(key)
    return default if not values else values[-1] in ("true", "1")


def _refs(image: dict) -> list:
    refs = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
    return refs + [d for d in image.get("RepoDigests") or [] if d != "<none>@<none>"]


def _tags(image: dict) -> list:
    return [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]


def plan_images(images: list, used: set, filters: dict, until: float | None, containerd_store: bool = False) -> tuple:
    """(image Ids that go, references that are untagged) when pruning ``images`` (``docker images -a``).

    Mirrors the engine: candidates are the images without children (every image when ``dangling`` is
    false) except untagged intermediates; a candidate in use by a container stays; with ``dangling``
    only untagged ones go. Removing an image walks up to its parents, which go too when untagged, unused
    and without other children. The containerd image store (``containerd_store``) knows no children: every
    candidate goes, untagged intermediates too.
    """
    dangling_only = _true(filters, "dangling", True)
    children: dict = {}
    for image in images if not containerd_store else ():
        if image.get("ParentId"):
            children.setdefault(image["ParentId"], set()).add(image["Id"])
    by_id = {image["Id"]: image for image in images}
    chosen = set()
    for image in images:
        image_id = image["Id"]
        refs = _refs(image)
        if dangling_only and children.get(image_id):
            continue
        if not refs and children.get(image_id):
            continue
        if until is not None and image.get("Created", 0) >= until:
            continue
        if not labels_match(filters, image.get("Labels")):
            continue
        if image_id in used or (dangling_only and _tags(image)):
            continue
        chosen.add(image_id)
    names = _tags if containerd_store else _refs  # a digest name is no record of its own in containerd's store
    untagged = sorted(ref for image_id in chosen for ref in names(by_id[image_id]))
    removed: set = set()
    grown = True
    while grown:
        grown = False
        for image_id, image in by_id.items():
            if image_id in removed or image_id in used:
                continue
            kids = children.get(image_id, set())
            if not kids <= removed:
                continue
            walked_to = bool(kids) and not _refs(image)
            if image_id in chosen or walked_to:
                removed.add(image_id)
                grown = True
    return sorted(removed), untagged


def plan_build_cache(cache: list, prune_all: bool, keep_storage: int | None) -> list:
    """The build cache records that go: those not in use (and not shared, unless ``prune_all``); with
    ``keep_storage`` (bytes), only the least recently used of them until the whole cache fits, as BuildKit keeps
    that much."""
    candidates = [e for e in cache if not e.get("InUse") and (prune_all or not e.get("Shared"))]
    if keep_storage is None:
        return candidates
    total = sum(e.get("Size", 0) for e in cache)
    chosen = []
    for entry in sorted(candidates, key=lambda e: e.get("LastUsedAt") or e.get("CreatedAt") or ""):
        if total <= keep_storage:
            break
        chosen.append(entry)
        total -= entry.get("Size", 0)
    return chosen


class PruneManager(Manager):
    """Plans and applies one ``prune`` task."""

    def __init__(self, client: Any, params: dict, check_mode: bool) -> None:
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.filters: dict = {}
        self.removed: dict = {}
        self.untagged: list = []
        self.reclaimed: dict = {}
        self.image_ids: set = set()
        self.api_version = "1.41"
        self.keep_storage: int | None = None

    def read(self) -> dict:
        if self.params.get("builder_cache_keep_storage") is not None:
            self.keep_storage = parse_size(self.params["builder_cache_keep_storage"], "builder_cache_keep_storage")
        with engine_errors("reading", "engine version"):
            api_version = self.client.version().get("ApiVersion", "1.41")
        self.filters = {kind: normalise_filters(kind, self.params.get(f"{kind}_filters"), api_version) for kind in KINDS if self.params.get(kind)}
        self.api_version = api_version
        now = time.time()
        found = {}
        for kind, filters in self.filters.items():
            until = None
            if filters.get("until") and kind != "builder_cache":
                until = min(parse_time(v, f"{kind}_filters", now, "until=") for v in filters["until"])
            found[kind] = getattr(self, f"_find_{kind}")(filters, until)
        return found

    def _find_containers(self, filters: dict, until: float | None) -> list:
        with engine_errors("listing", "containers"):
            containers = self.client.containers(all=True, size=self.check_mode)
        found = []
        for container in containers:
            if container.get("State") in BUSY_STATES:
                continue
            if until is not None and container.get("Created", 0) >= until:
                continue
            if labels_match(filters, container.get("Labels")):
                found.append(dict(id=container["Id"], name=(container.get("Names") or ["/?"])[0].lstrip("/"), size=container.get("SizeRw") or 0))
        return found

    def _find_images(self, filters: dict, until: float | None) -> list:
        with engine_errors("listing", "images"):
            images = self.client.images(all=True)
            used = {c.get("ImageID") for c in self.client.containers(all=True)}
        removed, self.untagged = plan_images(images, used, filters, until, containerd_image_store(engine_info(self.client)))
        self.image_ids = {image["Id"] for image in images}
        by_id = {image["Id"]: image for image in images}
        return [dict(id=image_id, name=", ".join(_tags(by_id[image_id])) or image_id[7:19], size=by_id[image_id].get("Size", 0)) for image_id in removed]

    def _find_networks(self, filters: dict, until: float | None) -> list:
        with engine_errors("listing", "networks"):
            networks = self.client.networks()
        found = []
        for network in networks:
            if network.get("Name") in PREDEFINED_NETWORKS:
                continue
            created = parse_timestamp(network.get("Created"))
            if until is not None and created is not None and created >= until:
                continue
            if not labels_match(filters, network.get("Labels")):
                continue
            with engine_errors("inspecting", f"network {network.get('Name')}"):
                attached = self.client.inspect_network(network["Id"]).get("Containers") or {}
            if not attached:
                found.append(dict(id=network["Id"], name=network["Name"], size=0))
        return found

    def _find_volumes(self, filters: dict, until: float | None) -> list:
        only_anonymous = not api_below(self.api_version, "1.42") and not _true(filters, "all", False)
        with engine_errors("listing", "volumes"):
            volumes = self.client.volumes(filters={"dangling": "true", "driver": "local"}).get("Volumes") or []
        sizes = self._volume_sizes() if self.check_mode else {}
        found = []
        for volume in volumes:
            labels = volume.get("Labels") or {}
            if only_anonymous and "com.docker.volume.anonymous" not in labels:
                continue
            if labels_match(filters, labels):
                found.append(dict(id=volume["Name"], name=volume["Name"], size=sizes.get(volume["Name"], 0)))
        return found

    def _volume_sizes(self) -> dict:
        with engine_errors("reading", "disk usage"):
            usage = self.client.df()
        return {v["Name"]: max((v.get("UsageData") or {}).get("Size", 0), 0) for v in usage.get("Volumes") or []}

    def _find_builder_cache(self, filters: dict, until: float | None) -> list:
        with engine_errors("reading", "build cache"):
            cache = self.client.df().get("BuildCache") or []
        return [
            dict(id=entry["ID"], name=entry.get("Description") or entry["ID"], size=entry.get("Size", 0))
            for entry in plan_build_cache(cache, bool(self.params.get("builder_cache_all")), self.keep_storage)
        ]

    def plan(self, actual: dict) -> list:
        plan = []
        for kind, items in actual.items():
            names = [item["name"] for item in items]
            for index, item in enumerate(items):
                # The first action of a kind carries the diff of the whole kind.
                first = index == 0
                plan.append(Action("remove", f"{NOUNS[kind]} {item['name']}", before={kind: names} if first else {}, after={kind: []} if first else {}))
            self.removed[kind] = [item["name"] if kind in ("networks", "volumes") else item["id"] for item in items]
            self.reclaimed[kind] = sum(item["size"] for item in items)
        return plan

    def apply(self, plan: list) -> None:
        for kind in list(self.removed):
            if not self.removed[kind]:
                continue
            filters = self.filters[kind]
            with engine_errors("pruning", kind.replace("_", " ")):
                if kind == "containers":
                    answer = self.client.prune_containers(filters=filters)
                    self.removed[kind] = answer.get("ContainersDeleted") or []
                elif kind == "images":
                    answer = self.client.prune_images(filters=filters)
                    records = answer.get("ImagesDeleted") or []
                    # The containerd image store reports each dangling image it removes as untagged by its Id.
                    self.untagged = sorted(e["Untagged"] for e in records if e.get("Untagged") and e["Untagged"] not in self.image_ids)
                    # The engine lists the layers it removed as "Deleted" too; keep the images.
                    self.removed[kind] = sorted(e["Deleted"] for e in records if e.get("Deleted") in self.image_ids)
                elif kind == "networks":
                    answer = self.client.prune_networks(filters=filters)
                    self.removed[kind] = answer.get("NetworksDeleted") or []
                elif kind == "volumes":
                    answer = self.client.prune_volumes(filters=filters)
                    self.removed[kind] = answer.get("VolumesDeleted") or []
                else:
                    answer = self.client.prune_builds(filters=filters or None, keep_storage=self.keep_storage, all=self.params.get("builder_cache_all"))
                    self.removed[kind] = answer.get("CachesDeleted") or []
            self.reclaimed[kind] = answer.get("SpaceReclaimed", 0) or 0

    def result(self) -> dict:
        result = {}
        for kind in KINDS:
            if kind in self.removed:
                result[kind] = self.removed[kind]
                result[f"{kind}_space_reclaimed"] = self.reclaimed.get(kind, 0)
        if "images" in self.removed:
            result["images_untagged"] = self.untagged
        if "builder_cache" in self.removed:
            result["builder_cache_caches_deleted"] = self.removed["builder_cache"]  # community.docker's name
        return result
