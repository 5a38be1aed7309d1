"""Login, session expiry and re-login, logout, and the envelope error codes of the Invitario connector."""

from __future__ import annotations

import logging

import httpx
import pytest

from kiosk.domain.models import Change, ChangeKind, PushOutcome
from kiosk.domain.timeutil import parse_time
from kiosk.platforms.base import AuthRefused, ProtocolError, SessionExpired
from kiosk.platforms.invitario.connector import InvitarioConnector
from tests.platforms.invitario.invitario_fake import API_KEY, EVENT_ID, STATION, envelope, pull_all

pytestmark = pytest.mark.anyio


async def test_login_returns_the_event_and_sends_the_documented_body(fake, connector):
    info = await connector.login()

    assert (info.event_id, info.name, info.company, info.station_name) == (
        EVENT_ID,
        "My Event",
        "My Company",
        STATION,
    )
    assert fake.bodies("login") == [{"eventId": EVENT_ID, "apiKey": API_KEY, "stationName": STATION}]


@pytest.mark.parametrize(
    "base_url", ["https://invitario.test", "https://invitario.test/", " https://x.test/a/ "]
)
async def test_base_url_with_or_without_trailing_slash(fake, make_connector, base_url):
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return fake.handle(request)

    await make_connector(base_url=base_url, transport=httpx.MockTransport(record)).login()

    assert seen[0] in ("/api/v1/login", "/a/api/v1/login")


@pytest.mark.parametrize("error_status", [200, 401])
async def test_unknown_event_is_auth_refused_naming_the_event(fake, make_connector, error_status):
    fake.error_status = error_status
    with pytest.raises(AuthRefused) as caught:
        await make_connector(event_id="999").login()

    message = str(caught.value)
    assert caught.value.code == 1000
    assert "999" in message and "Event ID not known." in message
    assert "\n" not in message and API_KEY not in message


@pytest.mark.parametrize("error_status", [200, 403])
async def test_wrong_key_is_auth_refused_without_the_key(fake, make_connector, error_status):
    fake.error_status = error_status
    wrong_key = "wrong-Key-1234"
    with pytest.raises(AuthRefused) as caught:
        await make_connector(api_key=wrong_key).login()

    message = str(caught.value)
    assert caught.value.code == 1010
    assert message == f"The server refused the API key for event {EVENT_ID} (code 1010: API key incorrect.)"
    assert wrong_key not in message


async def test_a_server_echoing_the_key_does_not_get_it_shown(fake, connector):
    fake.queue("login", httpx.Response(200, json=envelope(1010, f"API key {API_KEY}\nis incorrect")))
    with pytest.raises(AuthRefused) as caught:
        await connector.login()

    assert API_KEY not in str(caught.value)
    assert "\n" not in str(caught.value)


async def test_calls_log_in_first_when_there_is_no_session(fake, connector):
    pages = await pull_all(connector)

    assert fake.calls["login"] == 1
    assert fake.bodies("guest/list/all")[0]["sessionToken"] in fake.tokens
    assert len(pages[-1].guests) == 3


async def test_expired_token_logs_in_again_and_retries_once_silently(fake, connector):
    await pull_all(connector)
    fake.expire_sessions()

    pages = await pull_all(connector)

    assert [page.last for page in pages] == [True]
    assert fake.calls["login"] == 2
    assert fake.calls["guest/list/all"] == 3  # one good, one refused, one retried


async def test_expired_token_during_upload_is_transparent(fake, connector):
    await connector.login()
    fake.expire_sessions()
    at = parse_time("2024-05-01T09:00:00+02:00")
    assert at is not None
    change = Change("c1", "g-000001", ChangeKind.CHECK_IN, at, None, at, STATION)

    report = await connector.push([change])

    assert [r.outcome for r in report.results] == [PushOutcome.ACCEPTED]
    assert fake.calls["login"] == 2 and fake.calls["guest/update"] == 2


async def test_token_refused_twice_is_session_expired(fake, connector):
    fake.refuse_all_tokens = True
    with pytest.raises(SessionExpired):
        await pull_all(connector)

    assert fake.calls["login"] == 2
    assert fake.calls["guest/list/all"] == 2


