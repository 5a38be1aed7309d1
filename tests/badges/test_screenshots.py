"""Pictures of a badge of each label size and of the print settings, for people to look at (KIOSK_SCREENSHOTS=DIR
keeps them, else a temporary dir); the tests check that each badge page is the label's shape and has ink."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from kiosk.badges.content import badge_for
from kiosk.badges.render import write_pdf
from kiosk.badges.sizes import SIZES
from kiosk.domain.models import Admission, Guest
from kiosk.storage.config import StationConfig
from kiosk.ui.print_settings import PrintSettings
from tests.badges.pages import need_poppler

MARIA = Guest("g-maria", access_code="MJNG2345", admission=Admission.ADMISSIBLE, highlight_color="#7B1FA2",
              name="Dr. María José Núñez García de la Peña", company="Universidad de Sevilla")


@pytest.fixture()
def shots(tmp_path: Path) -> Path:
    chosen = os.environ.get("KIOSK_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path / "shots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.mark.parametrize("key", list(SIZES))
def test_a_picture_of_each_label_size(key: str, shots: Path, qapp: object) -> None:
    need_poppler()
    size = SIZES[key]
    guests = [MARIA] * size.per_page if size.per_page == 1 else [
        MARIA, *(Guest(f"g-{i}", access_code=f"K-{i:04d}", name=n, company=c, highlight_color=h) for i, (n, c, h) in
                 enumerate([("Lee Chen", "Acme", "#2a7de1"), ("Aoife Ní Bhriain", "", None),
                            ("Jürgen Weißmüller", "Stadtwerke Köln", "#17803d"),
                            ("Zoë Ångström", "Café Müller", "#f0a500"), ("O'Brien Kowalczyk-Smith", "Press", "#b3261e"),
                            ("Ana", "", None), ("Hubert Blaine Wolfeschlegelsteinhausenbergerdorff", "Ltd", None)])),
    ]
    pdf = shots / f"badge-{key}.pdf"
    write_pdf(pdf, size, [badge_for(g, "Tech Summit 2026") for g in guests])
    subprocess.run(["pdftoppm", "-q", "-r", "150" if size.per_page == 1 else "60", "-png", "-singlefile", str(pdf),
                    str(shots / f"badge-{key}")], check=True)
    image = QImage(str(shots / f"badge-{key}.png"))
    width, height = size.page_mm
    assert image.width() / image.height() == pytest.approx(width / height, rel=0.02)
    pdf.unlink()


def test_a_picture_of_the_print_settings(shots: Path, qtbot: QtBot) -> None:
    config = StationConfig(server_url="http://127.0.0.1:9", event_id="ev", station="North", printer="Brother_QL-820NWB",
                           badge_size="62x100mm", auto_print=True)
    dialog = PrintSettings(config, ["Brother_QL-820NWB", "Zebra_ZD421", "Office_A4"], failed=2,
                           retry=lambda: 2, drop=lambda: 0)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.chosen() == {"printer": "Brother_QL-820NWB", "size": "62x100mm", "auto_print": True,
                               "badge_station": False}
    assert dialog.grab().save(str(shots / "print-settings.png"))


def test_a_picture_of_the_door_with_a_badge_the_printer_did_not_take(shots: Path, qtbot: QtBot, tmp_path: Path) -> None:
    from dataclasses import replace

    from kiosk.services.pin import PinGuard
    from kiosk.ui.controller import StationController
    from kiosk.ui.main_window import MainWindow
    from tests.ui.door_station import door_station

    def out_of_paper(guest: Guest, printer: str, size: str) -> None:
        raise RuntimeError(f"{printer} is stopped (off, out of paper or disabled)")

    with door_station(tmp_path / "d", [MARIA]) as station:
        station.config = replace(station.config, printer="Brother_QL-820NWB", auto_print=True)
        window = MainWindow(StationController(station, badge_send=out_of_paper), pin_guard=PinGuard(station.data_dir))
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        try:
            window.controller.handle_scan("MJNG2345")
            bar = window.status_bar
            qtbot.waitUntil(lambda: bar.said(bar.badges) is not None, timeout=5000)
            assert bar.badges in bar.shown_items()
            qtbot.wait(200)  # the bar lays itself out again on the next pass of the event loop
            assert window.grab().save(str(shots / "door-badge-not-printed.png"))
        finally:
            window.close_now()
