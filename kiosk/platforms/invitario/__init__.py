"""Invitario, the v1 guest API (`invitario-guest-api-v1.txt`): kiosk's first platform, and its reference server.

What the document says: every call is a JSON `POST /api/v1/...`; `login` (event id, API key, station name)
gives a session token valid until 24 hours pass without use; `guest/list/all` and `guest/list/recent`
(`sinceDateTime`) answer `{"count", "dateTime", "guests"}`, the server's `dateTime` being the next
cursor; a guest carries `id`, `accessCode`, `registrationState`, `checkInDateTime`, `checkOutDateTime`,
`clientUpdateDateTime`, `deleteDateTime` and its fields; errors are `{"status": "error", "code"}`
(1000 unknown event, 1010 wrong key, 30 expired session).

What it leaves out, and what kiosk does there (restated in full in docs/platforms/invitario.md):
- No upload endpoint: kiosk defines `guest/update`, which takes a guest's whole presence state with its
  `clientUpdateDateTime`; the server keeps the newer one (last writer wins), so a resend is harmless and
  an older change comes back "superseded" with the guest as stored, which staff see as a conflict.
- A list answer may be large: it is read as a stream (`stream.py`), one guest at a time, in pages.
- A malformed guest record is skipped with one line in the log; the others still land.
- An expired session (30) logs in again once by itself.

Modules: `connector.py` (the Connector), `transport.py` (requests, error mapping), `wire.py` (the
envelope), `mapper.py` (guest record -> Guest), `listing.py` and `stream.py` (list answers), and
`emulator/` (the reference server, `kiosk serve`; it shares no code with the connector).
"""
