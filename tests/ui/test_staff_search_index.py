"""The staff search while a first download's search index is still being built: it says so, then works."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.domain.models import Admission, Guest
from kiosk.services.desk import Desk
from kiosk.storage import Store
from kiosk.ui.staff_guests import GuestFinder


def test_search_says_when_it_will_be_ready_and_answers_once_the_index_is_built(qtbot: QtBot, tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite3") as store:
        store.apply_pull_page([Guest(f"g{i}", access_code=f"C{i}", admission=Admission.ADMISSIBLE,
                                     name=f"Anna Person{i}") for i in range(40)], defer_search=True)
        finder = GuestFinder(Desk(store, "North"))
        qtbot.addWidget(finder)
        hints: list[str] = []
        finder.hint.connect(hints.append)

        finder.search_edit.setText("anna person7")
        finder.run_search()

        assert finder.results.rowCount() == 0
        assert hints and "search ready in about 5 s" in hints[-1]  # an estimate, never "nobody found"
        while not store.build_search_step(10)[1]:
            pass
        qtbot.waitUntil(lambda: finder.results.rowCount() == 1, timeout=5000)  # it tries again by itself
        assert hints[-1] == ""  # and the notice goes
