"""Writes the kiosk's three verdict sounds (success, warning, error) as small WAV files, stdlib only.

Run `python resources/make_sounds.py` after changing a tone; the WAVs land in kiosk/resources/, inside the
package, so an installed wheel carries them (see [tool.setuptools.package-data] in pyproject.toml).
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

RATE = 22050
OUT_DIR = Path(__file__).resolve().parents[1] / "kiosk" / "resources"

# (frequency Hz, milliseconds, harmonic mix); frequency 0 is a pause. Three classes a queue can tell
# apart without looking: a rising chime, a double beep, a low falling buzz.
TONES: dict[str, list[tuple[float, int, float]]] = {
    "success": [(659.25, 90, 0.15), (0, 15, 0.0), (987.77, 160, 0.15)],
    "warning": [(523.25, 140, 0.25), (0, 90, 0.0), (523.25, 140, 0.25)],
    "error": [(220.0, 180, 0.6), (0, 40, 0.0), (164.81, 320, 0.6)],
}


def _samples(freq: float, ms: int, harmonics: float, volume: float = 0.55) -> list[int]:
    count = RATE * ms // 1000
    # A short fade at both ends: a tone that starts at full level clicks in cheap speakers.
    fade = max(1, min(count // 4, RATE * 8 // 1000))
    out = []
    for i in range(count):
        if freq == 0:
            out.append(0)
            continue
        t = i / RATE
        wave_value = math.sin(2 * math.pi * freq * t) + harmonics * math.sin(2 * math.pi * 3 * freq * t) / 3
        envelope = min(1.0, i / fade, (count - 1 - i) / fade)
        out.append(int(32767 * volume * envelope * wave_value / (1 + harmonics / 3)))
    return out


def write_tone(path: Path, parts: list[tuple[float, int, float]]) -> None:
    frames = [s for part in parts for s in _samples(*part)]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(struct.pack(f"<{len(frames)}h", *frames))


def main(out_dir: Path = OUT_DIR) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, parts in TONES.items():
        write_tone(out_dir / f"{name}.wav", parts)
        print(out_dir / f"{name}.wav")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT_DIR))
