"""pretix orders and their positions into kiosk's guests (see the package docstring for the choices)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.domain.codes import CodeKind
from kiosk.domain.models import Admission, DisplayField, Guest
from kiosk.platforms.records import MalformedRecord, parse_when, text_of

# pretix's order states (Order.STATUS_*): pending, paid, expired, canceled.
PENDING, PAID, EXPIRED, CANCELED = "n", "p", "e", "c"


@dataclass(frozen=True)
class CheckinList:
    """What of a pretix check-in list the door decides on."""

    id: int
    name: str
    # None: every product of the event; else the ids of the products this list admits.
    products: frozenset[int] | None
    allow_multiple_entries: bool = False
    allow_entry_after_exit: bool = True

    def admits(self, item: int) -> bool:
        return self.products is None or item in self.products


def checkin_list(raw: object) -> CheckinList:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), int):
        raise MalformedRecord("a check-in list without an integer id")
    limit = raw.get("limit_products") or []
    products = None if raw.get("all_products", True) else frozenset(i for i in limit if isinstance(i, int))
    return CheckinList(
        id=raw["id"], name=i18n(raw.get("name")) or f"list {raw['id']}", products=products,
        allow_multiple_entries=bool(raw.get("allow_multiple_entries")),
        allow_entry_after_exit=raw.get("allow_entry_after_exit") is not False,
    )


def i18n(value: object) -> str:
    """An i18n string as pretix gives it: a plain string, or {"en": ..., "de": ...} (English first)."""
    if isinstance(value, Mapping):
        for key in ("en", *value):
            text = text_of(value.get(key))
            if text:
                return text
        return ""
    return text_of(value) or ""


def _presence(checkins: object, list_id: int) -> tuple[datetime | None, datetime | None, datetime | None]:
    """(newest entry, the exit after it if any, newest of all) from a position's check-ins on one list."""
    if not isinstance(checkins, list):
        raise MalformedRecord("checkins is not a list")
    moves: list[tuple[datetime, str]] = []
    for c in checkins:
        if not isinstance(c, Mapping) or c.get("list") != list_id or c.get("successful") is False:
            continue
        when = parse_when(c.get("datetime"))
        if when is not None:
            moves.append((when, str(c.get("type") or "entry")))
    moves.sort()
    entry = next((t for t, kind in reversed(moves) if kind == "entry"), None)
    exit_ = next((t for t, kind in reversed(moves) if kind == "exit"), None)
    check_out = exit_ if exit_ is not None and (entry is None or exit_ >= entry) else None
    return entry, check_out, moves[-1][0] if moves else None


def guest_from(position: object, order: Mapping[str, Any], lst: CheckinList, products: Mapping[int, str]) -> Guest:
    """One order position as a guest: its secret is the code scanned at the door; MalformedRecord if unusable."""
    if not isinstance(position, Mapping):
        raise MalformedRecord(f"a position of order {order.get('code')!r} is not a JSON object")
    pid = position.get("id")
    if isinstance(pid, bool) or not isinstance(pid, int):
        raise MalformedRecord(f"a position of order {order.get('code')!r} has no integer id")
    secret = text_of(position.get("secret"))
    item = position.get("item")
    if secret is None or not isinstance(item, int):
        raise MalformedRecord(f"position {pid}: no secret or no item")
    status = order.get("status", position.get("order__status"))
    entry, check_out, newest = _presence(position.get("checkins", []), lst.id)
    product = products.get(item, f"product {item}")
    name = text_of(position.get("attendee_name")) or ""
    parts = position.get("attendee_name_parts")
    parts = parts if isinstance(parts, Mapping) else {}
    family, given = text_of(parts.get("family_name")), text_of(parts.get("given_name"))
    code = text_of(order.get("code")) or text_of(position.get("order")) or ""
    return Guest(
        id=str(pid),
        access_code=secret,
        access_code_kind=CodeKind.TICKET_SECRET,
        client_update=newest,
        server_update=parse_when(order.get("last_modified")),
        check_in=entry,
        check_out=check_out,
        admission=_admission(status, position, order, lst, item),
        fields={"order": code, "item": item, "product": product, "status": status},
        name=name,
        sort_name=" ".join(p for p in (family, given) if p) or name,
        company=text_of(position.get("company")) or "",
        email=text_of(position.get("attendee_email")) or text_of(order.get("email")) or "",
        display=(DisplayField("product", "Product", product), DisplayField("order", "Order", code)),
    )


def _admission(status: object, position: Mapping[str, Any], order: Mapping[str, Any], lst: CheckinList,
               item: int) -> Admission:
    """What pretixSCAN would decide offline, in kiosk's words (the door's verdict follows from it)."""
    if position.get("canceled") is True or status in (CANCELED, EXPIRED):
        return Admission.CANCELLED
    if position.get("blocked"):
        return Admission.DEREGISTERED
    if not lst.admits(item):
        return Admission.NOT_VALID_HERE
    if status == PAID:
        return Admission.ADMISSIBLE
    if status == PENDING:
        valid = order.get("valid_if_pending", position.get("order__valid_if_pending"))
        return Admission.ADMISSIBLE if valid is True else Admission.NOT_CONFIRMED
    raise MalformedRecord(f"position {position.get('id')}: order status {status!r} is not one pretix documents")


def guests_of_orders(orders: Iterable[object], lst: CheckinList,
                     products: Mapping[int, str]) -> tuple[list[Guest], list[str]]:
    """Every usable position of a page of orders as a guest, and one line per record that was skipped."""
    guests: list[Guest] = []
    malformed: list[str] = []
    for order in orders:
        if not isinstance(order, Mapping) or not isinstance(order.get("positions"), list):
            malformed.append("an order without a list of positions")
            continue
        for position in order["positions"]:
            try:
                guests.append(guest_from(position, order, lst, products))
            except MalformedRecord as err:
                malformed.append(str(err))
    return guests, malformed
