"""First-run setup: platform, server address, event ID, app code and station name, checked against the server.

The check runs as an asyncio task on the qasync loop, so the window stays responsive while it waits.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import replace
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.platforms import DEFAULT_PLATFORM, PLATFORMS, usable_names
from kiosk.platforms.base import AuthRefused, Choice, ChoiceNeeded, ProtocolError, RemoteError, RetryLater
from kiosk.storage import StoreError
from kiosk.storage.config import ConfigError, StationConfig
from kiosk.ui.i18n import translate, translated

log = logging.getLogger(__name__)

Validate = Callable[[StationConfig, str], Awaitable[object]]
DEFAULT_BADGE_FIELD = "externalId"
_ERROR_STYLE = "color: #b00020;"
_FIELD_HEIGHT = 48


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a server address, in words for staff; None when it looks usable."""
    example = translate("Setup", "Write it like https://checkin.example.org")
    if not url:
        return translate("Setup", "Enter the server address. {example}").format(example=example)
    if any(ch.isspace() for ch in url):
        return translate("Setup", "The server address must not contain spaces. {example}").format(example=example)
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 bracket)
        return translate("Setup", "The server address is not written correctly. {example}").format(example=example)
    if parts.scheme not in ("http", "https"):
        return translate(
            "Setup", "The server address must start with https:// (or http:// on a local network). {example}"
        ).format(example=example)
    try:
        host, _port = parts.hostname, parts.port
    except ValueError:
        return translate("Setup", "The port in the server address is not a number from 1 to 65535. {example}").format(
            example=example
        )
    if not host:
        return translate("Setup", "The server address has no host name. {example}").format(example=example)
    if parts.query or parts.fragment:
        return translate("Setup", "The server address must not contain '?' or '#'. {example}").format(example=example)
    return None


def explain_failure(exc: BaseException, config: StationConfig) -> str:
    """A refusal or failure of the check, in plain words for the person setting up the station."""
    url = config.server_url
    if isinstance(exc, AuthRefused):
        if exc.code == 1000:
            return translate(
                "Setup",
                "The server does not know the event ID {event}. Copy it from the address of "
                "the event in the back office (…/admin/event/ID).",
            ).format(event=config.event_id)
        return translate(
            "Setup", "The server did not accept this app code. Copy it again from the Check-in menu of the back office."
        )
    if isinstance(exc, RetryLater):
        return translate(
            "Setup", "Cannot reach the server at {url}. Check the address and the network.\n({error})"
        ).format(url=url, error=translated(str(exc)))
    if isinstance(exc, ProtocolError):
        return translate(
            "Setup", "The server at {url} did not answer like a check-in server. Check the address.\n({error})"
        ).format(url=url, error=translated(str(exc)))
    if isinstance(exc, ChoiceNeeded):
        return str(exc)  # what to choose and the server's offers (a Conferences i/o door's sessions)
    if isinstance(exc, RemoteError):
        return translate("Setup", "The server at {url} refused the login: {error}").format(
            url=url, error=translated(str(exc))
        )
    if isinstance(exc, ConfigError | StoreError):
        return str(exc)
    if isinstance(exc, OSError):
        return translate("Setup", "The settings could not be saved: {error}").format(error=exc)
    return translate("Setup", "The settings could not be checked ({kind}: {error}).").format(
        kind=type(exc).__name__, error=exc
    )


def dialog_platforms() -> list[str]:
    """The platforms the setup dialog offers: every one kiosk can talk to."""
    return usable_names()


