"""pretix: orders, check-in lists and the check-in RPC of pretix's REST API (checked against pretix 2026.8.0).

What pretix documents, and kiosk uses:
- Every request carries `Authorization: Token <team API token>`. The station's event is
  `ORGANIZER/EVENT` (the two short names in the event's address), its list a check-in list's id.
- `GET /api/v1/organizers/{o}/events/{e}/` (the login check: 401/403 a refused token, 404 an unknown
  event), `.../checkinlists/` (ids, names, `all_products`, `limit_products`, `allow_multiple_entries`),
  `.../items/` (product names), `.../orders/` (orders with their positions: `id`, `secret`, `item`,
  `attendee_name`, `attendee_name_parts`, `company`, `canceled`, `checkins` with `list`, `type`
  entry|exit and `datetime`), paged by `page_size` (50 at most) and `next` links, filtered by
  `modified_since`; its `X-Page-Generated` header is pretix's clock when it read the orders.
- `POST /api/v1/organizers/{o}/checkinrpc/redeem/` (`secret`, `lists`, `type`, `datetime`, `nonce`,
  `force`): 201 `{"status": "ok"}`; 400 `{"status": "error", "reason": ...}` with `already_redeemed`,
  `unpaid`, `canceled`, `product`, `rules`, `revoked`, `blocked`, `invalid_time`...; 404 `invalid` for a
  secret pretix does not know. `POST .../checkinrpc/annul/` (`nonce`, `lists`) takes back the check-in
  stored under that nonce, within 15 minutes of it. `GET .../checkinlists/{id}/status/` counts the list's
  positions and those inside.

What the documents leave out, and what kiosk does there:
- The mirror: one guest per order position, its id the position's id (stable; a secret can be
  regenerated) and its code the position's `secret`. The positions endpoints ignore `modified_since`, so
  pulls read `orders/` (with `include_canceled_positions=true`) and the cursor is the first page's
  `X-Page-Generated`: an order changed while later pages are read is listed again next time, never
  missed. A check-in or an annulment touches its order (`Order.last_modified`), so other devices'
  check-ins arrive with the next pull. Listing is incremental; pretix deletes no orders outside test
  mode, and a canceled one stays, refused.
- Verdicts, decided at the door from the mirror like pretixSCAN's offline mode: a paid order admits; a
  pending one is "not confirmed" (staff may admit it anyway), unless pretix marks it `valid_if_pending`;
  a canceled or expired order, or a canceled position, is refused as cancelled; a blocked ticket as
  deregistered; a product not on the station's list as "not valid at this entrance", with the product's
  name among the guest's fields (`product`, which pretix stations show on the verdict screen). Presence
  is the position's newest entry on the list and any exit after it. A list's `rules` and validity
  windows are not evaluated offline: pretix's answer to the upload says so (see below). A revoked
  secret is simply no longer in the mirror: "code not known".
- Uploads: each change is one redeem on the station's list with its change id as the `nonce` (a uuid,
  36 characters; pretix keeps up to 190). pretix answers a redeem whose nonce it has stored `ok` and
  stores nothing new, forced or not, so a resend after a lost answer is recorded once. The first send is
  not forced: `already_redeemed` means another device let the ticket in first (the list allows no second
  entry), a conflict shown to staff with the attendee as pretix has them, and nothing stored. Any other
  refusal (unpaid, canceled, product, rules...) means pretix disagrees with a decision the door took from
  its copy, and the person already went in or out on it: it is sent again with `force=true` and
  recorded, as pretixSCAN does with scans decided offline. A scan the door refused never reaches the
  queue, so it is never uploaded, forced or not. `invalid` (an unknown secret) is refused.
- Exits are redeems of `type=exit`; an undo annuls this station's change before it (found through the
  outbox, `own`) by its nonce; "Cannot annul an unsuccessful checkin" means an earlier send of the undo
  landed. pretix refuses an annulment more than 15 minutes after the check-in (refused, with its reason).
- The station needs the secret to redeem; the mirror keys guests by position id. The connector keeps
  the secrets of its listings, and asks `orderpositions/{id}/` for one it has not listed yet (a push
  after a restart comes before the first pull).
- "In / total" at the door: the total is the list's `position_count` from `checkinlists/{id}/status/`,
  asked after every good pull (base.CountsAdmissible): the mirror also holds canceled tickets and other
  products' positions, to refuse them with a reason, so its own count would be too high. "In" stays the
  mirror's count, which includes this station's scans before they are uploaded (pretix's `inside_count`
  cannot); after a pull both agree.
- No session, no rate limit named: a pull every few seconds is fine for one event.
- Not done: device tokens (`Authorization: Device`, `POST /api/v1/device/initialize`), pretix's
  check-in rules (`rules`, evaluated by pretixSCAN offline), sub-events, questions asked at check-in
  (uploads say `questions_supported=false`), and revoked secrets as their own verdict.
"""
