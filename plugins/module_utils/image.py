# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Images: the manager behind ``image`` (build, pull, load, import, tag, push, remove), and the
archive, commit and export helpers behind ``image_export``, ``image_load``, ``container_commit`` and
``container_export``.

Idempotence without guessing: a build or an import is labelled with a hash of what went into it
(``org.noar.docker.source-hash``), so an unchanged source is known without building; a pull or a push
compares the registry's manifest digest with the image's ``RepoDigests``; a load reads the image Ids
from the archive's ``manifest.json``. Check mode therefore predicts from the same facts a real run uses.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
from typing import Any, Callable

from ansible_collections.noar.docker.plugins.module_utils.client import (
    EngineError,
    api_get_stream,
    connect,
    containerd_image_store,
    docker_argument_spec,
    engine_errors,
    engine_info,
    find,
    require,
    require_api,
)
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager, converge
from ansible_collections.noar.docker.plugins.module_utils.files import check_output_path, file_digest, write_atomically
from ansible_collections.noar.docker.plugins.module_utils.host import container_names, list_objects
from ansible_collections.noar.docker.plugins.module_utils.image_names import (
    holds_digest,
    is_image_id,
    reference,
    registry_of,
    remote_digest,
    split_name,
)
from ansible_collections.noar.docker.plugins.module_utils.streams import follow_stream
from ansible_collections.noar.docker.plugins.module_utils.timings import Stopwatch
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption, parse_size

SOURCE_HASH_LABEL = "org.noar.docker.source-hash"
SOURCES = ("build", "pull", "load", "import", "local")
# What the engine's classic builder (the only one its API drives) cannot do; BuildKit (buildx) can. A platform
# is refused only when it is not the engine's own.
BUILDKIT_ONLY = ("platform", "secrets", "outputs")


# ---------------------------------------------------------------------------------------------
# Hashes of what goes into an image


def context_files(path: str, dockerfile: str) -> list:
    """The files of a build context the engine would receive, after ``.dockerignore``, sorted."""
    from docker.utils.build import exclude_paths  # pylint: disable=import-outside-toplevel

    patterns = []
    ignore = os.path.join(path, ".dockerignore")
    if os.path.exists(ignore):
        with open(ignore, encoding="utf-8") as handle:
            patterns = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    return sorted(exclude_paths(path, patterns, dockerfile=dockerfile))


def stage_bases(dockerfile_text: str, args: dict) -> list:
    """The images the Dockerfile's stages start FROM, with ARG defaults and build args put in.

    Names of earlier stages and ``scratch`` are left out: they are not images on the engine.
    """
    values = {}
    stages = set()
    bases = []
    seen_from = False
    lines = re.sub(r"\\\n", " ", dockerfile_text).splitlines()
    for line in lines:
        words = line.strip().split()
        if not words or words[0].startswith("#"):
            continue
        keyword = words[0].upper()
        # Only ARGs before the first FROM can be used in FROM lines.
        if keyword == "ARG" and len(words) > 1 and not seen_from:
            key, _sep, default = words[1].partition("=")
            values[key] = args.get(key, default.strip("\"'"))
        elif keyword == "FROM":
            seen_from = True
            rest = [w for w in words[1:] if not w.startswith("--")]
            if not rest:
                continue
            image = re.sub(r"\$\{?(\w+)\}?", lambda m: str(values.get(m.group(1), "")), rest[0])
            if len(rest) >= 3 and rest[1].upper() == "AS":
                stages.add(rest[2].lower())
            if image.lower() != "scratch" and image.lower() not in stages:
                bases.append(image)
    return bases