class SetupDialog(QDialog):
    """Collects the station settings and accepts only once `await validate(config, api_key)` succeeded.

    `validate` raises to refuse (e.g. `kiosk.app.configure_station`, which also saves the settings).
    """

    def __init__(
        self, validate: Validate, parent: QWidget | None = None, *, initial: StationConfig | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Setup", "Set up this station"))
        self.setMinimumWidth(560)
        self._validate = validate
        self._initial = initial
        self._result: tuple[StationConfig, str] | None = None
        self.check_task: asyncio.Task[None] | None = None

        self.intro = intro = QLabel(
            translate("Setup", "Copy these values from the Check-in menu of the event's back office.")
        )
        intro.setWordWrap(True)
        # The platforms kiosk can talk to; the others are named in the README's Platforms table.
        self.platform_box = QComboBox()
        self.platform_box.setMinimumHeight(_FIELD_HEIGHT)
        for name in dialog_platforms():
            self.platform_box.addItem(PLATFORMS[name].title, name)
        self.url_edit = self._field(translate("Setup", "https://checkin.example.org"))
        self.event_edit = self._field(translate("Setup", "e.g. 123"))
        self.key_edit = self._field(translate("Setup", "App code"))
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_key = QPushButton(translate("Setup", "Show"))
        self.show_key.setCheckable(True)
        self.show_key.setMinimumHeight(_FIELD_HEIGHT)
        self.show_key.toggled.connect(self._toggle_key)
        self.station_edit = self._field(translate("Setup", "e.g. Main entrance"))
        self.badge_edit = self._field(
            translate("Setup", "optional: the platform's usual field ({field} on Invitario)").format(
                field=DEFAULT_BADGE_FIELD
            )
        )
        # Only for a platform whose stations each pick one of the server's offers: the session a door serves
        # (Conferences i/o), the check-in list it keeps (pretix, optional when the event has one). Left
        # empty, the check answers with the offers, listed in this row: a tap on one fills the field.
        self.choice_edit = self._field("")
        self.choice_list = QListWidget()
        self.choice_list.setStyleSheet("QListWidget { font-size: 13pt; } QListWidget::item { padding: 6px; }")
        # Room for three offers at a time; the rest scroll. The list takes the field's place (and the
        # intro's) while it is shown: the dialog must still fit 800x480.
        self.choice_list.setMaximumHeight(140)
        self.choice_list.setMinimumHeight(84)
        # Its size hint (a dozen rows) is no minimum: below 140 it scrolls.
        self.choice_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.choice_list.hide()
        choice_row = QWidget()
        choice_box = QVBoxLayout(choice_row)
        choice_box.setContentsMargins(0, 0, 0, 0)
        choice_box.addWidget(self.choice_edit)
        choice_box.addWidget(self.choice_list)
        # Selection, not the current item: focus alone makes the first one current, and staff choose.
        self.choice_list.itemSelectionChanged.connect(self._choice_picked)
        self.choice_list.itemActivated.connect(lambda item: self.start_check())
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.show_key)
        form = QFormLayout()
        form.addRow(translate("Setup", "Platform:"), self.platform_box)
        form.addRow(translate("Setup", "Server address:"), self.url_edit)
        form.addRow(translate("Setup", "Event ID:"), self.event_edit)
        form.addRow(translate("Setup", "App code:"), key_row)
        form.addRow(translate("Setup", "Station name:"), self.station_edit)
        form.addRow(translate("Setup", "Badge number field:"), self.badge_edit)
        self.choice_label = QLabel()
        form.addRow(self.choice_label, choice_row)
        self._choice_row = choice_row
        self._form = form
        self.platform_box.currentIndexChanged.connect(self._platform_changed)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.spinner = QProgressBar()
        self.spinner.setRange(0, 0)  # no known end: Qt draws a busy indicator
        self.spinner.setTextVisible(False)
        self.spinner.hide()
        self.connect_button = QPushButton(translate("Setup", "Connect"))
        self.connect_button.setDefault(True)
        self.connect_button.setMinimumHeight(_FIELD_HEIGHT)
        self.connect_button.clicked.connect(self.start_check)
        self.cancel_button = QPushButton(translate("Setup", "Cancel"))
        self.cancel_button.setMinimumHeight(_FIELD_HEIGHT)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.connect_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.spinner)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._prefill(initial)
        self._platform_changed()

    def _platform_changed(self) -> None:
        """The choice row only for a platform that needs one; a session door's event ID may be left out."""
        platform = PLATFORMS.get(str(self.platform_box.currentData() or DEFAULT_PLATFORM))
        sessions = platform is not None and platform.needs_session
        lists = platform is not None and platform.needs_checkin_list
        self._form.setRowVisible(self._choice_row, sessions or lists)
        self._list_choices(())
        if sessions:
            self.choice_label.setText(translate("Setup", "Session:"))
            self.choice_edit.setPlaceholderText(
                translate("Setup", "the session ID this door serves (Connect lists them)")
            )
        elif lists:
            self.choice_label.setText(translate("Setup", "Check-in list:"))
            self.choice_edit.setPlaceholderText(
                translate("Setup", "optional when the event has one (Connect lists them)")
            )
        # One row for the other: the dialog must still fit an 800x480 kiosk (`kiosk configure --badge-field`
        # names a badge field for a session door, which its external id almost always makes unneeded).
        # pretix's codes are its tickets' secrets: no badge field either.
        self._form.setRowVisible(self.badge_edit, not (sessions or lists))
        self.event_edit.setPlaceholderText(
            translate("Setup", "optional: the app's address names it") if sessions else translate("Setup", "e.g. 123")
        )

    def _list_choices(self, choices: tuple[Choice, ...]) -> None:
        """The offers the server made, to pick from (none: the list goes away)."""
        self.choice_list.clear()
        for choice in choices:
            item = QListWidgetItem(f"{choice.label}  ({choice.id})")
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            self.choice_list.addItem(item)
        self.choice_list.setVisible(bool(choices))
        self.choice_edit.setVisible(not choices)
        self.intro.setVisible(not choices)

    def _choice_picked(self) -> None:
        for item in self.choice_list.selectedItems():
            self.choice_edit.setText(str(item.data(Qt.ItemDataRole.UserRole)))

    def _field(self, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setMinimumHeight(_FIELD_HEIGHT)
        edit.setMaxLength(500)
        return edit

    def _prefill(self, initial: StationConfig | None) -> None:
        if initial is None:
            self.station_edit.setText(socket.gethostname()[:64])
            return
        index = self.platform_box.findData(initial.platform)
        if index >= 0:
            self.platform_box.setCurrentIndex(index)
        self.url_edit.setText(initial.server_url)
        self.event_edit.setText(initial.event_id)
        self.station_edit.setText(initial.station)
        self.choice_edit.setText(initial.session or initial.checkin_list)
        if initial.badge_field != DEFAULT_BADGE_FIELD:
            self.badge_edit.setText(initial.badge_field)

    def _toggle_key(self, shown: bool) -> None:
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_key.setText(translate("Setup", "Hide") if shown else translate("Setup", "Show"))

    # --- the check

    def read_fields(self) -> tuple[StationConfig, str] | str:
        """The settings as typed, or the first problem with them (said before any request)."""
        url = self.url_edit.text().strip().rstrip("/")
        event_id = self.event_edit.text().strip()
        api_key = self.key_edit.text().strip()
        station = self.station_edit.text().strip()
        platform = str(self.platform_box.currentData() or DEFAULT_PLATFORM)
        sessions = PLATFORMS[platform].needs_session
        lists = PLATFORMS[platform].needs_checkin_list
        badge = (self.badge_edit.text().strip() if not (sessions or lists) else "") or PLATFORMS[platform].badge_field
        session = self.choice_edit.text().strip() if sessions else ""
        checkin_list = self.choice_edit.text().strip() if lists else ""
        problem = url_problem(url)
        if problem:
            self.url_edit.setFocus()
            return problem
        if sessions and not event_id:
            # The app is the event: its address names it (https://SUBDOMAIN.cnf.io/api/v2), as configure does.
            event_id = urlsplit(url).netloc
        for edit, value, missing in (
            (self.event_edit, event_id, translate("Setup", "Enter the event ID.")),
            (self.key_edit, api_key, translate("Setup", "Enter the app code.")),
            (self.station_edit, station, translate("Setup", "Enter a name for this station, e.g. Main entrance.")),
        ):
            if not value:
                edit.setFocus()
                return missing
        if self._initial is None:
            config = StationConfig(
                server_url=url,
                event_id=event_id,
                station=station,
                badge_field=badge,
                platform=platform,
                session=session,
                checkin_list=checkin_list,
            )
            return config, api_key
        # Reconfiguring keeps the other settings; the event name only while it is the same event.
        same_event = (self._initial.platform, self._initial.server_url, self._initial.event_id) == (
            platform,
            url,
            event_id,
        )
        config = replace(
            self._initial,
            server_url=url,
            event_id=event_id,
            station=station,
            badge_field=badge,
            platform=platform,
            session=session,
            checkin_list=checkin_list,
            event_name=self._initial.event_name if same_event else "",
        )
        return config, api_key

    def start_check(self) -> None:
        """Check the typed settings against the server; the dialog accepts when the server agrees."""
        if self.check_task is not None and not self.check_task.done():
            return
        fields = self.read_fields()
        if isinstance(fields, str):
            self._say(fields, error=True)
            return
        config, api_key = fields
        self._busy(True)
        self._say(translate("Setup", "Checking… (contacting {url})").format(url=config.server_url), error=False)
        self.check_task = asyncio.ensure_future(self._check(config, api_key))

    async def _check(self, config: StationConfig, api_key: str) -> None:
        try:
            await self._validate(config, api_key)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("station settings refused: %r", exc)
            self._busy(False)
            choices = exc.choices if isinstance(exc, ChoiceNeeded) else ()
            self._list_choices(choices)
            if choices:
                self._say(translate("Setup", "Choose the session this door serves, then Connect.")
                          if PLATFORMS[config.platform].needs_session
                          else translate("Setup", "Choose the check-in list of this door, then Connect."), error=False)
                self.choice_list.setFocus()
            else:
                self._say(explain_failure(exc, config), error=True)
            return
        self._result = (config, api_key)
        self._busy(False)
        # Cleared first, so that done() does not cancel the task that is finishing right here.
        self.check_task = None
        self._say(translate("Setup", "Connected."), error=False)
        self.accept()

    def result_config(self) -> tuple[StationConfig, str]:
        """The settings the server accepted; only valid after the dialog was accepted."""
        if self._result is None:
            raise RuntimeError("the station settings have not been confirmed by the server")
        return self._result

    def done(self, result: int) -> None:
        # Closing while a check runs: the check's answer has nowhere to go any more.
        task, self.check_task = self.check_task, None
        if task is not None and not task.done():
            task.cancel()
        super().done(result)

    def _busy(self, busy: bool) -> None:
        self.spinner.setVisible(busy)
        self.connect_button.setEnabled(not busy)
        self.connect_button.setText(translate("Setup", "Checking…") if busy else translate("Setup", "Connect"))
        for edit in (self.url_edit, self.event_edit, self.key_edit, self.station_edit, self.badge_edit,
                     self.choice_edit):
            edit.setReadOnly(busy)
        self.choice_list.setEnabled(not busy)
        self.platform_box.setEnabled(not busy)

    def _say(self, text: str, *, error: bool) -> None:
        self.status.setStyleSheet(_ERROR_STYLE if error else "")
        self.status.setText(text)
