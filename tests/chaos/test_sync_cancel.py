"""Ctrl-C (a cancelled sync round) while a storage call runs in its worker thread.

The chaos test's `kiosk sync` processes met this at Ctrl-C: the round was cancelled, the station closed
its database, and the worker thread still inside a write then used a closed connection (a segfault, or
a process that never exits). A cancelled round must not end before its storage call has.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.platforms.invitario.connector import InvitarioConnector
from kiosk.services.sync import Sync
from kiosk.storage import Store


def test_a_cancelled_round_ends_only_after_its_storage_call(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "mirror.sqlite3")
    calls: list[str] = []
    inside = threading.Event()

    async def slow_offload(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        def run() -> Any:
            inside.set()
            time.sleep(0.4)  # a write that takes a while, e.g. waiting for another process's lock
            result = fn(*args, **kwargs)
            calls.append(fn.__name__)
            return result

        return await asyncio.to_thread(run)

    async def scenario() -> list[str]:
        # Never contacted: the round is cancelled during its first storage call, before any request.
        connector = InvitarioConnector("http://127.0.0.1:9", "ev", "key", "Door", timeout=1)
        sync = Sync(store, connector, offload=slow_offload)
        round_ = asyncio.ensure_future(sync.run_once())
        while not inside.is_set():
            await asyncio.sleep(0.01)
        round_.cancel()
        (outcome,) = await asyncio.gather(round_, return_exceptions=True)
        assert isinstance(outcome, asyncio.CancelledError)
        finished_by_then = list(calls)
        await connector.aclose()
        return finished_by_then

    try:
        finished = asyncio.run(scenario())
    finally:
        store.close()
    assert finished == ["update_sync_state"]
    with Store.open(tmp_path / "mirror.sqlite3") as again:
        assert again.integrity_check() == "ok"
        assert again.sync_state().last_attempt is not None
