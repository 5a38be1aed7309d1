"""Conferences i/o: one session's attendance (`conferences-io-api-v2.txt`); check-ins stay on the station.

What the document says: base `https://{subdomain}.cnf.io/api/v2`, every request carries `API-Key: <key>`;
answers are `{"status": "ok", "code": "200", "data": ...}`, errors `{"status": "error", "code": "500",
"message": ...}`. kiosk reads three endpoints: `GET /app` (event `name`, `timezone`, the labels
`custom_attendee_field_1` ... `_5`), `GET /sessions` (`data.data`: `id`, `name`, `date`, `start_time`,
`location`, `checkout_required`) and `GET /sessions/{id}/attendance` (`data`: records with `user`
{`first_name`, `last_name`, `email`, `external_id`, `field_1..5`}, `checkin_time`, `checkout_time`,
`history` [{`action`: checkin | checkout, `timestamp`}], notes). It calls nothing that changes data.

What it leaves out, and what kiosk does there:
- A station serves one session (`kiosk configure --session ID`); without one, configure prints one line
  listing the sessions (`id (date start, name, location)`) and exits 2 (base.ChoiceNeeded). The event id
  is the app (default: the server's host), the session a station setting (`StationConfig.session`).
- No way to record a check-in or a check-out (preload adds attendees without checking them in, remove
  takes check-ins away): **check-ins stay on this station** (`Uploads.STATION_ONLY`, `max_batch = 0`), as
  for Webkasa. Attendance is taken off the station with `kiosk export` at the end of the session.
- Check-out: the capabilities are static, and the platform records none (`check_out=False`). The station's
  own check-out mode (staff panel, `kiosk scan --mode check-out`) works for every session and stays on
  the station too; the session list `kiosk configure` prints marks the sessions with `checkout_required`.
- Who is on the list: the session's attendance records (preloaded attendees, `checkin_time` null until they
  come). Inside: the newest `history` entry is a checkin; without a history, `checkin_time` set and
  `checkout_time` not later. Everyone listed may enter (the API has no registration state).
- Codes: `user.external_id` is the scan code; the e-mail is searched, never matched as a code. A record
  with neither is skipped as malformed (one line), and a listing with a malformed record removes nobody.
- Guest ids are `{session}/{external_id}` (or `{session}/email:{address}`): a person attends many sessions,
  and being inside one is not being inside the next. `kiosk configure --session OTHER` on the same app keeps
  the mirror and this station's queued check-ins; the next completed listing sweeps the old session's
  attendees (kept as deleted, with their check-ins, for the export) and lists the new one's, none inside.
  Switching the session from the window is a staff action not built yet: use `kiosk configure`.
- Custom fields `field_1..5` are shown in the detail under the app's labels, read afresh on every pull.
- Paging: none documented; the attendance is one answer, read whole on every pull (mark and sweep). A cut-
  off or non-JSON answer is "try later" and removes nobody.
- Rate limits: none documented. One request at a time; a 429 is waited out once (Retry-After, else 5 s)
  and retried once; a second one, or a wait over 60 s, ends the round and the sync loop backs off.
- Errors: the envelope's `message` as one line (an error envelope with HTTP 200 counts as an error). 5xx,
  408, 429: try later. Not documented, mapped as for the others: 401/403 a refused key (or API access
  not switched on), 404 and redirects a wrong address or session (the app's URI may have changed).
"""
