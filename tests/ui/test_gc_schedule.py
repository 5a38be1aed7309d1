"""The cycle collector's schedule: young objects every tick, all every 30th, and a download waited out."""

from __future__ import annotations

from kiosk.ui.gc_schedule import DOWNLOAD_QUIET_S, MAX_PAUSED_TICKS, DownloadWatch, PeriodicCollector


def test_ticks_collect_the_young_and_every_thirtieth_everything() -> None:
    runs: list[int] = []
    collector = PeriodicCollector(collect=runs.append)
    for _ in range(60):
        collector.tick()
    assert runs == ([0] * 29 + [2]) * 2


def test_a_download_pauses_the_collector_until_its_progress_stops_or_for_five_minutes_at_most() -> None:
    now = [100.0]
    watch = DownloadWatch(clock=lambda: now[0])
    runs: list[int] = []
    collector = PeriodicCollector(watch.busy, collect=runs.append)
    assert not watch.busy()
    watch.progressed(5000, 100_000)
    for _ in range(10):
        collector.tick()
    assert runs == []  # pages keep landing: nothing walked
    now[0] += DOWNLOAD_QUIET_S + 0.1  # no progress for a while: the download is over or stuck
    collector.tick()
    assert runs == [0]
    watch.progressed(10_000, 100_000)
    watch.ended(object())  # the round reported
    collector.tick()
    assert runs == [0, 0]
    # A download that never ends still gets a collection after MAX_PAUSED_TICKS ticks.
    runs.clear()
    for _ in range(MAX_PAUSED_TICKS + 1):
        watch.progressed(1, 0)
        collector.tick()
    assert runs == [0]