def build_hash(client: Any, build: dict) -> str:
    """A hash of everything a build depends on that is known here: the context's files (names, modes
    and contents, not times), the Dockerfile, build args, target, labels, and the Ids of the base images."""
    path = build["path"]
    dockerfile = build.get("dockerfile") or "Dockerfile"
    digest = hashlib.sha256()
    for rel in context_files(path, dockerfile):
        full = os.path.join(path, rel)
        info = os.lstat(full)
        digest.update(rel.encode("utf-8", "surrogateescape") + b"\0" + oct(info.st_mode).encode() + b"\0")
        if os.path.islink(full):
            digest.update(os.readlink(full).encode("utf-8", "surrogateescape"))
        elif os.path.isfile(full):
            digest.update(file_digest(full).encode())
    dockerfile_path = dockerfile if os.path.isabs(dockerfile) else os.path.join(path, dockerfile)
    with open(dockerfile_path, encoding="utf-8") as handle:
        text = handle.read()
    args = {str(k): str(v) for k, v in (build.get("args") or {}).items()}
    bases = {}
    for base in stage_bases(text, args):
        bases[base] = (find(client, "image", base) or {}).get("Id", "absent")
    facts = dict(dockerfile=text, args=args, target=build.get("target"), labels=build.get("labels") or {}, bases=bases)
    # Set only when given, so that the hashes of builds without them stay as they were.
    facts.update({key: build[key] for key in ("etc_hosts", "shm_size") if build.get(key) is not None})
    digest.update(json.dumps(facts, sort_keys=True).encode())
    return digest.hexdigest()


def import_hash(path: str, changes: list) -> str:
    """A hash of a filesystem tarball and the changes applied while importing it."""
    digest = hashlib.sha256(file_digest(path).encode())
    digest.update(json.dumps(list(changes or [])).encode())
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# docker save archives


