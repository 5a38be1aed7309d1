"""The `kiosk bench` subcommand's options and entry point (kept light: the parser is built on every run)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_GUESTS = 100_000
# Fewer, and the background sync of P2 ends before the window can scan.
MIN_GUESTS = 2000


def _guests(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < MIN_GUESTS:
        raise argparse.ArgumentTypeError(f"expected at least {MIN_GUESTS} guests, got {value}")
    return value


def add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Generate an event in the reference server (in its own process, on 127.0.0.1), measure scans, "
        "syncs, search, start-up and the window's responsiveness against the targets, print a table "
        "and optionally write it as JSON. Takes a minute or two at 100,000 guests."
    )
    parser.add_argument("--guests", type=_guests, default=DEFAULT_GUESTS, metavar="N",
                        help=f"guests in the generated event (default: {DEFAULT_GUESTS:,})")
    parser.add_argument("--json", dest="json_path", type=Path, default=None, metavar="FILE",
                        help="also write the figures, floors and details to FILE as JSON")
    parser.add_argument("--platform", choices=("invitario", "webkasa"), default="invitario",
                        help="invitario (default): the whole table against the reference server; webkasa: a full "
                             "listing under Webkasa's rate limit against its floor, and scans during it (about "
                             "11 minutes at 100,000 registrations: the pace is the documented limit)")
    parser.add_argument("--compare", type=Path, default=None, metavar="FILE",
                        help="an earlier run's --json FILE (say at 100,000): also print how each figure grew")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="keep the benchmark's server and station data in a new dir under DIR")


def run_bench_command(args: argparse.Namespace) -> int:
    """0 when every figure was measured (met or missed), 1 when a measurement failed, 2 on bad options."""
    json_path: Path | None = args.json_path
    if json_path is not None and not json_path.parent.is_dir():
        print(f"kiosk: cannot write {json_path}: {json_path.parent} is not a directory", file=sys.stderr)
        return 2
    if args.keep is not None and not args.keep.is_dir():
        print(f"kiosk: --keep {args.keep}: not a directory", file=sys.stderr)
        return 2
    if args.platform == "webkasa":
        from kiosk.bench.webkasa import run_webkasa_bench

        return run_webkasa_bench(args.guests, json_path, keep=args.keep)
    compare = None
    if args.compare is not None:
        import json

        try:
            compare = json.loads(args.compare.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            print(f"kiosk: --compare {args.compare}: {err}", file=sys.stderr)
            return 2
    from kiosk.bench.runner import run_bench

    return run_bench(args.guests, json_path, keep=args.keep, compare=compare)
