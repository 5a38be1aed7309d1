"""`kiosk serve` and `python -m kiosk.platforms.invitario.emulator`: run the reference server until Ctrl-C or SIGTERM.

The database defaults to ./kiosk-server.db in the current directory, so that a station run as its own
server keeps its check-ins across restarts. --guests and --import fill only an empty database; on one
that already holds guests they are skipped with a note.
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from kiosk.platforms.invitario.emulator.run import ServerThread

DEFAULT_DB = "kiosk-server.db"
DEFAULT_PORT = 8765


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _number(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected a number from {low:g} to {high:g}, got {text}")
        return value

    return parse


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The reference server's options, for `kiosk serve` and `python -m kiosk.platforms.invitario.emulator`."""
    add = parser.add_argument
    add("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    add(
        "--port",
        type=_non_negative_int,
        default=DEFAULT_PORT,
        help=f"port (default: {DEFAULT_PORT}; 0 picks a free one)",
    )
    add(
        "--db",
        default=DEFAULT_DB,
        help=f"the server's SQLite file, kept across runs (default: ./{DEFAULT_DB})",
    )
    add(
        "--guests",
        type=_non_negative_int,
        default=0,
        metavar="N",
        help="generate N guests into an empty database",
    )
    add(
        "--import",
        dest="import_csv",
        metavar="FILE.csv",
        help="import guests from a CSV file into an empty database",
    )
    add("--seed", type=int, default=1, help="seed for generated guests and random failures (default: 1)")
    add("--event-id", default="demo", help="event ID stations log in with (default: demo)")
    add(
        "--api-key",
        default="demo-key",
        help="API key stations log in with; also the admin key (default: demo-key)",
    )
    add("--event-name", default="Demo Event", help="event name shown after login")
    add("--company", default="Kiosk Demo", help="organiser shown after login")
    add(
        "--token-lifetime",
        type=_number(0, 10 * 365 * 86400),
        default=24 * 3600.0,
        metavar="SECONDS",
        help="a session ends this long after its last use (default: 86400)",
    )
    add("--latency-ms", type=_number(0, 600_000), default=0.0, help="delay every API answer by this much")
    add("--failure-rate", type=_number(0, 1), default=0.0, help="share of API requests answered 500 (0..1)")
    add(
        "--clock-offset",
        type=_number(-1e9, 1e9),
        default=0.0,
        metavar="SECONDS",
        help="server clock = real UTC time + this",
    )
    add(
        "--utc-offset-minutes",
        type=int,
        default=0,
        metavar="MINUTES",
        help="time zone offset of every time the server writes (default: 0, i.e. +00:00)",
    )


def run_serve(args: argparse.Namespace) -> int:
    """Serve until interrupted; 0 on a clean stop, 2 when the server cannot start."""
    db = Path(args.db)
    if args.import_csv and not Path(args.import_csv).is_file():
        print(f"kiosk serve: no such CSV file: {args.import_csv}", file=sys.stderr)
        return 2
    try:
        server = ServerThread(
            db,
            event_id=args.event_id,
            api_key=args.api_key,
            guests=args.guests,
            seed=args.seed,
            import_csv=args.import_csv,
            host=args.host,
            port=args.port,
            event_name=args.event_name,
            company=args.company,
            token_lifetime=args.token_lifetime,
            latency_ms=args.latency_ms,
            failure_rate=args.failure_rate,
            clock_offset=args.clock_offset,
            utc_offset_minutes=args.utc_offset_minutes,
        )
    except (OSError, sqlite3.Error) as err:
        print(f"kiosk serve: cannot use the database {db}: {err}", file=sys.stderr)
        return 2
    report = server.seed_report
    for problem in report.problems:
        print(f"kiosk serve: import: {problem}", file=sys.stderr)
    if report.note:
        print(f"kiosk serve: {report.note}", file=sys.stderr)
    try:
        server.start()
    except (OSError, RuntimeError) as err:
        print(f"kiosk serve: cannot listen on {args.host}:{args.port}: {err}", file=sys.stderr)
        server.store.close()
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        guests = server.store.guest_count()
        print(
            f"kiosk server on {server.url}  event id: {args.event_id}  api key: {args.api_key}  "
            f"({guests} guests, database {db})",
            flush=True,
        )
        # A timed wait, so that Ctrl-C is noticed promptly on every platform.
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.platforms.invitario.emulator", description="Run the kiosk reference server."
    )
    add_serve_arguments(parser)
    return run_serve(parser.parse_args(argv))
