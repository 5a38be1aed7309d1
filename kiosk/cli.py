"""The `kiosk` command line: a stable contract that scripts outside the project drive."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk import __version__
from kiosk.app import (
    Station,
    configure_station,
    open_station,
    station_identity,
    switch_session,
    wipe_station,
    wipe_summary,
)
from kiosk.domain import Guest, Mode, normalise_code
from kiosk.domain.safe_text import json_terminal_safe, terminal_safe
from kiosk.domain.timeutil import format_time
from kiosk.platforms import DEFAULT_PLATFORM, PLATFORMS, usable_names
from kiosk.platforms.base import AuthRefused, ChoiceNeeded, Misconfigured, ProtocolError, RemoteError, Uploads
from kiosk.services.pin import PinGuard
from kiosk.services.sync import SyncReport, clock_warning
from kiosk.storage import StoreError, SyncState
from kiosk.storage.config import (
    PULL_INTERVAL_MAX_S,
    PULL_INTERVAL_MIN_S,
    ConfigError,
    StationConfig,
    default_data_dir,
    load_config,
)
from kiosk.storage.dbfiles import NoDatabaseYet

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
API_KEY_ENV = "KIOSK_API_KEY"
# How often a headless `kiosk sync` looks whether its station was wiped or configured anew meanwhile.
STATION_CHECK_S = 1.0


# The platforms `kiosk serve` can stand in for.
EMULATED = ("invitario", "plandocket", "webkasa", "conferences-io")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Offline-first check-in desk.")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="station data dir (default: $KIOSK_DATA_DIR or the platform's user data dir)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output on stderr")
    parser.add_argument("--language", choices=["de", "en"], default=None,
                        help="the window's language (default: the station's setting, else the system locale)")
    parser.add_argument("--fullscreen", action="store_true",
                        help="without a command: open the window in full-screen kiosk mode")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("configure", help="set up this station (logs in to check the settings)",
                       epilog=f"The API key (app code) comes from --api-key-file or --api-key, else ${API_KEY_ENV}. "
                       "Other users can read --api-key in the process list while configure runs.")
    p.add_argument("--platform", default=DEFAULT_PLATFORM, metavar="NAME",
                   help=f"the event platform the server is: {', '.join(usable_names())} (default {DEFAULT_PLATFORM})")
    p.add_argument("--server", required=True, help="base URL of the check-in server")
    p.add_argument("--event-id", default=None,
                   help="the event's id on the platform (required, except for conferences-io: the app, by default "
                   "the server's host)")
    p.add_argument("--session", default=None, metavar="SESSION_ID",
                   help="conferences-io: the session this door serves (without it, configure lists them)")
    p.add_argument("--checkin-list", default=None, metavar="LIST_ID",
                   help="pretix: the check-in list this door serves (without it, the event's only list; "
                   "configure names them if there are several)")
    key = p.add_mutually_exclusive_group()
    key.add_argument("--api-key-file", metavar="FILE",
                     help="read the app code of the event's check-in configuration from FILE, or from standard "
                     "input with '-' (asked for without echo in a terminal)")
    key.add_argument("--api-key", metavar="KEY", help=f"the app code itself (visible in `ps`; prefer --api-key-file "
                     f"or ${API_KEY_ENV})")
    p.add_argument("--station", required=True, help="this station's name, e.g. 'North entrance'")
    p.add_argument("--badge-field", default=None,
                   help="guest field that holds the badge number (default: the platform's, externalId for invitario)")
    p.add_argument("--pull-interval", type=float, default=15.0,
                   help=f"seconds between pulls, {PULL_INTERVAL_MIN_S:g} to {PULL_INTERVAL_MAX_S:g} (default 15)")
    p.add_argument("--ca-bundle", default=None, help="CA certificate file for a self-signed server")

    p = sub.add_parser("sync", help="upload queued changes, then download what changed")
    p.add_argument("--once", action="store_true", help="one round, then exit (the default runs until Ctrl-C)")
    p.add_argument("--json", action="store_true", help="print one JSON line per round")

    p = sub.add_parser("scan", help="decide one code exactly as the window does, and queue the change")
    p.add_argument("code")
    p.add_argument("--mode", choices=[m.value for m in Mode], default=None,
                   help="default: the station's configured mode")
    p.add_argument("--json", action="store_true", help="print one JSON line")

    p = sub.add_parser("status", help="mirror, queue and sync figures")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("conflicts", help="changes another station won, for staff to review")
    p.add_argument("--json", action="store_true")
    p.add_argument("--acknowledge", action="store_true", help="mark all listed conflicts as seen")

    p = sub.add_parser("stats", help="the door manager's figures: inside, checked in, no-shows, arrivals")
    p.add_argument("--json", action="store_true", help="print one JSON line")
    p.add_argument("--timezone", default=None, metavar="ZONE",
                   help="arrivals in this IANA time zone (default: the event's, if its platform says it, "
                        "else this computer's)")

    p = sub.add_parser("export", help="the attendance list as CSV (one row per attendee), for the organiser")
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.add_argument("--scans", type=Path, default=None, metavar="FILE.csv", help="also write the scan log here")
    p.add_argument("--timezone", default=None, metavar="ZONE",
                   help="write times in this IANA time zone, e.g. Europe/Berlin (default: the event's, if its "
                        "platform says it, else this computer's)")

    from kiosk.badges.cli import add_badge_arguments

    add_badge_arguments(sub.add_parser("badge", help="write a guest's badge, or every guest's on A4 sheets, to a PDF"))

    p = sub.add_parser("demo", help="try the kiosk: a demo server in this process, a station and the window")
    p.add_argument("--data-dir", dest="demo_data_dir", type=Path, default=None, metavar="DIR",
                   help="keep the demo's station and server data here (default: a temporary dir)")
    p.add_argument("--guests", type=int, default=500, metavar="N", help="how many guests the demo server makes up")
    p.add_argument("--offscreen-seconds", type=float, default=None, metavar="S",
                   help="run without a display (Qt offscreen) and quit after S seconds (smoke tests)")
    p.add_argument("--fullscreen", dest="demo_fullscreen", action="store_true", help="full-screen kiosk mode")
    p.add_argument("--language", dest="demo_language", choices=["de", "en"], default=None,
                   help="the window's language (default: the system locale)")
    p.add_argument("--platform", default=DEFAULT_PLATFORM, choices=EMULATED,
                   help="which platform the demo server stands in for (default: invitario)")
    p.add_argument("--quit-after", type=float, default=None, help=argparse.SUPPRESS)

    p = sub.add_parser("autostart", help="open this station full screen at the user's login (on), or no more (off)",
                       epilog="Writes or removes ~/.config/autostart/kiosk.desktop ($XDG_CONFIG_HOME/autostart), which "
                       "runs `kiosk --fullscreen` (with this --data-dir, if one was given). Leaving full screen "
                       "needs the staff PIN once one is set.")
    p.add_argument("state", choices=["on", "off"])

    p = sub.add_parser("wipe", help="remove the event's guest data, queue, settings and secrets from this station")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation (for scripts)")

    from kiosk.bench.command import add_bench_arguments

    add_bench_arguments(sub.add_parser("bench", help="measure whether this machine copes with a big event"))

    from kiosk.platforms.invitario.emulator.cli import add_serve_arguments

    p = sub.add_parser("serve", help="run the reference server (demo, tests, small events)")
    add_serve_arguments(p)
    p.add_argument("--platform", default=DEFAULT_PLATFORM, choices=EMULATED,
                   help="which platform's API to emulate (plandocket, webkasa, conferences-io: in memory, --db is "
                   "not used)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Everything kiosk writes (mirror, logs, settings) is private to the user running the station.
    os.umask(0o077)
    _setup_logging(args.verbose, errors_said_once=args.command is not None)
    data_dir: Path = args.data_dir or default_data_dir()
    try:
        if args.command is None:
            from kiosk.ui.qt_app import run_first_run

            return run_first_run(data_dir, open_station=open_station, configure=configure_station,
                                 switch_session=switch_session, fullscreen=args.fullscreen,
                                 language=args.language)
        if args.command == "demo":
            return _demo(args)
        if args.command == "configure":
            return _configure(data_dir, args)
        if args.command == "wipe":
            return _wipe(data_dir, args)
        if args.command == "autostart":
            return _autostart(data_dir, args)
        if args.command == "bench":
            from kiosk.bench.command import run_bench_command

            return run_bench_command(args)
        if args.command == "serve":
            if args.platform == "plandocket":
                from kiosk.platforms.plandocket.emulator import serve_until_stopped

                return serve_until_stopped(host=args.host, port=args.port, event_key=args.event_id,
                                           api_key=args.api_key, guests=args.guests, seed=args.seed,
                                           clock_offset=args.clock_offset)
            if args.platform == "webkasa":
                from kiosk.platforms.webkasa.emulator import serve_until_stopped as serve_webkasa

                return serve_webkasa(host=args.host, port=args.port, event_id=args.event_id,
                                     api_key=args.api_key, guests=args.guests, seed=args.seed,
                                     clock_offset=args.clock_offset)
            if args.platform == "conferences-io":
                from kiosk.platforms.conferences_io.emulator import serve_until_stopped as serve_cnf

                return serve_cnf(host=args.host, port=args.port, api_key=args.api_key, guests=args.guests,
                                 seed=args.seed, clock_offset=args.clock_offset)
            from kiosk.platforms.invitario.emulator.cli import run_serve

            return run_serve(args)
        if args.command in ("sync", "scan", "status", "conflicts", "export", "stats", "badge"):
            return asyncio.run(_with_station(data_dir, args))
        build_parser().print_help()
        return EXIT_USAGE
    except ConfigError as err:
        _error(str(err))
        return EXIT_USAGE
    except (RemoteError, StoreError) as err:
        _error(str(err))
        return EXIT_FAILED
    except OSError as err:  # the file system refused something no check foresaw: still one line
        _error(f"{err.strerror or err}" + (f": {err.filename}" if err.filename else ""))
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


def _say(text: str) -> None:
    """Every line of text output goes through here: names and server text are shown, never obeyed."""
    print(terminal_safe(text), flush=True)


def _error(text: str) -> None:
    print(f"kiosk: {terminal_safe(text)}", file=sys.stderr, flush=True)


def _json_line(value: Any) -> str:
    return json_terminal_safe(json.dumps(value, ensure_ascii=False))


def _demo(args: argparse.Namespace) -> int:
    if args.guests < 1:
        _error("--guests must be at least 1")
        return EXIT_USAGE
    if args.offscreen_seconds is not None and args.offscreen_seconds <= 0:
        _error("--offscreen-seconds must be more than 0")
        return EXIT_USAGE
    from kiosk.demo import run_demo

    # Never the user's real station: only an explicit --data-dir (before or after `demo`) is used.
    return run_demo(args.demo_data_dir or args.data_dir, guests=args.guests,
                    offscreen_seconds=args.offscreen_seconds, quit_after=args.quit_after,
                    fullscreen=args.fullscreen or args.demo_fullscreen, platform=args.platform,
                    language=args.demo_language or args.language)


def _autostart(data_dir: Path, args: argparse.Namespace) -> int:
    from kiosk import autostart

    if not autostart.supported():
        _error("autostart writes an XDG autostart entry, for Linux desktops; see packaging/README.md for this "
               "system's way")
        return EXIT_USAGE
    if args.state == "off":
        removed = autostart.disable()
        _say(f"Autostart off: removed {removed}." if removed else "Autostart was off: nothing to remove.")
        return EXIT_OK
    command = autostart.kiosk_command()
    # The station this command was pointed at (--data-dir or $KIOSK_DATA_DIR, which a login session lacks).
    if args.data_dir is not None or os.environ.get("KIOSK_DATA_DIR"):
        command += ["--data-dir", str(data_dir.resolve())]
    entry = autostart.enable(command)
    _say(f"Autostart on: {entry} opens the station full screen at login.")
    if not PinGuard(data_dir).is_set():
        _say("No staff PIN is set yet: anyone can leave full screen. Set one in the staff tools (F2).")
    return EXIT_OK


def _wipe(data_dir: Path, args: argparse.Namespace) -> int:
    event, queued = wipe_summary(data_dir)
    if not args.yes:
        if not sys.stdin.isatty():
            _error("wipe needs a confirmation: run it in a terminal, or pass --yes")
            return EXIT_USAGE
        lost = f" {queued} check-ins not uploaded yet will be LOST." if queued else ""
        _say(f"This removes all guest data, the scan log, the settings and the API key of event {event or '-'} "
             f"from {data_dir}.{lost}")
        if input("Type 'wipe' to confirm: ").strip().lower() != "wipe":
            _say("Nothing was removed.")
            return EXIT_FAILED
    removed = wipe_station(data_dir)
    _say(f"Wiped {data_dir}: {', '.join(removed) if removed else 'nothing was stored'}; API key removed.")
    return EXIT_OK


class _SafeFormatter(logging.Formatter):
    """Log lines carry guest ids and server text: shown, never obeyed by the terminal."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().formatMessage(record))


