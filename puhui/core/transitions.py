"""A status and the moves allowed out of each of its values, as a table: services ask it
before they change a status, and the Hypothesis state machines walk it (every change they
observe must be a move of the table)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from puhui.core.errors import ErrorCode, PuhuiError


@dataclass(frozen=True)
class StatusMoves:
    name: str  # what carries the status, for errors ("application")
    moves: Mapping[str, frozenset[str]]  # from → the statuses it may become

    def allows(self, source: str, target: str) -> bool:
        return target in self.moves.get(source, frozenset())

    def require(self, source: str, target: str, *, error: ErrorCode, **facts: Any) -> None:
        """Refuse with ``error`` (given the current status) unless ``source`` may become
        ``target``."""
        if not self.allows(source, target):
            raise PuhuiError(error, status=source, **facts)

    @property
    def final(self) -> frozenset[str]:
        """The statuses nothing moves out of."""
        return frozenset(status for status, targets in self.moves.items() if not targets)
