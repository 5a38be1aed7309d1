"""Measurements that run in the benchmark's own process: scans (P1), incremental sync (P5), draining the
queue (P6) and search (P7), each on its own copy of the synced 100k mirror, each with its floor."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import orjson

from kiosk.app import open_station
from kiosk.bench.figures import percentile
from kiosk.bench.setup import API_KEY, EVENT_ID, STATION, BenchError, SampleGuest, ServerProcess
from kiosk.domain import Mode
from kiosk.domain.models import Change, ChangeKind
from kiosk.domain.timeutil import format_time, utcnow
from kiosk.platforms.invitario.connector import since_date_time
from kiosk.storage import outbox
from kiosk.storage.config import mirror_path
from kiosk.storage.mirror import match_expression
from kiosk.storage.records import ScanRecord
from kiosk.storage.schema import configure

UPLOAD_BATCH = 500


def _ms(seconds: Sequence[float]) -> dict[str, float]:
    millis = [s * 1000 for s in seconds]
    return {"p50_ms": percentile(millis, 0.50), "p99_ms": percentile(millis, 0.99), "max_ms": max(millis),
            "n": len(millis)}


async def scans(data_dir: Path, guests: Sequence[SampleGuest], warmup: Sequence[SampleGuest]) -> dict[str, Any]:
    """P1: CheckIn.scan (normalise, look up, decide, durable queue write) for each code, one at a time."""
    station = open_station(data_dir)
    try:
        for guest in warmup:
            station.checkin.scan(guest.code, Mode.CHECK_IN)
        times, kinds = [], Counter[str]()
        for guest in guests:
            began = time.perf_counter()
            outcome = station.checkin.scan(guest.code, Mode.CHECK_IN)
            times.append(time.perf_counter() - began)
            kinds[outcome.kind.value] += 1
    finally:
        await station.aclose()
    if kinds["admitted"] == 0:
        raise BenchError(f"no scan was admitted ({dict(kinds)}): the mirror is not the synced one")
    return {**_ms(times), "verdicts": dict(kinds)}


def durable_commits(path: Path, count: int) -> dict[str, Any]:
    """P1's floor: one tiny row committed durably (same pragmas as the mirror), `count` times."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        configure(conn)
        conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, code TEXT NOT NULL)")
        times = []
        for n in range(count):
            began = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t (code) VALUES (?)", (f"code-{n}",))
            conn.execute("COMMIT")
            times.append(time.perf_counter() - began)
    finally:
        conn.close()
    return _ms(times)


def searches(data_dir: Path, guests: Sequence[SampleGuest], per_name: int = 5) -> tuple[dict[str, Any], dict[str, Any]]:
    """P7: what staff type, letter by letter ("M", "Ma", "May"...), through the staff tools' search;
    and its floor, the bare FTS5 match for the same text (no join, ranking or Guest objects)."""
    queries = []
    for guest in guests:
        text = guest.sort_name or guest.code
        queries += [text[:k] for k in range(1, per_name + 1)]
    station = open_station(data_dir)
    raw = sqlite3.connect(f"file:{mirror_path(data_dir)}?mode=ro", uri=True)
    try:
        desk = station.desk
        desk.search(queries[0])
        times, found = [], 0
        for text in queries:
            began = time.perf_counter()
            found += bool(desk.search(text))
            times.append(time.perf_counter() - began)
        floor_times = []
        for text in queries:
            expression = match_expression(text)
            began = time.perf_counter()
            if expression:
                raw.execute("SELECT rowid FROM guests_fts WHERE guests_fts MATCH ? LIMIT 30", (expression,)).fetchall()
            floor_times.append(time.perf_counter() - began)
    finally:
        raw.close()
        station.store.close()
    return {**_ms(times), "with_results": found}, _ms(floor_times)


async def _login(client: httpx.AsyncClient) -> str:
    answer = await client.post("/api/v1/login", json={"eventId": EVENT_ID, "apiKey": API_KEY, "stationName": STATION})
    token = answer.json().get("sessionToken")
    if not isinstance(token, str):
        raise BenchError(f"the bench could not log in to the server: {answer.text[:200]}")
    return token


