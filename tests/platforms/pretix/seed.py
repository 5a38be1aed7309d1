"""Seeds a pretix database through pretix's own Django models; run with the pretix venv's python, not kiosk's.

    python seed.py base                   organizer, event, products, quota, check-in list, team token, and
                                          the standard orders (STANDARD)
    python seed.py orders START COUNT:STATUS:PRODUCT...   more orders, one position each (STATUS p|n|c),
                                          guests numbered from START

Prints one JSON object on stdout: what was made (ids, secrets), so the tests never guess.
"""

# django must be set up before pretix's models are imported.
from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils.timezone import now  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from pretix.base.models import Event, Item, Order, OrderPosition, Organizer  # noqa: E402

ORGANIZER, EVENT, TOKEN = "kiosk", "door", "kiosk-test-token-0123456789abcdefghijklmnopqrstuvwxyz012345"
# The check-in list admits the ticket; the workshop is a product of the event that is not on it.
PRODUCTS = {"ticket": "Conference ticket", "workshop": "Workshop pass"}
# The orders every test starts with: (how many, status, product); guests are numbered in this order.
STANDARD = [(20, "p", "ticket"), (2, "n", "ticket"), (2, "c", "ticket"), (2, "p", "workshop")]


def base() -> dict[str, object]:
    organizer = Organizer.objects.create(name="Kiosk Test", slug=ORGANIZER)
    event = Event.objects.create(
        organizer=organizer, name="Door Test", slug=EVENT, date_from=now() + timedelta(hours=1), live=True,
        currency="EUR", plugins="pretix.plugins.banktransfer",
    )
    items = {key: event.items.create(name=name, default_price=Decimal("20.00"), admission=True)
             for key, name in PRODUCTS.items()}
    quota = event.quotas.create(name="Everyone", size=None)
    quota.items.add(*items.values())
    entrance = event.checkin_lists.create(name="Entrance", all_products=False, include_pending=False)
    entrance.limit_products.add(items["ticket"])
    team = organizer.teams.create(name="Doors", all_events=True, all_event_permissions=True)
    team.tokens.create(name="kiosk tests", token=TOKEN)
    made = {"organizer": ORGANIZER, "event": EVENT, "token": TOKEN, "list": entrance.pk,
            "items": {key: item.pk for key, item in items.items()}}
    return {**made, **groups(STANDARD, 1)}


def groups(specs: list[tuple[int, str, str]], start: int) -> dict[str, object]:
    made: list[dict[str, object]] = []
    for count, status, product in specs:
        made.extend(orders(count, status, product, start + len(made)))
    return {"orders": made}


def orders(count: int, status: str, product: str, start: int) -> list[dict[str, object]]:
    organizer = Organizer.objects.get(slug=ORGANIZER)
    event = organizer.events.get(slug=EVENT)
    item = Item.objects.get(event=event, name=PRODUCTS[product])
    channel = organizer.sales_channels.get(identifier="web")
    made = []
    with transaction.atomic():
        for n in range(start, start + count):
            order = Order.objects.create(
                event=event, email=f"guest{n}@example.org", status=status, datetime=now(),
                expires=now() + timedelta(days=10), total=Decimal("20.00"), locale="en", sales_channel=channel,
            )
            position = OrderPosition.objects.create(
                order=order, item=item, variation=None, price=Decimal("20.00"), positionid=1,
                attendee_name_parts={"_scheme": "given_family", "given_name": "Guest", "family_name": f"No{n}"},
            )
            order.create_transactions()
            made.append({"order": order.code, "position": position.pk, "secret": position.secret,
                         "name": f"Guest No{n}", "status": status, "product": product})
    return made


def main(argv: list[str]) -> None:
    with scopes_disabled():
        if argv[:1] == ["base"]:
            print(json.dumps(base()))
        elif argv[:1] == ["orders"] and len(argv) > 2:
            specs = [(int(n), status, product) for n, status, product in (a.split(":") for a in argv[2:])]
            print(json.dumps(groups(specs, int(argv[1]))))
        else:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