def _not_reported_by_the_command(record: logging.LogRecord) -> bool:
    """A record about a RemoteError that is on its way to the command, which prints it as its one line."""
    args = record.args if isinstance(record.args, tuple) else (record.args,)
    return not any(isinstance(arg, RemoteError) for arg in args)


def _setup_logging(verbose: int, *, errors_said_once: bool) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_SafeFormatter("kiosk: %(levelname)s: %(name)s: %(message)s"))
    if errors_said_once and verbose == 0:
        # The README promises one line per error; `-v` shows where on the way it was noticed.
        handler.addFilter(_not_reported_by_the_command)
    logging.basicConfig(level=level, handlers=[handler])
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))


def _api_key(args: argparse.Namespace) -> str:
    """The API key from --api-key-file (`-`: standard input) or --api-key, else $KIOSK_API_KEY."""
    if args.api_key_file == "-":
        raw = getpass.getpass("API key: ") if sys.stdin.isatty() else sys.stdin.read()
    elif args.api_key_file is not None:
        try:
            raw = Path(args.api_key_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"The API key file {args.api_key_file} cannot be read: "
                              f"{getattr(err, 'strerror', None) or err}.") from None
    elif args.api_key is not None:
        raw = args.api_key
    elif API_KEY_ENV in os.environ:
        raw = os.environ[API_KEY_ENV]
    else:
        raise ConfigError(f"configure needs the API key: --api-key-file FILE (or - for standard input), "
                          f"${API_KEY_ENV}, or --api-key KEY.")
    key = raw.strip()
    if not key:
        raise ConfigError("The API key is empty.")
    if any(ch.isspace() for ch in key):
        raise ConfigError("The API key must be one word on one line.")
    return key


