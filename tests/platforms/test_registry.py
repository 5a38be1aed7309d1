"""The platform registry: which names a station may be configured with, and what each platform can do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.app import make_connector
from kiosk.platforms import PLATFORMS, UnknownPlatform, platform_named, usable_names
from kiosk.platforms.base import Listing, Uploads
from kiosk.platforms.conferences_io.connector import ConferencesIoConnector
from kiosk.platforms.invitario.connector import InvitarioConnector
from kiosk.platforms.webkasa.connector import WebkasaConnector
from kiosk.storage.config import ConfigError, StationConfig, load_config, save_config

REPO = Path(__file__).resolve().parents[2]


def test_invitario_is_usable_and_the_default_of_a_new_config() -> None:
    assert usable_names() == ["invitario", "plandocket", "webkasa", "conferences-io", "pretix"]
    platform = platform_named("invitario")
    assert platform.capabilities.listing is Listing.INCREMENTAL
    assert platform.capabilities.uploads is Uploads.SERVER
    assert StationConfig(server_url="http://127.0.0.1:9", event_id="e", station="s").platform == "invitario"


def test_every_platform_with_an_api_document_is_listed_with_its_written_contract() -> None:
    assert set(PLATFORMS) == {"invitario", "plandocket", "webkasa", "conferences-io", "pretix"}
    for platform in PLATFORMS.values():
        assert (REPO / platform.document).is_file(), platform.document
    # The two platforms whose documents have no way to take a check-in keep check-ins on the station.
    assert {n for n, p in PLATFORMS.items() if p.capabilities.uploads is Uploads.STATION_ONLY} == {
        "webkasa",
        "conferences-io",
    }


def test_an_unknown_name_is_one_line_naming_the_usable_platforms() -> None:
    with pytest.raises(UnknownPlatform) as err:
        platform_named("eventbrite")
    assert str(err.value) == (
        "kiosk does not know the platform 'eventbrite'; it knows: invitario, plandocket, webkasa, conferences-io, "
        "pretix."
    )


def test_a_platform_without_a_connector_yet_says_so_and_where_its_contract_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dataclasses import replace

    # Every platform kiosk knows has a connector today: a planned one is made up for the message.
    monkeypatch.setitem(PLATFORMS, "planned", replace(PLATFORMS["webkasa"], name="planned", title="Planned",
                                                      document="docs/platforms/planned.md", connector=None))
    with pytest.raises(UnknownPlatform) as err:
        platform_named("planned")
    message = str(err.value)
    assert "no connector for Planned yet" in message and "docs/platforms/planned.md" in message
    assert "\n" not in message and "planned," not in message


def test_the_connector_comes_from_the_configured_platform() -> None:
    config = StationConfig(server_url="http://127.0.0.1:9", event_id="e", station="s")
    assert isinstance(make_connector(config, "key"), InvitarioConnector)
    with pytest.raises(ConfigError, match="does not know the platform 'nope'"):
        make_connector(StationConfig(server_url="http://127.0.0.1:9", event_id="e", station="s", platform="nope"), "k")


def test_webkasa_is_usable_lists_everyone_and_keeps_check_ins_on_the_station() -> None:
    platform = platform_named("webkasa")
    assert platform.capabilities.listing is Listing.FULL
    assert platform.capabilities.uploads is Uploads.STATION_ONLY
    assert not platform.capabilities.check_out and not platform.capabilities.undo
    config = StationConfig(server_url="http://127.0.0.1:9", event_id="evt_abc123", station="s", platform="webkasa")
    connector = make_connector(config, "wk_live_x")
    assert isinstance(connector, WebkasaConnector) and connector.max_batch == 0


def test_a_config_written_before_platforms_existed_opens_as_invitario(tmp_path: Path) -> None:
    save_config(tmp_path, StationConfig(server_url="http://127.0.0.1:9", event_id="e", station="s"), "key")
    path = tmp_path / "config.json"
    raw = json.loads(path.read_text())
    del raw["platform"]
    path.write_text(json.dumps(raw))
    assert load_config(tmp_path).platform == "invitario"


def test_conferences_io_is_usable_keeps_check_ins_on_the_station_and_gets_the_configured_session() -> None:
    platform = platform_named("conferences-io")
    assert platform.needs_session and platform.capabilities.listing is Listing.FULL
    assert platform.capabilities.uploads is Uploads.STATION_ONLY
    assert not platform.capabilities.check_out and not platform.capabilities.undo
    config = StationConfig(server_url="https://example.cnf.io/api/v2", event_id="example.cnf.io", station="s",
                           platform="conferences-io", session="abcd")
    connector = make_connector(config, "cnf-key")
    assert isinstance(connector, ConferencesIoConnector) and connector.max_batch == 0
    assert connector.session == "abcd" and connector.base_url == "https://example.cnf.io/api/v2"


def test_a_config_written_before_sessions_existed_still_loads_without_one(tmp_path: Path) -> None:
    save_config(tmp_path, StationConfig(server_url="http://127.0.0.1:9", event_id="e", station="s",
                                        platform="webkasa"), "key")
    path = tmp_path / "config.json"
    raw = json.loads(path.read_text())
    del raw["session"]
    path.write_text(json.dumps(raw))
    assert load_config(tmp_path).session == ""
    save_config(tmp_path, StationConfig(server_url="http://127.0.0.1:9", event_id="e", station="s",
                                        platform="conferences-io", session="keyn"))
    assert load_config(tmp_path).session == "keyn"
