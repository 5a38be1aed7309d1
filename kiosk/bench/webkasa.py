"""`kiosk bench --platform webkasa`: a full listing under Webkasa's rate limit against its floor, and P2 during it.

Webkasa lists registrations in pages and documents a rate limit (100 requests a minute, 300 for GET), so
on a big event the listing is bound by the pace, not by the station: at the emulator's 100 a page, 100,000
registrations are about 1,011 requests, some 11 minutes at kiosk's 90 a minute. What the bench shows:

- W1: the station's second full listing (`Sync.run_once`, with mark and sweep), from a mirror that holds
  the first, timed end to end; its floor fetches the same pages (the same offsets, each page after the
  first one row early, as the connector reads them) with the same pacer and only parses them. Both run at
  the same time against two emulator processes of the same event (the same seed), so they see the same
  machine load, and each has a rate limit of its own.
- P2: scans answered from the mirror while that listing runs, one every 200 ms on the same event loop,
  timed from when each was due (a loop held up by the listing counts against it) to its verdict.

The first listing, which the timed one starts from, is made against a third emulator process with its
rate limit off, so that setting up does not take as long again.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import orjson

from kiosk.bench.figures import Figure, notes, percentile, table
from kiosk.bench.setup import SampleGuest, child_env, sample_guests
from kiosk.domain import Mode
from kiosk.services.checkin import CheckIn

EVENT_ID, API_KEY, STATION, SEED = "bench-webkasa", "bench-webkasa-key", "Bench", 7
SCAN_INTERVAL_S = 0.2
READY_TIMEOUT_S = 120.0


class Emulator:
    """`kiosk serve --platform webkasa` in its own process on 127.0.0.1, with `guests` registrations."""

    def __init__(self, work: Path, name: str, guests: int) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (work / f"{name}.log").open("w")
        command = [sys.executable, "-m", "kiosk", "serve", "--platform", "webkasa", "--port", str(self.port),
                   "--guests", str(guests), "--seed", str(SEED), "--event-id", EVENT_ID, "--api-key", API_KEY]
        self.proc = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=child_env())

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Webkasa emulator exited ({self.proc.returncode}); see {self.log.name}")
            try:
                self.admin("GET", "/admin/requests")
                return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"the Webkasa emulator did not answer within {READY_TIMEOUT_S:.0f} s")

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        with httpx.Client(base_url=self.url, trust_env=False, timeout=60) as client:
            response = client.request(method, path, **kwargs)
            response.raise_for_status()
            return response.json()

    def statuses(self) -> dict[str, int]:
        """How many API requests the emulator answered with each status."""
        counts: dict[str, int] = {}
        for seen in self.admin("GET", "/admin/requests")["requests"]:
            key = str(seen.get("status"))
            counts[key] = counts.get(key, 0) + 1
        return counts

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.log.close()


async def _first_listing(data_dir: Path, emulator: Emulator) -> int:
    """Configure the station and make its first listing with no rate limit (set-up, not measured)."""
    from kiosk.app import configure_station, open_station
    from kiosk.storage.config import StationConfig

    emulator.admin("POST", "/admin/faults", json={"rate_limit": None})
    config = StationConfig(server_url=emulator.url, event_id=EVENT_ID, station=STATION, platform="webkasa")
    await configure_station(data_dir, config, API_KEY)
    station = open_station(data_dir, pace=(1_000_000, 1.0))
    try:
        report = await station.make_sync().run_once()
    finally:
        await station.aclose()
    if not report.ok:
        raise RuntimeError(f"the first listing failed: {report.error}")
    return report.pulled


async def _timed_listing(data_dir: Path, emulator: Emulator, codes: list[SampleGuest]) -> dict[str, Any]:
    """W1 and P2: the station's next full listing against `emulator` (rate limited), scans meanwhile."""
    from kiosk.app import make_connector, open_station
    from kiosk.storage.secrets import load_api_key

    station = open_station(data_dir)
    await station.connector.aclose()
    # The same event in another process: the listing reads the same registrations under the same ids.
    station = replace(station, connector=make_connector(replace(station.config, server_url=emulator.url),
                                                        load_api_key(data_dir)))
    scan_store = station.open_store()
    checkin = CheckIn(scan_store, STATION)
    done = asyncio.Event()
    late_ms: list[float] = []
    call_ms: list[float] = []

    async def scan_meanwhile() -> None:
        due = time.perf_counter()
        for guest in codes:
            due += SCAN_INTERVAL_S
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if done.is_set():
                return
            began = time.perf_counter()
            checkin.scan(guest.code, Mode.CHECK_IN)
            ended = time.perf_counter()
            call_ms.append((ended - began) * 1000)
            late_ms.append((ended - due) * 1000)

    scanner = asyncio.ensure_future(scan_meanwhile())
    began = time.perf_counter()
    try:
        report = await station.make_sync().run_once()
    finally:
        seconds = time.perf_counter() - began
        done.set()
        await scanner
        scan_store.close()
        await station.aclose()
    if not report.ok:
        raise RuntimeError(f"the timed listing failed: {report.error}")
    return {"seconds": seconds, "pulled": report.pulled, "late_ms": late_ms, "call_ms": call_ms}


