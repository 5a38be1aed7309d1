"""The staff PIN dialogs on real widgets with a real PinGuard: right, wrong, lock-out countdown, set twice."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from kiosk.services.pin import FREE_TRIES, PinGuard
from kiosk.ui.pin_dialog import PinDialog, SetPinDialog, ask_pin, set_pin_dialog

PIN = "2468"


class Clock:
    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def guard(tmp_path: Path, clock: Clock) -> PinGuard:
    g = PinGuard(tmp_path, clock=clock)
    g.set_pin(PIN)
    return g


def make_dialog(qtbot: QtBot, guard: PinGuard, clock: Clock) -> PinDialog:
    dialog = PinDialog(guard, clock=clock, tick_ms=10)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def tap(dialog: PinDialog | SetPinDialog, digits: str) -> None:
    for digit in digits:
        dialog.pad.digit_buttons[digit].click()
    dialog.pad.ok_button.click()


def test_right_pin_on_the_keypad_accepts(qtbot: QtBot, guard: PinGuard, clock: Clock) -> None:
    dialog = make_dialog(qtbot, guard, clock)
    assert dialog.pad.edit.echoMode() == dialog.pad.edit.EchoMode.Password
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        tap(dialog, PIN)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_typed_pin_and_enter_accepts_and_letters_are_ignored(qtbot: QtBot, guard: PinGuard, clock: Clock) -> None:
    dialog = make_dialog(qtbot, guard, clock)
    QTest.keyClicks(dialog.pad.edit, "2a4b6c8")
    assert dialog.pad.text() == PIN
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        QTest.keyClick(dialog.pad.edit, Qt.Key.Key_Return)


def test_wrong_pin_shows_the_guards_message_and_clears(qtbot: QtBot, guard: PinGuard, clock: Clock) -> None:
    dialog = make_dialog(qtbot, guard, clock)
    tap(dialog, "1111")
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.message.text() == "Wrong PIN."
    assert dialog.pad.text() == "" and dialog.pad.isEnabled()


def test_empty_pin_is_not_a_try(qtbot: QtBot, guard: PinGuard, clock: Clock) -> None:
    dialog = make_dialog(qtbot, guard, clock)
    for _ in range(FREE_TRIES + 2):
        dialog.pad.ok_button.click()
    assert dialog.message.text() == "Type the PIN first."
    tap(dialog, PIN)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_lock_out_disables_entry_with_a_countdown(qtbot: QtBot, guard: PinGuard, clock: Clock) -> None:
    dialog = make_dialog(qtbot, guard, clock)
    for _ in range(FREE_TRIES):
        tap(dialog, "1111")
    assert dialog.locked and not dialog.pad.isEnabled()
    assert dialog.message.text() == "Too many wrong PINs. Try again in 5 s."
    clock.now += 2.5
    qtbot.waitUntil(lambda: dialog.message.text() == "Too many wrong PINs. Try again in 3 s.", timeout=2000)
    tap(dialog, PIN)  # the keypad is disabled: nothing happens
    assert dialog.result() != QDialog.DialogCode.Accepted
    clock.now += 2.5
    qtbot.waitUntil(lambda: dialog.pad.isEnabled(), timeout=2000)
    assert dialog.message.text() == "Try the PIN again."
    tap(dialog, PIN)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_lock_out_from_an_earlier_session_shows_its_wait(
    qtbot: QtBot, guard: PinGuard, clock: Clock, tmp_path: Path
) -> None:
    for _ in range(FREE_TRIES):
        guard.check("0000")
    dialog = make_dialog(qtbot, PinGuard(tmp_path, clock=clock), clock)
    tap(dialog, PIN)
    assert dialog.locked and dialog.message.text() == "Too many wrong PINs. Try again in 5 s."


def test_cancel_rejects(qtbot: QtBot, guard: PinGuard, clock: Clock) -> None:
    dialog = make_dialog(qtbot, guard, clock)
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        dialog.cancel_button.click()


def test_set_pin_needs_the_same_pin_twice(qtbot: QtBot, tmp_path: Path, clock: Clock) -> None:
    guard = PinGuard(tmp_path / "fresh", clock=clock)
    dialog = SetPinDialog(guard)
    qtbot.addWidget(dialog)
    dialog.show()
    tap(dialog, "12")
    assert dialog.message.text() == "The PIN must be 4 to 12 digits."
    tap(dialog, "1357")
    assert dialog.prompt.text() == SetPinDialog.AGAIN
    tap(dialog, "1358")
    assert dialog.message.text() == "The two PINs were not the same. Start again."
    assert not guard.is_set() and dialog.prompt.text() == SetPinDialog.FIRST
    tap(dialog, "1357")
    tap(dialog, "1357")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert guard.check("1357").ok and not guard.check("1358").ok


def test_ask_pin_without_a_pin_returns_true_without_a_dialog(qapp: QApplication, tmp_path: Path) -> None:
    assert ask_pin(None, PinGuard(tmp_path / "none"))
    assert QApplication.activeModalWidget() is None


def answer_modal(qtbot: QtBot, answers: list[str]) -> None:
    """Type each answer into the modal PIN dialog that exec() opens next (one per dialog)."""

    def type_into_modal() -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, PinDialog | SetPinDialog):
            QTimer.singleShot(10, type_into_modal)
            return
        tap(modal, answers.pop(0))
        if answers:
            QTimer.singleShot(10, type_into_modal)

    QTimer.singleShot(0, type_into_modal)


def test_ask_pin_runs_modally_and_returns_true_on_the_right_pin(qtbot: QtBot, guard: PinGuard) -> None:
    answer_modal(qtbot, [PIN])
    assert ask_pin(None, guard) is True


def test_set_pin_dialog_asks_the_current_pin_first(qtbot: QtBot, guard: PinGuard) -> None:
    answer_modal(qtbot, [PIN, "9753", "9753"])
    assert set_pin_dialog(None, guard) is True
    assert guard.check("9753").ok and not guard.check(PIN).ok


def test_enter_after_each_typed_pin_sets_it_once_each(qtbot: QtBot, tmp_path: Path, clock: Clock) -> None:
    guard = PinGuard(tmp_path / "fresh", clock=clock)
    dialog = SetPinDialog(guard)
    qtbot.addWidget(dialog)
    dialog.show()
    messages: list[str] = []
    dialog.pad.submitted.connect(lambda _pin: messages.append(dialog.message.text()))
    QTest.keyClicks(dialog.pad.edit, "1234")
    QTest.keyClick(dialog.pad.edit, Qt.Key.Key_Return)
    assert dialog.prompt.text() == SetPinDialog.AGAIN and messages == [""]
    QTest.keyClicks(dialog.pad.edit, "1234")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        QTest.keyClick(dialog.pad.edit, Qt.Key.Key_Enter)  # the keypad's Enter, too
    assert guard.check("1234").ok


def test_enter_after_a_wrong_pin_says_wrong_pin_once(qtbot: QtBot, guard: PinGuard, clock: Clock) -> None:
    dialog = make_dialog(qtbot, guard, clock)
    submitted: list[str] = []
    dialog.pad.submitted.connect(submitted.append)
    QTest.keyClicks(dialog.pad.edit, "1111")
    QTest.keyClick(dialog.pad.edit, Qt.Key.Key_Return)
    assert submitted == ["1111"]
    assert dialog.message.text() == "Wrong PIN."


def test_a_dialog_left_alone_closes_and_input_keeps_it_open(qtbot: QtBot, guard: PinGuard, clock: Clock) -> None:
    dialog = PinDialog(guard, clock=clock, idle_ms=300)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    started = time.monotonic()
    qtbot.wait(200)
    QTest.keyClick(dialog.pad.edit, Qt.Key.Key_1)  # someone is there: the wait starts again
    qtbot.wait(200)
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        pass
    assert not dialog.isVisible() and time.monotonic() - started >= 0.45


def test_the_dialog_fits_a_seven_inch_screen(qtbot: QtBot, guard: PinGuard, clock: Clock) -> None:
    for dialog in (PinDialog(guard, clock=clock), SetPinDialog(guard)):
        qtbot.addWidget(dialog)
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 800 and hint.height() <= 440, hint  # 480 less a window frame
