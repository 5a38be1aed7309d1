"""The first-run setup dialog on the qasync loop: a fake validate for each answer, and the real one."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.app import configure_station
from kiosk.platforms import usable_names
from kiosk.platforms.base import AuthRefused, Choice, ChoiceNeeded, EventInfo, ProtocolError, RetryLater
from kiosk.platforms.invitario.emulator.run import ServerThread
from kiosk.storage.config import ConfigError, StationConfig
from kiosk.ui.setup_dialog import SetupDialog, url_problem


class FakeServer:
    """A `validate` coroutine that records its calls and answers as told."""

    def __init__(self, error: Exception | None = None, delay: float = 0.0) -> None:
        self.error = error
        self.delay = delay
        self.calls: list[tuple[StationConfig, str]] = []
        self.started = asyncio.Event()

    async def __call__(self, config: StationConfig, api_key: str) -> EventInfo:
        self.calls.append((config, api_key))
        self.started.set()
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return EventInfo(config.event_id, "Demo event")


def make_dialog(qtbot: QtBot, validate: object, **fields: str) -> SetupDialog:
    dialog = SetupDialog(validate)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    values = {"url": "https://checkin.example.org/", "event": "123", "key": "aBcDeFgH", "station": "Door 1"}
    values.update(fields)
    dialog.url_edit.setText(values["url"])
    dialog.event_edit.setText(values["event"])
    dialog.key_edit.setText(values["key"])
    dialog.station_edit.setText(values["station"])
    return dialog


def connect(loop: qasync.QEventLoop, dialog: SetupDialog) -> None:
    dialog.connect_button.click()
    task = dialog.check_task
    assert task is not None, dialog.status.text()
    loop.run_until_complete(asyncio.wait_for(task, 5))


def test_success_accepts_and_hands_back_the_settings(qtbot: QtBot, loop: qasync.QEventLoop) -> None:
    server = FakeServer()
    dialog = make_dialog(qtbot, server)
    dialog.badge_edit.setText("badgeNo")
    connect(loop, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    config, api_key = dialog.result_config()
    assert (config.server_url, config.event_id, config.station, config.badge_field) == (
        "https://checkin.example.org", "123", "Door 1", "badgeNo")
    assert api_key == "aBcDeFgH" and server.calls == [(config, api_key)]
    assert config.platform == "invitario"  # the platform chosen in the dialog reaches the settings


def test_the_dialog_offers_the_platforms_kiosk_can_talk_to(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, FakeServer())
    offered = [dialog.platform_box.itemData(i) for i in range(dialog.platform_box.count())]
    assert offered == usable_names() and "conferences-io" in offered
    assert dialog.platform_box.currentText() == "Invitario (v1 guest API)"


def test_a_session_door_asks_for_its_session_and_the_check_lists_them_when_it_is_missing(
    qtbot: QtBot, loop: qasync.QEventLoop
) -> None:
    server = FakeServer()
    dialog = make_dialog(qtbot, server, url="https://sub.cnf.io/api/v2", event="")
    assert not dialog.choice_edit.isVisibleTo(dialog)  # Invitario: no sessions
    dialog.platform_box.setCurrentIndex(dialog.platform_box.findData("conferences-io"))
    assert dialog.choice_edit.isVisibleTo(dialog)
    server.error = ChoiceNeeded("Choose the session this door serves: keyn (Opening keynote, 2026-06-01 09:00)")
    connect(loop, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.status.text().startswith("Choose the session this door serves: keyn")
    assert not dialog.choice_list.isVisibleTo(dialog)  # no choices came with the refusal: only its text
    server.error = None
    dialog.choice_edit.setText(" keyn ")
    connect(loop, dialog)
    config, _ = dialog.result_config()
    # The event ID may be left out: the app's address names it, as `kiosk configure` takes it.
    assert (config.platform, config.session, config.event_id) == ("conferences-io", "keyn", "sub.cnf.io")


def test_a_pretix_door_picks_its_check_in_list_from_the_events_lists(qtbot: QtBot, loop: qasync.QEventLoop) -> None:
    lists = (Choice("7", "Entrance"), Choice("9", "VIP lounge"))
    server = FakeServer(ChoiceNeeded("pretix's event demo/conf has 2 check-in lists; choose one with "
                                     "--checkin-list: 7 (Entrance); 9 (VIP lounge).", lists))
    dialog = make_dialog(qtbot, server, event="demo/conf")
    dialog.platform_box.setCurrentIndex(dialog.platform_box.findData("pretix"))
    assert dialog.choice_label.text() == "Check-in list:" and dialog.choice_edit.isVisibleTo(dialog)
    assert not dialog.badge_edit.isVisibleTo(dialog)  # a ticket's code is its secret
    connect(loop, dialog)
    assert dialog.status.text() == "Choose the check-in list of this door, then Connect."  # no --checkin-list
    assert [dialog.choice_list.item(i).text() for i in range(2)] == ["Entrance  (7)", "VIP lounge  (9)"]
    dialog.choice_list.setCurrentRow(1)
    server.error = None
    connect(loop, dialog)
    config, _ = dialog.result_config()
    assert (config.platform, config.checkin_list, config.session) == ("pretix", "9", "")
    # Back to a platform without offers: neither the list nor the row is left over.
    again = make_dialog(qtbot, FakeServer(ChoiceNeeded("…", lists)), event="demo/conf")
    again.platform_box.setCurrentIndex(again.platform_box.findData("pretix"))
    connect(loop, again)
    again.platform_box.setCurrentIndex(again.platform_box.findData("invitario"))
    assert not again.choice_list.isVisibleTo(again) and not again.choice_edit.isVisibleTo(again)


def test_button_is_disabled_with_a_busy_indicator_while_checking(
    qtbot: QtBot, loop: qasync.QEventLoop
) -> None:
    server = FakeServer(delay=0.2)
    dialog = make_dialog(qtbot, server)
    dialog.connect_button.click()
    task = dialog.check_task
    assert task is not None
    loop.run_until_complete(asyncio.wait_for(server.started.wait(), 5))
    assert not dialog.connect_button.isEnabled() and dialog.connect_button.text() == "Checking…"
    assert dialog.spinner.isVisible() and dialog.status.text().startswith("Checking…")
    dialog.connect_button.click()  # a second tap while checking does not start a second check
    loop.run_until_complete(asyncio.wait_for(task, 5))
    assert len(server.calls) == 1 and dialog.result() == QDialog.DialogCode.Accepted


def test_app_code_is_masked_with_a_show_toggle(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, FakeServer())
    assert dialog.key_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.show_key.click()
    assert dialog.key_edit.echoMode() == QLineEdit.EchoMode.Normal
    dialog.show_key.click()
    assert dialog.key_edit.echoMode() == QLineEdit.EchoMode.Password


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (AuthRefused("API key incorrect.", 1010),
         "The server did not accept this app code. Copy it again from the Check-in menu of the back office."),
        (AuthRefused("Event ID not known.", 1000), "The server does not know the event ID 123."),
        (RetryLater("connection refused"),
         "Cannot reach the server at https://checkin.example.org. Check the address and the network."),
        (ProtocolError("not JSON"),
         "The server at https://checkin.example.org did not answer like a check-in server."),
        (ConfigError("2 check-ins of event 7 wait for upload"), "2 check-ins of event 7 wait for upload"),
        (OSError(28, "No space left on device"), "The settings could not be saved:"),
        (KeyError("surprise"), "The settings could not be checked (KeyError"),
    ],
)
def test_each_refusal_is_explained_and_the_dialog_stays(
    qtbot: QtBot, loop: qasync.QEventLoop, error: Exception, expected: str
) -> None:
    server = FakeServer(error)
    dialog = make_dialog(qtbot, server)
    connect(loop, dialog)
    assert dialog.status.text().startswith(expected), dialog.status.text()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.connect_button.isEnabled() and not dialog.spinner.isVisible()
    with pytest.raises(RuntimeError):
        dialog.result_config()
    # Fixing the problem and connecting again works without reopening the dialog.
    server.error = None
    connect(loop, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"url": "checkin.example.org"}, "The server address must start with https://"),
        ({"url": "https://exa mple.org"}, "The server address must not contain spaces."),
        ({"url": "https://example.org:99999"}, "The port in the server address"),
        ({"url": "https://"}, "The server address has no host name."),
        ({"url": ""}, "Enter the server address."),
        ({"url": "http://[::1"}, "The server address is not written correctly."),
        ({"event": "  "}, "Enter the event ID."),
        ({"key": ""}, "Enter the app code."),
        ({"station": ""}, "Enter a name for this station"),
    ],
)
def test_bad_fields_are_said_before_any_request(
    qtbot: QtBot, loop: qasync.QEventLoop, fields: dict[str, str], expected: str
) -> None:
    server = FakeServer()
    dialog = make_dialog(qtbot, server, **fields)
    dialog.connect_button.click()
    assert dialog.check_task is None and server.calls == []
    assert dialog.status.text().startswith(expected), dialog.status.text()
    assert dialog.connect_button.isEnabled()


def test_url_problem_accepts_ordinary_addresses() -> None:
    for url in ("https://checkin.example.org", "http://127.0.0.1:8765", "https://h.example/base/path"):
        assert url_problem(url) is None


def test_cancel_while_checking_stops_the_check(qtbot: QtBot, loop: qasync.QEventLoop) -> None:
    server = FakeServer(delay=30)
    dialog = make_dialog(qtbot, server)
    dialog.connect_button.click()
    task = dialog.check_task
    assert task is not None
    loop.run_until_complete(asyncio.wait_for(server.started.wait(), 5))
    dialog.cancel_button.click()
    loop.run_until_complete(asyncio.sleep(0.01))
    assert task.cancelled() and dialog.result() == QDialog.DialogCode.Rejected


def test_prefilled_from_an_earlier_configuration(qtbot: QtBot, loop: qasync.QEventLoop) -> None:
    earlier = StationConfig("https://old.example.org", "9", "Side door", event_name="Old", pull_interval_s=30)
    dialog = SetupDialog(FakeServer(), initial=earlier)
    qtbot.addWidget(dialog)
    assert dialog.url_edit.text() == "https://old.example.org" and dialog.station_edit.text() == "Side door"
    dialog.key_edit.setText("k")
    dialog.event_edit.setText("10")
    connect(loop, dialog)
    config, _ = dialog.result_config()
    assert config.pull_interval_s == 30 and config.event_id == "10" and config.event_name == ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_real_configure_station_against_the_reference_server(
    qtbot: QtBot, loop: qasync.QEventLoop, tmp_path: Path
) -> None:
    from kiosk.storage.config import load_api_key, load_config

    data_dir = tmp_path / "station"

    async def validate(config: StationConfig, api_key: str) -> object:
        return await configure_station(data_dir, config, api_key)

    with ServerThread(tmp_path / "server.db", event_id="e1", api_key="right-key", guests=3) as server:
        dialog = make_dialog(qtbot, validate, url=server.url, event="e1", key="wrong-key")
        connect(loop, dialog)
        assert dialog.status.text().startswith("The server did not accept this app code.")
        assert not (data_dir / "config.json").exists()
        dialog.event_edit.setText("nope")
        dialog.key_edit.setText("right-key")
        connect(loop, dialog)
        assert dialog.status.text().startswith("The server does not know the event ID nope.")
        dialog.event_edit.setText("e1")
        connect(loop, dialog)
        assert dialog.result() == QDialog.DialogCode.Accepted, dialog.status.text()
        assert load_config(data_dir).event_id == "e1" and load_api_key(data_dir) == "right-key"
        assert load_config(data_dir).event_name == "Demo Event"
    # Nothing listens any more: the same dialog explains that the server cannot be reached.
    dialog = make_dialog(qtbot, validate, url=f"http://127.0.0.1:{free_port()}", event="e1", key="right-key")
    connect(loop, dialog)
    assert dialog.status.text().startswith("Cannot reach the server at http://127.0.0.1:")


def test_real_configure_of_a_conferences_io_door_lists_its_sessions_then_takes_one(
    qtbot: QtBot, loop: qasync.QEventLoop, tmp_path: Path
) -> None:
    from kiosk.platforms.conferences_io.emulator import ConferencesIoServer, ConferencesIoState
    from kiosk.storage.config import load_config

    data_dir = tmp_path / "station"

    async def validate(config: StationConfig, api_key: str) -> object:
        return await configure_station(data_dir, config, api_key)

    state = ConferencesIoState(api_key="cnf-key")
    state.generate(20, seed=2)
    with ConferencesIoServer(state) as server:
        dialog = make_dialog(qtbot, validate, url=server.api_url, event="", key="cnf-key")
        dialog.platform_box.setCurrentIndex(dialog.platform_box.findData("conferences-io"))
        connect(loop, dialog)
        assert dialog.status.text() == "Choose the session this door serves, then Connect."
        assert not (data_dir / "config.json").exists()
        # The app's sessions to pick from, each with when, what and where (the emulator's are on 2026-06-01).
        assert dialog.choice_list.isVisibleTo(dialog)
        listed = [dialog.choice_list.item(i).text() for i in range(dialog.choice_list.count())]
        assert len(listed) == len(state.sessions) and all("2026-" in line for line in listed), listed
        assert dialog.choice_edit.text() == ""
        # Still fits the smallest kiosk: squeezed to its narrowest, where the texts wrap most.
        dialog.resize(dialog.minimumWidth(), 1)
        qtbot.wait(20)
        assert dialog.height() <= 480 and dialog.choice_list.height() >= 80, (dialog.size(),
                                                                             dialog.choice_list.height())
        workshop = next(i for i in range(dialog.choice_list.count()) if listed[i].endswith("(wrk1)"))
        dialog.choice_list.setCurrentRow(workshop)  # a tap on the workshop fills the session field
        assert dialog.choice_edit.text() == "wrk1"
        connect(loop, dialog)
        assert dialog.result() == QDialog.DialogCode.Accepted, dialog.status.text()
        saved = load_config(data_dir)
        assert (saved.platform, saved.session) == ("conferences-io", "wrk1")


@pytest.mark.parametrize("platform", ["invitario", "conferences-io", "pretix"])
def test_the_dialog_fits_the_smallest_kiosk_screen_whatever_the_platform(qtbot: QtBot, platform: str) -> None:
    dialog = make_dialog(qtbot, FakeServer())
    dialog.platform_box.setCurrentIndex(dialog.platform_box.findData(platform))
    needed = dialog.minimumSizeHint()
    assert needed.width() <= 800 and needed.height() <= 480, needed