def _configure(data_dir: Path, args: argparse.Namespace) -> int:
    server = args.server.strip()
    name = args.platform.strip().lower()
    known = PLATFORMS.get(name)
    badge_field = args.badge_field or (known.badge_field if known is not None else "externalId")
    sessions = known is not None and known.needs_session
    if args.session is not None and not sessions:
        raise ConfigError(f"--session is for platforms that track attendance per session (conferences-io), "
                          f"not {name}.")
    lists = known is not None and known.needs_checkin_list
    if args.checkin_list is not None and not lists:
        raise ConfigError(f"--checkin-list is for platforms with check-in lists (pretix), not {name}.")
    event_id = args.event_id
    if event_id is None or not event_id.strip():
        if not sessions:
            raise ConfigError("configure needs --event-id: the event's id on the platform.")
        # The app is the event: its address names it (https://SUBDOMAIN.cnf.io/api/v2).
        event_id = urlsplit(server).netloc or server
    config = StationConfig(server_url=server, event_id=event_id.strip(), station=args.station,
                           badge_field=badge_field, pull_interval_s=args.pull_interval,
                           ca_bundle=args.ca_bundle, platform=name, session=(args.session or "").strip(),
                           checkin_list=(args.checkin_list or "").strip())
    if known is not None and known.display_fields is not None:
        config = replace(config, display_fields=known.display_fields)
    try:
        info = asyncio.run(configure_station(data_dir, config, _api_key(args)))
    except ChoiceNeeded as err:  # a setting to choose among the server's offers: a usage error
        _error(str(err))
        return EXIT_USAGE
    except (AuthRefused, Misconfigured, ProtocolError) as err:  # it answered, but not yes
        _error(str(err))
        return EXIT_FAILED
    except RemoteError as err:
        _error(f"cannot reach {server} to check the settings: {err}")
        return EXIT_FAILED
    _say(f"Station {args.station!r} configured for event {info.name or info.event_id} in {data_dir}")
    return EXIT_OK


