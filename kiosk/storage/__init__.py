"""The local SQLite database: guest mirror, outbox of queued changes, scan log and sync state."""

from kiosk.storage.records import Conflict, ScanRecord, StoreError, SyncState
from kiosk.storage.store import Store

__all__ = ["Conflict", "ScanRecord", "Store", "StoreError", "SyncState"]
