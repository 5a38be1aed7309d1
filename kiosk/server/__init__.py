"""The reference server: a runnable emulator of the Invitario v1 guest API (demo, tests, LAN use).

It stands alone (its own SQLite file; it imports only kiosk.domain helpers from the rest of kiosk).
Entry points: `ServerThread` (in-process, for tests and the demo), `add_serve_arguments` and `run_serve`
(for `kiosk serve`), `python -m kiosk.server`. API choices are written in kiosk.server.api, the upload
contract's implementation in kiosk.server.changes, the admin endpoints in kiosk.server.admin.
"""

from kiosk.server.cli import add_serve_arguments, run_serve
from kiosk.server.generate import generate_guests, iter_guests, sample_codes
from kiosk.server.run import ServerThread

__all__ = [
    "ServerThread",
    "add_serve_arguments",
    "generate_guests",
    "iter_guests",
    "run_serve",
    "sample_codes",
]
