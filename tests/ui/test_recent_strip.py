"""The strip of recent verdicts: a refusal replaced by the next scan 300 ms later stays visible, in red."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.domain import Mode
from kiosk.domain.models import Admission
from kiosk.services.checkin import CheckIn
from kiosk.storage import Store
from kiosk.ui.recent_strip import RECENT_COUNT, RecentStrip
from kiosk.ui.sounds import Sounds
from kiosk.ui.theme import SCHEMES
from kiosk.ui.verdict_view import ReadyView, VerdictView
from tests.v1_guests import v1_guest

NOW = datetime(2026, 5, 14, 9, 53, tzinfo=UTC)


@pytest.fixture()
def checkin(tmp_path: Path) -> Iterator[CheckIn]:
    store = Store.open(tmp_path / "mirror.sqlite3")
    old = NOW - timedelta(days=1)
    store.apply_pull_page(
        [
            v1_guest(
                id="g-anna",
                access_code="ANNA2345",
                admission=Admission.ADMISSIBLE,
                client_update=old,
                companions=("g-ben",),
                fields={"firstName": "Anna", "lastName": "Müller"},
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
        ],
        cursor="listed",
    )
    yield CheckIn(store, "North", clock=lambda: NOW)
    store.close()


@pytest.fixture()
def view(qtbot: QtBot, checkin: CheckIn) -> VerdictView:
    widget = VerdictView(
        sounds=Sounds(enabled=False),
        clock=lambda: NOW,
        check_in_companion=lambda gid: checkin.act_on_guest(gid, Mode.CHECK_IN),
    )
    qtbot.addWidget(widget)
    widget.resize(1280, 760)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def chip_schemes(strip: RecentStrip) -> list[str]:
    return [str(chip.property("scheme")) for chip in strip.chips[: len(strip.chip_texts())]]


def test_a_refused_scan_stays_visible_after_the_next_scan(qtbot: QtBot, view: VerdictView, checkin: CheckIn) -> None:
    view.show_outcome(checkin.scan("NOPE-404", Mode.CHECK_IN))
    qtbot.wait(300)
    view.show_outcome(checkin.scan("DAN23456", Mode.CHECK_IN))
    assert view.colour == "green"  # the big screen shows the guest just admitted...
    texts = view.strip.chip_texts()
    local = NOW.astimezone().strftime("%H:%M")
    assert texts == [f"✔ {local} Dan Nowak", f"✖ {local} NOPE-404"]  # ...the strip the refusal before
    assert chip_schemes(view.strip) == ["green", "red"]
    refused = view.strip.chips[1]
    assert not refused.isHidden() and SCHEMES["red"].background in refused.styleSheet()
    assert refused.text().startswith("✖")


def test_the_strip_keeps_the_last_five_newest_first(view: VerdictView, checkin: CheckIn) -> None:
    codes = ["NOPE-1", "DAN23456", "NOPE-2", "DAN23456", "NOPE-3", "NOPE-4", "NOPE-5"]
    for code in codes:
        view.show_outcome(checkin.scan(code, Mode.CHECK_IN))
    labels = [text.split(" ", 2)[2] for text in view.strip.chip_texts()]
    assert RECENT_COUNT == 5
    assert labels == ["NOPE-5", "NOPE-4", "NOPE-3", "Dan Nowak", "NOPE-2"]
    assert chip_schemes(view.strip) == ["red", "red", "red", "amber", "red"]  # amber: already in


def test_companions_checked_in_and_a_scan_not_saved_are_in_the_strip(view: VerdictView, checkin: CheckIn) -> None:
    view.show_outcome(checkin.scan("ANNA2345", Mode.CHECK_IN))
    assert view.answer_companions(True) == 1
    view.show_failure("Not saved: please scan again", "The disk is full.")
    labels = [text.split(" ", 2)[2] for text in view.strip.chip_texts()]
    assert labels == ["Not saved", "Ben Müller", "Anna Müller"]
    assert chip_schemes(view.strip) == ["red", "green", "green"]


def test_the_ready_screen_shows_the_same_strip(qtbot: QtBot, view: VerdictView, checkin: CheckIn) -> None:
    ready = ReadyView("Gala", "check-in", recent=view.recent)
    qtbot.addWidget(ready)
    ready.resize(1280, 760)
    ready.show()
    view.show_outcome(checkin.scan("NOPE-404", Mode.CHECK_IN))
    assert ready.strip is not None and ready.strip.chip_texts() == view.strip.chip_texts()
    assert chip_schemes(ready.strip) == ["red"]


def test_a_narrow_screen_shows_fewer_wider_chips(qtbot: QtBot, view: VerdictView, checkin: CheckIn) -> None:
    for code in ["NOPE-1", "NOPE-2", "NOPE-3", "NOPE-4", "NOPE-5"]:
        view.show_outcome(checkin.scan(code, Mode.CHECK_IN))
    assert len(view.strip.chip_texts()) == 5
    view.resize(800, 440)
    qtbot.waitUntil(lambda: view.strip.width() < 800, timeout=2000)
    shown = [chip for chip in view.strip.chips if not chip.isHidden()]
    assert 3 <= len(shown) < 5 and all(chip.width() >= 150 for chip in shown)
    assert view.strip.minimumSizeHint().width() <= 800
