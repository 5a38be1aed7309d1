"""One short, distinct sound per verdict class; silent, without an error, where there is no audio device.

The WAVs live inside the package (kiosk/resources/*.wav, listed as package data), so an installed wheel
finds them next to this code; resources/make_sounds.py in the source tree regenerates them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QtMsgType, QUrl, qInstallMessageHandler

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

log = logging.getLogger(__name__)

SOUND_DIR = Path(__file__).resolve().parents[1] / "resources"
# A check-out is a success of its own (the screen, not the sound, tells it from a check-in); an undo is
# a staff act worth a second look.
SOUND_FOR_COLOUR = {"green": "success", "blue": "success", "undo": "warning", "amber": "warning", "red": "error"}


@contextmanager
def _quiet_audio_probe() -> Iterator[None]:
    """Qt's audio backends print a warning on every machine without a sound server; a kiosk with no
    speaker is a normal setup, not a problem worth a line on stderr."""

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        if kind in (QtMsgType.QtFatalMsg, QtMsgType.QtCriticalMsg):
            log.error("Qt: %s", message)
        else:
            log.debug("Qt audio: %s", message)

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


class Sounds(QObject):
    """Plays `success`, `warning` or `error`; `available` is False when nothing can be heard."""

    def __init__(self, enabled: bool | None = None, sound_dir: Path = SOUND_DIR, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if enabled is None:
            enabled = os.environ.get("KIOSK_SOUND", "on").lower() not in ("0", "off", "no", "false")
        self.last_played: str | None = None
        self._effects: dict[str, QSoundEffect] = {}
        if enabled:
            self._load(sound_dir)

    @property
    def available(self) -> bool:
        return bool(self._effects)

    def _load(self, sound_dir: Path) -> None:
        try:
            with _quiet_audio_probe():
                from PySide6.QtMultimedia import QMediaDevices, QSoundEffect

                if not QMediaDevices.audioOutputs():
                    log.info("no audio output device: verdict sounds are off")
                    return
                for name in sorted(set(SOUND_FOR_COLOUR.values())):
                    path = sound_dir / f"{name}.wav"
                    if not path.is_file():
                        log.warning("sound file %s is missing; that verdict stays silent", path)
                        continue
                    effect = QSoundEffect(self)
                    effect.setSource(QUrl.fromLocalFile(str(path)))
                    effect.setVolume(0.8)
                    self._effects[name] = effect
        except ImportError as err:  # Qt built without multimedia: the door works, just quietly
            log.info("Qt multimedia is not available (%s): verdict sounds are off", err)

    def play_for(self, colour: str) -> str | None:
        """Play the sound of a verdict colour; returns the sound's name (also when nothing is heard)."""
        name = SOUND_FOR_COLOUR.get(colour)
        if name is None:
            return None
        self.last_played = name
        effect = self._effects.get(name)
        if effect is not None:
            effect.stop()
            effect.play()
        return name
