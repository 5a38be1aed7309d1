"""The staff tool that saves the attendance list: asks where, writes it off the Qt thread, says how it went."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import platformdirs
from PySide6.QtWidgets import QFileDialog, QWidget

from kiosk.ui.controller import StationController
from kiosk.ui.i18n import COUNTED, translate

# Where to save, given a suggested path; None when staff cancelled.
AskPath = Callable[[QWidget, Path], Path | None]
Say = Callable[[str, bool], None]


def ask_save_path(parent: QWidget, suggested: Path) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(
        parent, translate("Export", "Export attendance"), str(suggested), translate("Export", "CSV files (*.csv)")
    )
    return Path(chosen) if chosen else None


def suggested_path(event_id: str, now: datetime) -> Path:
    """attendance-<event>-<date-time>.csv in the user's documents folder (a name any file system takes)."""
    event = re.sub(r"[^A-Za-z0-9_-]+", "-", event_id).strip("-")[:40] or "event"
    return Path(platformdirs.user_documents_dir()) / f"attendance-{event}-{now:%Y%m%d-%H%M}.csv"


class ExportTool:
    def __init__(
        self, parent: QWidget, controller: StationController, say: Say, ask_path: AskPath = ask_save_path
    ) -> None:
        self._parent = parent
        self._controller = controller
        self._say = say
        self._ask_path = ask_path
        self.running: asyncio.Task[int | None] | None = None

    def run(self) -> asyncio.Task[int | None] | None:
        """Ask for the file, then write it while the door goes on scanning; one export at a time."""
        if self.running is not None and not self.running.done():
            self._say(translate("Export", "An export is already being written."), False)
            return None
        config = self._controller.station.config
        path = self._ask_path(self._parent, suggested_path(config.event_id, datetime.now()))
        if path is None:
            return None
        self._say(translate("Export", "Writing the attendance list to {path}…").format(path=path), False)
        self.running = asyncio.ensure_future(self._write(path))
        return self.running

    async def _write(self, path: Path) -> int | None:
        written = await self._controller.export_attendance(path)
        if written is None:
            self._say(
                translate("Export", "The attendance list could not be written to {path}: see the log.").format(
                    path=path
                ),
                True,
            )
        else:
            self._say(COUNTED.attendees_written(written).format(path=path), False)
        return written
