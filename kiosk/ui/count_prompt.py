"""The door's question for a registration that counts companions without records: how many came in?"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.i18n import COUNTED, translate
from kiosk.ui.theme import FitLabel, button_style

# One button per possible answer while they fit a 7-inch screen; beyond, digits and Enter still answer.
MAX_BUTTONS = 10


def companions_text(count: int) -> str:
    return COUNTED.guests(count)


class CountPrompt(QFrame):
    """Asks for 0..N with one key or tap: a digit, Enter for all N, Esc for none; emits `answered(count)`."""

    answered = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counted = 0
        self.text = FitLabel(48, 20, bold=True, max_lines=1)
        self.hint = FitLabel(32, 18, max_lines=1)
        self.buttons: list[QPushButton] = []
        self._row = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.text)
        layout.addWidget(self.hint)
        layout.addLayout(self._row)
        self.hide()

    @property
    def open(self) -> bool:
        """A question is asked and not answered yet."""
        return self.counted > 0 and bool(self.buttons)

    def ask(self, counted: int) -> None:
        """Show the question for a registration that counts `counted` companions."""
        self._clear_buttons()
        self.counted = counted
        self.text.setText(translate("Door", "+{guests} on this registration: how many came in?").format(
            guests=companions_text(counted)))
        self.hint.setText(translate("Door", "Press 0–{last}, Enter for all {counted}, Esc for none").format(
            last=min(counted, 9), counted=counted))
        self._row.addStretch(1)
        for n in range(min(counted, MAX_BUTTONS - 1) + 1):
            self._add_button(str(n), n)
        if counted >= MAX_BUTTONS:
            self._add_button(translate("Door", "All {counted}").format(counted=counted), counted)
        self._row.addStretch(1)
        self.show()

    def show_answer(self, text: str) -> None:
        """The question is settled: its buttons go, one line says what was kept."""
        self._clear_buttons()
        self.text.setText(text)
        self.hint.setText("")

    def close_question(self) -> None:
        self._clear_buttons()
        self.counted = 0
        self.hide()

    def handle_key(self, event: QKeyEvent) -> bool:
        """A digit up to N, Enter (all) or Esc (none) answers; any other key is not this prompt's."""
        if not self.open:
            return False
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.answered.emit(self.counted)
            return True
        if key == Qt.Key.Key_Escape:
            self.answered.emit(0)
            return True
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9 and key - Qt.Key.Key_0 <= self.counted:
            self.answered.emit(int(key - Qt.Key.Key_0))
            return True
        return False

    def fit(self, height: int, width: int, text_colour: str) -> None:
        """Sizes for the window's height; the buttons share the width of a narrow screen."""
        self.text.set_max_px(int(height * 0.055))
        self.hint.set_max_px(max(14, int(height * 0.04)))
        per_button = width // max(8, 3 * len(self.buttons) + 2)
        for button in self.buttons:
            button.setStyleSheet(button_style(text_colour, max(16, min(int(height * 0.045), per_button, 30))))

    def _add_button(self, label: str, count: int) -> None:
        button = QPushButton(label)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys answer the prompt, not a focused button
        button.clicked.connect(lambda: self.answered.emit(count))
        self._row.addWidget(button)
        self.buttons.append(button)

    def _clear_buttons(self) -> None:
        while self._row.count():
            item = self._row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = []
