"""Deterministic, realistic guest lists from (count, seed): same input, same guests, byte for byte."""

from __future__ import annotations

import bisect
import functools
import gc
import random
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from kiosk.platforms.invitario.emulator import names

T = TypeVar("T")
# Access codes avoid characters that people and scanners confuse (0/O, 1/I).
ACCESS_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ACCESS_LENGTH = 8
_PAIRS = [a + b for a in ACCESS_ALPHABET for b in ACCESS_ALPHABET]
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_SET = (0x4000 << 64) | (0x8000 << 48)
# Fixed, so that a seed always gives the same registration times; the event is "some day after this".
DEFAULT_BASE = datetime(2025, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))
COMPANION_SHARE = 0.10
_FOLD_EXTRA = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "ı": "i",
    }
)


def ascii_fold(text: str) -> str:
    """Latin text without accents (Nguyễn -> Nguyen, Łukasz -> Lukasz); other scripts drop out."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if ch.isascii() and not unicodedata.combining(ch))


@functools.lru_cache(maxsize=4096)
def _slug(word: str) -> str:
    """A name as it appears in an e-mail address: ASCII letters and digits only."""
    return "".join(ch for ch in ascii_fold(word).lower() if ch.isalnum())


def _local_part(first: str, second: str) -> str:
    return ".".join(s for s in (_slug(first), _slug(second)) if s) or "guest"


class _Weighted:
    def __init__(self, pairs: Sequence[tuple[Any, int]]) -> None:
        self.values = [v for v, _ in pairs]
        self.cumulative: list[int] = []
        total = 0
        for _, weight in pairs:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def _split(entry: str) -> tuple[str, str]:
    native, _, latin = entry.partition("|")
    return native, latin or native


class _Pool:
    """One culture's names, pre-split into (display, ascii) pairs."""

    def __init__(self, culture: names.Culture) -> None:
        self.culture = culture
        self.female = [_split(e) for e in culture.female]
        self.male = [_split(e) for e in culture.male]
        self.surnames: list[tuple[tuple[str, str], tuple[str, str]]] = []
        for entry in culture.surnames:
            masculine, _, feminine = entry.partition("/")
            self.surnames.append((_split(masculine), _split(feminine or masculine)))


_POOLS = _Weighted([(_Pool(c), c.weight) for c in names.CULTURES])
_CATEGORIES = _Weighted(names.CATEGORIES)
_DIETS = _Weighted(names.DIETS)
_TITLES = _Weighted(names.TITLES)
_SUFFIXES = _Weighted(names.TITLE_SUFFIXES)
_STATES = _Weighted([("registered", 96), ("deregistered", 3), ("unknown", 1)])


