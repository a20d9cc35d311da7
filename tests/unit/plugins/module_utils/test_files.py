"""Files written whole or not at all."""

import errno
import os

import pytest

from ansible_collections.noar.docker.plugins.module_utils.client import EngineError
from ansible_collections.noar.docker.plugins.module_utils.files import write_atomically


def test_a_failed_write_keeps_the_old_file_and_names_the_path(tmp_path):
    path = tmp_path / "archive.tar"
    path.write_bytes(b"old")

    def chunks():
        yield b"new, half"
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(EngineError) as raised:
        write_atomically(str(path), chunks())
    assert raised.value.msg == f"writing {path} failed: No space left on device"
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["archive.tar"]


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path):
    def chunks():
        yield b"some"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(str(tmp_path / "out.tar"), chunks())
    assert os.listdir(tmp_path) == []


def test_the_file_gets_its_mode(tmp_path):
    write_atomically(str(tmp_path / "config.json"), [b"{}"], mode=0o600)
    assert (tmp_path / "config.json").stat().st_mode & 0o777 == 0o600
