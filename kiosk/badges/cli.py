"""`kiosk badge`: one guest's badge or the whole list as a PDF, streamed a page at a time."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from kiosk.badges.content import Badge, badge_for
from kiosk.badges.sizes import DEFAULT_SIZE, SIZES, LabelSize, label_size
from kiosk.domain import Guest, normalise_code
from kiosk.storage import Store

# A progress line every this many badges (and at the end): often enough to see it move, rarely enough
# that a log of a scripted run stays short.
PROGRESS_EVERY = 500


def add_badge_arguments(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("code", nargs="?", help="the guest's code (access code, badge number or id)")
    which.add_argument("--all", action="store_true", help="every live guest, in name order (for pre-printing)")
    out = p.add_mutually_exclusive_group(required=True)
    out.add_argument("--pdf", type=Path, metavar="FILE", help="write the badge(s) to this PDF")
    out.add_argument("--print", dest="print_to", nargs="?", const="", default=None, metavar="PRINTER",
                     help="print one guest's badge on PRINTER (default: the station's printer, else the system's); "
                     "logged in the print log like the door's")
    p.add_argument("--size", default=None, choices=list(SIZES),
                   help=f"label size (default: the station's, else {DEFAULT_SIZE}; --all: a4x8)")


def ensure_qt() -> None:
    """A QGuiApplication for fonts and painting; offscreen unless a display platform was asked for."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        # A script or a CI job has no display; painting a PDF needs none.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QGuiApplication([sys.argv[0] if sys.argv else "kiosk"])


def run_badge(store: Store, event_name: str, station_size: str, args: argparse.Namespace,
              say: Callable[[str], None], progress: Callable[[str, bool], None], *, station: str = "",
              station_printer: str = "") -> bool:
    """Write the PDF; False (and a line said) when the code finds nobody."""
    from kiosk.badges.render import write_pdf

    ensure_qt()
    if not args.all:
        guest = store.find_guest(normalise_code(args.code))
        if guest is None:
            say(f"No guest has the code {args.code!r}: no badge written.")
            return False
        size = label_size(args.size or station_size)
        if args.print_to is not None:
            return _print_one(store, guest, size, args.print_to or station_printer, station, event_name, say)
        write_pdf(args.pdf, size, [badge_for(guest, event_name)])
        say(f"Badge of {guest.display_name} ({size.title}) written to {args.pdf}")
        return True
    if args.pdf is None:
        say("Printing every badge goes through a PDF: kiosk badge --all --pdf FILE, then print that.")
        return False
    size = label_size(args.size or "a4x8")
    counts = store.counts()
    total = counts["guests"] - counts["deleted"]

    def tick(done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            progress(f"{done} of {total} badges", done == total)

    written = write_pdf(args.pdf, size, _live_badges(store, event_name), on_badge=tick)
    say(f"{written} badge(s) on {-(-written // size.per_page)} page(s) of {size.title} written to {args.pdf}")
    return True


def _print_one(store: Store, guest: Guest, size: LabelSize, printer: str, station: str, event_name: str,
               say: Callable[[str], None]) -> bool:
    from kiosk.badges.printing import PrintFailed, send_badge

    job = store.log_print(guest.id, guest.access_code or guest.id, station, "command line", printer, size.key)
    try:
        send_badge(printer, size, [badge_for(guest, event_name)], f"badge {guest.access_code or guest.id}")
    except PrintFailed as err:
        store.finish_print(job, "failed", str(err))
        say(f"The badge of {guest.display_name} was not printed: {err}.")
        return False
    store.finish_print(job, "printed")
    say(f"Badge of {guest.display_name} ({size.title}) sent to {printer or 'the default printer'}")
    return True


def _live_badges(store: Store, event_name: str) -> Iterator[Badge]:
    # The export's stream: a batch of rows at a time, so 10,000 guests never sit in memory together.
    for row in store.attendance():
        if row.guest.deleted is None:
            yield badge_for(row.guest, event_name)