async def _with_station(data_dir: Path, args: argparse.Namespace) -> int:
    try:
        # status only reads: a station that has not synced or scanned yet gets no mirror file from it
        station = open_station(data_dir, create_mirror=args.command != "status")
    except NoDatabaseYet:
        return _print_status(load_config(data_dir), _NOTHING_YET, SyncState(), args)
    try:
        if args.command == "sync":
            return await _sync(station, args)
        if args.command == "scan":
            return _scan(station, args)
        if args.command == "status":
            return _status(station, args)
        if args.command == "export":
            return _export(station, args)
        if args.command == "stats":
            return _stats(station, args)
        if args.command == "badge":
            return _badge(station, args)
        return _conflicts(station, args)
    finally:
        await station.aclose()


async def _sync(station: Station, args: argparse.Namespace) -> int:
    sync = station.make_sync()
    if args.once:
        report = await sync.run_once()
        await station.connector.logout()
        _print_report(report, args.json)
        return EXIT_OK if report.ok else EXIT_FAILED
    loop = station.make_sync_loop(sync, on_report=lambda r: _print_report(r, args.json))
    watcher = asyncio.ensure_future(_watch_station(station, loop.stop))
    try:
        await loop.run()
    finally:
        watcher.cancel()
    if watcher.done() and not watcher.cancelled():
        _error(f"the station in {station.data_dir} was wiped or configured anew: sync stopped")
        return EXIT_USAGE
    return EXIT_OK


