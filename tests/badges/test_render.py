"""Badges as PDF: each label's page size, the barcode read back to the guest's code, long names shrunk whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from kiosk.badges.content import Badge, badge_for
from kiosk.badges.render import BadgeGeometry, name_fits, paint_badge, write_pdf
from kiosk.badges.sizes import SIZES, LabelSize
from kiosk.cli import main
from kiosk.domain.models import Admission, Guest
from kiosk.storage import Store
from kiosk.storage.config import StationConfig, mirror_path, save_config
from tests.badges.pages import decoded_codes, need_poppler, page_sizes_mm

pytestmark = pytest.mark.usefixtures("qapp")

ZOE = Guest("g-1", access_code="ZOE-4711", admission=Admission.ADMISSIBLE, name="Zoë Ångström",
            company="Café Müller", highlight_color="#d04a02")
LONG = "Maximiliane Alexandra Konstanze Freifrau von Hohenzollern-Sigmaringen-Wolfeschlegelsteinhausen"


@pytest.mark.parametrize("key", list(SIZES))
def test_the_pdf_page_is_the_label_and_each_barcode_reads_back_to_its_guests_code(key: str, tmp_path: Path) -> None:
    need_poppler()
    size = SIZES[key]
    badges = [badge_for(Guest(f"g-{i}", access_code=f"K{i}-{i * 7919:05d}", name=f"Guest {i}"), "Summit")
              for i in range(size.per_page)]
    pdf = tmp_path / f"{key}.pdf"
    assert write_pdf(pdf, size, badges) == size.per_page
    ((width, height),) = page_sizes_mm(pdf)
    assert width == pytest.approx(size.page_mm[0], abs=0.5)
    assert height == pytest.approx(size.page_mm[1], abs=0.5)
    assert decoded_codes(pdf) == [b.code for b in badges]


def test_a_code_the_door_scans_comes_from_the_neutral_guest_alone() -> None:
    badge = badge_for(ZOE, "Summit")
    assert badge == Badge("Zoë Ångström", "Café Müller", "Summit", "#d04a02", "ZOE-4711")
    # No access code: the id, which the door finds too; a colour that is no colour draws no band.
    assert badge_for(Guest("g-9", name="X", highlight_color="red; x"), "").code == "g-9"
    assert badge_for(Guest("g-9", name="X", highlight_color="red; x"), "").color is None


def _ink_columns(image: QImage, top: int, bottom: int) -> tuple[int, int]:
    """The leftmost and rightmost columns with a dark pixel between rows top and bottom."""
    xs = [x for x in range(image.width()) for y in range(top, bottom, 3) if image.pixelColor(x, y).lightness() < 128]
    return min(xs), max(xs)


@pytest.mark.parametrize("key", ["62x100mm", "54x90mm", "4x3in"])
def test_a_long_name_shrinks_until_it_fits_never_cut(key: str) -> None:
    size: LabelSize = SIZES[key]
    dpi = 150
    w, h = (round(mm / 25.4 * dpi) for mm in size.badge_mm)
    geometry = BadgeGeometry(QRectF(0, 0, w, h), dpi)
    fonts = {}
    for name in ("Ann Lee", LONG, "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft"):
        image = QImage(w, h, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        font = paint_badge(painter, QRectF(0, 0, w, h), Badge(name, "", "", None, "A1"), dpi)
        painter.end()
        fonts[name] = font.pixelSize()
        assert name_fits(font, name, geometry.name)
        # Measured on the rendered badge: the name's ink stays inside its box, clear of the label's margins.
        left, right = _ink_columns(image, int(geometry.name.top()), int(geometry.name.bottom()))
        assert left >= geometry.name.left() - 1 and right <= geometry.name.right() + 1
    assert fonts[LONG] < fonts["Ann Lee"]


@pytest.fixture()
def station(tmp_path: Path) -> Path:
    data = tmp_path / "station"
    save_config(data, StationConfig(server_url="http://127.0.0.1:9", event_id="ev", station="North",
                                    event_name="Summit 2026", badge_size="54x90mm"), "key")
    with Store.open(mirror_path(data)) as store:
        store.apply_pull_page([ZOE, *(Guest(f"g-{i}", access_code=f"C-{i:04d}", name=f"Guest {i:04d}",
                                            sort_name=f"Guest {i:04d}") for i in range(2, 12))], cursor="listed")
    return data


def test_kiosk_badge_writes_one_guests_badge_in_the_stations_size(station: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    need_poppler()
    pdf = tmp_path / "zoe.pdf"
    assert main(["--data-dir", str(station), "badge", "zoe-4711", "--pdf", str(pdf)]) == 0
    assert "Zoë Ångström" in capsys.readouterr().out
    ((width, height),) = page_sizes_mm(pdf)
    assert (round(width), round(height)) == (54, 90)
    assert decoded_codes(pdf) == ["ZOE-4711"]
    assert main(["--data-dir", str(station), "badge", "ZOE-4711", "--pdf", str(pdf), "--size", "4x3in"]) == 0
    assert [(round(w), round(h)) for w, h in page_sizes_mm(pdf)] == [(102, 76)]
    assert main(["--data-dir", str(station), "badge", "NOBODY", "--pdf", str(tmp_path / "no.pdf")]) == 1
    assert not (tmp_path / "no.pdf").exists()


def test_kiosk_badge_all_puts_every_live_guest_on_a4_sheets_with_a_progress_line(
        station: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    need_poppler()
    pdf = tmp_path / "all.pdf"
    assert main(["--data-dir", str(station), "badge", "--all", "--pdf", str(pdf)]) == 0
    captured = capsys.readouterr()
    assert "11 of 11 badges" in captured.err
    assert "11 badge(s) on 2 page(s)" in captured.out
    assert [(round(w), round(h)) for w, h in page_sizes_mm(pdf)] == [(210, 297)] * 2
    # Name order: Guest 0002 ... 0009 on the first sheet, then 0010, 0011 and Zoë (no sort name: last).
    assert decoded_codes(pdf, page=1) == [f"C-{i:04d}" for i in range(2, 10)]
    assert decoded_codes(pdf, page=2) == ["C-0010", "C-0011", "ZOE-4711"]


@pytest.mark.slow
def test_ten_thousand_badges_on_a4_sheets_stream_in_bounded_memory(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    need_poppler()
    data = tmp_path / "station"
    save_config(data, StationConfig(server_url="http://127.0.0.1:9", event_id="ev", station="North",
                                    event_name="Big Summit"), "key")
    with Store.open(mirror_path(data)) as store:
        store.apply_pull_page([Guest(f"g-{i}", access_code=f"BIG-{i:05d}", name=f"Guest Number {i}",
                                     sort_name=f"{i:05d}", company="Acme", highlight_color="#2a7de1")
                               for i in range(10_000)], cursor="listed")
    pdf = tmp_path / "all.pdf"
    # The child reports its own peak (VmHWM starts anew at exec; a forked child's ru_maxrss would count the
    # pytest process it was forked from).
    report = ("import atexit, runpy, sys; atexit.register(lambda: print([l for l in open('/proc/self/status') "
              "if l.startswith('VmHWM')][0].split()[1], file=sys.stderr)); sys.argv[0] = 'kiosk'; "
              "runpy.run_module('kiosk', run_name='__main__')")
    started = time.perf_counter()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", report, "--data-dir", str(data), "badge", "--all", "--pdf", str(pdf)],
                          capture_output=True, text=True, timeout=900, env=env)
    seconds = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
    print(f"\nkiosk badge --all, 10,000 guests: {seconds:.1f} s, peak RSS {peak_mb:.0f} MB, "
          f"{pdf.stat().st_size / 1e6:.1f} MB PDF")
    assert "10000 of 10000 badges" in done.stderr and "1250 page(s)" in done.stdout
    assert decoded_codes(pdf, page=1250)[-1] == "BIG-09999"
    assert peak_mb < 500