async def incremental(server: ServerProcess, data_dir: Path, guests: Sequence[SampleGuest]) -> dict[str, Any]:
    """P5: `guests` are edited on the server, then one sync round (push nothing, pull what changed) on a
    station that is already logged in; the floor fetches and decodes the same list/recent answer."""
    station = open_station(data_dir)
    try:
        cursor = station.store.sync_state().cursor
        if cursor is None:
            raise BenchError("the copied mirror has no cursor: the first sync did not complete")
        await station.connector.login()
        with server.admin() as admin:
            edits = [{"id": g.id, "fields": {"notes": f"edited by the benchmark ({n})"}} for n, g in enumerate(guests)]
            answer = admin.post("/admin/guests", json=edits)
            if answer.status_code != 200:
                raise BenchError(f"the server refused the benchmark's edits: {answer.text[:200]}")
        sync = station.make_sync()
        began = time.perf_counter()
        report = await sync.run_once()
        seconds = time.perf_counter() - began
    finally:
        await station.aclose()
    if not report.ok or report.pulled < len(guests):
        raise BenchError(f"the incremental sync pulled {report.pulled} of {len(guests)}: {report.error}")
    async with httpx.AsyncClient(base_url=server.url, trust_env=False, timeout=60) as client:
        token = await _login(client)
        began = time.perf_counter()
        answer = await client.post("/api/v1/guest/list/recent",
                                   json={"sessionToken": token, "sinceDateTime": since_date_time(cursor)})
        orjson.loads(answer.content)
        floor = time.perf_counter() - began
    return {"seconds": seconds, "pulled": report.pulled, "floor_seconds": floor}


def queue_changes(data_dir: Path, guests: Sequence[SampleGuest]) -> int:
    """Set-up for P6: one queued check-in per guest, written as CheckIn would, in one transaction."""
    conn = sqlite3.connect(mirror_path(data_dir), isolation_level=None)
    try:
        configure(conn)
        conn.execute("BEGIN IMMEDIATE")
        now = utcnow()
        now_text = format_time(now) or ""
        for guest in guests:
            change = Change(str(uuid.uuid4()), guest.id, ChangeKind.CHECK_IN, now, None, now, STATION)
            scan = ScanRecord(now, guest.code, "admitted", guest.id, STATION, Mode.CHECK_IN.value, change.change_id)
            outbox.record_scan(conn, scan, change, now_text)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return len(guests)


async def drain(server: ServerProcess, data_dir: Path, guests: Sequence[SampleGuest]) -> dict[str, Any]:
    """P6: the queued changes uploaded by Sync.push (500 a request); the floor sends the same number of
    changes for the same guests straight from memory (no outbox, no mirror)."""
    queued = queue_changes(data_dir, guests)
    station = open_station(data_dir)
    try:
        await station.connector.login()
        sync = station.make_sync()
        began = time.perf_counter()
        report = await sync.push()
        seconds = time.perf_counter() - began
        left = station.store.queued_count()
    finally:
        await station.aclose()
    if not report.ok or left:
        raise BenchError(f"draining left {left} of {queued} changes queued: {report.error}")
    async with httpx.AsyncClient(base_url=server.url, trust_env=False, timeout=120) as client:
        token = await _login(client)
        later = format_time(utcnow())
        began = time.perf_counter()
        for start in range(0, len(guests), UPLOAD_BATCH):
            items = [{"id": g.id, "checkInDateTime": later, "checkOutDateTime": None, "clientUpdateDateTime": later}
                     for g in guests[start : start + UPLOAD_BATCH]]
            answer = await client.post("/api/v1/guest/update", json={"sessionToken": token, "guests": items})
            orjson.loads(answer.content)
        floor = time.perf_counter() - began
    return {"seconds": seconds, "changes": queued, "applied": report.applied, "conflicts": report.conflicts,
            "floor_seconds": floor}
