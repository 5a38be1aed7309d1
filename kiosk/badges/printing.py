"""Badges through the OS print system (CUPS on Linux) with QPrinter, at the printer's own resolution.

QPainter may paint on a QPrinter outside the GUI thread (Qt's threading docs name QImage, QPrinter and
QPicture), so the door's worker thread calls `send_badge` while the Qt thread answers scans.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.badges.content import Badge, badge_for
from kiosk.badges.render import page_layout, paint_pages
from kiosk.badges.sizes import LabelSize, label_size
from kiosk.domain.models import Guest


class PrintFailed(Exception):
    """The badge did not reach the print system; `str(err)` is one line for the door's notice."""


def printer_names() -> list[str]:
    """The print queues the OS knows, for staff to choose from."""
    return [info.printerName() for info in QPrinterInfo.availablePrinters()]


def default_printer_name() -> str:
    return QPrinterInfo.defaultPrinterName()


def check_printer(name: str) -> QPrinterInfo:
    """The queue `name` ("" for the system default) if it would take a badge now; PrintFailed saying why not."""
    info = QPrinterInfo.printerInfo(name) if name else QPrinterInfo.defaultPrinter()
    label = name or "the default printer"
    if info.isNull():
        raise PrintFailed(f"{label} is not there (no such print queue)" if name else "no printer is set up")
    # CUPS reports a queue stopped by cupsdisable, by its backend (off, unplugged) or out of paper as
    # "stopped", which Qt maps to Error; a job sent there would wait unseen, so the door says it instead.
    if info.state() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
        raise PrintFailed(f"{label} is stopped (off, out of paper or disabled)")
    return info


def send_badge(name: str, size: LabelSize, badges: Sequence[Badge], doc_name: str = "kiosk badge") -> None:
    """Paint the badges as one print job on the queue; returns once the job is handed to the print system."""
    info = check_printer(name)
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)
    printer.setDocName(doc_name)
    if not printer.setPageLayout(page_layout(size)):
        raise PrintFailed(f"{info.printerName()} does not take {size.title} labels")
    try:
        paint_pages(printer, size, badges)
    except OSError as err:
        raise PrintFailed(f"{info.printerName()} refused the badge: {err}") from None
    if printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
        raise PrintFailed(f"{info.printerName()} refused the badge")


def badge_sender(event_name: str) -> Callable[[Guest, str, str], None]:
    """The door's `Send` for kiosk.services.badges: one guest's badge, on `printer`, in the size named."""

    def send(guest: Guest, printer: str, size: str) -> None:
        send_badge(printer, label_size(size), [badge_for(guest, event_name)], f"badge {guest.access_code or guest.id}")

    return send
