"""Suite-wide setup: Qt offscreen, no proxies from the environment."""

import asyncio
import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis.configuration
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests talk to servers on 127.0.0.1 only; a proxy from the environment must not get in between.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
# Tests never write into the OS keyring of the person running them; keyring tests use an in-memory one.
os.environ["KIOSK_NO_KEYRING"] = "1"
# Hypothesis keeps its files (the constants it collects from the code, examples) under the directory
# the run starts in, which is the checkout: a temporary one instead, gone with the run.
_HYPOTHESIS_HOME = tempfile.TemporaryDirectory(prefix="kiosk-hypothesis-")
hypothesis.configuration.set_hypothesis_home_dir(_HYPOTHESIS_HOME.name)


@pytest.fixture()
def loop(qapp: Any) -> Iterator[Any]:
    """An asyncio loop on the Qt loop (qasync): qtbot.waitUntil alone does not run asyncio tasks.

    As in the app, closing a window must not quit Qt (and with it the loop) under a coroutine.
    """
    import qasync

    qapp.setQuitOnLastWindowClosed(False)
    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    try:
        yield event_loop
    finally:
        event_loop.close()
        asyncio.set_event_loop(None)
        qapp.setQuitOnLastWindowClosed(True)


# One-line results of the long tests (chaos, crash loop), repeated at the end of the run so that CI's
# output shows them even though pytest captures what passing tests print.
_SUMMARY_LINES: list[str] = []


@pytest.fixture()
def summary_line() -> Callable[[str], None]:
    def add(line: str) -> None:
        print(line)
        _SUMMARY_LINES.append(line)

    return add


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _SUMMARY_LINES:
        terminalreporter.section("summary lines")
        for line in _SUMMARY_LINES:
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e carries the `e2e` marker, so `-m "not slow or e2e"` selects the quick
    loop plus the end-to-end tests (what CI runs on the second interpreter)."""
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.e2e)
