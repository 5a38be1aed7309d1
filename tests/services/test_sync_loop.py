"""The background sync loop: periodic pulls, pushes on a kick, back-off with jitter while offline."""

from __future__ import annotations

import asyncio

import pytest

from kiosk.services.sync import SyncReport
from kiosk.services.sync_loop import SyncLoop, backoff_delay


class ScriptedSync:
    """Answers rounds from a script and records whether each round pulled."""

    def __init__(self, answers: list[SyncReport]) -> None:
        self.answers = answers
        self.rounds: list[bool] = []

    async def run_once(self, *, pull: bool = True) -> SyncReport:
        self.rounds.append(pull)
        return self.answers.pop(0) if self.answers else SyncReport()


def test_backoff_grows_is_capped_and_jittered() -> None:
    assert backoff_delay(1, 2.0, 60.0, lambda: 0.5) == 2.0
    assert backoff_delay(3, 2.0, 60.0, lambda: 0.5) == 8.0
    assert backoff_delay(20, 2.0, 60.0, lambda: 0.5) == 60.0
    assert backoff_delay(3, 2.0, 60.0, lambda: 0.0) == 6.0
    assert backoff_delay(3, 2.0, 60.0, lambda: 1.0) == 10.0


def test_kick_pushes_without_pulling_until_the_interval_is_due() -> None:
    async def scenario() -> list[bool]:
        sync = ScriptedSync([])
        loop = SyncLoop(sync, interval=0.5, min_interval=0.1)  # type: ignore[arg-type]
        task = asyncio.create_task(loop.run())
        await asyncio.sleep(0.05)
        loop.kick()
        await asyncio.sleep(0.05)
        loop.kick()
        await asyncio.sleep(0.6)
        loop.stop()
        await asyncio.wait_for(task, 2)
        return sync.rounds

    rounds = asyncio.run(scenario())
    assert rounds[:3] == [True, False, False]
    assert rounds[3:] and rounds[3] is True  # the periodic pull still came


def test_offline_backs_off_and_ignores_kicks() -> None:
    reports: list[SyncReport] = []

    async def scenario() -> list[bool]:
        sync = ScriptedSync([SyncReport(error="down"), SyncReport(error="down")])
        loop = SyncLoop(sync, interval=10.0, on_report=reports.append, max_backoff=0.3,  # type: ignore[arg-type]
                        rand=lambda: 0.5)
        task = asyncio.create_task(loop.run())
        await asyncio.sleep(0.05)
        assert loop.failures == 1
        loop.kick()  # offline: no immediate retry
        await asyncio.sleep(0.05)
        assert len(sync.rounds) == 1
        await asyncio.sleep(1.0)
        loop.stop()
        await asyncio.wait_for(task, 2)
        return sync.rounds

    rounds = asyncio.run(scenario())
    assert len(rounds) >= 3 and all(rounds)
    assert [r.ok for r in reports[:3]] == [False, False, True]


def test_retry_after_is_respected() -> None:
    async def scenario() -> int:
        sync = ScriptedSync([SyncReport(error="busy", retry_after=5.0)])
        loop = SyncLoop(sync, interval=0.1, max_backoff=0.1)  # type: ignore[arg-type]
        task = asyncio.create_task(loop.run())
        await asyncio.sleep(0.5)
        loop.stop()
        await asyncio.wait_for(task, 2)
        return len(sync.rounds)

    assert asyncio.run(scenario()) == 1


@pytest.mark.parametrize("failures", [0, 1])
def test_a_bug_in_a_round_does_not_end_the_loop(failures: int) -> None:
    class Broken:
        def __init__(self) -> None:
            self.calls = 0

        async def run_once(self, *, pull: bool = True) -> SyncReport:
            self.calls += 1
            if self.calls == 1:
                raise RuntimeError("bug")
            return SyncReport()

    broken = Broken()

    async def scenario() -> None:
        loop = SyncLoop(broken, interval=0.05, max_backoff=0.05)  # type: ignore[arg-type]
        loop.failures = failures
        task = asyncio.create_task(loop.run())
        await asyncio.sleep(0.4)
        loop.stop()
        await asyncio.wait_for(task, 2)

    asyncio.run(scenario())
    assert broken.calls >= 2
