"""PlanDocket: participants and check-ins (`plandocket-participants.txt`, `plandocket-check-ins.txt`).

What the documents say: every request carries `Authorization: Bearer <key>`; `GET /api/v1/participants`
(filters `event_key`, `customer_number`, `confirmed`, `include=contact,event,category`) lists
participations (`id`, `event_id`, `contact_id`, `is_confirmed`, `created_at`, `updated_at`);
`GET /api/v1/check-ins?event_key=` lists check-in records (`id`, `event_participant_id`, `contact`,
`check_in_type`, `badge_number`, `station`, `checked_in_at`, `checked_out_at`, `is_checked_in`, `notes`...);
`POST /api/v1/check-ins` (`event_key`, `participant_id` or `badge_number`, `action` check_in|check_out,
`check_in_type` manual|scan|app, `station`, `notes`) records one; `DELETE /api/v1/check-ins/{id}` removes
one; `GET /api/v1/check-ins/stats`.

What they leave out, and what kiosk does there:
- No "changed since" and no paging: every pull is the whole event, one answer per list. The mirror marks
  and sweeps (`Store.begin_listing`): a participant missing from a complete listing is deleted at the door;
  a listing with an unreadable record, or cut off, removes nobody; an empty listing is refused.
- The list answer's shape: `{"data": [...], "meta": {...}}` (the sample shows one object under `data`
  for a single item). Times may be ISO-8601 strings (the schema) or epoch seconds (the sample): both read;
  a string without an offset is UTC.
- No login: `kiosk configure` checks the key and event key with `GET /api/v1/check-ins/stats`; 401/403 is
  a refused key, 404 an unknown event key.
- Names: `include=contact` gives `first_name`, `last_name`, `company`, `email`, `customer_number` (the
  contact's shape is not documented; these are the names kiosk reads, anything else is ignored).
- Codes at the door: the participant id; the badge number, which the participant schema does not have, is
  taken from the participant's newest check-in record that carries one; and the contact's customer number
  (the station's badge field, `customerNumber`).
- Unconfirmed participations (`is_confirmed` false) are refused at the door: "Registration not confirmed".
- Presence: the participant's newest check-in record (`is_checked_in`, `checked_in_at`, `checked_out_at`,
  `station`), so the door says "already in since 10:42 at North" for another station's check-in.
- The POST is not idempotent. kiosk writes `kiosk:<change id>` into the record's `notes`, and before each
  batch reads the check-in list back: a change whose record is there already (its answer was lost) is
  adopted, not posted again. A check-in for a participant who is already checked in is not posted: it is
  a conflict between doors, shown to staff. A check-out of a participant already out is done already.
  Two doors whose read-backs both come before either POST both record the participant (no conditional
  create in the API); the next listing shows two open check-ins, and the door whose record came second
  turns its change into a conflict for staff (`PullPage.late_conflicts`).
- Undo of a check-in deletes the open record kiosk made (found by its notes); a check-in made by another
  desk is never deleted. Undo of a check-out posts a new check-in (there is no way to reopen a record).
- Errors: 422 `{"error", "errors": {field: [message]}}` and 404 for one change drop that change with the
  message (the first field named); 429 and 5xx are "try later", honouring `Retry-After`.
- Rate limit: the documents name none; PlanDocket tenants are held to 1,000 requests an hour (what
  kiosk plans for, and the emulator enforces). A pull costs two requests, so a station pulls at most every
  30 s (240 an hour); uploads bunch up behind a 429 (`Retry-After` honoured) and nothing is lost.
"""