async def _floor(emulator: Emulator) -> dict[str, Any]:
    """The same pages, fetched with the same pacer and parsed, nothing else."""
    from kiosk.platforms.webkasa.connector import PACE, PAGE_LIMIT, Pacer

    pacer = Pacer(*PACE)
    path = f"/api/v1/events/{EVENT_ID}/registrations"
    offset, first, rows, requests = 0, True, 0, 0
    began = time.perf_counter()
    async with httpx.AsyncClient(base_url=emulator.url, trust_env=False, timeout=60,
                                 headers={"Authorization": f"Bearer {API_KEY}"}) as client:
        while True:
            await pacer.wait()
            start = offset if first else offset - 1
            try:
                answer = await client.get(path, params={"limit": str(PAGE_LIMIT), "offset": str(start)})
            finally:
                pacer.done()
            requests += 1
            answer.raise_for_status()
            doc = orjson.loads(answer.content)
            data = doc["data"] if first else doc["data"][1:]
            first = False
            offset += len(data)
            rows += len(data)
            if not doc["meta"]["hasMore"]:
                break
    return {"seconds": time.perf_counter() - began, "rows": rows, "requests": requests}


def _in_thread(coro: Any) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = asyncio.run(coro)
        except Exception as err:  # reported with the figure
            box["error"] = f"{type(err).__name__}: {err}"

    thread = threading.Thread(target=run, name="bench-floor", daemon=True)
    thread.start()
    return thread, box


def run_webkasa_bench(guests: int, json_path: Path | None, keep: Path | None = None) -> int:
    """Print W1 and P2 for Webkasa; 0 when both were measured, 1 when a measurement failed."""
    say = lambda text: print(f"kiosk bench: {text}", file=sys.stderr, flush=True)  # noqa: E731
    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-webkasa-", dir=keep))
    from kiosk.platforms.webkasa.connector import PACE

    listing = Figure("W1", f"full listing of {guests:,} registrations under the rate limit", "s")
    during = Figure("P2", "scan -> verdict p99 during that listing (due -> verdict)", "ms", 50.0)
    emulators = {name: Emulator(work, name, guests) for name in ("setup", "kiosk", "floor")}
    try:
        for emulator in emulators.values():
            emulator.wait_ready()
        data_dir = work / "station"
        say(f"first listing of {guests:,} registrations, no rate limit (set-up)")
        pulled = asyncio.run(_first_listing(data_dir, emulators["setup"]))
        emulators["setup"].stop()
        codes = sample_guests(data_dir)
        say(f"the timed listing and its floor, side by side, at {PACE[0]} requests / {PACE[1]:.0f} s "
            f"(about {guests / 99 / PACE[0] * PACE[1] / 60:.0f} min)")
        floor_thread, floor_box = _in_thread(_floor(emulators["floor"]))
        try:
            timed = asyncio.run(_timed_listing(data_dir, emulators["kiosk"], codes))
        finally:
            floor_thread.join()
        if "error" in floor_box:
            raise RuntimeError(f"the floor failed: {floor_box['error']}")
        floor = floor_box["result"]
        kiosk_statuses = emulators["kiosk"].statuses()
        listing.measured, listing.floor = timed["seconds"], floor["seconds"]
        listing.floor_what = (f"the same {floor['requests']} pages fetched with the same pacer and parsed, at the "
                              "same time against a second emulator process")
        listing.details = {"pulled": timed["pulled"], "first_listing": pulled, "statuses": kiosk_statuses,
                           "pace": {"requests": PACE[0], "window_s": PACE[1]}, "floor": floor}
        late, calls = timed["late_ms"], timed["call_ms"]
        if not late:
            raise RuntimeError("the listing ended before the first scan")
        during.measured = percentile(late, 0.99)
        during.floor = percentile(calls, 0.99)
        during.floor_what = "the p99 of the scan calls alone (without the wait for the loop)"
        during.details = {"scans": len(late), "p50_ms": percentile(late, 0.5), "max_ms": max(late),
                          "interval_s": SCAN_INTERVAL_S}
    except Exception as err:
        for fig in (listing, during):
            if fig.measured is None:
                fig.error = f"{type(err).__name__}: {err}"
    finally:
        for emulator in emulators.values():
            if emulator.proc.poll() is None:
                emulator.stop()
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    figures = [listing, during]
    print(table(figures))
    print(notes(figures))
    if listing.details:
        print(f"W1: {listing.details['pulled']:,} registrations listed; the kiosk's emulator answered "
              f"{listing.details['statuses']} (status: requests)")
    if json_path is not None:
        json_path.write_text(json.dumps({"platform": "webkasa", "guests": guests,
                                         "figures": [f.as_json() for f in figures]}, indent=2))
    return 1 if any(f.error for f in figures) else 0
