"""P3/P4 in a fresh process: the first full sync of a station, its peak memory, and the P3 floor.

Peak memory is the kernel's high-water mark of the process's resident set (VmHWM in /proc/self/status),
read when the sync has finished: exact, with no sampling gaps. The server runs in another process.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

from kiosk.bench.setup import API_KEY, EVENT_ID, STATION, BenchError
from kiosk.domain.timeutil import format_time
from kiosk.platforms.invitario.display import display_fields
from kiosk.storage import Store
from kiosk.storage.config import mirror_path
from kiosk.storage.rows import GUEST_COLUMNS
from kiosk.storage.schema import FTS_COLUMNS, configure


def memory_kb() -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak so far) of this process, in kB; empty where /proc is missing."""
    found: dict[str, int] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(value.split()[0])
    except OSError:
        pass
    return found


READY_POLL_S = 0.005
SCAN_EVERY_S = 0.02


async def _door(station: Any, codes: list[str], began: float, out: dict[str, Any]) -> None:
    """P10 from the door's side: look the list's last guest up every 5 ms until the mirror has them, then
    scan them (a real CheckIn.scan, durable queue write); then scan the other codes every 20 ms while the
    round goes on (the search index being built), each scan timed."""
    from kiosk.domain import Mode
    from kiosk.domain.codes import normalise_code

    last = normalise_code(codes[0])
    while station.store.find_guest(last) is None:
        await asyncio.sleep(READY_POLL_S)
    outcome = station.checkin.scan(codes[0], Mode.CHECK_IN)
    out["ready_s"] = time.perf_counter() - began
    out["ready_verdict"] = outcome.kind.value
    out["search_pending_at_ready"] = station.store.search_index_pending()
    scan_s: list[float] = []
    out["scans_after_ready_s"] = scan_s
    for code in codes[1:]:
        await asyncio.sleep(SCAN_EVERY_S)
        start = time.perf_counter()
        station.checkin.scan(code, Mode.CHECK_IN)
        scan_s.append(time.perf_counter() - start)


async def _full_sync(data_dir: Path, codes: list[str]) -> dict[str, Any]:
    from kiosk.app import open_station

    station = open_station(data_dir)
    # The sync writes through its own connection, as the window's does, while the door scans on the first.
    sync_store = station.open_store()
    door: dict[str, Any] = {}
    try:
        sync = station.make_sync(sync_store)
        before = memory_kb()
        began = time.perf_counter()
        watcher = asyncio.ensure_future(_door(station, codes, began, door)) if codes else None
        report = await sync.run_once()
        seconds = time.perf_counter() - began
        if watcher is not None:
            watcher.cancel()
            await asyncio.wait({watcher})
        await station.connector.logout()
        pages, page_size = station.store._conn.execute("PRAGMA page_count").fetchone()[0], \
            station.store._conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        sync_store.close()
        await station.aclose()
    after = memory_kb()
    if not report.ok:
        raise BenchError(f"the full sync failed: {report.error}")
    return {"seconds": seconds, "pulled": report.pulled, "malformed": report.malformed, "indexed": report.indexed,
            "rss_before_kb": before.get("VmRSS"), "peak_kb": after.get("VmHWM"), "mirror_bytes": pages * page_size,
            **door}


def full_sync(params: dict[str, Any]) -> dict[str, Any]:
    """P3, P4 and P10: `Sync.run_once()` on a station with an empty mirror, timed end to end; with `codes`
    (the list's last admissible guests, last first), also when the first of them is answered by a scan."""
    return asyncio.run(_full_sync(Path(params["data_dir"]), list(params.get("codes") or [])))


_TIMES: dict[str, str | None] = {}


def _utc(text: str | None) -> str | None:
    # The mirror keeps times in UTC; the floor converts each distinct text once.
    if text is None:
        return None
    if text not in _TIMES:
        _TIMES[text] = format_time(datetime.fromisoformat(text))
    return _TIMES[text]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


_ADMISSION = {"registered": "admissible", "unknown": "unstated", "deregistered": "deregistered"}


def _row(guest: dict[str, Any], badge_field: str) -> tuple[Any, ...]:
    fields = guest.get("fields") or {}
    code, badge = guest.get("accessCode"), _text(fields.get(badge_field))
    first, last = _text(fields.get("firstName")), _text(fields.get("lastName"))
    return (
        guest["id"], guest.get("parentId"), code,
        _utc(guest.get("clientUpdateDateTime")), _utc(guest.get("serverUpdateDateTime")),
        _utc(guest.get("checkInDateTime")), _utc(guest.get("checkOutDateTime")), _utc(guest.get("deleteDateTime")),
        _ADMISSION.get(guest.get("registrationState") or "unknown", "unstated"), guest.get("highlightColor"),
        orjson.dumps(fields).decode(), orjson.dumps([c["id"] for c in guest.get("companions") or []]).decode(),
        " ".join(filter(None, (last, first))) or None, " ".join(filter(None, (first, last))) or None,
        _text(fields.get("company")), _text(fields.get("email")),
        0, _display(fields), None, None,
        code.strip().lower() if code else None, badge.strip().lower() if badge else None,
    )


