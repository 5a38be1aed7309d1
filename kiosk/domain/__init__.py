"""Pure domain model: guests, queued changes, code normalisation and the admission decision."""

from kiosk.domain.codes import Code, CodeKind, normalise_code
from kiosk.domain.decide import Mode, Verdict, VerdictKind, decide
from kiosk.domain.models import Admission, Change, Guest, PushOutcome, PushResult

__all__ = [
    "Admission",
    "Change",
    "Code",
    "CodeKind",
    "Guest",
    "Mode",
    "PushOutcome",
    "PushResult",
    "Verdict",
    "VerdictKind",
    "decide",
    "normalise_code",
]
