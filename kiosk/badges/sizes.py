"""The label sizes door teams buy, in millimetres, and how many badges each page holds (plain Python)."""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class LabelSize:
    """One page of labels: `columns` x `rows` badges of `badge_mm` on a page of `page_mm` (width, height)."""

    key: str
    title: str
    page_mm: tuple[float, float]
    columns: int = 1
    rows: int = 1

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def badge_mm(self) -> tuple[float, float]:
        return self.page_mm[0] / self.columns, self.page_mm[1] / self.rows


# Portrait where the label is worn on a lanyard (Brother DK, the 54x90 card, A6); the Zebra 4x3 in roll
# feeds landscape. A4 sheets hold 2 x 4 badges of 105 x 74.25 mm, the common perforated badge sheets.
SIZES: dict[str, LabelSize] = {
    s.key: s for s in (
        LabelSize("62x100mm", "62 x 100 mm (Brother DK)", (62.0, 100.0)),
        LabelSize("4x3in", "4 x 3 in (Zebra)", (4 * MM_PER_INCH, 3 * MM_PER_INCH)),
        LabelSize("54x90mm", "54 x 90 mm", (54.0, 90.0)),
        LabelSize("a6", "A6 (105 x 148 mm)", (105.0, 148.0)),
        LabelSize("a4x8", "A4, 8 badges a sheet", (210.0, 297.0), columns=2, rows=4),
    )
}
DEFAULT_SIZE = "62x100mm"


def label_size(key: str) -> LabelSize:
    """The size named `key`; ValueError with the known names otherwise."""
    try:
        return SIZES[key.lower()]
    except KeyError:
        raise ValueError(f"unknown label size {key!r}: choose one of {', '.join(SIZES)}") from None
