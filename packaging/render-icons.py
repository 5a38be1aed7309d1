"""Renders resources/icons/kiosk.svg into the hicolor theme's PNG sizes (build time, Qt offscreen)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# The build runs without a display; QtSvg draws into an image, no window needed.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, share: Path) -> list[Path]:
    """Writes share/icons/hicolor/NxN/apps/kiosk.png for every size, and the SVG as scalable."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render-icons: {svg} is not a valid SVG")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "kiosk.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"render-icons: could not write {target}")
        written.append(target)
    scalable = share / "icons" / "hicolor" / "scalable" / "apps" / "kiosk.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(svg.read_bytes())
    return [*written, scalable]


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        raise SystemExit("usage: render-icons.py SVG SHARE_DIR [FLAT_DIR]")
    app = QGuiApplication(sys.argv[:1])
    for path in render(Path(sys.argv[1]), Path(sys.argv[2])):
        print(path)
        if len(sys.argv) == 4 and path.suffix == ".png":  # kiosk-256.png etc., for the Windows and macOS specs
            flat = Path(sys.argv[3]) / f"kiosk-{path.parent.parent.name.split('x')[0]}.png"
            flat.parent.mkdir(parents=True, exist_ok=True)
            flat.write_bytes(path.read_bytes())