async def _watch_station(station: Station, stop: Callable[[], None]) -> None:
    """Stop the sync loop once the data dir no longer holds the station it syncs (`kiosk wipe`, a new configure):
    it would go on uploading and pulling for a station that is gone."""
    opened = station_identity(station.data_dir)
    while opened is not None:
        await asyncio.sleep(STATION_CHECK_S)
        if station_identity(station.data_dir) != opened:
            stop()
            return


def _print_report(report: SyncReport, as_json: bool) -> None:
    if as_json:
        print(_json_line({"ok": report.ok, "pushed": report.pushed, "applied": report.applied,
                          "conflicts": report.conflicts, "dropped": report.dropped, "pulled": report.pulled,
                          "malformed": report.malformed, "full": report.full, "error": report.error,
                          "clock_offset": report.clock_offset}), flush=True)
    elif report.ok:
        _say(f"Synced: {report.applied} uploaded, {report.conflicts} conflicts, {report.dropped} dropped, "
             f"{report.pulled} guests downloaded" + (f", {report.malformed} malformed skipped"
                                                     if report.malformed else ""))
    else:
        _error(f"sync did not complete: {report.error}")
    if report.clock_offset is not None and (warning := clock_warning(report.clock_offset)):
        _error(f"warning: {warning}")


def _scan(station: Station, args: argparse.Namespace) -> int:
    mode = Mode(args.mode or station.config.mode)
    outcome = station.checkin.scan(args.code, mode)
    verdict = outcome.verdict
    if args.json:
        matched = verdict.guest.matched_code(normalise_code(args.code), station.config.badge_field) \
            if verdict.guest is not None else None
        print(_json_line({"verdict": verdict.kind.value, "guest": _guest_json(verdict.guest),
                          # Which of the guest's codes the scan was: its kind (domain.CodeKind), or None.
                          "matchedBy": matched.kind.value if matched else None,
                          "queued": outcome.queued, "message": _scan_message(outcome.verdict),
                          "change_id": outcome.change.change_id if outcome.change else None}))
    else:
        _say(_scan_message(verdict))
    return EXIT_OK


def _export(station: Station, args: argparse.Namespace) -> int:
    from kiosk.services.export import event_zone, export_attendance, export_scans

    try:
        zone = event_zone(args.timezone, station.config.event_time_zone)
    except ValueError as err:
        _error(str(err))
        return EXIT_USAGE
    written = export_attendance(station.store, args.file, zone)
    _say(f"{written} attendee(s) written to {args.file}")
    if args.scans is not None:
        _say(f"{export_scans(station.store, args.scans, zone)} scan(s) written to {args.scans}")
    return EXIT_OK


def _badge(station: Station, args: argparse.Namespace) -> int:
    from kiosk.badges.cli import run_badge

    def progress(line: str, last: bool) -> None:
        # One line rewritten in a terminal; whole lines in a log.
        end = "\n" if last or not sys.stderr.isatty() else "\r"
        print(f"kiosk: {line}", end=end, file=sys.stderr, flush=True)

    config = station.config
    found = run_badge(station.store, config.event_name, config.badge_size, args, _say, progress,
                      station=config.station, station_printer=config.printer)
    return EXIT_OK if found else EXIT_FAILED


