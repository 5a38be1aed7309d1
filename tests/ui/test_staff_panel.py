"""The staff tools on a real Store in tmp_path and real widgets: search, manual actions, undo, conflicts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.domain import Guest, Mode, VerdictKind
from kiosk.domain.models import Admission
from kiosk.services.checkin import CheckIn, ScanOutcome
from kiosk.services.desk import Desk
from kiosk.storage import Store, StoreError
from kiosk.ui.scan_filter import install
from kiosk.ui.scanner import ScannerSettings
from kiosk.ui.staff_panel import StaffPanel
from tests.v1_guests import v1_guest

PULLED = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
STATION = "North"


def guests() -> list[Guest]:
    return [
        v1_guest(
            id="g-anna",
            access_code="ANNA01",
            admission=Admission.ADMISSIBLE,
            highlight_color="#ffcc00",
            fields={
                "firstName": "Anna",
                "lastName": "Müller",
                "company": "Acme",
                "notes": "Speaker",
                "customField13": ["vegan", "gluten-free"],
                "customField2": "VIP",
            },
            companions=("g-ben",),
        ),
        v1_guest(
            id="g-ben",
            access_code="BEN002",
            parent_id="g-anna",
            admission=Admission.ADMISSIBLE,
            fields={"firstName": "Ben", "lastName": "Müller"},
        ),
        v1_guest(
            id="g-jane",
            access_code="JANE03",
            admission=Admission.ADMISSIBLE,
            fields={"firstName": "Jane", "lastName": "Doe", "company": "Globex"},
        ),
        v1_guest(
            id="g-dereg",
            access_code="DEREG4",
            admission=Admission.DEREGISTERED,
            fields={"firstName": "Dora", "lastName": "Gone"},
        ),
    ]


class Env:
    def __init__(self, store: Store, panel: StaffPanel, qtbot: QtBot) -> None:
        self.store = store
        self.panel = panel
        self.qtbot = qtbot
        self.outcomes: list[ScanOutcome] = []
        panel.outcome_made.connect(self.outcomes.append)

    def search(self, text: str) -> list[list[str]]:
        self.panel.search_edit.setText(text)
        self.panel.run_search()
        return self.rows()

    def rows(self) -> list[list[str]]:
        table = self.panel.results
        cells = [[table.item(r, c) for c in range(table.columnCount())] for r in range(table.rowCount())]
        return [[item.text() if item is not None else "" for item in row] for row in cells]

    def select(self, name: str) -> None:
        for row, texts in enumerate(self.rows()):
            if texts[0] == name:
                self.panel.results.selectRow(row)
                return
        raise AssertionError(f"{name} is not listed: {self.rows()}")

    def state_of(self, name: str) -> str:
        return next(texts[2] for texts in self.rows() if texts[0] == name)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "mirror.sqlite3")
    s.apply_pull_page(guests(), cursor="listed")
    yield s
    s.close()


def make_panel(qtbot: QtBot, store: Store, desk: Desk | None = None, mode: Mode = Mode.CHECK_IN) -> Env:
    panel = StaffPanel(desk or Desk(store, STATION), CheckIn(store, STATION), lambda: mode)
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return Env(store, panel, qtbot)


@pytest.fixture
def env(qtbot: QtBot, store: Store) -> Env:
    return make_panel(qtbot, store)


def test_typing_muller_lists_both_muellers_after_the_debounce(qtbot: QtBot, env: Env) -> None:
    env.panel.search_edit.setFocus()
    QTest.keyClicks(env.panel.search_edit, "muller")
    assert env.rows() == []  # nothing yet: the search waits for a pause in typing
    qtbot.waitUntil(lambda: env.panel.results.rowCount() == 2, timeout=2000)
    assert sorted(env.rows()) == [
        ["Anna Müller", "Acme", "not inside", "ANNA01"],
        ["Ben Müller", "", "not inside", "BEN002"],
    ]
    assert env.search("") == []


def test_manual_check_in_emits_admitted_queues_and_refreshes_the_row(env: Env) -> None:
    env.search("jane")
    env.select("Jane Doe")
    assert env.panel.check_in_button.isEnabled() and not env.panel.check_out_button.isEnabled()
    with env.qtbot.waitSignal(env.panel.outcome_made, timeout=2000) as got:
        env.panel.check_in_button.click()
    outcome = got.args[0]
    assert isinstance(outcome, ScanOutcome) and outcome.kind is VerdictKind.ADMITTED
    assert env.store.queued_count() == 1
    assert env.state_of("Jane Doe") == "inside"
    assert env.panel.detail.form_texts()["State"] == "Inside"
    assert not env.panel.check_in_button.isEnabled() and env.panel.check_out_button.isEnabled()
    assert env.panel.message.text() == "Welcome: checked in: Jane Doe"


def test_manual_check_out(env: Env) -> None:
    env.search("jane")
    env.select("Jane Doe")
    env.panel.check_in_button.click()
    env.panel.check_out_button.click()
    assert [o.kind for o in env.outcomes] == [VerdictKind.ADMITTED, VerdictKind.CHECKED_OUT]
    assert env.store.queued_count() == 2
    assert env.state_of("Jane Doe") == "not inside"
    jane = env.store.get_guest("g-jane")
    assert jane is not None and jane.check_out is not None and not jane.is_inside


def test_detail_shows_fields_and_companions_who_can_be_checked_in(env: Env) -> None:
    env.search("anna")
    env.select("Anna Müller")
    detail = env.panel.detail
    assert detail.name_label.text() == "Anna Müller"
    texts = detail.form_texts()
    assert texts["Company"] == "Acme" and texts["Notes"] == "Speaker"
    assert texts["Registration"] == "Registered" and texts["Access code"] == "ANNA01"
    labels = list(texts)
    # Custom fields in number order, lists joined.
    assert labels.index("Custom field 2") < labels.index("Custom field 13")
    assert texts["Custom field 13"] == "vegan, gluten-free"
    [ben] = detail.companion_rows
    assert ben.label.text() == "Ben Müller — not inside" and ben.button.isEnabled()
    with env.qtbot.waitSignal(env.panel.outcome_made, timeout=2000) as got:
        ben.button.click()
    assert got.args[0].kind is VerdictKind.ADMITTED and got.args[0].verdict.guest.id == "g-ben"
    [ben_after] = env.panel.detail.companion_rows
    assert ben_after.label.text() == "Ben Müller — inside" and not ben_after.button.isEnabled()
    assert env.store.queued_count() == 1


def test_deregistered_guest_cannot_be_checked_in(env: Env) -> None:
    env.search("dora")
    env.select("Dora Gone")
    assert env.state_of("Dora Gone") == "deregistered"
    assert not env.panel.check_in_button.isEnabled() and not env.panel.check_out_button.isEnabled()


def test_undo_asks_first_then_restores(env: Env) -> None:
    env.search("jane")
    env.select("Jane Doe")
    env.panel.check_in_button.click()
    env.panel.undo_button.click()
    assert env.panel.confirm_bar.isVisible()
    assert env.panel.confirm_label.text() == "Undo check-in of Jane Doe?"
    env.panel.confirm_no.click()
    assert not env.panel.confirm_bar.isVisible() and env.state_of("Jane Doe") == "inside"
    env.panel.undo_button.click()
    with env.qtbot.waitSignal(env.panel.outcome_made, timeout=2000) as got:
        env.panel.confirm_yes.click()
    assert got.args[0].verdict.guest.id == "g-jane"
    assert env.state_of("Jane Doe") == "not inside"
    jane = env.store.get_guest("g-jane")
    assert jane is not None and jane.check_in is None
    assert env.panel.message.text() == "Undone. Jane Doe is now not inside."


def test_a_scan_while_the_undo_question_is_open_is_not_what_gets_undone(env: Env) -> None:
    env.panel.act("g-jane", Mode.CHECK_IN)
    env.panel.undo_button.click()
    assert env.panel.confirm_label.text() == "Undo check-in of Jane Doe?"
    # The door keeps scanning while staff read the question.
    CheckIn(env.store, STATION).scan("ANNA01", Mode.CHECK_IN)

    with env.qtbot.assertNotEmitted(env.panel.outcome_made):
        env.panel.confirm_yes.click()

    assert env.panel.message.text().startswith("Nothing was undone: a newer check-in")
    anna, jane = env.store.get_guest("g-anna"), env.store.get_guest("g-jane")
    assert anna is not None and anna.is_inside and jane is not None and jane.is_inside
    env.panel.undo_button.click()
    assert env.panel.confirm_label.text() == "Undo check-in of Anna Müller?"


def test_undo_with_nothing_done_says_so(env: Env) -> None:
    env.panel.undo_button.click()
    assert not env.panel.confirm_bar.isVisible()
    assert env.panel.message.text().startswith("Nothing to undo")
    assert env.outcomes == []


def test_conflict_is_listed_and_mark_as_seen_clears_it(env: Env) -> None:
    outcome = env.panel.act("g-jane", Mode.CHECK_IN)
    assert outcome is not None and outcome.change is not None
    ours = outcome.change.client_update
    later = ours + timedelta(minutes=1)
    winner = replace(
        guests()[2], check_in=ours - timedelta(minutes=30), check_out=later, client_update=later, server_update=later
    )
    env.store.finish_changes(conflicts=[(outcome.change.change_id, winner)])
    env.panel.refresh()
    assert env.panel.tabs.tabText(1) == "Conflicts (1)"
    [card] = env.panel.conflicts.cards
    assert card.title.text() == "Jane Doe"
    assert card.ours_label.text().startswith("This station (North) checked in at ")
    assert card.kept_label.text().startswith("Kept instead: checked out at ")
    assert "(changed at " in card.kept_label.text()
    card.button.click()
    assert env.panel.conflicts.cards == [] and env.store.conflicts() == []
    assert env.panel.tabs.tabText(1) == "Conflicts"
    assert len(env.store.conflicts(include_acknowledged=True)) == 1


def test_mode_buttons_show_the_mode_and_ask_to_change_it(qtbot: QtBot, store: Store) -> None:
    env = make_panel(qtbot, store, mode=Mode.TOGGLE)
    assert env.panel.mode_buttons[Mode.TOGGLE].isChecked()
    with qtbot.waitSignal(env.panel.mode_change_requested, timeout=2000) as got:
        env.panel.mode_buttons[Mode.CHECK_OUT].click()
    assert got.args == ["check-out"]


def test_close_button_and_escape_ask_to_close(qtbot: QtBot, env: Env) -> None:
    with qtbot.waitSignal(env.panel.close_requested, timeout=2000):
        env.panel.close_button.click()
    env.panel.activateWindow()
    env.panel.search_edit.setFocus()
    qtbot.waitUntil(env.panel.search_edit.hasFocus, timeout=2000)
    env.panel.act("g-jane", Mode.CHECK_IN)
    env.panel.undo_button.click()
    # The first Esc only dismisses the open question; the second closes.
    with qtbot.assertNotEmitted(env.panel.close_requested):
        QTest.keyClick(env.panel.search_edit, Qt.Key.Key_Escape)
    assert not env.panel.confirm_bar.isVisible()
    with qtbot.waitSignal(env.panel.close_requested, timeout=2000):
        QTest.keyClick(env.panel.search_edit, Qt.Key.Key_Escape)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_search_typing_passes_the_scan_filter_and_scans_do_not(qtbot: QtBot, qapp: QApplication, env: Env) -> None:
    clock = FakeClock()
    scan_filter = install(qapp, ScannerSettings(), clock)
    scans: list[str] = []
    scan_filter.scanned.connect(scans.append)
    try:
        env.panel.activateWindow()
        env.panel.search_edit.setFocus()
        qtbot.waitUntil(env.panel.search_edit.hasFocus, timeout=2000)
        for ch in "muller":  # a person: 150 ms between keys
            clock.now += 0.150
            QTest.keyClick(env.panel.search_edit, ch)  # type: ignore[call-overload]
        clock.now += 0.150
        qtbot.waitUntil(lambda: env.panel.search_edit.text() == "muller", timeout=2000)
        qtbot.waitUntil(lambda: env.panel.results.rowCount() == 2, timeout=2000)
        for ch in "JANE03":  # a scanner: 4 ms between keys, then Enter
            clock.now += 0.004
            QTest.keyClick(env.panel.search_edit, ch)  # type: ignore[call-overload]
        QTest.keyClick(env.panel.search_edit, Qt.Key.Key_Return)
        assert scans == ["JANE03"]
        assert env.panel.search_edit.text() == "muller"
    finally:
        scan_filter.remove()


class BrokenDesk(Desk):
    """A desk whose database fails on search, as a full or broken disk would make it."""

    def search(self, text: str, limit: int = 30) -> list[Guest]:
        raise StoreError("the local database is not readable: disk I/O error")


def test_a_store_failure_is_a_message_not_a_crash(qtbot: QtBot, store: Store) -> None:
    env = make_panel(qtbot, store, desk=BrokenDesk(store, STATION))
    assert env.search("anna") == []
    assert env.panel.message.text() == "the local database is not readable: disk I/O error"


@pytest.mark.parametrize("width", [780, 1100])
def test_state_and_access_code_are_never_cut(qtbot: QtBot, store: Store, width: int) -> None:
    store.apply_pull_page(
        [
            v1_guest(
                id="g-long",
                access_code="GQVMA8XKZ7W2",
                admission=Admission.DEREGISTERED,
                fields={"firstName": "Zoë", "lastName": "O'Brien", "company": "Fitzgerald Ltd"},
            )
        ],
        cursor="listed",
    )
    env = make_panel(qtbot, store)
    env.panel.resize(width, 400)
    qtbot.wait(20)
    env.search("o'brien")
    table = env.panel.results
    metrics = table.fontMetrics()
    [row] = env.rows()
    for column in (2, 3):  # state, access code
        text = row[column]
        assert text in ("deregistered", "GQVMA8XKZ7W2")
        needed = metrics.horizontalAdvance(text) + 2 * table.style().pixelMetric(
            table.style().PixelMetric.PM_FocusFrameHMargin
        )
        assert table.horizontalHeader().sectionSize(column) >= needed, (width, text)
    name = table.item(0, 0)
    assert name is not None and name.toolTip() == "Zoë O'Brien"


def test_custom_fields_show_under_the_events_labels_and_other_fields_under_their_names(
    qtbot: QtBot, store: Store
) -> None:
    store.apply_pull_page(
        [
            v1_guest(
                id="g-anna",
                access_code="ANNA01",
                admission=Admission.ADMISSIBLE,
                fields={
                    "firstName": "Anna",
                    "lastName": "Müller",
                    "customField2": "VIP",
                    "customField13": "yes",
                    "Dietary needs": "vegan",
                    "tableNumber": 12,
                    "street": "Stephansplatz",
                },
            )
        ],
        cursor="listed",
    )
    panel = StaffPanel(
        Desk(store, STATION),
        CheckIn(store, STATION),
        lambda: Mode.CHECK_IN,
        field_labels={"customField2": "Ticket type"},
    )
    qtbot.addWidget(panel)
    panel.show()
    panel.search_edit.setText("anna")
    panel.run_search()
    panel.results.selectRow(0)
    texts = panel.detail.form_texts()
    assert texts["Ticket type"] == "VIP" and "Custom field 2" not in texts
    assert texts["Custom field 13"] == "yes"  # no label known: the number is all there is
    assert texts["Dietary needs"] == "vegan" and texts["Table number"] == "12"
    assert "Street" not in texts and "street" not in texts  # the address is not door business
