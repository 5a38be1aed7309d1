"""Qt tests in this folder run offscreen; pytest-qt provides the application and `qtbot`."""

import gc
import os
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

os.environ["QT_QPA_PLATFORM"] = "offscreen"


@pytest.fixture(autouse=True)
def english(qapp: QApplication) -> Iterator[None]:
    """Every test speaks English and reads British times, whatever the machine's LANG; `german` switches."""
    from kiosk.ui.i18n import use_language

    use_language(qapp, "en")
    yield
    use_language(qapp, "en")


@pytest.fixture()
def german(qapp: QApplication, english: None) -> str:
    """The window's German translators and locale for this test (widgets made after it speak German)."""
    from kiosk.ui.i18n import use_language

    return use_language(qapp, "de")


@pytest.fixture(autouse=True)
def collect_qt_garbage() -> Iterator[None]:
    """Collect each test's cyclic garbage here, on the Qt thread: left to a later GC run in a worker
    thread (the reference server's, a sync thread), Qt objects in it would be destroyed off their thread."""
    yield
    gc.collect()
