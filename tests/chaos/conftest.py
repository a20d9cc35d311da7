"""The scenarios' objects are removed at the end of the session, whatever happened."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chaos import WORK, cleanup  # noqa: E402  pylint: disable=import-error,wrong-import-position


@pytest.fixture(scope="session", autouse=True)
def objects_removed_at_the_end():
    os.makedirs(WORK, exist_ok=True)
    yield
    cleanup()
