# Copyright: noar.docker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files the modules write on the managed host: whole or not at all."""

from __future__ import annotations

import hashlib
import os
import tempfile
from typing import Iterable

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError
from ansible_collections.noar.docker.plugins.module_utils.units import InvalidOption


def file_digest(path: str) -> str:
    """The sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomically(path: str, chunks: Iterable[bytes], mode: int = 0o644) -> None:
    """Write ``chunks`` (bytes) to ``path`` through a temporary file beside it, renamed into place at the end,
    so a failure leaves the old file (or none) and never half a file. A full disk or a folder that refuses the
    file is an ``EngineError`` naming the path (the module's ``msg``), not a traceback."""
    folder = os.path.dirname(os.path.abspath(path))
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=".noar-", dir=folder)
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as exc:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise EngineError(f"writing {path} failed: {exc.strerror or exc}") from None
        raise


def check_output_path(path: str, option: str = "path", what: str = "tar file") -> None:
    """A file about to be written (``what`` it is, for the message): not a folder, and in a folder that exists."""
    if os.path.isdir(path):
        raise InvalidOption(option, f"{path} is a folder; name the {what} to write")
    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise InvalidOption(option, f"the folder of {path} does not exist")
