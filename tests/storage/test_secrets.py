"""The API key lives in the OS keyring when there is one, else in a 0600 file; never in the config."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from kiosk.storage.config import ConfigError, StationConfig, load_api_key, save_config, wipe_station_files

SECRET = "s3cret-app-code-4711"


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps its entries in memory, as an OS keyring would on disk."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture()
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.delenv("KIOSK_NO_KEYRING", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def config() -> StationConfig:
    return StationConfig(server_url="https://checkin.example.org", event_id="42", station="North")


def all_bytes(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())


def test_without_keyring_the_key_is_a_private_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_NO_KEYRING", "1")
    data_dir = tmp_path / "station"
    save_config(data_dir, config(), SECRET)
    assert load_api_key(data_dir) == SECRET
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for path in data_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert SECRET.encode() not in (data_dir / "config.json").read_bytes()


def test_with_a_keyring_no_file_holds_the_key(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    data_dir = tmp_path / "station"
    save_config(data_dir, config(), SECRET)
    assert SECRET.encode() not in all_bytes(data_dir)
    assert list(memory_keyring.entries.values()) == [SECRET]
    assert load_api_key(data_dir) == SECRET


def test_two_data_dirs_keep_two_keys(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    save_config(tmp_path / "a", config(), "key-a")
    save_config(tmp_path / "b", config(), "key-b")
    assert load_api_key(tmp_path / "a") == "key-a" and load_api_key(tmp_path / "b") == "key-b"


def test_a_key_lost_from_the_keyring_says_what_to_do(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    data_dir = tmp_path / "station"
    save_config(data_dir, config(), SECRET)
    memory_keyring.entries.clear()
    with pytest.raises(ConfigError, match="kiosk configure"):
        load_api_key(data_dir)


def test_wipe_removes_the_key_everywhere(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    data_dir = tmp_path / "station"
    save_config(data_dir, config(), SECRET)
    removed = wipe_station_files(data_dir)
    assert "config.json" in removed and not memory_keyring.entries
    assert list(data_dir.iterdir()) == []
    with pytest.raises(ConfigError):
        load_api_key(data_dir)
