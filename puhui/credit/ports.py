"""The credit engine's contract with the apps around it: what it needs to learn of the loans its
decisions made, to compare expected with realised default. (What it decides for lending is
lending's port: ``puhui.lending.ports.CreditEvaluator``.)"""

from typing import Protocol


class LoanOutcomes(Protocol):
    """For each decided application (its subject, "loan-application:42") that became a loan:
    whether that loan defaulted (in default or written off). Applications without a loan are
    left out."""

    def __call__(self, subjects: list[str]) -> dict[str, bool]: ...