class _Generator:
    def __init__(self, seed: int, base: datetime) -> None:
        self.rng = random.Random(seed)
        self.base = base
        self.codes: set[str] = set()
        self.badge = 0

    def pick(self, items: Sequence[T]) -> T:
        # random.choice is several times slower, and the generator makes a dozen picks per guest.
        return items[int(self.rng.random() * len(items))]

    def uuid(self) -> str:
        # A version-4 UUID built from the seeded generator (uuid.UUID() is several times slower).
        h = f"{(self.rng.getrandbits(128) & _UUID_CLEAR) | _UUID_SET:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def access_code(self) -> str:
        getrandbits = self.rng.getrandbits
        while True:
            # 32 symbols: two symbols per 10 random bits, four pairs per code.
            bits = getrandbits(40)
            code = (
                _PAIRS[bits & 1023]
                + _PAIRS[(bits >> 10) & 1023]
                + _PAIRS[(bits >> 20) & 1023]
                + _PAIRS[bits >> 30]
            )
            if code not in self.codes:
                self.codes.add(code)
                return code

    def badge_number(self) -> str:
        self.badge += 1
        return f"B{self.badge:06d}"

    def person(
        self, pool: _Pool, surname: tuple[tuple[str, str], tuple[str, str]] | None = None
    ) -> dict[str, Any]:
        rng = self.rng
        female = rng.random() < 0.5
        first = self.pick(pool.female if female else pool.male)
        family = (surname or self.pick(pool.surnames))[1 if female else 0]
        salutation: str | None = "Ms." if female else "Mr."
        if rng.random() < 0.03:
            salutation = self.pick(("Mx.", None))
        return {"salutation": salutation, "first": first, "last": family}

    def company(self) -> tuple[str | None, str]:
        rng = self.rng
        if rng.random() < 0.1:
            return None, self.pick(("mail.example", "post.test", "inbox.example"))
        stem, kind = self.pick(names.COMPANY_STEMS), self.pick(names.COMPANY_KINDS)
        name = f"{stem} {kind} {self.pick(names.LEGAL_FORMS)}"
        return name, f"{_slug(stem)}-{_slug(kind)}.example"

    def phone(self, pool: _Pool) -> str | None:
        if self.rng.random() < 0.4:
            return None
        digits = f"{self.rng.getrandbits(30) % 1_000_000_000:09d}"
        return f"{pool.culture.phone_prefix} {digits[:3]} {digits[3:6]} {digits[6:]}"

    def guest(self, pool: _Pool, registered_at: datetime) -> dict[str, Any]:
        rng = self.rng
        who = self.person(pool)
        company, domain = self.company()
        first, last = who["first"], who["last"]
        parts = (last[1], first[1]) if pool.culture.family_name_first else (first[1], last[1])
        category = _CATEGORIES.pick(rng)
        workshops = sorted(rng.sample(names.WORKSHOPS, rng.randint(1, 2))) if rng.random() < 0.2 else []
        guest = _guest_shell(self.uuid(), self.access_code(), registered_at, _STATES.pick(rng))
        if category in names.HIGHLIGHTS:
            guest["highlightColor"] = names.HIGHLIGHTS[category]
        guest["fields"] = {
            "salutation": who["salutation"],
            "titlePrefix": _TITLES.pick(rng) or None,
            "firstName": first[0],
            "lastName": last[0],
            "titleSuffix": _SUFFIXES.pick(rng) or None,
            "company": company,
            "position": self.pick(names.POSITIONS) if company else None,
            "city": self.pick(pool.culture.cities),
            "country": pool.culture.country,
            "phone": self.phone(pool),
            "email": None if rng.random() < 0.05 else f"{_local_part(*parts)}@{domain}",
            "externalId": self.badge_number(),
            "notes": self.pick(names.NOTES) if rng.random() < 0.08 else None,
            "customField1": category,
            "customField2": _DIETS.pick(rng),
            "customField3": workshops,
        }
        return guest

    def companion(self, parent: dict[str, Any], pool: _Pool) -> dict[str, Any]:
        rng = self.rng
        shared = next((s for s in pool.surnames if parent["fields"]["lastName"] in (s[0][0], s[1][0])), None)
        who = self.person(pool, shared if rng.random() < 0.6 else None)
        registered_at = datetime.fromisoformat(parent["clientUpdateDateTime"]) + timedelta(
            minutes=rng.randint(1, 90)
        )
        guest = _guest_shell(self.uuid(), self.access_code(), registered_at, parent["registrationState"])
        guest["parentId"] = parent["id"]
        pf = parent["fields"]
        guest["fields"] = {
            "salutation": who["salutation"],
            "titlePrefix": None,
            "firstName": who["first"][0],
            "lastName": who["last"][0],
            "titleSuffix": None,
            "company": pf["company"],
            "position": None,
            "city": pf["city"],
            "country": pf["country"],
            "phone": None,
            "email": None,
            "externalId": self.badge_number(),
            "notes": f"Companion of {pf['firstName']} {pf['lastName']}",
            "customField1": "Companion",
            "customField2": _DIETS.pick(rng),
            "customField3": [],
        }
        return guest


@functools.lru_cache(maxsize=100_000)
def _minutes_before(base: datetime, minutes: int) -> datetime:
    return base - timedelta(minutes=minutes)


@functools.lru_cache(maxsize=100_000)
def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _guest_shell(guest_id: str, code: str, registered_at: datetime, state: str) -> dict[str, Any]:
    return {
        "id": guest_id,
        "parentId": None,
        "accessCode": code,
        "clientUpdateDateTime": _iso(registered_at),
        "serverUpdateDateTime": None,
        "checkInDateTime": None,
        "checkOutDateTime": None,
        "deleteDateTime": None,
        "registrationState": state,
    }


def iter_guests(count: int, seed: int = 1, *, base: datetime = DEFAULT_BASE) -> Iterator[dict[str, Any]]:
    """Exactly `count` guest objects (companions included, each right after its main guest).

    serverUpdateDateTime is None: the server sets it when it stores them.
    """
    gen = _Generator(seed, base)
    made = 0
    while made < count:
        pool: _Pool = _POOLS.pick(gen.rng)
        registered_at = _minutes_before(base, gen.rng.randrange(60, 60 * 24 * 60))
        parent = gen.guest(pool, registered_at)
        companions: list[dict[str, Any]] = []
        if gen.rng.random() < COMPANION_SHARE:
            wanted = min(gen.rng.randint(1, 2), count - made - 1)
            companions = [gen.companion(parent, pool) for _ in range(wanted)]
        parent["companions"] = [{"id": c["id"]} for c in companions]
        for companion in companions:
            companion["companions"] = []
        yield parent
        yield from companions
        made += 1 + len(companions)


def generate_guests(count: int, seed: int = 1, *, base: datetime = DEFAULT_BASE) -> list[dict[str, Any]]:
    # Collections would rescan the growing list of young dicts again and again (about +60% time).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return list(iter_guests(count, seed, base=base))
    finally:
        if was_enabled:
            gc.enable()


def sample_codes(guests: Iterable[dict[str, Any]], n: int) -> list[str]:
    """The first n access codes of registered guests that are neither deleted nor checked in."""
    codes: list[str] = []
    for guest in guests:
        if len(codes) >= n:
            break
        if (
            guest.get("registrationState") == "registered"
            and not guest.get("deleteDateTime")
            and not guest.get("checkInDateTime")
            and guest.get("accessCode")
        ):
            codes.append(guest["accessCode"])
    return codes
