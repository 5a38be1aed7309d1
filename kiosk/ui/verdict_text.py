"""What each door screen says: colour, icon, headline and next step for every scan outcome."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain import VerdictKind
from kiosk.domain.models import ChangeKind
from kiosk.domain.text import QT_TRANSLATE_NOOP
from kiosk.domain.timeutil import is_time_known
from kiosk.services.checkin import ScanOutcome
from kiosk.ui.i18n import clock, translate, translated

DESK = QT_TRANSLATE_NOOP("Verdict", "Please go to the registration desk")
# Where a door volunteer finds the guest by name: their own button, or the staff area where it is off.
VOLUNTEER_SEARCH = QT_TRANSLATE_NOOP("Verdict", "Door team: tap “Search guest” and find the guest by name")
STAFF_SEARCH = QT_TRANSLATE_NOOP("Verdict", "Staff: search the guest by name (Staff button, F2)")
# A reprinted badge carries a new code; the old one is simply not on the list any more.
OLD_BADGE = QT_TRANSLATE_NOOP("Verdict", "An old or reprinted badge's code is not valid any more.")
SHOWN_CODE_CHARS = 40


@dataclass(frozen=True)
class Screen:
    """One verdict as words: `scheme` names the colour in theme.SCHEMES (and the sound)."""

    scheme: str
    symbol: str
    headline: str
    # The big line: the guest's name, or for a code nobody knows, what to do next.
    big: str
    when: str = ""
    advice: str = ""
    # How the verdict is remembered in the strip of recent scans.
    strip_label: str = ""


def shown_code(outcome: ScanOutcome) -> str:
    """The code as scanned (case kept), cut when a garbage scan is longer than any badge code."""
    code = outcome.scanned or outcome.code
    return code if len(code) <= SHOWN_CODE_CHARS else code[: SHOWN_CODE_CHARS - 1] + "…"


def is_undo(outcome: ScanOutcome) -> bool:
    return outcome.change is not None and outcome.change.kind is ChangeKind.UNDO


def screen_for(outcome: ScanOutcome, now: datetime, *, volunteer_search: bool = True) -> Screen:
    """The screen for one outcome; admission, exit and undo never share a colour, icon or headline.

    `volunteer_search`: the window has the volunteers' "Search guest" button, so the next step names it.
    """
    search = translated(VOLUNTEER_SEARCH if volunteer_search else STAFF_SEARCH)
    desk = translated(DESK)
    verdict = outcome.verdict
    guest = verdict.guest
    name = guest.display_name if guest is not None else ""
    kind = verdict.kind
    if is_undo(outcome):
        inside = guest is not None and guest.is_inside
        if inside:
            return Screen("undo", "↶", translate("Verdict", "Check-out undone"), name,
                          translate("Verdict", "Counts as inside again"), strip_label=name)
        return Screen(
            "undo", "↶", translate("Verdict", "Check-in undone"), name,
            translate("Verdict", "Not checked in now: scan again to come in"), strip_label=name,
        )
    if kind is VerdictKind.ADMITTED:
        return Screen("green", "✔", translate("Verdict", "Welcome – checked in"), name, strip_label=name)
    if kind is VerdictKind.CHECKED_OUT:
        return Screen("blue", "➜", translate("Verdict", "Checked out – goodbye"), name, strip_label=name)
    if kind is VerdictKind.ALREADY_IN:
        when = describe_since(verdict.since, now, verdict.station) if verdict.since is not None else ""
        return Screen("amber", "!", translated(verdict.message), name, when, strip_label=name)
    if kind is VerdictKind.NOT_IN:
        return Screen("amber", "!", translated(verdict.message), name, translate("Verdict", "Nothing was changed."),
                      strip_label=name)
    if kind is VerdictKind.UNKNOWN:
        code = shown_code(outcome)
        when = translate("Verdict", "Code: {code}").format(code=code) if code else translate(
            "Verdict", "The scan held no readable code.")
        advice = f"{search}. {translated(OLD_BADGE)}"
        return Screen("red", "✖", translated(verdict.message), desk, when, advice,
                      strip_label=code or translate("Verdict", "No code"))
    return Screen("red", "✖", translated(verdict.message), name, desk, search, strip_label=name)


def field_label(name: str) -> str:
    """'customField1' shows no label (its value says enough); 'dietaryNeeds' -> 'Dietary needs'."""
    if re.fullmatch(r"customField\d+", name):
        return ""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").strip()
    return words[:1].upper() + words[1:].lower()


def field_text(value: object) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value if v not in (None, ""))
    return str(value)


def describe_since(since: datetime, now: datetime, station: str | None) -> str:
    """'Checked in at 09:41, 12 min ago, at North entrance', in the station's local time."""
    if not is_time_known(since):
        text = translate("Verdict", "Checked in on the platform, time not known")
        return text + (translate("Verdict", ", at {station}").format(station=station) if station else "")
    minutes = int(max(0.0, (now - since).total_seconds()) // 60)
    if minutes < 1:
        ago = translate("Verdict", "just now")
    elif minutes < 120:
        ago = translate("Verdict", "{minutes} min ago").format(minutes=minutes)
    else:
        ago = translate("Verdict", "{hours} h {minutes} min ago").format(hours=minutes // 60, minutes=minutes % 60)
    text = translate("Verdict", "Checked in at {time}, {ago}").format(time=clock(since), ago=ago)
    return text + (translate("Verdict", ", at {station}").format(station=station) if station else "")
