"""A finished guest-list answer checked against the contract, and its skipped records reported."""

from __future__ import annotations

import logging

from kiosk.platforms.base import ProtocolError
from kiosk.platforms.invitario.stream import ListDocument
from kiosk.platforms.invitario.transport import Context, SessionRefused, envelope_failure

log = logging.getLogger("kiosk.platforms.invitario.connector")

# Past this many, a broken list would bury the log: the rest are only counted (all are in the pages).
MALFORMED_LOG_LIMIT = 20


def check_list(doc: ListDocument, ctx: Context, handed_out: bool) -> None:
    """Raise unless the document is a success with a guests list; code 30 retries only if nothing left."""
    status = doc.meta.get("status")
    if status == "error":
        failure = envelope_failure(doc.meta, ctx)
        if isinstance(failure, SessionRefused) and handed_out:
            raise ProtocolError("The server refused the session after sending part of the guest list.", 30)
        raise failure
    if status != "success":
        raise ProtocolError("The guest list answer has no status 'success'.")
    if doc.guests_problem is not None:
        raise ProtocolError(f"The guest list answer is not in the documented shape: {doc.guests_problem}.")


def expected_count(doc: ListDocument) -> int | None:
    """The server's count, if it is a whole number; a mismatch with the records is only worth a warning."""
    count = doc.meta.get("count")
    if count is None:
        return None
    if isinstance(count, bool) or not isinstance(count, int):
        log.warning("Invitario guest list: count is not a whole number; ignored")
        return None
    if count != doc.records:
        log.warning("Invitario guest list: the server announced %d guests but sent %d", count, doc.records)
    return count


class MalformedLog:
    """Logs the skipped records of one answer: each up to a limit, then how many more there were."""

    def __init__(self) -> None:
        self.count = 0

    def report(self, lines: list[str]) -> None:
        for line in lines:
            self.count += 1
            if self.count <= MALFORMED_LOG_LIMIT:
                log.warning("Invitario: skipped malformed record: %s", line)

    def close(self) -> None:
        if self.count > MALFORMED_LOG_LIMIT:
            log.warning(
                "Invitario: %d more malformed records not logged one by one (%d in all; see the pages)",
                self.count - MALFORMED_LOG_LIMIT,
                self.count,
            )
