"""A connector with canned pulls and per-change answers, for service tests that need no HTTP at all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

from kiosk.domain.models import Admission, Change, Guest, PushOutcome, PushResult
from kiosk.platforms.base import ClockSample, EventInfo, OwnChanges, PullPage, PushReport

# Decides the answer for one change; the default takes everything.
Answer = Callable[[Change], PushResult]


def accept(change: Change) -> PushResult:
    return PushResult(change.guest_id, PushOutcome.ACCEPTED)


@dataclass
class CannedConnector:
    """Pulls yield `pages` (one listing, however often asked); pushes answer each change with `answer`."""

    pages: list[PullPage] = field(default_factory=list)
    answer: Answer = accept
    max_batch: int = 500
    pushed: list[list[str]] = field(default_factory=list)  # the change ids of each push, in order

    async def login(self) -> EventInfo:
        return EventInfo("canned", "Canned event")

    async def pull(self, cursor: str | None) -> AsyncIterator[PullPage]:
        for page in self.pages:
            yield page

    async def push(self, changes: Sequence[Change], own: OwnChanges | None = None) -> PushReport:
        self.pushed.append([c.change_id for c in changes])
        return PushReport([self.answer(c) for c in changes], None)

    async def logout(self) -> None:
        return None

    async def aclose(self) -> None:
        return None

    @property
    def last_clock_sample(self) -> ClockSample | None:
        return None


def guests(*ids: str) -> list[Guest]:
    return [Guest(gid, access_code=f"CODE-{gid}", admission=Admission.ADMISSIBLE) for gid in ids]
