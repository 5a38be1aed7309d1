"""Plain http only where it cannot leave the local network; https everywhere."""

import pytest

from kiosk.platforms.base import Misconfigured
from kiosk.platforms.urls import check_server_url


@pytest.mark.parametrize("url", ["https://checkin.example.org", "https://8.8.8.8:8443/base",
                                 "http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:80"])
def test_allowed_without_warning(url: str) -> None:
    assert check_server_url(url, resolve=False) is None


@pytest.mark.parametrize("url", ["http://192.168.1.20:8765", "http://10.0.0.5", "http://172.16.4.1",
                                 "http://[fd00::1]:8765"])
def test_private_lan_is_allowed_with_a_warning(url: str) -> None:
    warning = check_server_url(url, resolve=False)
    assert warning is not None and "not encrypted" in warning


@pytest.mark.parametrize("url", ["http://8.8.8.8", "http://checkin.example.org", "ftp://127.0.0.1",
                                 "127.0.0.1:8765", "", "https://"])
def test_refused_with_one_line(url: str) -> None:
    with pytest.raises(Misconfigured) as err:
        check_server_url(url, resolve=False)
    assert "\n" not in str(err.value) and str(err.value)
