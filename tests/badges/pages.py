"""Reading a badge PDF back as a scanner and a ruler would: page sizes (pdfinfo) and barcodes (pdftoppm + zxing-cpp)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PT_PER_MM = 72 / 25.4


def need_poppler() -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils (pdftoppm, pdfinfo) is not installed: bash .ci/setup installs it")


def page_sizes_mm(pdf: Path) -> list[tuple[float, float]]:
    """Every page's size in millimetres, as the PDF's MediaBox says."""
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)
    return [(float(w) / PT_PER_MM, float(h) / PT_PER_MM) for w, h in sizes]


def decoded_codes(pdf: Path, page: int = 1, dpi: int = 300) -> list[str]:
    """The Code 128 texts a scanner reads off the rasterised page, in reading order."""
    import zxingcpp
    from PIL import Image

    stem = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-q", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", "-png",
                    "-singlefile", str(pdf), str(stem)], check=True)
    with Image.open(f"{stem}.png") as image:
        found = [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.Code128]
    return [b.text for b in sorted(found, key=lambda b: (b.position.top_left.y // 50, b.position.top_left.x))]
