"""Session tokens: 40 hex characters, valid until `lifetime` seconds pass without a request using them.

Expiry runs on the real wall clock, not the adjustable server clock, so that a test moving the server's
clock does not also log every station out.
"""

from __future__ import annotations

import secrets
import time

from kiosk.platforms.invitario.emulator.store import ServerStore


def create_session(store: ServerStore, station: str) -> str:
    token = secrets.token_hex(20)
    with store.transaction() as conn:
        conn.execute("INSERT INTO sessions VALUES (?, ?, ?)", (token, station, time.time()))
    return token


def touch_session(store: ServerStore, token: str, lifetime: float) -> str | None:
    """The station name of a live session, whose lifetime starts again now; None if unknown or expired."""
    now = time.time()
    with store.transaction() as conn:
        row = conn.execute("SELECT station, last_used FROM sessions WHERE token = ?", (token,)).fetchone()
        if row is None:
            return None
        if now - row[1] > lifetime:
            conn.execute("DELETE FROM sessions WHERE token = ?", (token,))
            return None
        conn.execute("UPDATE sessions SET last_used = ? WHERE token = ?", (now, token))
        return str(row[0])


def end_session(store: ServerStore, token: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE token = ?", (token,))


def expire_all(store: ServerStore) -> int:
    """End every session now; answers how many there were."""
    with store.transaction() as conn:
        return conn.execute("DELETE FROM sessions").rowcount
