"""HTTP statuses and transport failures of the Invitario connector: which are worth retrying, which not."""

from __future__ import annotations

import ssl
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from kiosk.domain.models import Change, ChangeKind
from kiosk.platforms.base import Misconfigured, ProtocolError, RetryLater
from tests.platforms.invitario.invitario_fake import STATION, pull_all

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
async def test_server_failures_are_retry_later(fake, connector, status):
    fake.queue("login", httpx.Response(status, text="<html>Bad Gateway</html>"))

    with pytest.raises(RetryLater, match=str(status)) as caught:
        await connector.login()
    assert caught.value.retry_after is None


@pytest.mark.parametrize(
    ("status", "header", "expected"),
    [(429, "30", 30.0), (503, "7", 7.0), (429, "1.5", 1.5), (429, "soon", None), (429, "-3", None)],
)
async def test_retry_after_is_taken_from_a_numeric_header(fake, connector, status, header, expected):
    await connector.login()
    fake.queue("guest/list/all", httpx.Response(status, headers={"Retry-After": header}, text="slow down"))

    with pytest.raises(RetryLater) as caught:
        await pull_all(connector)
    assert caught.value.retry_after == expected


async def test_retry_after_on_upload(fake, connector):
    at = datetime(2024, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    fake.queue("guest/update", httpx.Response(429, headers={"Retry-After": "12"}))

    with pytest.raises(RetryLater) as caught:
        await connector.push([Change("c", "g-000001", ChangeKind.CHECK_IN, at, None, at, STATION)])
    assert caught.value.retry_after == 12.0


@pytest.mark.parametrize(
    ("failure", "fragment"),
    [
        (httpx.ConnectError, "Could not reach"),
        (httpx.ConnectTimeout, "within 15 s"),
        (httpx.ReadTimeout, "within 15 s"),
        (httpx.RemoteProtocolError, "Could not reach"),
    ],
)
async def test_network_failures_are_retry_later(fake, connector, failure, fragment):
    def fail(request: httpx.Request) -> httpx.Response:
        raise failure("it broke", request=request)

    fake.queue("login", fail)

    with pytest.raises(RetryLater, match=fragment):
        await connector.login()


async def test_an_untrusted_certificate_is_a_clear_settings_error(fake, connector):
    def fail(request: httpx.Request) -> httpx.Response:
        cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] self-signed certificate")
        raise httpx.ConnectError(str(cause), request=request) from cause

    fake.queue("login", fail)

    with pytest.raises(Misconfigured, match="certificate is not trusted"):
        await connector.login()


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (
            httpx.Response(301, headers={"Location": "https://elsewhere.test/"}),
            "301 to https://elsewhere.test/",
        ),
        (httpx.Response(404, text="<html>Not Found</html>"), "HTTP 404"),
    ],
)
async def test_a_redirect_or_not_found_means_a_wrong_address(fake, connector, answer, fragment):
    fake.queue("login", answer)

    with pytest.raises(Misconfigured, match=fragment):
        await connector.login()


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (httpx.Response(400, json={"detail": "bad"}), "HTTP 400"),
        (httpx.Response(204), "HTTP 204"),
    ],
)
async def test_other_statuses_are_protocol_errors(fake, connector, answer, fragment):
    fake.queue("login", answer)

    with pytest.raises(ProtocolError, match=fragment):
        await connector.login()


async def test_an_upload_answer_cut_off_is_retry_later(fake, connector):
    at = datetime(2024, 5, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    fake.queue("guest/update", httpx.Response(200, content=b'{"status": "success", "results": [{"id": "g-'))

    with pytest.raises(RetryLater, match="cut off"):
        await connector.push([Change("c", "g-000001", ChangeKind.CHECK_IN, at, None, at, STATION)])
