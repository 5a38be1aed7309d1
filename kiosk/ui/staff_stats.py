"""The staff tools' statistics tab: the door's figures and the arrival curve by quarter hour, kept live."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHideEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.services.statistics import Statistics
from kiosk.ui.i18n import clock, translate, translated

REFRESH_MS = 10_000  # live enough for moving staff between doors, and a big mirror is read off the Qt thread
_BAR, _AXIS, _TEXT = QColor("#2e7d32"), QColor("#9e9e9e"), QColor("#212121")


class ArrivalChart(QWidget):
    """People arrived per quarter hour as bars, with the hours under them and the busiest quarter's count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.arrivals: list[tuple[str, int]] = []  # ("09:15", people)
        self.setMinimumHeight(110)  # the figures and the chart fit an 800x480 screen's staff tab

    def set_arrivals(self, arrivals: list[tuple[str, int]]) -> None:
        self.arrivals = arrivals
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        line = metrics.height()
        area = QRectF(4, line + 4, self.width() - 8, self.height() - 2 * line - 12)
        painter.setPen(_AXIS)
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        if not self.arrivals:
            painter.setPen(_TEXT)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, translate("Statistics", "No arrivals yet"))
            return
        top = max(people for _, people in self.arrivals) or 1
        step = area.width() / len(self.arrivals)
        # Time labels as often as they fit without touching: every quarter, half hour, hour, two hours...
        needed = (metrics.horizontalAdvance("00:00") + 8) / step
        every = next((n for n in (1, 2, 4, 8, 12, 16, 24, 48) if n >= needed), 96)
        painter.setPen(_TEXT)
        for n, (label, people) in enumerate(self.arrivals):
            height = area.height() * people / top
            bar = QRectF(area.left() + n * step + 1, area.bottom() - height, max(1.0, step - 2), height)
            painter.fillRect(bar, _BAR)
            if n % every == 0:
                painter.drawText(QRectF(bar.left(), area.bottom() + 2, every * step, line), label)
        busiest = max(self.arrivals, key=lambda item: item[1])
        painter.setPen(_TEXT)
        painter.drawText(
            QRectF(4, 0, area.width(), line),
            translate("Statistics", "busiest quarter: {time}, {people} people").format(
                time=busiest[0], people=busiest[1]
            ),
        )


class StatisticsView(QWidget):
    """Shows a `Statistics`; asks for fresh figures (`wanted`) when shown and every REFRESH_MS while visible."""

    wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures: dict[str, QLabel] = {}
        grid = QGridLayout()
        names = (
            ("inside", QT_TRANSLATE_NOOP("Statistics", "Inside now")),
            ("checked_in", QT_TRANSLATE_NOOP("Statistics", "Checked in / total")),
            ("no_shows", QT_TRANSLATE_NOOP("Statistics", "Not arrived yet")),
            ("refused", QT_TRANSLATE_NOOP("Statistics", "Refused scans")),
            ("unknown", QT_TRANSLATE_NOOP("Statistics", "Unknown codes")),
            ("by_station", QT_TRANSLATE_NOOP("Statistics", "Checked in at")),
        )
        for row, (key, title) in enumerate(names):
            value = QLabel("–")
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setWordWrap(True)
            grid.addWidget(QLabel(translate("Statistics", "{title}:").format(title=translated(title))), row, 0)
            grid.addWidget(value, row, 1)
            self.figures[key] = value
        grid.setColumnStretch(1, 1)
        self.chart = ArrivalChart()
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(QLabel(translate("Statistics", "Arrivals per quarter hour")))
        layout.addWidget(self.chart, 1)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.wanted)

    def show_statistics(self, stats: Statistics) -> None:
        f = self.figures
        f["inside"].setText(str(stats.inside))
        f["checked_in"].setText(f"{stats.checked_in} / {stats.total}")
        f["no_shows"].setText(str(stats.no_shows))
        f["refused"].setText(str(stats.refused))
        f["unknown"].setText(str(stats.unknown))
        stations = ", ".join(f"{name} {count}" for name, count in stats.by_station.items())
        unnamed = translate("Statistics", "no station named: {count}").format(count=stats.elsewhere)
        f["by_station"].setText(f"{stations}; {unnamed}" if stations else unnamed)
        self.chart.set_arrivals([(clock(when, to_local=False), people) for when, people in stats.arrivals])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()
        self.wanted.emit()

    def hideEvent(self, event: QHideEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)
