"""`kiosk autostart on|off`: the user's XDG autostart entry that opens the station full screen at login."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ENTRY_NAME = "kiosk.desktop"
# The window's own kiosk mode: full screen at once; leaving it asks for the staff PIN once one is set.
FULLSCREEN_OPTION = "--fullscreen"
# Characters the Desktop Entry spec says an Exec argument must be quoted for.
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def supported(platform: str | None = None) -> bool:
    """XDG autostart is what Linux (and BSD) desktops read; Windows and macOS have their own ways."""
    return not (platform or sys.platform).startswith(("win", "darwin"))


def autostart_dir(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_CONFIG_HOME/autostart, else ~/.config/autostart (a relative XDG_CONFIG_HOME is ignored, as the
    XDG Base Directory spec asks)."""
    env = os.environ if env is None else env
    config = env.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config and os.path.isabs(config) else Path(env.get("HOME") or Path.home()) / ".config"
    return base / "autostart"


def kiosk_command(argv0: str | None = None, executable: str | None = None) -> list[str]:
    """How this kiosk was started, as an absolute command a login session can run again."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    if argv0.endswith(".py"):  # `python -m kiosk`: argv[0] is kiosk/__main__.py
        return [executable or sys.executable, "-m", "kiosk"]
    if os.sep not in argv0:
        found = shutil.which(argv0)
        argv0 = found if found else argv0
    # abspath, not resolve: /usr/bin/kiosk stays /usr/bin/kiosk, not the /opt/kiosk it points to.
    return [os.path.abspath(argv0)]


def exec_quote(arg: str) -> str:
    """One argument of a desktop entry's Exec key (Desktop Entry spec, 'The Exec key')."""
    arg = arg.replace("%", "%%")
    if not arg or any(ch in _RESERVED for ch in arg):
        escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
        # The key's value is itself a string value, in which a backslash is written twice.
        return '"' + escaped.replace("\\", "\\\\") + '"'
    return arg


def entry_text(command: Sequence[str]) -> str:
    exec_line = " ".join(exec_quote(arg) for arg in command)
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Kiosk check-in (full screen)\n"
        "Comment=Opens this check-in station full screen at login; leaving full screen needs the staff PIN\n"
        f"Exec={exec_line}\n"
        "Icon=kiosk\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def enable(command: Sequence[str], env: Mapping[str, str] | None = None) -> Path:
    """Writes the autostart entry that runs `command` plus the full-screen option; returns its path."""
    target = autostart_dir(env) / ENTRY_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed: a session starting meanwhile never reads half an entry.
    part = target.with_name(f".{ENTRY_NAME}.{os.getpid()}")
    part.write_text(entry_text([*command, FULLSCREEN_OPTION]), encoding="utf-8")
    os.replace(part, target)
    return target


def disable(env: Mapping[str, str] | None = None) -> Path | None:
    """Removes the entry; returns its path, or None when there was none."""
    target = autostart_dir(env) / ENTRY_NAME
    try:
        target.unlink()
    except FileNotFoundError:
        return None
    return target