def _display(fields: dict[str, Any]) -> str | None:
    # The display fields the mirror stores are part of the work: the same function makes them here.
    shown = display_fields(fields)
    return orjson.dumps([[f.key, f.label, f.text] for f in shown]).decode() if shown else None


async def _fetch_all(url: str) -> tuple[bytes, float]:
    async with httpx.AsyncClient(base_url=url, trust_env=False, timeout=600) as client:
        answer = await client.post("/api/v1/login", json={"eventId": EVENT_ID, "apiKey": API_KEY,
                                                           "stationName": STATION})
        token = answer.json()["sessionToken"]
        began = time.perf_counter()
        body = (await client.post("/api/v1/guest/list/all", json={"sessionToken": token})).content
        return body, time.perf_counter() - began


def floor(params: dict[str, Any]) -> dict[str, Any]:
    """The P3 floor, phase by phase: fetch list/all whole; orjson.loads; one row tuple per guest (the
    same values the mirror stores); one transaction that executemany-inserts them into a fresh mirror
    (the real schema: table, indexes, pragmas) and fills the FTS5 index with one INSERT ... SELECT."""
    body, fetch = asyncio.run(_fetch_all(params["url"]))
    began = time.perf_counter()
    doc = orjson.loads(body)
    del body
    parsed = time.perf_counter()
    rows = [_row(guest, "externalId") for guest in doc["guests"]]
    del doc
    built = time.perf_counter()
    # The kiosk's own migrations make the schema; the rows then go in through a bare connection.
    Store.open(mirror_path(Path(params["data_dir"]))).close()
    conn = sqlite3.connect(mirror_path(Path(params["data_dir"])), isolation_level=None)
    try:
        configure(conn)
        opened = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO guests ({', '.join(GUEST_COLUMNS)}) "
                         f"VALUES ({', '.join('?' * len(GUEST_COLUMNS))})", rows)
        conn.execute(f"INSERT INTO guests_fts (rowid, {', '.join(FTS_COLUMNS)}) "
                     f"SELECT rid, {', '.join(FTS_COLUMNS)} FROM guests")
        conn.execute("COMMIT")
        written = time.perf_counter()
    finally:
        conn.close()
    phases = {"fetch": fetch, "json": parsed - began, "rows": built - parsed, "write": written - opened}
    return {"seconds": sum(phases.values()), "phases": phases, "rows": len(rows)}


def flat_floor(params: dict[str, Any]) -> dict[str, Any]:
    """The P10 floor, phase by phase: fetch list/all whole; orjson.loads; the same row tuples as the P3
    floor; one transaction that executemany-inserts them into a flat table (the guest id as primary key,
    one index on the access code, no search index), same pragmas. Also names the list's last admissible
    guests (last first): the codes P10 scans."""
    body, fetch = asyncio.run(_fetch_all(params["url"]))
    began = time.perf_counter()
    doc = orjson.loads(body)
    del body
    parsed = time.perf_counter()
    rows = [_row(guest, "externalId") for guest in doc["guests"]]
    codes = [g["accessCode"] for g in reversed(doc["guests"])
             if g.get("accessCode") and not g.get("deleteDateTime") and not g.get("checkInDateTime")
             and g.get("registrationState") == "registered"][: int(params.get("codes", 200))]
    del doc
    built = time.perf_counter()
    path = Path(params["data_dir"]) / "flat.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        configure(conn)
        columns = ", ".join(f"{c} TEXT PRIMARY KEY" if c == "id" else c for c in GUEST_COLUMNS)
        conn.execute(f"CREATE TABLE guests ({columns})")
        conn.execute("CREATE INDEX guests_code ON guests (access_code_norm)")
        opened = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO guests ({', '.join(GUEST_COLUMNS)}) "
                         f"VALUES ({', '.join('?' * len(GUEST_COLUMNS))})", rows)
        conn.execute("COMMIT")
        written = time.perf_counter()
        size = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    phases = {"fetch": fetch, "json": parsed - began, "rows": built - parsed, "write": written - opened}
    return {"seconds": sum(phases.values()), "phases": phases, "rows": len(rows), "codes": codes,
            "flat_bytes": size}
