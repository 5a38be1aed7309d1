"""A v1 guest's record as staff read it: the document's named fields, custom fields by number, the rest by name."""

from __future__ import annotations

from kiosk.domain.models import DisplayField
from kiosk.platforms.invitario.display import display_fields, label_of, text_of
from kiosk.platforms.invitario.mapper import parse_guest


def test_named_fields_then_custom_fields_in_number_order_then_the_records_own() -> None:
    shown = display_fields({
        "customField13": ["vegan", "gluten-free"], "Dietary needs": "none", "notes": "Speaker",
        "customField2": "VIP", "externalId": "B-77", "firstName": "Ada", "street": "Main St 1",
        "tableNumber": 12, "company": "Acme", "position": "", "wheelchair": True,
    })
    assert shown == (
        DisplayField("externalId", "Badge number", "B-77"),
        DisplayField("notes", "Notes", "Speaker"),
        DisplayField("customField2", "Custom field 2", "VIP"),
        DisplayField("customField13", "Custom field 13", "vegan, gluten-free"),
        DisplayField("Dietary needs", "Dietary needs", "none"),
        DisplayField("tableNumber", "Table number", "12"),
        DisplayField("wheelchair", "Wheelchair", "yes"),
    )


def test_the_mapper_fills_them_and_labels_read_like_words() -> None:
    guest = parse_guest({"id": "g-1", "fields": {"firstName": "Ada", "notes": "VIP table"}})
    assert guest.display == (DisplayField("notes", "Notes", "VIP table"),)
    assert (label_of("dietary_needs"), label_of("Table No"), label_of("badgeID")) == (
        "Dietary needs", "Table No", "Badge id")
    assert text_of({"seat": 4, "row": "B"}) == "seat: 4, row: B" and text_of(None) == ""
