"""The conflicts list of the staff tools: changes of this station that another station's change beat."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from kiosk.services.desk import Desk
from kiosk.storage import Conflict, StoreError
from kiosk.ui.i18n import COUNTED, translate
from kiosk.ui.staff_detail import plain_label, touch_button
from kiosk.ui.staff_format import conflict_lines

log = logging.getLogger(__name__)


class ConflictCard(QFrame):
    """One conflict: whose, what this station did and when, what was kept, and "Mark as seen"."""

    seen = Signal(str)

    def __init__(self, conflict: Conflict, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.change_id = conflict.change.change_id
        self.setFrameShape(QFrame.Shape.StyledPanel)
        ours, kept = conflict_lines(conflict)
        layout = QHBoxLayout(self)
        text = QVBoxLayout()
        self.title = plain_label(name)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.ours_label = plain_label(ours)
        self.kept_label = plain_label(kept)
        for label in (self.title, self.ours_label, self.kept_label):
            text.addWidget(label)
        self.button = touch_button(translate("Conflicts", "Mark as seen"))
        self.button.clicked.connect(lambda: self.seen.emit(self.change_id))
        layout.addLayout(text, 1)
        layout.addWidget(self.button)


class ConflictList(QWidget):
    """Lists open conflicts from `desk.conflicts()`; `changed(count)` after every reload."""

    changed = Signal(int)
    failed = Signal(str)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self.cards: list[ConflictCard] = []
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.all_button = touch_button(translate("Conflicts", "Mark all as seen"))
        self.all_button.clicked.connect(lambda: self._acknowledge(None))
        header.addWidget(self.summary, 1)
        header.addWidget(self.all_button)
        layout.addLayout(header)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self._cards_box = QVBoxLayout(body)
        self._cards_box.addStretch(1)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)

    def reload(self) -> int:
        """Show the open conflicts again; returns how many there are."""
        for card in self.cards:
            # Keep the parent: the card's own button may be mid-click; Qt deletes it once that is over.
            self._cards_box.removeWidget(card)
            card.hide()
            card.deleteLater()
        self.cards = []
        try:
            conflicts = self._desk.conflicts()
        except StoreError as exc:
            self.failed.emit(str(exc))
            conflicts = []
        for conflict in conflicts:
            card = ConflictCard(conflict, self._name_of(conflict))
            card.seen.connect(lambda change_id: self._acknowledge([change_id]))
            # Before the stretch, so cards stay at the top.
            self._cards_box.insertWidget(self._cards_box.count() - 1, card)
            self.cards.append(card)
        count = len(self.cards)
        self.summary.setText(
            translate("Conflicts", "No conflicts: every check-in of this station reached the server as made.")
            if not count
            else COUNTED.lost_check_ins(count)
        )
        self.all_button.setEnabled(count > 0)
        self.changed.emit(count)
        return count

    def _name_of(self, conflict: Conflict) -> str:
        if conflict.winner is not None:
            return conflict.winner.display_name
        try:
            guest = self._desk.guest(conflict.change.guest_id)
        except StoreError:
            guest = None
        return (
            guest.display_name
            if guest is not None
            else translate("Conflicts", "Guest {id}").format(id=conflict.change.guest_id)
        )

    def _acknowledge(self, change_ids: list[str] | None) -> None:
        try:
            self._desk.acknowledge_conflicts(change_ids)
        except StoreError as exc:
            log.warning("acknowledging conflicts failed: %s", exc)
            self.failed.emit(str(exc))
        self.reload()
