"""Qt tests in this folder run offscreen; pytest-qt provides the application and `qtbot`."""

import gc
import os
from collections.abc import Iterator

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def collect_qt_garbage() -> Iterator[None]:
    """Collect each test's cyclic garbage here, on the Qt thread: left to a later GC run in a worker
    thread (the reference server's, a sync thread), Qt objects in it would be destroyed off their thread."""
    yield
    gc.collect()