def _short_reference(name: str) -> str:
    """``docker.io/library/app:1`` as docker save's manifest writes it (``app:1``)."""
    for prefix in ("docker.io/library/", "docker.io/"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def archive_images(path: str, option: str = "load_path") -> list:
    """``[{"Id": ..., "Ids": [...], "RepoTags": [...]}]`` for each image of a ``docker save`` tarball (plain or
    compressed). ``Id`` is the image's config digest, the Id an engine with its own image store gives it; ``Ids``
    adds the digest that OCI archives (Docker 25+) index it by, which is the Id an engine with the containerd image
    store gives it (API 1.44+ with containerd-snapshotter): the same image is found whichever store wrote or reads
    the archive."""
    try:
        with tarfile.open(path, "r:*") as archive:
            member = archive.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest = json.load(member)
            try:
                index_member = archive.extractfile("index.json")
            except KeyError:
                index_member = None
            index = json.load(index_member) if index_member is not None else {}
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise InvalidOption(option, f"{path} is not a docker save archive ({exc})") from None
    indexed = {}
    for entry in index.get("manifests") or []:
        name = (entry.get("annotations") or {}).get("io.containerd.image.name")
        if name and entry.get("digest"):
            indexed[_short_reference(name)] = entry["digest"]
    images = []
    for entry in manifest:
        config = entry.get("Config") or ""
        # docker save names the config <hex>.json; OCI layouts (Docker 25+) blobs/sha256/<hex>.
        hexdigest = os.path.basename(config)
        if hexdigest.endswith(".json"):
            hexdigest = hexdigest[:-5]
        tags = list(entry.get("RepoTags") or [])
        ids = ["sha256:" + hexdigest] + [indexed[t] for t in tags if t in indexed]
        images.append(dict(Id=ids[0], Ids=list(dict.fromkeys(ids)), RepoTags=tags))
    return images


def archive_holds(held: list, wanted: dict) -> bool:
    """Whether archive entries (as ``archive_images`` reads them) hold each ``reference -> image Id`` of ``wanted``."""
    return all(any(image_id in entry["Ids"] and (ref == image_id or ref in entry["RepoTags"]) for entry in held) for ref, image_id in wanted.items())


def platform_json(platform: str, option: str = "platform") -> str:
    """``os[/arch[/variant]]`` as the OCI platform the Engine API takes as a JSON query parameter."""
    parts = str(platform).strip().split("/")
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise InvalidOption(option, f"{platform!r} is not os[/architecture[/variant]], as linux/arm64/v8")
    return json.dumps(dict(zip(("os", "architecture", "variant"), parts)))


def save_images(client: Any, refs: list, path: str, platform: str | None = None) -> None:
    """``docker save refs... -o path`` (``--platform`` when given), written atomically."""
    params: dict = {"names": refs}
    if platform:
        params["platform"] = platform_json(platform)
    with engine_errors("saving", "image(s) " + ", ".join(refs)):
        # docker-py's get_image takes one name and no platform; the API takes many, and a platform from API 1.48.
        response = api_get_stream(client, "/images/get", params)
        write_atomically(path, response.iter_content(1 << 20))


def push_auth(client: Any, repository: str) -> dict | None:
    """The ``auth_config`` a push sends: None (the SDK sends the stored credentials of the registry), or ``{}`` when
    there are none. Docker Engine 28.3.3 refused a push without an X-Registry-Auth header, which the SDK leaves out
    when it has no credentials (community.docker 4.7 works around it too); an empty one is an anonymous push to every
    engine. 28.5.2 takes both (pushed to a registry without auth here), 20.10 too."""
    from docker import auth  # pylint: disable=import-outside-toplevel

    registry, _name = auth.resolve_repository_name(repository)
    return None if auth.get_config_header(client, registry) else {}


# ---------------------------------------------------------------------------------------------
# The image manager


def _image_before(image: dict | None) -> dict:
    """How a diff shows the image a name had before: its Id, or absent."""
    return dict(image=(image or {}).get("Id", "absent"))


class ImageManager(Manager):
    """Plans and applies one image task: ``image``, and the single-job modules over it (``image_build``,
    ``image_pull``, ``image_push``, ``image_tag``, ``image_remove``), which pass it their options translated.

    Besides ``image``'s own options it reads ``existing_images`` (``overwrite``, ``keep``, or ``warn``:
    keep and say so), ``repository`` as a list, ``platform`` (pull), ``rebuild`` (build), ``prune``
    (remove), and how error messages name options the module calls otherwise: ``build_prefix`` (``build.``
    for ``image``), ``pull_option`` and ``push_option``; each defaults to what ``image`` does.
    """

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        # read() checks the names, so a bad one fails cleanly; no repository: the name is an image Id
        self.repository: str | None = None
        self.tag = self.ref = ""
        self.targets: list = []  # (repository, tag) for each name of the repository option
        self.image: dict | None = None
        self.before: dict | None = None
        self.build_log: list | None = None
        self.warnings: list = []
        self.stopwatch = Stopwatch()
        self.removed: dict = dict(deleted=[], untagged=[])
        self.planned: list = []

    def read(self) -> dict | None:
        name = self.params["name"]
        if is_image_id(name):
            self.ref = name
        else:
            self.repository, self.tag = split_name(name, self.params.get("tag") or "latest")
            self.ref = reference(self.repository, self.tag)
        repositories = self.params.get("repository") or []
        if isinstance(repositories, str):
            repositories = [repositories]
        self.targets = [split_name(r, self.tag or "latest", "repository") for r in repositories]
        self.image = self.before = find(self.client, "image", self.ref)
        return self.image

    def _existing_images(self) -> str:
        return self.params.get("existing_images") or ("overwrite" if self.params.get("force_tag") else "warn")

    def _needs_name(self, what: str) -> None:
        if self.repository is None:
            raise InvalidOption("name", f"{self.ref} is an image Id; {what} needs an image name")

    # -- planning

    def plan(self, actual: dict | None) -> list:
        if self.params["state"] == "absent":
            plan = self._plan_absent(actual)
        else:
            plan = getattr(self, "_plan_" + self.params["source"])(actual)
            produced = bool(plan)
            for target in self.targets:
                plan.extend(self._plan_tag(target, actual, produced))
            if self.params.get("archive_path"):
                plan.extend(self._plan_archive(actual, produced))
            if self.params.get("push"):
                # A name this plan makes or moves holds another image than the registry has seen.
                for target in self.targets or [(self.repository, self.tag)]:
                    plan.extend(self._plan_push(target, actual, bool(plan)))
        self.planned = plan
        return plan

    def _plan_absent(self, actual: dict | None) -> list:
        if actual is None:
            return []
        force = bool(self.params.get("force_absent"))
        tags = actual.get("RepoTags") or []
        digests = actual.get("RepoDigests") or []
        if not force and len(tags) <= 1:
            users = container_names(
                c for c in list_objects(self.client, "containers", None, verbose=True, include_all=True) if c.get("ImageID") == actual["Id"]
            )
            if users:
                raise EngineError(
                    f"image {self.ref} is used by container(s) {', '.join(users)}: remove them first, "
                    "or set force_absent=true to remove the image's name anyway"
                )
        if containerd_image_store(engine_info(self.client)):
            digests = []  # digest names are read off the image's names there: they go with them, unlisted
        if self.repository is None:
            repositories = {r.rsplit("@", 1)[0] for r in digests} | {t.rsplit(":", 1)[0] for t in tags}
            if len(repositories) > 1 and not force:
                raise InvalidOption(
                    "name", f"image {self.ref} is named in several repositories ({', '.join(sorted(repositories))}): remove it by name, or with force"
                )
            untagged = sorted(tags + digests)
        else:
            untagged = [self.ref]
            if not [t for t in tags if t != self.ref and t.rsplit(":", 1)[0] == self.repository]:
                # With a repository's last tag the engine also drops that repository's digest names.
                untagged += sorted(d for d in digests if d.rsplit("@", 1)[0] == self.repository)
        remaining = [r for r in tags + digests if r not in untagged]
        # The engine also lists the layers it deletes; those are known only once it has.
        self.removed = dict(deleted=[] if remaining else [actual["Id"]], untagged=untagged)
        after = "untagged" if remaining else "absent"
        return [Action("remove", self.ref, before=dict(image=actual["Id"]), after=dict(image=after))]

    def _plan_local(self, actual: dict | None) -> list:
        if actual is None:
            raise InvalidOption("name", f"image {self.ref} is not on the engine (source local uses only what is there)")
        return []

    def _plan_pull(self, actual: dict | None) -> list:
        self._needs_name("pulling")
        platform = self.params.get("platform") or (self.params.get("pull") or {}).get("platform")
        fits = actual is not None and (not platform or same_platform(platform, actual, engine_info(self.client)))
        if fits and not self.params.get("force_source"):
            return []
        if fits and holds_digest(
            actual, self.repository or "", remote_digest(self.client, self.ref, "pulling", self.params.get("pull_option", "force_source"))
        ):
            return []
        reason = "not on the engine" if actual is None else "another platform" if not fits else "force_source"
        return [Action("pull", self.ref, before=_image_before(actual), after=dict(image="(pulled)"), reason=reason)]

    def _plan_build(self, actual: dict | None) -> list:
        self._needs_name("building")
        build = dict(self.params.get("build") or {})
        prefix = self.params.get("build_prefix", "build.")
        self._check_buildkit_only(build, prefix)
        path = build.get("path")
        if not path:
            raise InvalidOption(prefix + "path", f"source build needs {prefix}path, the build context folder")
        if not os.path.isdir(path):
            raise InvalidOption(prefix + "path", f"{path} is not a folder")
        dockerfile = build.get("dockerfile") or "Dockerfile"
        full = dockerfile if os.path.isabs(dockerfile) else os.path.join(path, dockerfile)
        if not os.path.isfile(full):
            raise InvalidOption(prefix + "dockerfile", f"no Dockerfile at {full}")
        if build.get("shm_size") is not None:
            build["shm_size"] = parse_size(build["shm_size"], prefix + "shm_size")
        for key in ("memory", "memswap"):
            if (build.get("container_limits") or {}).get(key) is not None:
                parse_size(build["container_limits"][key], f"{prefix}container_limits.{key}", key == "memswap")
        rebuild = self.params.get("rebuild")
        if rebuild == "never" and actual is not None:
            return []
        return self._plan_hashed("build", actual, build_hash(self.client, build), "(built)", rebuild == "always")

    def _check_buildkit_only(self, build: dict, prefix: str) -> None:
        """Fail, naming the option, on what only BuildKit builds; a platform that is the engine's own is fine."""
        platforms = build.get("platform") or []
        if isinstance(platforms, str):
            platforms = [platforms]
        info = engine_info(self.client) if platforms else {}
        machine = str(info.get("Architecture") or "")
        engine = dict(Os=info.get("OSType"), Architecture=ARCHITECTURES.get(machine, machine))
        for option in BUILDKIT_ONLY:
            if option == "platform":
                others = [p for p in platforms if not same_platform(p, engine, info)]
                if not others:
                    continue
                raise InvalidOption(
                    prefix + option,
                    f"{', '.join(others)} is not the engine's platform "
                    f"({engine['Os']}/{engine['Architecture']}); building for another "
                    "platform needs BuildKit (docker buildx), which the engine API's "
                    "classic builder used here does not provide",
                )
            if build.get(option):
                raise InvalidOption(
                    prefix + option,
                    "needs BuildKit (docker buildx), which the engine API's classic "
                    "builder used here does not provide; leave it out, or build with "
                    "docker buildx",
                )

    def _plan_archive(self, actual: dict | None, produced: bool) -> list:
        """``archive_path``: a ``docker save`` of the image, written unless the file holds it already."""
        path = self.params["archive_path"]
        check_output_path(path)
        if actual is not None and not produced and os.path.exists(path):
            try:
                if archive_holds(archive_images(path, "archive_path"), {self.ref: actual["Id"]}):
                    return []
            except InvalidOption:
                pass  # a file that is not an archive is written over
        return [
            Action(
                "archive",
                path,
                before=dict(archive=path if os.path.exists(path) else "absent"),
                after=dict(archive=self.ref),
                reason="the archive does not hold this image",
                data=dict(path=path),
            )
        ]

    def _plan_hashed(self, kind: str, actual: dict | None, source_hash: str, made: str, force: bool = False) -> list:
        """Build or import unless the image already carries this source hash (or force_source says to)."""
        labels = ((actual or {}).get("Config") or {}).get("Labels") or {}
        same = actual is not None and labels.get(SOURCE_HASH_LABEL) == source_hash
        if same and not (force or self.params.get("force_source")):
            return []
        reason = "not on the engine" if actual is None else "its sources changed" if not same else "rebuild always" if force else "force_source"
        return [
            Action(
                kind, self.ref, before=_image_before(actual), after=dict(image=made, source_hash=source_hash), reason=reason, data=dict(source_hash=source_hash)
            )
        ]

    def _plan_load(self, actual: dict | None) -> list:
        self._needs_name("loading")
        path = self.params.get("load_path")
        if not path:
            raise InvalidOption("load_path", "source load needs load_path, a docker save tarball")
        if not os.path.isfile(path):
            raise InvalidOption("load_path", f"no file at {path}")
        held = archive_images(path)
        wanted = [entry for entry in held if self.ref in entry["RepoTags"] or (self.tag == "latest" and self.repository in entry["RepoTags"])]
        if not wanted:
            names = sorted(t for entry in held for t in entry["RepoTags"]) or ["untagged images only"]
            raise InvalidOption("load_path", f"{path} does not hold {self.ref} (it holds {', '.join(names)})")
        if actual is not None and actual["Id"] in wanted[0]["Ids"] and not self.params.get("force_source"):
            return []
        return [Action("load", self.ref, before=_image_before(actual), after=dict(image=wanted[0]["Id"]), reason=f"from {path}")]

    def _plan_import(self, actual: dict | None) -> list:
        self._needs_name("importing")
        path = self.params.get("import_path")
        if not path:
            raise InvalidOption("import_path", "source import needs import_path, a filesystem tarball")
        if not os.path.isfile(path):
            raise InvalidOption("import_path", f"no file at {path}")
        changes = list(self.params.get("changes") or [])
        for change in changes:
            keyword = str(change).split(None, 1)[0].upper() if str(change).strip() else ""
            if keyword not in ("CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "HEALTHCHECK", "SHELL"):
                raise InvalidOption("changes", f"{change!r} is not a Dockerfile instruction import can apply")
        return self._plan_hashed("import", actual, import_hash(path, changes), "(imported)")

    def _plan_tag(self, target: tuple, actual: dict | None, produced: bool) -> list:
        ref = reference(*target)
        existing = find(self.client, "image", ref)
        if existing is not None and actual is not None and not produced and existing["Id"] == actual["Id"]:
            return []
        if existing is not None and not produced and self._existing_images() != "overwrite":
            if self._existing_images() == "warn":
                self.warnings.append(
                    f"repository: {ref} already names another image ({existing['Id'][:19]}); left as it is (set force_tag=true to move the name)"
                )
            return []
        return [
            Action(
                "tag",
                ref,
                before=dict(repository=(existing or {}).get("Id", "absent")),
                after=dict(repository=self.ref),
                data=dict(repository=target[0], tag=target[1]),
            )
        ]

    def _plan_push(self, target: tuple, actual: dict | None, produced: bool) -> list:
        repository, tag = target
        if repository is None:
            raise InvalidOption("name", f"{self.ref} is an image Id; pushing needs an image name")
        ref = reference(repository, tag)
        if registry_of(repository) == "docker.io" and "/" not in repository:
            raise InvalidOption("push", f"{ref} has no registry or account in its name; name it as registry.example.com/app or account/app to push it")
        # Asked even when a push is sure to follow: a registry that refuses our credentials fails the task
        # here, before anything is built, tagged or pushed.
        remote = remote_digest(self.client, ref, "pushing", self.params.get("push_option", "push"))
        if not produced and actual is not None:
            local = find(self.client, "image", ref)
            if holds_digest(local, repository, remote):
                return []
        return [Action("push", ref, reason="the registry holds another image or none", data=dict(repository=repository, tag=tag))]

    # -- applying

    def apply(self, plan: list) -> None:
        for action in plan:
            getattr(self, "_apply_" + action.kind)(action)
        self.image = find(self.client, "image", self.ref)

    def _apply_archive(self, action: Action) -> None:
        save_images(self.client, [self.ref], action.data["path"])

    def _apply_remove(self, action: Action) -> None:
        with engine_errors("removing", f"image {self.ref}"):
            answer = self.client.remove_image(self.ref, force=bool(self.params.get("force_absent")), noprune=not self.params.get("prune", True))
        self.removed = dict(
            deleted=sorted(e["Deleted"] for e in answer or [] if e.get("Deleted")), untagged=sorted(e["Untagged"] for e in answer or [] if e.get("Untagged"))
        )

    def _apply_pull(self, action: Action) -> None:
        with self.stopwatch.phase("pull", self.ref) as phase, engine_errors("pulling", f"image {self.ref}"):
            follow_stream(
                self.client.pull(self.repository, tag=self.tag, stream=True, decode=True, platform=self.params.get("platform")), "pulling", self.ref, phase
            )

    def _apply_build(self, action: Action) -> None:
        build = self.params.get("build") or {}
        labels = dict(build.get("labels") or {})
        labels[SOURCE_HASH_LABEL] = action.data["source_hash"]
        with self.stopwatch.phase("build", self.ref) as phase, engine_errors("building", f"image {self.ref}"):
            chunks = self.client.build(
                path=build["path"],
                dockerfile=build.get("dockerfile"),
                tag=self.ref,
                buildargs={str(k): str(v) for k, v in (build.get("args") or {}).items()} or None,
                target=build.get("target"),
                labels=labels,
                nocache=bool(build.get("nocache")),
                pull=bool(build.get("pull")),
                cache_from=build.get("cache_from"),
                network_mode=build.get("network"),
                extra_hosts=build.get("etc_hosts") or None,
                shmsize=parse_size(build["shm_size"], "shm_size") if build.get("shm_size") is not None else None,
                rm=build.get("rm", True) is not False,
                forcerm=build.get("rm", True) is not False,
                timeout=build.get("http_timeout"),
                container_limits=_container_limits(build.get("container_limits")),
                use_config_proxy=build.get("use_config_proxy") is not False,
                decode=True,
            )
            self.build_log = follow_stream(chunks, "building", self.ref, phase)

    def _apply_load(self, action: Action) -> None:
        with self.stopwatch.phase("load", self.ref), open(self.params["load_path"], "rb") as handle, engine_errors("loading", f"image {self.ref}"):
            follow_stream(self.client.load_image(handle), "loading", self.ref)
        if find(self.client, "image", self.ref) is None:
            raise EngineError(f"loading {self.params['load_path']} did not bring {self.ref}")

    def _apply_import(self, action: Action) -> None:
        changes = list(self.params.get("changes") or []) + [f"LABEL {SOURCE_HASH_LABEL}={action.data['source_hash']}"]
        with engine_errors("importing", f"image {self.ref}"):
            answer = self.client.import_image_from_file(self.params["import_path"], repository=self.repository, tag=self.tag, changes=changes)
        for line in str(answer).splitlines():
            try:
                chunk = json.loads(line)
            except ValueError:
                continue
            if isinstance(chunk, dict) and chunk.get("error"):
                raise EngineError(f"importing {self.params['import_path']} as {self.ref} failed: {chunk['error']}")

    def _apply_tag(self, action: Action) -> None:
        with engine_errors("tagging", f"image {self.ref} as {action.target}"):
            self.client.tag(self.ref, action.data["repository"], action.data["tag"], force=True)

    def _apply_push(self, action: Action) -> None:
        repository = action.data["repository"]
        with self.stopwatch.phase("push", action.target) as phase, engine_errors("pushing", f"image {action.target}"):
            follow_stream(
                self.client.push(repository, tag=action.data["tag"], stream=True, decode=True, auth_config=push_auth(self.client, repository)),
                "pushing",
                action.target,
                phase,
            )

    def result(self) -> dict:
        result: dict = dict(image=self.image or {})
        if self.build_log is not None:
            result["build_log"] = self.build_log
        if self.stopwatch.phases:
            result["timings"] = self.stopwatch.as_dict()
        return result

    def tagged(self) -> list:
        """The names this run tagged (or, in check mode, would tag)."""
        return [reference(action.data["repository"], action.data["tag"]) for action in self.planned if action.kind == "tag"]


def _container_limits(limits: dict | None) -> dict | None:
    """``build.container_limits`` as the SDK takes them (sizes in bytes)."""
    limits = {key: value for key, value in (limits or {}).items() if value is not None}
    for key in ("memory", "memswap"):
        if key in limits:
            limits[key] = parse_size(limits[key], f"build.container_limits.{key}", key == "memswap")
    return limits or None


def run_image_job(spec: dict, translate: Callable[[dict], dict], shape: Callable | None = None, **module_args: Any) -> None:
    """Run a single-job image module (``image_pull``, ``image_tag``, ...): its own options, as community.docker
    names them, are ``translate`` d into ``ImageManager``'s; ``shape(manager, result)`` adds its return values."""
    from ansible.module_utils.basic import AnsibleModule  # pylint: disable=import-outside-toplevel

    module = AnsibleModule(argument_spec=docker_argument_spec(**spec), supports_check_mode=True, **module_args)
    manager = ImageManager(connect(module), translate(module.params))
    result = converge(module, manager)
    if shape is not None:
        shape(manager, result)
    module.exit_json(**result)


def same_platform(wanted: str, image: dict, info: dict) -> bool:
    """Whether an image is of the platform ``os[/arch[/variant]]`` (os and arch default to the engine's)."""
    parts = [p.strip().lower() for p in wanted.split("/")]
    os_name = parts[0] or (info.get("OSType") or "").lower()
    machine = str(info.get("Architecture") or "")
    arch = parts[1] if len(parts) > 1 else machine
    have_arch = (image.get("Architecture") or "").lower()
    if (image.get("Os") or "").lower() != os_name or ARCHITECTURES.get(arch, arch) != have_arch:
        return False
    return len(parts) < 3 or (image.get("Variant") or "").lower() == parts[2]


# The engine reports the kernel's machine name; images and platforms use Go's names.
ARCHITECTURES = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i386": "386", "i686": "386"}


# ---------------------------------------------------------------------------------------------
# docker save, docker commit, docker export


class ArchiveManager(Manager):
    """``image_export``: images saved to a tarball, rewritten only when it does not hold them."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self.path = params["path"]
        self.wanted: dict = {}
        self.images: list = []

    def read(self) -> list | None:
        names = self.params.get("names") or []
        if not names:
            raise InvalidOption("names", "name at least one image to save")
        if self.params.get("platform"):
            platform_json(self.params["platform"])
            require_api(self.client.api_version, "platform", "1.48")
        for name in names:
            ref = name if is_image_id(name) else reference(*split_name(name, self.params.get("tag") or "latest", option="names"))
            image = find(self.client, "image", ref)
            if image is None:
                raise InvalidOption("names", f"image {ref} is not on the engine")
            self.wanted[ref] = image["Id"]
            self.images.append(image)
        check_output_path(self.path)
        if not os.path.exists(self.path):
            return None
        try:
            return archive_images(self.path)
        except InvalidOption:
            return []  # a file that is not an archive holds none of the images

    def plan(self, actual: list | None) -> list:
        holds = actual is not None and archive_holds(actual, self.wanted)
        if holds and not self.params.get("force"):
            return []
        before = dict(path=self.path, images="none" if actual is None else actual if holds else "other images")
        return [
            Action(
                "save",
                self.path,
                before=before,
                after=dict(path=self.path, images=[dict(Id=i, RepoTags=[r]) for r, i in self.wanted.items()]),
                reason="force" if holds else "the archive does not hold these images",
            )
        ]

    def apply(self, plan: list) -> None:
        save_images(self.client, list(self.wanted), self.path, self.params.get("platform"))

    def result(self) -> dict:
        return dict(archive=dict(path=self.path, images=[dict(name=r, id=i) for r, i in self.wanted.items()]), images=self.images)


class LoadManager(Manager):
    """``image_load``: every image of a ``docker save`` archive, loaded only when the engine lacks one
    of them or one of its names points at another image; check mode knows which from the manifest."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.path = params["path"]
        self.held: list = []

    def read(self) -> dict:
        if not os.path.isfile(self.path):
            raise InvalidOption("path", f"no file at {self.path}")
        self.held = archive_images(self.path, "path")
        return {name: (find(self.client, "image", name) or {}).get("Id", "absent") for entry in self.held for name in entry["RepoTags"] or [entry["Id"]]}

    def plan(self, actual: dict) -> list:
        # The engine's Id of each name: the config digest, or the indexed digest with the containerd image store.
        ids = {name: entry["Ids"] for entry in self.held for name in entry["RepoTags"] or [entry["Id"]]}
        wanted = {name: actual.get(name) if actual.get(name) in known else known[0] for name, known in ids.items()}
        if actual == wanted:
            return []
        missing = sorted(name for name, image_id in wanted.items() if actual.get(name) != image_id)
        return [Action("load", self.path, before=dict(images=actual), after=dict(images=wanted), reason="the engine lacks " + ", ".join(missing))]

    def apply(self, plan: list) -> None:
        with open(self.path, "rb") as handle, engine_errors("loading", f"images from {self.path}"):
            follow_stream(self.client.load_image(handle), "loading", self.path)

    def result(self) -> dict:
        names = [name for entry in self.held for name in entry["RepoTags"] or [entry["Id"]]]
        images = [next(filter(None, (find(self.client, "image", ref) for ref in entry["RepoTags"] + entry["Ids"])), None) for entry in self.held]
        return dict(image_names=names, images=[image for image in images if image])


class CommitManager(Manager):
    """``container_commit``: a new image from a container's changes. Never idempotent: each commit is new."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self.image: dict | None = None
        self.repository = self.tag = self.ref = ""  # set by read()

    def read(self) -> dict:
        self.repository, self.tag = split_name(self.params["repository"], self.params.get("tag") or "latest", "repository")
        self.ref = reference(self.repository, self.tag)
        return require(self.client, "container", self.params["container"], "container")

    def plan(self, actual: dict) -> list:
        previous = find(self.client, "image", self.ref)
        return [Action("commit", f"{self.params['container']} as {self.ref}", before=_image_before(previous), after=dict(image="(committed)"))]

    def apply(self, plan: list) -> None:
        with engine_errors("committing", f"container {self.params['container']}"):
            answer = self.client.commit(
                self.params["container"],
                repository=self.repository,
                tag=self.tag,
                message=self.params.get("commit_message"),
                author=self.params.get("author"),
                pause=self.params.get("pause", True),
                changes=self.params.get("changes"),
            )
        self.image = find(self.client, "image", answer["Id"])

    def result(self) -> dict:
        return dict(image=self.image or {})


def _export_digest(client: Any, container_id: str, name: str) -> str:
    digest = hashlib.sha256()
    with engine_errors("exporting", f"container {name}"):
        for chunk in client.export(container_id):
            digest.update(chunk)
    return digest.hexdigest()


class ExportManager(Manager):
    """``container_export``: a container's filesystem as a tarball; an existing one is kept unless ``force``.

    With ``force`` the export is compared with the file, so writing the same bytes again is unchanged.
    """

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self.path = params["path"]
        self.container: dict = {}  # set by read()

    def read(self) -> bool:
        self.container = require(self.client, "container", self.params["container"], "container")
        check_output_path(self.path)
        return os.path.exists(self.path)

    def plan(self, actual: bool) -> list:
        if actual:
            if not self.params.get("force"):
                return []
            if _export_digest(self.client, self.container["Id"], self.params["container"]) == file_digest(self.path):
                return []
        return [Action("export", self.path, before=dict(path=self.path, exists=bool(actual)), after=dict(path=self.path, container=self.container["Id"]))]

    def apply(self, plan: list) -> None:
        with engine_errors("exporting", f"container {self.params['container']}"):
            write_atomically(self.path, self.client.export(self.container["Id"]))

    def result(self) -> dict:
        return dict(path=self.path, container_id=self.container["Id"] if self.container else None)
