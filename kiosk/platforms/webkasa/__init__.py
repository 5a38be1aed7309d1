"""Webkasa: event registrations (`webkasa-registrations.txt`); check-ins stay on the station.

What the document says: every request carries `Authorization: Bearer <key>`;
`GET /api/v1/events/{event_id}/registrations` (query `status`, `limit` default 50, `offset` default 0)
answers `{"data": [{"id", "event_id", "attendee_name", "attendee_email", "attendee_phone", "status",
"guest_count", "notes", "created_at"}], "meta": {"total", "limit", "offset", "hasMore"}}`;
`POST /api/v1/events/{event_id}/registrations` creates a registration (kiosk does not register anyone).
Statuses: PENDING (awaiting confirmation or payment), CONFIRMED, CANCELLED, ATTENDED (checked in at the event).
`guest_count` is the number of additional guests (2 means 3 people).

What it leaves out, and what kiosk does there:
- No way to record a check-in (no endpoint sets ATTENDED or updates a registration): **check-ins stay on
  this station** (`Uploads.STATION_ONLY`). The connector takes no uploads (`max_batch = 0`): every check-in
  stays in the station's outbox, so no listing can undo it, and the status bar says "kept on this
  station". Stations do not see each other's check-ins; attendance must be taken off the station at the
  end of the event. One door per event, or a platform that takes uploads, if one ticket must not enter
  twice.
- No login: `kiosk configure` checks the key and event id with a one-row listing; 401/403 is a refused
  key, 404 an unknown event id (or a wrong address).
- Codes at the door: the registration id (`reg_...`). The email is searched by name search, never
  matched as a scan code.
- Statuses at the door: CONFIRMED admitted; PENDING refused as not confirmed; CANCELLED refused as
  cancelled; ATTENDED already in (Webkasa gives no time: the check-in time is unknown, shown so). A
  status the document does not name makes the record malformed: skipped with one line, never guessed.
  Staff may admit a PENDING registration all the same (CheckIn.admit_unconfirmed: one confirmation in the
  staff detail, logged as a staff override).
- `guest_count`: the guest's companion_count (they have no records of their own): the door asks how many
  came with the registrant, and the figures count them as people.
- Paging: `limit`/`offset` until `meta.hasMore` is false. No largest `limit` is documented: kiosk asks for
  1000 and follows the rows it gets. Each page after the first starts one row early, and that row must be
  the previous page's last: otherwise rows moved under the offsets (a removal before them, which with an
  addition leaves the total alike) and one may have been skipped. Such a listing, or one whose
  `meta.total` changes on the way, ends the round before its last page, so it removes nobody (the rows
  read are kept) and the next pull reads it all again. Repeats are folded by id. This relies on the
  server keeping its order between requests, which offset paging needs anyway.
- No "changed since", no deletion marker: every pull is a full listing (mark and sweep, `Store.begin_listing`);
  whoever a completed listing lacks is deleted at the door; a listing cut off removes nobody; the previous
  listing answers scans while the next one downloads.
- Rate limits: the document names none. The issue gives 100 requests a minute (300 for GET) and 429 with
  `Retry-After` and `{"code": "RATE_LIMITED", "retry_after": N}`. kiosk sends at most 90 requests in any
  minute, one at a time; a 429 is waited out once (Retry-After, else the body's retry_after) and retried
  once; a second one, or a wait over 60 s, ends the round and the sync loop backs off.
- Errors: no body is documented; `message`, `error` or `code` is shown as one line if present. 408, 429
  and 5xx are "try later"; other 4xx are a protocol error.
"""
