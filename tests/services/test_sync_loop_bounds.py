"""The sync loop keeps a floor and backs off whatever interval a hand-edited config gives it."""

from __future__ import annotations

import asyncio
import math

import pytest

from kiosk.services.sync import SyncReport
from kiosk.services.sync_loop import SyncLoop, bounded_interval
from kiosk.storage.config import PULL_INTERVAL_MAX_S, PULL_INTERVAL_MIN_S

NONSENSE = [0.0, -5.0, math.nan, math.inf, -math.inf, 1e-9]


class CountingSync:
    """Every round answers the same: ok, or the server is down."""

    def __init__(self, ok: bool) -> None:
        self.ok = ok
        self.rounds = 0

    async def run_once(self, *, pull: bool = True) -> SyncReport:
        self.rounds += 1
        return SyncReport() if self.ok else SyncReport(error="Server unreachable: refused")


@pytest.mark.parametrize("interval", NONSENSE)
def test_the_interval_is_kept_within_bounds(interval: float) -> None:
    bounded = bounded_interval(interval, PULL_INTERVAL_MIN_S)
    assert PULL_INTERVAL_MIN_S <= bounded <= PULL_INTERVAL_MAX_S
    assert bounded_interval(15.0, PULL_INTERVAL_MIN_S) == 15.0


def test_nonsense_intervals_make_only_a_handful_of_rounds_online_or_off() -> None:
    syncs = [CountingSync(ok) for ok in (True, False) for _ in NONSENSE]

    async def scenario() -> None:
        loops = [
            SyncLoop(s, interval, rand=lambda: 0.5)  # type: ignore[arg-type]
            for s, interval in zip(syncs, NONSENSE * 2, strict=True)
        ]
        tasks = [asyncio.create_task(loop.run()) for loop in loops]
        await asyncio.sleep(1.6)
        for loop in loops:
            loop.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), 5)

    asyncio.run(scenario())
    # At 0, then after the 1 s floor (online) or the first 1 s back-off (offline), the next not before
    # 2.6 s (an infinite interval is an hour: one round). Without the floor: hundreds of rounds each.
    assert all(1 <= s.rounds <= 2 for s in syncs), [s.rounds for s in syncs]
