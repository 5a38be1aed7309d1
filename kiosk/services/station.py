"""A configured station's parts (config, mirror, connector, check-in), as the composition root built them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.remote.base import Connector
from kiosk.services.checkin import CheckIn
from kiosk.services.sync import Sync
from kiosk.storage import Store
from kiosk.storage.config import StationConfig


@dataclass
class Station:
    """Everything one kiosk station needs, opened from its data dir."""

    data_dir: Path
    config: StationConfig
    store: Store
    connector: Connector
    checkin: CheckIn

    def open_store(self) -> Store:
        """A second connection to the mirror, for a worker thread (one Store per thread)."""
        return Store.open(self.store.path, badge_field=self.config.badge_field)

    def make_sync(self, store: Store | None = None, **options: Any) -> Sync:
        return Sync(store or self.store, self.connector, **options)

    async def aclose(self) -> None:
        await self.connector.aclose()
        self.store.close()
