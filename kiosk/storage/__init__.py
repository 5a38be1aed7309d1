"""The local SQLite database: guest mirror, outbox of queued changes, scan log and sync state."""

from kiosk.storage.records import (
    Attendance,
    Conflict,
    EmptyListing,
    ListingNotOpen,
    ListingRefused,
    PrintRecord,
    ScanRecord,
    SearchIndexBuilding,
    SearchIndexState,
    StoreError,
    SyncState,
)
from kiosk.storage.store import Store

__all__ = [
    "Attendance",
    "Conflict",
    "EmptyListing",
    "ListingNotOpen",
    "ListingRefused",
    "PrintRecord",
    "ScanRecord",
    "SearchIndexBuilding",
    "SearchIndexState",
    "Store",
    "StoreError",
    "SyncState",
]
