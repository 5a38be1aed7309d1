"""The reference server: a runnable emulator of the Invitario v1 guest API (demo, tests, LAN use).

It stands alone (its own SQLite file; it imports only kiosk.domain helpers from the rest of kiosk).
Entry points: `ServerThread` (in-process, for tests and the demo), `add_serve_arguments` and `run_serve`
(for `kiosk serve`), `python -m kiosk.platforms.invitario.emulator`. API choices are written in its `api`
module, the upload contract's implementation in `changes`, the admin endpoints in `admin`.
"""

from kiosk.platforms.invitario.emulator.cli import add_serve_arguments, run_serve
from kiosk.platforms.invitario.emulator.generate import generate_guests, iter_guests, sample_codes
from kiosk.platforms.invitario.emulator.run import ServerThread

__all__ = [
    "ServerThread",
    "add_serve_arguments",
    "generate_guests",
    "iter_guests",
    "run_serve",
    "sample_codes",
]