async def test_token_refused_twice_on_upload_is_session_expired(fake, connector):
    fake.refuse_all_tokens = True
    at = parse_time("2024-05-01T09:00:00+02:00")
    assert at is not None
    with pytest.raises(SessionExpired):
        await connector.push([Change("c1", "g-000001", ChangeKind.CHECK_IN, at, None, at, STATION)])

    assert fake.calls["guest/update"] == 2


@pytest.mark.parametrize(
    ("code", "message"), [(10, "Invalid JSON provided."), (20, "Required parameter(s) missing: eventId")]
)
async def test_codes_10_and_20_are_protocol_errors_logged_loudly(fake, connector, caplog, code, message):
    fake.queue("login", httpx.Response(200, json=envelope(code, message)))
    caplog.set_level(logging.ERROR, logger="kiosk.platforms.invitario.connector")
    with pytest.raises(ProtocolError) as caught:
        await connector.login()

    assert caught.value.code == code
    assert message in str(caught.value)
    errors = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert any(message in line for line in errors)


async def test_code_20_on_a_list_is_a_protocol_error(fake, connector):
    fake.queue("guest/list/recent", httpx.Response(200, json=envelope(20, "Required parameter(s) missing")))
    with pytest.raises(ProtocolError) as caught:
        await pull_all(connector, fake.date_time)
    assert caught.value.code == 20


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, json=envelope(4242, "Something new.")),
        httpx.Response(200, json={"status": "error", "errors": ["[SEE COMMON ERRORS BELOW]"]}),
        httpx.Response(200, json={"status": "success", "event": {"id": EVENT_ID}}),
        httpx.Response(200, json={"status": "success", "sessionToken": 12345}),
        httpx.Response(200, json={"sessionToken": "abc"}),
        httpx.Response(200, json=["status", "success"]),
        httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000),
        httpx.Response(200, json=envelope(30, "Invalid session token provided.")),
    ],
    ids=["unknown-code", "errors-not-objects", "no-token", "token-type", "no-status", "array", "deep", "30"],
)
async def test_undocumented_login_answers_are_protocol_errors(fake, connector, answer):
    fake.queue("login", answer)
    with pytest.raises(ProtocolError):
        await connector.login()


async def test_login_tolerates_a_missing_event_object(fake, connector):
    fake.queue("login", httpx.Response(200, json={"status": "success", "sessionToken": "t-1"}))

    info = await connector.login()

    assert (info.event_id, info.name, info.station_name) == (EVENT_ID, "", STATION)


async def test_logout_ends_the_session_and_the_next_call_logs_in_again(fake, connector):
    await connector.login()
    token = next(iter(fake.tokens))

    await connector.logout()
    await pull_all(connector)

    assert fake.bodies("logout") == [{"sessionToken": token}]
    assert token not in fake.tokens
    assert fake.calls["login"] == 2


async def test_logout_without_a_session_sends_nothing(fake, connector):
    await connector.logout()

    assert fake.calls["logout"] == 0


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, text="oops"),
        httpx.Response(200, json=envelope(30, "Invalid session token provided.")),
        httpx.Response(200, text="{not json"),
    ],
)
async def test_logout_is_best_effort(fake, connector, answer):
    await connector.login()
    fake.queue("logout", answer)

    await connector.logout()  # must not raise

    assert fake.calls["logout"] == 1


async def test_logout_swallows_connection_errors(fake, connector):
    await connector.login()

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    fake.queue("logout", refuse)
    await connector.logout()

    assert fake.calls["logout"] == 1


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"base_url": "ftp://invitario.test"}, "http"),
        ({"base_url": ""}, "http"),
        ({"base_url": "http://[::1"}, "http"),
        ({"base_url": "invitario.test"}, "http"),
        ({"event_id": " "}, "event ID"),
        ({"api_key": ""}, "API key"),
        ({"page_size": 0}, "page_size"),
        ({"verify": "/nonexistent/ca.pem"}, "CA certificate"),
    ],
)
def test_bad_configuration_is_a_clear_value_error(kwargs, fragment):
    options = {"base_url": "https://x.test", "event_id": EVENT_ID, "api_key": API_KEY, **kwargs}
    with pytest.raises(ValueError, match=fragment):
        InvitarioConnector(
            options.pop("base_url"), options.pop("event_id"), options.pop("api_key"), STATION, **options
        )
