"""`kiosk autostart on|off`: the XDG autostart entry, written and removed by a real kiosk process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.autostart import autostart_dir, exec_quote, kiosk_command, supported
from kiosk.cli import build_parser


def run_kiosk(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def exec_args(value: str) -> list[str]:
    """The Exec key read back as the Desktop Entry spec says a launcher reads it (string escapes, then
    double-quoted arguments with \\-escapes), so the test does not trust kiosk's own quoting."""
    unescaped, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            unescaped.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(value[i + 1], value[i + 1]))
            i += 2
        else:
            unescaped.append(value[i])
            i += 1
    text, args, current, quoted, i = "".join(unescaped), [], "", False, 0
    started = False
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\" and text[i + 1] in '"`$\\':
                current += text[i + 1]
                i += 1
            elif ch == '"':
                quoted = False
            else:
                current += ch
        elif ch == '"':
            quoted = started = True
        elif ch == " ":
            if started:
                args.append(current)
            current, started = "", False
        else:
            current += ch
            started = True
        i += 1
    if started:
        args.append(current)
    return [a.replace("%%", "%") for a in args]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    kept = {k: v for k, v in os.environ.items() if k not in ("XDG_CONFIG_HOME", "KIOSK_DATA_DIR")}
    return {**kept, "HOME": str(home), "KIOSK_NO_KEYRING": "1"}


def test_on_writes_an_entry_that_opens_this_station_full_screen(tmp_path: Path, env: dict[str, str]) -> None:
    env["XDG_CONFIG_HOME"] = str(tmp_path / "cfg")
    station = tmp_path / 'door "one" $HOME 100%'
    done = run_kiosk("--data-dir", str(station), "autostart", "on", env=env)
    assert done.returncode == 0, done.stderr
    entry = tmp_path / "cfg" / "autostart" / "kiosk.desktop"
    assert str(entry) in done.stdout
    assert "No staff PIN is set yet" in done.stdout
    lines = dict(line.split("=", 1) for line in entry.read_text(encoding="utf-8").splitlines() if "=" in line)
    assert lines["Type"] == "Application"
    command = exec_args(lines["Exec"])
    assert command[:3] == [sys.executable, "-m", "kiosk"]
    # What the login session will run is the window's own full-screen option, on this station.
    parsed = build_parser().parse_args(command[3:])
    assert parsed.command is None and parsed.fullscreen
    assert parsed.data_dir == station
    assert not (Path(env["HOME"]) / ".config" / "autostart").exists()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils is not installed")
def test_the_entry_passes_desktop_file_validate(tmp_path: Path, env: dict[str, str]) -> None:
    env["XDG_CONFIG_HOME"] = str(tmp_path / "cfg")
    assert run_kiosk("--data-dir", str(tmp_path / "a b"), "autostart", "on", env=env).returncode == 0
    checked = subprocess.run(["desktop-file-validate", str(tmp_path / "cfg" / "autostart" / "kiosk.desktop")],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout + checked.stderr


def test_off_removes_it_and_a_second_off_is_harmless(tmp_path: Path, env: dict[str, str]) -> None:
    entry = Path(env["HOME"]) / ".config" / "autostart" / "kiosk.desktop"  # no XDG_CONFIG_HOME: ~/.config
    assert run_kiosk("autostart", "on", env=env).returncode == 0
    assert entry.is_file()
    done = run_kiosk("autostart", "off", env=env)
    assert done.returncode == 0 and str(entry) in done.stdout
    assert not entry.exists()
    again = run_kiosk("autostart", "off", env=env)
    assert again.returncode == 0 and "nothing to remove" in again.stdout


def test_kiosk_data_dir_from_the_environment_goes_into_the_entry(tmp_path: Path, env: dict[str, str]) -> None:
    env["KIOSK_DATA_DIR"] = str(tmp_path / "from-env")
    assert run_kiosk("autostart", "on", env=env).returncode == 0
    entry = Path(env["HOME"]) / ".config" / "autostart" / "kiosk.desktop"
    exec_value = next(line for line in entry.read_text().splitlines() if line.startswith("Exec="))[5:]
    assert build_parser().parse_args(exec_args(exec_value)[3:]).data_dir == tmp_path / "from-env"


def test_a_pin_set_means_no_warning(tmp_path: Path, env: dict[str, str]) -> None:
    from kiosk.services.pin import PinGuard

    station = tmp_path / "station"
    station.mkdir(mode=0o700)
    PinGuard(station).set_pin("4711")
    done = run_kiosk("--data-dir", str(station), "autostart", "on", env=env)
    assert done.returncode == 0 and "No staff PIN" not in done.stdout


def test_a_relative_xdg_config_home_is_ignored(tmp_path: Path) -> None:
    assert autostart_dir({"XDG_CONFIG_HOME": "rel", "HOME": str(tmp_path)}) == tmp_path / ".config" / "autostart"
    assert autostart_dir({"XDG_CONFIG_HOME": str(tmp_path), "HOME": "/nowhere"}) == tmp_path / "autostart"


def test_the_command_is_how_kiosk_was_started(tmp_path: Path) -> None:
    assert kiosk_command("/usr/bin/kiosk") == ["/usr/bin/kiosk"]  # the symlink, not /opt/kiosk behind it
    assert kiosk_command("/x/kiosk/__main__.py", "/venv/python") == ["/venv/python", "-m", "kiosk"]
    assert exec_quote("plain") == "plain"
    assert exec_args(" ".join(exec_quote(a) for a in ['a"b', "c\\d", "e f", "$g", "50%"])) == \
        ['a"b', "c\\d", "e f", "$g", "50%"]


def test_only_where_desktops_read_xdg_autostart() -> None:
    assert supported("linux") and supported("freebsd14")
    assert not supported("win32") and not supported("darwin")
