"""The door screens as a door team reads them from two metres, driven by real scans on a real mirror:
exits and undos that cannot pass for a check-in, a next step for unknown codes, notes that are large
enough, a companion question that never answers itself, and pages that fit a 7-inch 800x480 kiosk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.domain import Guest, Mode, Verdict, VerdictKind
from kiosk.domain.models import Admission
from kiosk.services.checkin import CheckIn, ScanOutcome
from kiosk.storage import Store
from kiosk.ui import verdict_view
from kiosk.ui.sounds import Sounds
from kiosk.ui.theme import SCHEMES, FitLabel
from kiosk.ui.verdict_view import ReadyView, VerdictView
from tests.v1_guests import v1_guest

NOW = datetime(2026, 5, 14, 9, 53, tzinfo=UTC)
STATUS_BAR_PX = 40  # the window's status bar under the door pages (main_window.py)
LONG_NAME = {
    "titlePrefix": "Prof. Dr. Dr. h.c.",
    "firstName": "María de los Ángeles Guadalupe Inmaculada",
    "lastName": "Sáenz de Urturi Echeverría-Villaseñor y Domínguez de la Santísima Trinidad",
    "titleSuffix": "MBA LL.M.",
}


def guests() -> list[Guest]:
    old = NOW - timedelta(days=2)
    return [
        v1_guest(
            id="g-anna",
            access_code="ANNA2345",
            admission=Admission.ADMISSIBLE,
            highlight_color="#f5c518",
            companions=("g-ben",),
            client_update=old,
            fields={
                "firstName": "Anna",
                "lastName": "Müller",
                "company": "Käser AG",
                "notes": "Allergic to nuts",
                "customField1": "VIP",
            },
        ),
        v1_guest(
            id="g-ben",
            access_code="BEN23456",
            parent_id="g-anna",
            admission=Admission.ADMISSIBLE,
            client_update=old,
            fields={"firstName": "Ben", "lastName": "Müller"},
        ),
        v1_guest(
            id="g-dan",
            access_code="DAN23456",
            admission=Admission.ADMISSIBLE,
            client_update=old,
            fields={"firstName": "Dan", "lastName": "Nowak"},
        ),
        v1_guest(
            id="g-long",
            access_code="LONG2345",
            admission=Admission.ADMISSIBLE,
            highlight_color="#1565c0",
            client_update=old,
            fields={
                **LONG_NAME,
                "company": "Universidad Internacional Menéndez Pelayo " * 3,
                "notes": "Wheelchair user: please open the side gate and call the floor manager " * 2,
                "customField1": "X" * 90,
            },
        ),
    ]


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "mirror.sqlite3")
    s.apply_pull_page(guests(), cursor="listed")
    yield s
    s.close()


@pytest.fixture()
def checkin(store: Store) -> CheckIn:
    ticks = [0]

    def clock() -> datetime:
        ticks[0] += 1
        return NOW + timedelta(seconds=ticks[0])

    return CheckIn(store, "North", clock=clock)


class Door(QWidget):
    """A verdict page above a status-bar-high strip, as the window lays them out."""

    def __init__(self, checkin: CheckIn) -> None:
        super().__init__()
        self.verdict = VerdictView(
            display_fields=("notes", "customField1"),
            sounds=Sounds(enabled=False),
            clock=lambda: NOW,
            check_in_companion=lambda gid: checkin.act_on_guest(gid, Mode.CHECK_IN),
        )
        bar = QWidget()
        bar.setFixedHeight(STATUS_BAR_PX)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.verdict, 1)
        layout.addWidget(bar)


def make_door(qtbot: QtBot, checkin: CheckIn, width: int = 1280, height: int = 800) -> Door:
    door = Door(checkin)
    qtbot.addWidget(door)
    door.resize(width, height)
    door.show()
    qtbot.waitExposed(door)
    return door


def background(widget: QWidget) -> str:
    return widget.palette().color(QPalette.ColorRole.Window).name()


def look(view: VerdictView) -> tuple[str, str]:
    """What a door team sees at a glance: the page colour and the headline (icon and words)."""
    return background(view), view.headline.text()


# --- item 2: an exit or an undo never looks like a check-in


def test_check_out_and_undo_cannot_be_mistaken_for_a_check_in(qtbot: QtBot, checkin: CheckIn) -> None:
    door = make_door(qtbot, checkin)
    view = door.verdict
    view.show_outcome(checkin.scan("DAN23456", Mode.CHECK_IN))
    admitted = look(view)
    undo = checkin.undo_last()
    assert undo is not None
    view.show_outcome(undo)
    check_in_undone = look(view)
    assert "Check-in undone" in view.headline.text() and "Checked out" not in view.headline.text()

    view.show_outcome(checkin.scan("DAN23456", Mode.CHECK_IN))
    exit_ = checkin.scan("DAN23456", Mode.CHECK_OUT)
    assert exit_.kind is VerdictKind.CHECKED_OUT
    view.show_outcome(exit_)
    checked_out = look(view)
    assert "Checked out" in view.headline.text() and "➜" in view.headline.text()
    undo = checkin.undo_last()
    assert undo is not None
    view.show_outcome(undo)
    check_out_undone = look(view)
    assert "Check-out undone" in view.headline.text()

    green = SCHEMES["green"].background
    assert admitted[0] == green and "✔" in admitted[1] and "Welcome" in admitted[1]
    # Neither colour nor headline is shared: exits are indigo, undos grey-purple, admission green.
    assert checked_out[0] == SCHEMES["blue"].background
    assert check_in_undone[0] == check_out_undone[0] == SCHEMES["undo"].background
    assert len({admitted[0], checked_out[0], check_in_undone[0]}) == 3
    assert len({admitted[1], checked_out[1], check_in_undone[1], check_out_undone[1]}) == 4


@pytest.mark.parametrize(
    ("mode", "banner"),
    [
        ("check-out", "CHECK-OUT mode: scanning lets guests out"),
        ("toggle", "IN / OUT mode"),
    ],
)
def test_the_ready_screen_says_in_large_type_when_a_scan_does_not_let_guests_in(
    qtbot: QtBot, mode: str, banner: str
) -> None:
    ready = ReadyView("Spring Gala", mode)
    qtbot.addWidget(ready)
    ready.resize(800, 480 - STATUS_BAR_PX)
    ready.show()
    qtbot.waitExposed(ready)
    assert banner in ready.mode_banner.full_text() and not ready.mode_banner.isHidden()
    assert ready.mode_banner.fitted_px() >= 0.06 * ready.height()  # as large as the instructions
    assert ready.mode_banner.text() == ready.mode_banner.full_text()  # whole, not elided
    ready.set_mode("check-in")
    assert ready.mode_banner.isHidden() and ready.mode.text() == "Mode: Check-in"


# --- item 7: a code nobody knows gets a next step, and is shown as it was scanned


def test_an_unknown_code_is_shown_as_scanned_with_what_to_do_next(qtbot: QtBot, checkin: CheckIn) -> None:
    door = make_door(qtbot, checkin)
    view = door.verdict
    scanned = checkin.scan("]C1ZX-404-Nope\r\n", Mode.CHECK_IN)
    assert scanned.code == "zx-404-nope" and scanned.scanned == "ZX-404-Nope"
    view.show_outcome(scanned)
    assert view.colour == "red"
    assert view.when.text() == "Code: ZX-404-Nope"
    assert view.name.text() == "Please go to the registration desk"  # the biggest line: the next step
    assert "tap “Search guest” and find the guest by name" in view.advice.full_text()
    assert "reprinted badge" in view.advice.full_text()  # an old badge's code: same screen, a reason


def test_a_removed_or_deregistered_guest_also_gets_the_next_step(qtbot: QtBot, checkin: CheckIn) -> None:
    door = make_door(qtbot, checkin)
    view = door.verdict
    gone = v1_guest(id="g-x", admission=Admission.DEREGISTERED, fields={"firstName": "Zoë"})
    view.show_outcome(ScanOutcome("zoe", Verdict(VerdictKind.DEREGISTERED, gone), None))
    assert view.name.text() == "Zoë"
    assert view.when.text() == "Please go to the registration desk"
    assert view.advice.full_text().startswith("Door team: tap “Search guest”")


# --- item 8: the smallest text is readable from two metres


@pytest.mark.parametrize(("width", "height"), [(800, 480), (1280, 800), (1920, 1080)])
def test_notes_and_the_highlight_label_are_large_enough(
    qtbot: QtBot, checkin: CheckIn, width: int, height: int
) -> None:
    door = make_door(qtbot, checkin, width, height)
    view = door.verdict
    outcome = checkin.scan("ANNA2345", Mode.CHECK_IN)
    assert outcome.companions  # the fullest screen: band, notes and the companion question
    view.show_outcome(outcome)
    smallest = max(22, 0.045 * height)
    assert view.details.font().pixelSize() >= smallest
    assert "Allergic to nuts" in view.details.full_text() and "VIP" in view.details.full_text()
    assert view.band.text() == "★ Highlighted guest"  # the v1 guest object names no tag: say what it is
    assert view.band.font().pixelSize() >= smallest
    unknown = checkin.scan("NOPE-1", Mode.CHECK_IN)
    view.show_outcome(unknown)
    assert view.advice.font().pixelSize() >= smallest and view.when.font().pixelSize() >= smallest


def test_the_band_names_the_highlight_where_the_station_knows_it(qtbot: QtBot, checkin: CheckIn) -> None:
    view = VerdictView(highlight_labels={"#F5C518": "VIP"}, sounds=Sounds(enabled=False))
    qtbot.addWidget(view)
    view.show_outcome(checkin.scan("ANNA2345", Mode.CHECK_IN))
    assert view.band.text() == "★ VIP"
    assert "#f5c518" in view.band.styleSheet() and "color: #1d1d1d" in view.band.styleSheet()  # dark on yellow


# --- item 10: the companion question never answers itself


def test_the_companion_question_stays_until_someone_answers(
    qtbot: QtBot, checkin: CheckIn, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(verdict_view.SHOW_SECONDS, "green", 0.05)
    monkeypatch.setattr(verdict_view, "PROMPT_SECONDS", 0.05, raising=False)  # the old 12 s timeout
    monkeypatch.setattr(verdict_view, "AFTER_ANSWER_SECONDS", 0.05)
    door = make_door(qtbot, checkin)
    view = door.verdict
    finished: list[bool] = []
    view.finished.connect(lambda: finished.append(True))
    view.show_outcome(checkin.scan("ANNA2345", Mode.CHECK_IN))
    qtbot.wait(400)
    assert view.prompt_visible and not view.yes.isHidden() and not finished
    assert "not in yet" in view.prompt_text.text()  # it says so while it waits
    # The green is gone (the next guest must not read it as "let in"); the question is not.
    assert view.colour != "green" and background(view) == SCHEMES["ready"].background
    assert [c.guest_id for c in store.queued_changes()] == ["g-anna"]
    QTest.keyClick(view, Qt.Key.Key_N)
    assert view.prompt_text.text() == "Companions not checked in"
    qtbot.waitUntil(lambda: bool(finished), timeout=2000)


def test_a_question_left_open_by_the_next_scan_is_noted_in_the_strip(
    qtbot: QtBot, checkin: CheckIn, store: Store
) -> None:
    door = make_door(qtbot, checkin)
    view = door.verdict
    view.show_outcome(checkin.scan("ANNA2345", Mode.CHECK_IN))
    view.show_outcome(checkin.scan("DAN23456", Mode.CHECK_IN))
    assert not view.prompt_visible
    assert view.strip.chip_texts()[1].endswith("Anna Müller · +1 not in")
    assert {c.guest_id for c in store.queued_changes()} == {"g-anna", "g-dan"}  # Ben was not let in


# --- part of item 1: long texts shrink, wrap or elide; they never widen the window


def test_long_texts_never_make_the_door_pages_wider_or_taller_than_a_7_inch_screen(
    qtbot: QtBot, checkin: CheckIn
) -> None:
    door = make_door(qtbot, checkin, 1920, 1080)
    view = door.verdict
    long_guest = checkin.scan("LONG2345", Mode.CHECK_IN)
    long_companion = v1_guest(id="g-c", fields={**LONG_NAME})
    view.show_outcome(ScanOutcome(long_guest.code, long_guest.verdict, long_guest.change, [long_companion] * 6))
    door.resize(800, 480)  # from a large screen to the 7-inch one: the fonts follow
    qtbot.waitUntil(lambda: door.size().width() == 800 and door.size().height() == 480, timeout=2000)
    assert door.minimumSizeHint().width() <= 800 and door.minimumSizeHint().height() <= 480
    qtbot.wait(50)
    for label in view.findChildren(FitLabel):
        if not label.isHidden():
            assert label.sizeHint().height() <= label.height() + 2, label.full_text()  # nothing cut off
    assert view.name.full_text() == long_guest.verdict.guest.display_name  # type: ignore[union-attr]
    garbage = checkin.scan("Q" * 128, Mode.CHECK_IN)
    view.show_outcome(garbage)
    assert view.when.text().endswith("…")  # one unbreakable word: elided, not wider
    ready = ReadyView("The International Conference on Extremely Long Event Names " * 4, "check-out")
    qtbot.addWidget(ready)
    ready.show_recent(view.recent)
    assert ready.minimumSizeHint().width() <= 800 and ready.minimumSizeHint().height() <= 480 - STATUS_BAR_PX


@pytest.mark.parametrize(("width", "height"), [(800, 480), (1280, 800)])
def test_each_door_screen_renders_in_its_own_colour(
    qtbot: QtBot, checkin: CheckIn, tmp_path: Path, width: int, height: int
) -> None:
    door = make_door(qtbot, checkin, width, height)
    view = door.verdict
    screens: dict[str, Callable[[], ScanOutcome | None]] = {
        "admitted": lambda: checkin.scan("DAN23456", Mode.CHECK_IN),
        "already-in": lambda: checkin.scan("DAN23456", Mode.CHECK_IN),
        "checked-out": lambda: checkin.scan("DAN23456", Mode.CHECK_OUT),
        "undo": checkin.undo_last,
        "unknown": lambda: checkin.scan("ZX-404", Mode.CHECK_IN),
        "companions": lambda: checkin.scan("ANNA2345", Mode.CHECK_IN),
    }
    expected = {
        "admitted": "green",
        "already-in": "amber",
        "checked-out": "blue",
        "undo": "undo",
        "unknown": "red",
        "companions": "green",
    }
    for name, act in screens.items():
        outcome = act()
        assert outcome is not None
        view.show_outcome(outcome)
        qtbot.wait(20)
        image = door.grab().toImage()
        assert image.save(str(tmp_path / f"{width}x{height}-{name}.png"))
        assert QColor(image.pixel(5, 5)).name() == SCHEMES[expected[name]].background, name
