"""Full-text search over names, company and email: prefixes, accents, order, and hostile input."""

from __future__ import annotations

import pytest

from kiosk.storage import Store
from kiosk.storage.mirror import match_expression
from tests.storage.storefactory import at, guest


@pytest.fixture
def people(store: Store) -> Store:
    store.apply_pull_page(
        [
            guest("mueller", first="Jörg", last="Müller", company="Brauerei Öttl", email="jm@example.org"),
            guest("muller", first="Anne", last="Muller", company="ACME"),
            guest(
                "smith", first="John", last="Smith", company="Smithy & Sons", email="john.smith@corp.example"
            ),
            guest("doe", first="John", last="Doe"),
            guest("obrien", first="Siobhán", last="O'Brien"),
            guest("removed", first="Mull", last="Deleted", deleted=at(1)),
        ]
    )
    return store


def _ids(found: list) -> list[str]:
    return [g.id for g in found]


def test_prefix_of_every_word_must_match(people: Store) -> None:
    assert sorted(_ids(people.search("mul"))) == ["mueller", "muller"]
    assert _ids(people.search("jo sm")) == ["smith"]
    assert sorted(_ids(people.search("JOHN"))) == ["doe", "smith"]
    assert people.search("jo zz") == []


def test_accents_and_case_do_not_matter(people: Store) -> None:
    assert sorted(_ids(people.search("muller"))) == ["mueller", "muller"]
    assert sorted(_ids(people.search("MÜLLER"))) == ["mueller", "muller"]
    assert _ids(people.search("joerg")) == []  # folding drops accents, it does not spell them out
    assert _ids(people.search("jorg ottl")) == ["mueller"]
    assert _ids(people.search("siobhan")) == ["obrien"]


def test_company_email_and_punctuated_names(people: Store) -> None:
    assert _ids(people.search("brauerei")) == ["mueller"]
    assert _ids(people.search("john.smith@corp")) == ["smith"]
    assert _ids(people.search("o'brien")) == ["obrien"]
    assert _ids(people.search("O'Bri")) == ["obrien"]


def test_deleted_guests_are_left_out(people: Store) -> None:
    assert "removed" not in _ids(people.search("mull"))
    assert people.search("deleted") == []


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"""',
        "AND",
        "OR NOT",
        "*",
        "-x",
        "(",
        ")",
        "NEAR(a b)",
        "first_name:jo",
        "^jo",
        "a'b\"c",
        "jo*",
        "+",
        "\x00",
        "   ",
        "",
        "x" * 10_000,
        "ab " * 4000,
        "\u0301\u0301",
    ],
)
def test_hostile_input_never_raises(people: Store, text: str) -> None:
    found = people.search(text)
    assert isinstance(found, list)
    assert len(found) <= 20


def test_operators_typed_by_staff_are_plain_words(store: Store) -> None:
    store.apply_pull_page([guest("g1", first="Andrea", last="Notting"), guest("g2", first="Orla")])
    assert _ids(store.search("AND")) == ["g1"]
    assert _ids(store.search("NOT")) == ["g1"]
    assert _ids(store.search("OR")) == ["g2"]
    assert _ids(store.search("-notting")) == ["g1"]


def test_quoted_words_are_phrases_of_quoted_text(store: Store) -> None:
    expression = match_expression('say "hi" AND *')
    assert expression == '"say"* """hi"""* "AND"*'
    assert match_expression("* - ( )") is None
    assert match_expression(None) is None  # type: ignore[arg-type]


def test_best_rank_first_then_last_name(store: Store) -> None:
    store.apply_pull_page(
        [
            guest("zed", first="Anna", last="Zed"),
            guest("abe", first="Anna", last="Abe"),
            guest("double", first="Anna", last="Young", company="Anna Events"),
        ]
    )
    assert _ids(store.search("anna")) == ["double", "abe", "zed"]


def test_limit(store: Store) -> None:
    store.apply_pull_page([guest(f"g{i}", last=f"Same{i:02d}") for i in range(30)])
    assert len(store.search("same")) == 20
    assert len(store.search("same", limit=5)) == 5
    assert store.search("same", limit=0) == []
