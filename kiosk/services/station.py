"""One station's runtime: its parts, built once by the composition root and handed to the window and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.domain.timeutil import utcnow
from kiosk.platforms import PLATFORMS
from kiosk.platforms.base import Connector
from kiosk.services.checkin import CheckIn
from kiosk.services.desk import Desk
from kiosk.services.sync import Sync, SyncReport
from kiosk.services.sync_loop import SyncLoop
from kiosk.storage import Store
from kiosk.storage.config import StationConfig


@dataclass
class Station:
    """Everything one kiosk station needs, opened from its data dir (kiosk.app.open_station).

    Callers never wire services themselves: they take `checkin` and `desk`, or ask for a check-in with
    their own clock and queue listener, a sync, or a sync loop paced by the station's own settings.
    """

    data_dir: Path
    config: StationConfig
    store: Store
    connector: Connector
    checkin: CheckIn
    desk: Desk

    def open_store(self) -> Store:
        """A second connection to the mirror, for a worker thread (one Store per thread)."""
        return Store.open(self.store.path, badge_field=self.config.badge_field)

    def make_checkin(
        self, *, clock: Callable[[], datetime] = utcnow, on_queued: Callable[[], None] | None = None
    ) -> CheckIn:
        """A check-in on this station's mirror with a caller's clock and a listener for queued changes."""
        return CheckIn(self.store, self.config.station, clock=clock, on_queued=on_queued)

    def make_sync(self, store: Store | None = None, **options: Any) -> Sync:
        """A sync of this station's mirror with its connector, listing as its platform can."""
        listing = PLATFORMS[self.config.platform].capabilities.listing
        return Sync(store or self.store, self.connector, listing=listing, **options)

    def make_sync_loop(self, sync: Sync, on_report: Callable[[SyncReport], None] | None = None) -> SyncLoop:
        """Rounds of `sync` at the station's pull interval (already within its platform's budget)."""
        return SyncLoop(sync, self.config.pull_interval_s, on_report=on_report)

    async def aclose(self) -> None:
        await self.connector.aclose()
        self.store.close()
