"""The verdict and ready screens as a door team sees them: colours, names, bands, prompts, timing, sound."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.domain import Guest, Verdict, VerdictKind
from kiosk.domain.models import Admission
from kiosk.services.checkin import ScanOutcome
from kiosk.ui import verdict_view
from kiosk.ui.sounds import Sounds
from kiosk.ui.theme import SCHEMES
from kiosk.ui.verdict_view import ReadyView, VerdictView, describe_since, field_label, field_text
from tests.v1_guests import v1_guest

NOW = datetime(2026, 5, 14, 9, 53, tzinfo=UTC)

ANNA = v1_guest(
    id="g-anna",
    access_code="ANNA2345",
    admission=Admission.ADMISSIBLE,
    highlight_color="#1565c0",
    fields={
        "firstName": "Anna",
        "lastName": "Müller",
        "company": "Käser AG",
        "notes": "Wheelchair: use the side gate",
        "customField1": "VIP",
        "customField3": ["Keynote", "Workshop B"],
    },
)
BEN = v1_guest(
    id="g-ben", parent_id="g-anna", admission=Admission.ADMISSIBLE, fields={"firstName": "Ben", "lastName": "Müller"}
)
CARA = v1_guest(
    id="g-cara", parent_id="g-anna", admission=Admission.ADMISSIBLE, fields={"firstName": "Cara", "lastName": "Müller"}
)


def outcome(kind: VerdictKind, guest: Guest | None = ANNA, code: str = "anna2345", **verdict: object) -> ScanOutcome:
    companions = verdict.pop("companions", [])
    return ScanOutcome(code, Verdict(kind, guest, **verdict), None, list(companions))  # type: ignore[arg-type, call-overload]


@pytest.fixture()
def view(qtbot: QtBot) -> VerdictView:
    widget = VerdictView(
        display_fields=("notes", "customField1", "customField3", "missing"),
        sounds=Sounds(enabled=False),
        clock=lambda: NOW,
    )
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    return widget


def background(widget: VerdictView | ReadyView) -> str:
    return widget.palette().color(QPalette.ColorRole.Window).name()


@pytest.mark.parametrize(
    ("kind", "colour", "sound", "headline"),
    [
        (VerdictKind.ADMITTED, "green", "success", "✔  Welcome – checked in"),
        (VerdictKind.CHECKED_OUT, "blue", "success", "➜  Checked out – goodbye"),
        (VerdictKind.ALREADY_IN, "amber", "warning", "!  Already checked in"),
        (VerdictKind.NOT_IN, "amber", "warning", "!  Not checked in: nothing to check out"),
        (VerdictKind.UNKNOWN, "red", "error", "✖  Code not known"),
        (VerdictKind.DELETED, "red", "error", "✖  This guest was removed from the list"),
        (VerdictKind.DEREGISTERED, "red", "error", "✖  This guest has deregistered"),
    ],
)
def test_each_verdict_fills_the_screen_in_its_colour_with_its_sound(
    view: VerdictView, kind: VerdictKind, colour: str, sound: str, headline: str
) -> None:
    view.show_outcome(outcome(kind, None if kind is VerdictKind.UNKNOWN else ANNA))
    assert view.colour == colour
    assert background(view) == SCHEMES[colour].background
    assert view.autoFillBackground()
    assert view._sounds is not None and view._sounds.last_played == sound
    assert view.headline.text() == headline


def test_name_company_band_and_display_fields_are_shown(view: VerdictView) -> None:
    view.show_outcome(outcome(VerdictKind.ADMITTED))
    assert view.name.text() == "Anna Müller" and not view.name.isHidden()
    assert view.company.text() == "Käser AG" and not view.company.isHidden()
    assert not view.band.isHidden() and "#1565c0" in view.band.styleSheet()
    assert view.details.full_text().splitlines() == [
        "Notes: Wheelchair: use the side gate",
        "VIP",
        "Keynote, Workshop B",
    ]


def test_no_band_for_a_missing_or_broken_colour_and_no_company_line(view: VerdictView) -> None:
    plain = v1_guest(id="g-x", admission=Admission.ADMISSIBLE, highlight_color="not a colour",
                     fields={"firstName": "Xu"})
    view.show_outcome(outcome(VerdictKind.ADMITTED, plain))
    assert view.band.isHidden()
    assert view.company.isHidden()
    assert view.details.isHidden()


def test_a_long_name_shrinks_to_fit_and_stays_whole(view: VerdictView) -> None:
    view.show_outcome(outcome(VerdictKind.ADMITTED))
    short_px = view.name.fitted_px()
    long_name = v1_guest(
        id="g-long",
        admission=Admission.ADMISSIBLE,
        fields={
            "titlePrefix": "Prof. Dr.",
            "firstName": "María de los Ángeles Guadalupe",
            "lastName": "Sáenz de Urturi Echeverría-Villaseñor y Domínguez",
            "titleSuffix": "MBA",
        },
    )
    view.show_outcome(outcome(VerdictKind.ADMITTED, long_name))
    assert view.name.text() == long_name.display_name
    assert view.name.fitted_px() < short_px
    metrics = view.name.fontMetrics()
    assert all(metrics.horizontalAdvance(word) <= view.name.width() for word in view.name.text().split())


def test_companion_prompt_yes_by_key_checks_each_companion_in(view: VerdictView) -> None:
    admitted: list[str] = []

    def check_in(guest_id: str) -> ScanOutcome:
        admitted.append(guest_id)
        return outcome(VerdictKind.ADMITTED, BEN if guest_id == "g-ben" else CARA)

    view._check_in_companion = check_in
    view.show_outcome(outcome(VerdictKind.ADMITTED, companions=[BEN, CARA]))
    assert view.prompt_visible
    assert view.prompt_text.text() == "+2 companions, not in yet: check in too?"
    assert "Ben Müller" in view.prompt_names.text() and "Cara Müller" in view.prompt_names.text()
    QTest.keyClick(view, Qt.Key.Key_Y)
    assert admitted == ["g-ben", "g-cara"]
    assert view.prompt_text.text() == "✔ 2 companions checked in"
    assert view.yes.isHidden()
    QTest.keyClick(view, Qt.Key.Key_Y)  # answered already: nothing happens twice
    assert admitted == ["g-ben", "g-cara"]


@pytest.mark.parametrize("key", [Qt.Key.Key_N, Qt.Key.Key_Escape])
def test_companion_prompt_no_checks_nobody_in(view: VerdictView, key: Qt.Key) -> None:
    admitted: list[str] = []
    view._check_in_companion = lambda gid: admitted.append(gid)
    view.show_outcome(outcome(VerdictKind.ADMITTED, companions=[BEN]))
    assert view.prompt_text.text() == "+1 companion, not in yet: check in too?"
    QTest.keyClick(view, key)
    assert admitted == [] and view.prompt_text.text() == "Companions not checked in"


def test_companion_prompt_answers_to_enter_and_to_a_tap(view: VerdictView, qtbot: QtBot) -> None:
    admitted: list[str] = []

    def check_in(guest_id: str) -> ScanOutcome:
        admitted.append(guest_id)
        return outcome(VerdictKind.ADMITTED, BEN)

    view._check_in_companion = check_in
    view.show_outcome(outcome(VerdictKind.ADMITTED, companions=[BEN]))
    QTest.keyClick(view, Qt.Key.Key_Return)
    assert admitted == ["g-ben"]
    view.show_outcome(outcome(VerdictKind.ADMITTED, companions=[BEN]))
    qtbot.mouseClick(view.yes, Qt.MouseButton.LeftButton)
    assert admitted == ["g-ben", "g-ben"]


def test_no_prompt_without_companions(view: VerdictView) -> None:
    view.show_outcome(outcome(VerdictKind.ADMITTED))
    assert not view.prompt_visible
    QTest.keyClick(view, Qt.Key.Key_Y)
    assert not view.prompt_visible and view.answer_companions(True) == 0


def test_already_in_says_when_and_where(view: VerdictView) -> None:
    since = NOW - timedelta(minutes=12)
    view.show_outcome(outcome(VerdictKind.ALREADY_IN, since=since, station="North entrance"))
    local = since.astimezone().strftime("%H:%M")
    assert view.when.text() == f"Checked in at {local}, 12 min ago, at North entrance"
    assert not view.when.isHidden()
    view.show_outcome(outcome(VerdictKind.ALREADY_IN, since=since, station=None))
    assert view.when.text() == f"Checked in at {local}, 12 min ago"


def test_describe_since_wording() -> None:
    assert describe_since(NOW, NOW, None).endswith("just now")
    assert describe_since(NOW + timedelta(minutes=3), NOW, None).endswith("just now")  # a fast clock
    assert describe_since(NOW - timedelta(minutes=150), NOW, "East").endswith("2 h 30 min ago, at East")


def test_unknown_shows_the_code_and_cuts_garbage(view: VerdictView) -> None:
    view.show_outcome(outcome(VerdictKind.UNKNOWN, None, code="zz-404"))
    assert view.when.text() == "Code: zz-404" and view.company.isHidden()
    view.show_outcome(outcome(VerdictKind.UNKNOWN, None, code="x" * 128))
    assert view.when.text() == "Code: " + "x" * 39 + "…"
    view.show_outcome(outcome(VerdictKind.UNKNOWN, None, code=""))
    assert view.when.text() == "The scan held no readable code."


def test_red_and_amber_stay_longer_than_green(view: VerdictView) -> None:
    held = []
    for kind in (VerdictKind.ADMITTED, VerdictKind.ALREADY_IN, VerdictKind.DELETED):
        view.show_outcome(outcome(kind, since=NOW))
        held.append(view.hold_seconds)
        assert view.remaining_ms() > 0
    assert held == [4.0, 7.0, 8.0]


def test_back_to_ready_after_the_timeout(view: VerdictView, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(verdict_view.SHOW_SECONDS, "green", 0.05)
    with qtbot.waitSignal(view.finished, timeout=2000):
        view.show_outcome(outcome(VerdictKind.ADMITTED))
    assert view.remaining_ms() == 0


def test_field_labels_and_values() -> None:
    assert field_label("customField2") == ""
    assert field_label("dietaryNeeds") == "Dietary needs"
    assert field_label("notes") == "Notes"
    assert field_text(None) == "" and field_text([]) == "" and field_text(["a", None, "b"]) == "a, b"
    assert field_text(42) == "42"


def test_ready_screen_shows_event_and_mode(qtbot: QtBot) -> None:
    ready = ReadyView("Spring Gala", "check-out")
    qtbot.addWidget(ready)
    assert ready.headline.text() == "Scan your badge"
    assert ready.event_label.text() == "Spring Gala"
    assert ready.mode.text() == "Mode: Check-out" and "check out" in ready.hint.text()
    ready.set_mode("toggle")
    assert ready.mode.text() == "Mode: In / out"
    assert background(ready) == SCHEMES["ready"].background


def test_sounds_are_silent_without_an_audio_device() -> None:
    sounds = Sounds()  # offscreen test machine: no audio output, and no error either
    assert sounds.play_for("red") == "error"
    assert sounds.play_for("green") == "success"
    assert sounds.play_for("ready") is None
    assert sounds.last_played == "success"
    assert not Sounds(enabled=False).available


def test_the_sound_files_exist_and_differ() -> None:
    from kiosk.ui.sounds import SOUND_DIR

    blobs = [(SOUND_DIR / f"{name}.wav").read_bytes() for name in ("success", "warning", "error")]
    assert all(blob.startswith(b"RIFF") and len(blob) > 1000 for blob in blobs)
    assert len(set(blobs)) == 3
