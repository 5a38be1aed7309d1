"""A configured station with a mirror of given guests, and its real window: what the window tests start from."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.app import open_station
from kiosk.domain.models import Guest
from kiosk.services.pin import PinGuard
from kiosk.services.station import Station
from kiosk.storage.config import StationConfig, save_config
from kiosk.ui.controller import StationController
from kiosk.ui.main_window import MainWindow


@contextmanager
def door_station(data_dir: Path, guests: Sequence[Guest], event_id: str = "ev") -> Iterator[Station]:
    """Port 9 on loopback: nothing listens there, and these stations never sync."""
    save_config(data_dir, StationConfig(server_url="http://127.0.0.1:9", event_id=event_id, station="North"), "key")
    station = open_station(data_dir)
    station.store.apply_pull_page(list(guests), cursor="listed")
    try:
        yield station
    finally:
        station.store.close()


@contextmanager
def door_window(qtbot: QtBot, station: Station, size: tuple[int, int] = (1280, 800)) -> Iterator[MainWindow]:
    window = MainWindow(StationController(station), pin_guard=PinGuard(station.data_dir))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    try:
        yield window
    finally:
        window.close_now()  # before the station's store closes: no status read may come after it
