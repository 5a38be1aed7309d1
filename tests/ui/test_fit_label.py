"""FitLabel's last resort: text too long even at its smallest size is elided to the lines it may use."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from kiosk.ui.theme import FitLabel

NOTES = "Notizen: " + "Speaker " * 20
NAME = "Prof. Dr. Dr. h.c. Maximilian-Alexander Constantin Friedrich-Wilhelm von und zu Hohenzollern-Sigmaringen " * 2


def wrapped_lines(label: FitLabel) -> int:
    """How many lines the text on screen takes at the label's font and width."""
    metrics = QFontMetrics(label.font())
    flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignCenter)
    box = metrics.boundingRect(QRect(0, 0, label.contentsRect().width(), 100_000), flags, label.text())
    return round(box.height() / metrics.lineSpacing())


def shown(qtbot: QtBot, label: FitLabel, text: str, width: int = 770) -> FitLabel:
    qtbot.addWidget(label)
    label.resize(width, 200)
    label.setText(text)
    return label


def test_an_elided_text_wraps_to_no_more_lines_than_allowed(qtbot: QtBot) -> None:
    for lines in (1, 2, 3):
        label = shown(qtbot, FitLabel(40, 20, max_lines=lines), NOTES * 3)
        assert label.text().endswith("…") and label.full_text() == NOTES * 3
        # One line elided to n widths wraps to more than n lines (each wrap wastes a line's end); the
        # last one would be cut off at the bottom of the label.
        assert wrapped_lines(label) <= lines, (lines, label.text())


def test_a_height_limit_elides_to_the_lines_that_fit_in_it(qtbot: QtBot) -> None:
    label = shown(qtbot, FitLabel(130, 22, bold=True, max_lines=3), NAME)
    room = QFontMetrics(label.font()).lineSpacing() * 2 + 4  # the room a screen leaves the name: two lines
    label.set_max_height(room)
    assert label.text().endswith("…") and wrapped_lines(label) <= 2, label.text()


def test_text_that_fits_is_shown_whole(qtbot: QtBot) -> None:
    label = shown(qtbot, FitLabel(40, 20, max_lines=2), "Notizen: Speaker")
    assert label.text() == "Notizen: Speaker" and wrapped_lines(label) == 1
