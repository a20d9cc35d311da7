# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Copying one file into a container through the Engine's archive endpoints (``container_copy_into``).

The container needs no Python and no shell: what is there is read back as a tar (``GET .../archive``) and
compared byte for byte, with its mode and owner, so a rerun changes nothing and check mode predicts exactly.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import posixpath
import stat as file_stat
import tarfile
import time
from typing import Any

from ansible_collections.noar.docker.plugins.module_utils.client import engine_errors, inspect_or_none, require
from ansible_collections.noar.docker.plugins.module_utils.container_io import exec_output
from ansible_collections.noar.docker.plugins.module_utils.converge import Action, Manager
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption

# ansible-core's default MAX_FILE_SIZE_FOR_DIFF: a bigger or binary file is shown by its size and digest.
DIFF_LIMIT = 104448
# Go's os.FileMode bits in the engine's X-Docker-Container-Path-Stat header.
_GO_DIR = 1 << 31
_GO_SYMLINK = 1 << 27
_GO_NOT_REGULAR = _GO_DIR | _GO_SYMLINK | (1 << 26) | (1 << 25) | (1 << 24) | (1 << 21) | (1 << 19)
MODE_PARSERS = ("legacy", "modern", "octal_string_only")


def parse_mode(value: Any, how: str) -> int | None:
    """``mode`` read as community.docker reads it under ``mode_parse``: legacy takes a string as a decimal
    number (``"0755"`` is 755), modern as octal, octal_string_only accepts octal strings only."""
    if value is None:
        return None
    if how not in MODE_PARSERS:
        raise InvalidOption("mode_parse", f"must be one of {', '.join(MODE_PARSERS)}, got {how!r}")
    if isinstance(value, bool):
        raise InvalidOption("mode", f"must be a file mode, got {value!r}")
    try:
        if how == "octal_string_only" and not isinstance(value, str):
            raise ValueError
        if isinstance(value, str):
            mode = int(value, 10 if how == "legacy" else 8)
        elif isinstance(value, int):
            mode = value
        else:
            raise ValueError
    except ValueError:
        expected = {"legacy": "an integer", "modern": "an octal string or an integer", "octal_string_only": "a string of octal digits"}[how]
        raise InvalidOption("mode", f"must be {expected} (mode_parse={how}), got {value!r}") from None
    if not 0 <= mode <= 0o7777:
        raise InvalidOption("mode", f"must be between 0 and 07777 (octal), got {value!r} ({oct(mode)})")
    return mode


def _describe(entry: dict | None, show_content: bool) -> dict:
    """What the diff shows of a file: its mode and owner, and its text, or its size and digest."""
    if entry is None:
        return {}
    shown = dict(path=entry["path"], owner_id=entry["uid"], group_id=entry["gid"])
    if entry["kind"] == "link":
        shown["link_target"] = entry["target"]
        return shown
    shown["mode"] = f"{entry['mode']:04o}"
    data = entry["data"]
    text = None
    if show_content and len(data) <= DIFF_LIMIT:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    if text is not None:
        shown["content"] = text
    else:
        shown.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    return shown


class CopyIntoManager(Manager):
    """One file (or symbolic link) at ``container_path``, with its content, mode and owner."""

    def __init__(self, client: Any, params: dict) -> None:
        self.client = client
        self.params = params
        self.container: dict = {}
        self.path = params["container_path"]
        self.desired: dict = {}

    # ---- reading ----------------------------------------------------------------------------------------------

    def _stat(self, path: str) -> tuple:
        """``(stat header, stream)`` of ``path`` in the container, or ``(None, None)`` when it does not exist."""
        found = inspect_or_none(f"{path} in container {self.params['container']}", lambda where: self.client.get_archive(self.container["Id"], where), path)
        if found is None:
            return None, None
        stream, header = found
        return header, stream

    def _entry(self, path: str, stat: dict, stream: Any) -> dict:
        """The file at ``path`` as the archive endpoint gives it: kind, mode, owner and content."""
        if stat["mode"] & _GO_DIR:
            stream.close()
            raise InvalidOption("container_path", f"{path} is a folder in container {self.params['container']}; give the path of a file in it")
        if stat["mode"] & _GO_NOT_REGULAR & ~_GO_SYMLINK:
            stream.close()
            raise InvalidOption("container_path", f"{path} in container {self.params['container']} is neither a file nor a symbolic link")
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream)), mode="r|") as archive:
            member = next(iter(archive))
            entry = dict(path=path, uid=member.uid, gid=member.gid, mode=member.mode & 0o7777)
            if member.issym():
                entry.update(kind="link", target=member.linkname, data=b"")
            else:
                extracted = archive.extractfile(member)
                entry.update(kind="file", data=extracted.read() if extracted else b"")
        return entry

    def read(self) -> dict | None:
        params = self.params
        if not posixpath.isabs(self.path or ""):
            raise InvalidOption("container_path", f"must be an absolute path, got {self.path!r}")
        self.container = require(self.client, "container", params["container"], "container")
        self.desired = self._source()
        stat, stream = self._stat(self.path)
        if stat is not None and stat["mode"] & _GO_SYMLINK and params.get("follow"):
            stream.close()
            self.path = stat.get("linkTarget") or self.path
            stat, stream = self._stat(self.path)
        if stat is None:
            parent = posixpath.dirname(self.path.rstrip("/")) or "/"
            parent_stat, parent_stream = self._stat(parent)
            if parent_stream is not None:
                parent_stream.close()
            if parent_stat is None or not parent_stat["mode"] & _GO_DIR:
                raise InvalidOption("container_path", f"{parent} is not a folder in container {params['container']}, so {self.path} cannot be written")
            return None
        if params.get("force") is False:
            stream.close()
            return dict(path=self.path, kind="present")
        return self._entry(self.path, stat, stream)

    # ---- what is asked ----------------------------------------------------------------------------------------

    def _source(self) -> dict:
        """The content (or link) and mode that the task gives, before the owner is known."""
        params = self.params
        mode = parse_mode(params.get("mode"), params.get("mode_parse") or "legacy")
        if params.get("content") is not None:
            content = params["content"]
            if params.get("content_is_b64"):
                try:
                    data = base64.b64decode(content, validate=True)
                except ValueError:
                    raise InvalidOption("content", "is not valid Base64 (content_is_b64 is true)") from None
            else:
                data = content.encode("utf-8")
            return dict(kind="file", data=data, mode=0o644 if mode is None else mode)
        source = params["path"]
        follow = params.get("local_follow", True)
        try:
            info = os.stat(source) if follow else os.lstat(source)
        except OSError as exc:
            raise InvalidOption("path", f"cannot read {source}: {exc.strerror}") from None
        if file_stat.S_ISLNK(info.st_mode):
            return dict(kind="link", target=os.readlink(source), data=b"", mode=0o777)
        if not file_stat.S_ISREG(info.st_mode):
            raise InvalidOption("path", f"{source} is not a file: only files are copied")
        with open(source, "rb") as handle:
            data = handle.read()
        return dict(kind="file", data=data, mode=(info.st_mode & 0o7777) if mode is None else mode)

    def _owner(self) -> tuple:
        """``owner_id``/``group_id`` as given, or the container user's ids (``id -u``/``id -g`` run in it)."""
        params = self.params
        if params.get("owner_id") is not None:
            return params["owner_id"], params["group_id"]
        name = params["container"]
        state = self.container.get("State") or {}
        if not state.get("Running") or state.get("Paused"):
            raise InvalidOption("owner_id", f"container {name} is not running, so its user's ids cannot be read: give owner_id and group_id")
        with engine_errors("reading the user's ids in", f"container {name}"):
            exec_id = self.client.exec_create(self.container["Id"], ["/bin/sh", "-c", "id -u && id -g"])["Id"]
            out, err = exec_output(self.client, exec_id)
            rc = self.client.exec_inspect(exec_id).get("ExitCode")
        ids = out.decode("utf-8", "replace").split()
        if rc != 0 or len(ids) != 2 or not all(part.isdigit() for part in ids):
            reason = (err or out).decode("utf-8", "replace").strip() or f"exit status {rc}"
            raise InvalidOption(
                "owner_id", f"cannot read the user's ids in container {name} (/bin/sh -c 'id -u && id -g': {reason}): give owner_id and group_id"
            )
        return int(ids[0]), int(ids[1])

    # ---- planning and applying --------------------------------------------------------------------------------

    def plan(self, actual: dict | None) -> list:
        force = self.params.get("force")
        if actual is not None and force is False:
            return []
        uid, gid = self._owner()
        self.desired.update(path=self.path, uid=uid, gid=gid)
        desired = self.desired
        if actual is not None and not force:
            same = actual["kind"] == desired["kind"] and (actual["uid"], actual["gid"]) == (uid, gid)
            if desired["kind"] == "link":
                same = same and actual["target"] == desired["target"]
            else:
                same = same and actual["mode"] == desired["mode"] and actual["data"] == desired["data"]
            if same:
                return []
        show = self.params.get("content") is None  # content is no_log: the diff shows its size and digest only
        reason = "forced" if force and actual is not None else ("missing" if actual is None else "differs")
        return [Action("copy", f"{self.params['container']}:{self.path}", before=_describe(actual, show), after=_describe(desired, show), reason=reason)]

    def apply(self, plan: list) -> None:
        desired = self.desired
        member = tarfile.TarInfo(posixpath.basename(self.path))
        member.uid, member.gid, member.mtime = desired["uid"], desired["gid"], int(time.time())
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
            if desired["kind"] == "link":
                member.type, member.linkname, member.mode = tarfile.SYMTYPE, desired["target"], 0o777
                archive.addfile(member)
            else:
                member.size, member.mode = len(desired["data"]), desired["mode"]
                archive.addfile(member, io.BytesIO(desired["data"]))
        with engine_errors("copying into", f"container {self.params['container']} ({self.path})"):
            self.client.put_archive(self.container["Id"], posixpath.dirname(self.path) or "/", buffer.getvalue())

    def plan_result(self, plan: list) -> dict:
        return dict(container_path=self.path)

    def diff(self, plan: list) -> dict:
        if not plan:
            return dict(before={}, after={})
        return dict(before=plan[0].before, after=plan[0].after, before_header=plan[0].target, after_header=plan[0].target)
