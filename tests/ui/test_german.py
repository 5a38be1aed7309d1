"""The German window: every visible text translated, the .ts/.qm files complete and current, and German
still fitting a 7-inch 800x480 kiosk. Screenshots go to KIOSK_SCREENSHOTS (if set) or a temporary dir."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSize
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QTableWidget, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from kiosk.services.pin import PinGuard
from kiosk.services.station import Station
from kiosk.ui.controller import StationController
from kiosk.ui.demo_panel import attach_demo
from kiosk.ui.i18n import COUNTED, TRANSLATIONS_DIR, choose_language, translate, translated
from kiosk.ui.main_window import MainWindow
from kiosk.ui.pin_dialog import PinDialog, SetPinDialog
from kiosk.ui.print_settings import PrintSettings
from kiosk.ui.setup_dialog import SetupDialog
from tests.ui.door_station import door_station
from tests.ui.test_staff_stats import event_day
from tests.ui.test_window_fit import GUESTS, FakeDemo, assert_fits
from tests.ui.test_window_fit import station as station

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Words German writes as English does; any other text that is the same in both languages is untranslated.
SAME_IN_BOTH = {"OK", "Station", "Name", "Check-in", "Check-out", "● Online", "● Offline", "Session:", "Status",
                "Deutsch / English", "https://checkin.example.org", "–", "0", "Y", "N"}


@pytest.fixture()
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os

    chosen = os.environ.get("KIOSK_SCREENSHOTS")
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("german-shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def make_window(qtbot: QtBot, station: Station, size: QSize) -> MainWindow:
    window = MainWindow(StationController(station), pin_guard=PinGuard(station.data_dir),
                        ask_pin=lambda parent, guard: True)
    qtbot.addWidget(window)
    attach_demo(window, FakeDemo())
    window.resize(size)
    window.show()
    return window


def texts_of(root: QWidget) -> list[str]:
    """Every text a person can read in `root`, in a fixed order (labels, buttons, tabs, hints, headers)."""
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLabel | QAbstractButton):
            found.append(widget.text())
        if isinstance(widget, QLineEdit):
            found.append(widget.placeholderText())
        if isinstance(widget, QTabWidget):
            found += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QTableWidget):
            headers = (widget.horizontalHeaderItem(i) for i in range(widget.columnCount()))
            found += [header.text() for header in headers if header is not None]
        found.append(widget.toolTip())
    return found


def untranslated(english: list[str], german: list[str], names: set[str]) -> list[str]:
    assert len(english) == len(german)
    same = []
    for en, de in zip(english, german, strict=True):
        text = en.strip()
        if en != de or not any(ch.isalpha() for ch in text) or text in SAME_IN_BOTH:
            continue
        if any(name and name in text for name in names):  # a guest's name, the station, the event, a code
            continue
        same.append(en)
    return same


def staff_screens(window: MainWindow) -> Iterator[str]:
    """Drive the window through its screens; yields a name at each."""
    yield "ready"
    window.controller.handle_scan("GQVMA8XK")
    yield "verdict"
    window.controller.handle_scan("DEREG123")
    yield "refused"
    window.controller.handle_scan("NOBODY42")
    yield "unknown"
    assert window.open_staff()
    panel = window.staff_panel
    panel.search_edit.setText("a")
    panel.run_search()
    panel.results.selectRow(0)
    yield "staff"
    for index in range(panel.tabs.count()):
        panel.tabs.setCurrentIndex(index)
        yield f"staff-tab{index}"
    window.show_ready()
    window.open_search()
    yield "volunteer"
    window.show_ready()


def names_in(station: Station) -> set[str]:
    config = station.config
    names = {config.station, config.event_name, config.event_id, *FakeDemo.codes, "NOBODY42"}
    for guest in GUESTS:
        names |= {guest.display_name, guest.company, guest.access_code or "", guest.name}
        names |= {guest.display_name[:8], *(str(value)[:8] for value in guest.fields.values())}
    return names


def test_german_is_chosen_by_flag_then_setting_then_locale() -> None:
    german, english = QLocale(QLocale.Language.German, QLocale.Country.Austria), QLocale(QLocale.Language.French)
    assert choose_language("en", "de", german) == "en"
    assert choose_language(None, "de", english) == "de"
    assert choose_language(None, "", german) == "de"
    assert choose_language(None, "", english) == "en"


def test_plurals_and_lower_layer_texts_in_german(german: str) -> None:
    assert (COUNTED.guests(1), COUNTED.guests(2)) == ("1 Gast", "2 Gäste")
    from kiosk.domain.decide import MESSAGES, VerdictKind
    from kiosk.services.sync import clock_warning

    assert translated(MESSAGES[VerdictKind.ALREADY_IN]) == "Bereits drin"
    assert translated(clock_warning(600) or "").startswith("Die Uhr dieser Station geht 10 min nach")
    assert translate("Verdict", "Welcome – checked in") == "Willkommen – eingecheckt"


def test_every_visible_text_of_every_screen_is_german(qtbot: QtBot, station: Station, qapp: object) -> None:
    from kiosk.ui.i18n import use_language

    names = names_in(station)
    collected: dict[str, list[list[str]]] = {}
    for language in ("en", "de"):
        use_language(qapp, language)  # type: ignore[arg-type]
        window = make_window(qtbot, station, QSize(1280, 800))
        for screen in staff_screens(window):
            collected.setdefault(screen, []).append(texts_of(window))
        window.close_now()
        dialogs = [PinDialog(PinGuard(station.data_dir), window), SetPinDialog(PinGuard(station.data_dir), window),
                   PrintSettings(station.config, [], failed=2, retry=lambda: 0, drop=lambda: 0, parent=window),
                   SetupDialog(lambda config, key: None)]  # type: ignore[arg-type, return-value]
        for dialog in dialogs:
            collected.setdefault(type(dialog).__name__, []).append([*texts_of(dialog), dialog.windowTitle()])
    use_language(qapp, "en")  # type: ignore[arg-type]
    problems = {screen: untranslated(en, de, names) for screen, (en, de) in collected.items()}
    problems = {screen: same for screen, same in problems.items() if same}
    assert not problems, "\n".join(f"{screen}: {same}" for screen, same in problems.items())


def test_the_translations_are_complete_and_the_qm_files_current(tmp_path: Path) -> None:
    lupdate, lrelease = BIN / "pyside6-lupdate", BIN / "pyside6-lrelease"
    sources = sorted(str(p) for p in (ROOT / "kiosk").rglob("*.py"))
    for name in ("kiosk_de", "kiosk_en"):
        ts = tmp_path / f"{name}.ts"
        shutil.copy(TRANSLATIONS_DIR / f"{name}.ts", ts)
        extra = ["-pluralonly"] if name == "kiosk_en" else []
        subprocess.run([str(lupdate), "-no-obsolete", "-locations", "none", *extra, "-target-language",
                        name[-2:], *sources, "-ts", str(ts)], check=True, capture_output=True)
        text = ts.read_text(encoding="utf-8")
        # A string lupdate finds in the code but the .ts lacks or leaves open comes back "unfinished".
        assert 'type="unfinished"' not in text, f"{name}.ts: run packaging/update-translations and translate"
        qm = tmp_path / f"{name}.qm"
        subprocess.run([str(lrelease), "-silent", str(TRANSLATIONS_DIR / f"{name}.ts"), "-qm", str(qm)], check=True)
        assert qm.read_bytes() == (TRANSLATIONS_DIR / f"{name}.qm").read_bytes(), f"{name}.qm is older than its .ts"


def test_german_fits_the_smallest_screen(qtbot: QtBot, station: Station, german: str, shots: Path) -> None:
    window = make_window(qtbot, station, QSize(800, 480))
    status = window.controller.refresh_status()
    assert status is not None
    window.status_bar.update_status(replace(status, conflicts=12, queued=1234, checked_in=12345, total=67890,
                                            clock_warning="Die Uhr geht 10 min nach."))
    for screen in staff_screens(window):
        assert_fits(qtbot, window, QSize(800, 480))
        window.grab().save(str(shots / f"de-{screen}-800x480.png"))
    pin = PinDialog(PinGuard(station.data_dir), window)
    pin.show()
    qtbot.wait(20)
    assert pin.width() <= 800 and pin.height() <= 480
    pin.grab().save(str(shots / "de-pin-800x480.png"))
    pin.reject()
    window.close_now()


def test_german_statistics_of_a_day(qtbot: QtBot, tmp_path: Path, german: str, shots: Path) -> None:
    with door_station(tmp_path, event_day(), event_id="ev") as made:
        window = make_window(qtbot, made, QSize(800, 480))
        assert window.open_staff()
        panel = window.staff_panel
        panel.tabs.setCurrentWidget(panel.statistics_page)
        qtbot.waitUntil(lambda: panel.statistics.figures["inside"].text() != "–", timeout=20_000)
        assert panel.statistics.figures["checked_in"].text() == "1800 / 2080"
        assert_fits(qtbot, window, QSize(800, 480))
        window.grab().save(str(shots / "de-statistics-800x480.png"))
        window.close_now()