def _stats(station: Station, args: argparse.Namespace) -> int:
    from kiosk.services.export import event_zone
    from kiosk.services.statistics import as_json, statistics

    try:
        zone = event_zone(args.timezone, station.config.event_time_zone)
    except ValueError as err:
        _error(str(err))
        return EXIT_USAGE
    stats = statistics(station.store, zone)
    if args.json:
        print(_json_line(as_json(stats)))
        return EXIT_OK
    _say(f"inside now: {stats.inside}   checked in: {stats.checked_in} / {stats.total}   "
         f"no-shows: {stats.no_shows}")
    _say(f"refused scans: {stats.refused}   unknown codes: {stats.unknown}")
    for name, count in stats.by_station.items():
        _say(f"  checked in at {name}: {count}")
    _say(f"  checked in elsewhere (no station named): {stats.elsewhere}")
    for when, people in stats.arrivals:
        _say(f"  {when:%H:%M}  {people:>5}  {'#' * min(people, 60)}")
    return EXIT_OK


def _scan_message(verdict: Any) -> str:
    text = verdict.message
    if verdict.guest is not None:
        text = f"{text}: {verdict.guest.display_name}"
    if verdict.since is not None:
        text += f" (since {format_time(verdict.since)}" + (f" at {verdict.station})" if verdict.station else ")")
    return text


def _guest_json(guest: Guest | None) -> dict[str, Any] | None:
    if guest is None:
        return None
    return {"id": guest.id, "name": guest.display_name, "company": guest.company,
            "accessCode": guest.access_code, "accessCodeKind": guest.access_code_kind.value,
            "admission": guest.admission.value,
            "checkInDateTime": format_time(guest.check_in), "checkOutDateTime": format_time(guest.check_out),
            "deleteDateTime": format_time(guest.deleted), "parentId": guest.parent_id}


_NOTHING_YET = dict.fromkeys(("guests", "deleted", "checked_in", "queued", "conflicts", "scans"), 0)


def _status(station: Station, args: argparse.Namespace) -> int:
    return _print_status(station.config, station.store.counts(), station.store.sync_state(), args)


def _print_status(config: StationConfig, counts: dict[str, int], state: SyncState,
                  args: argparse.Namespace) -> int:
    platform = PLATFORMS.get(config.platform)
    # A platform that takes no check-ins keeps them on the station for good: not a queue that is stuck.
    kept = platform is not None and platform.capabilities.uploads is Uploads.STATION_ONLY
    status = {
        "station": config.station, "platform": config.platform, "event": config.event_id,
        **({"session": config.session} if config.session else {}),
        **({"checkin_list": config.checkin_list} if config.checkin_list else {}),
        "uploads": platform.capabilities.uploads.value if platform is not None else None,
        "guests": counts["guests"], "deleted": counts["deleted"], "checked_in": counts["checked_in"],
        "queued": 0 if kept else counts["queued"], "kept": counts["queued"] if kept else 0,
        "conflicts": counts["conflicts"], "scans": counts["scans"],
        "last_sync": format_time(state.last_success), "last_attempt": format_time(state.last_attempt),
        "last_error": state.last_error, "cursor": state.cursor,
        "clock_offset": round(state.clock_offset, 3), "online": state.online,
    }
    if args.json:
        print(_json_line(status))
    else:
        for key, value in status.items():
            _say(f"{key:>13}: {'-' if value is None else value}")
    return EXIT_OK


def _conflicts(station: Station, args: argparse.Namespace) -> int:
    conflicts = station.store.conflicts()
    rows = [{"change_id": c.change.change_id, "guest_id": c.change.guest_id, "kind": c.change.kind.value,
             "ours": format_time(c.change.client_update),
             "winner_update": format_time(c.winner.client_update) if c.winner else None,
             "winner_checked_in": c.winner.is_inside if c.winner else None,
             "name": c.winner.display_name if c.winner else None} for c in conflicts]
    if args.json:
        print(_json_line(rows))
    else:
        for r in rows:
            state = "inside" if r["winner_checked_in"] else "not inside"
            _say(f"{r['name'] or r['guest_id']}: this station's {r['kind']} at {r['ours']} lost to a "
                 f"change at {r['winner_update']} ({state})")
        if not rows:
            _say("No conflicts.")
    if args.acknowledge:
        station.store.acknowledge_conflicts([c.change.change_id for c in conflicts])
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
