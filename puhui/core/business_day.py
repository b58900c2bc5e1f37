"""The business date and the daily steps of close of business.

The **business date** is the day a platform is booking: the value date of a loan made today,
the date a listing's window is judged against, the day a payment is applied. It is not the
clock. Close of business, an operator's chosen date or a simulation's day passes it down
explicitly; only when an interactive request names none is it today's calendar day in the
platform's time zone — read here, in ``business_date_today``, and nowhere else below the
interfaces (``puhui/core/tests/test_business_day.py`` checks the source).

**Close of business** is made of registered daily steps, as in Apache Fineract: each app
declares ``DailyStep(name, order, run)`` in its ``tasks.py`` and registers them when Django
starts (``AppConfig.ready``); the application layer (``puhui.operations.close_of_business``)
runs them in order for a business date and a partition of the book. A new app adds its daily
work by declaring a step, without editing another app.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils import timezone


def business_date_today() -> date:
    """Today's business date, for a request that names none (the platform's time zone)."""
    return timezone.localdate()


@dataclass(frozen=True)
class Partition:
    """One of ``count`` slices of the book (by id modulo ``count``), run by one worker."""

    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise ValueError(f"partition {self.index} of {self.count}: the index must be in "
                             "0 … count − 1 and the count at least 1")

    @property
    def is_first(self) -> bool:
        return self.index == 0


class StepResult(Protocol):
    """What a daily step did, for the operator's page and the command's output."""

    @property
    def problem(self) -> str:
        """Why the step stopped short ('' when it did all its work)."""
        ...

    def summary(self) -> str:
        """One sentence, in the active language."""
        ...


@dataclass(frozen=True)
class DailyStep:
    name: str  # "<app>.<what>", unique
    order: int  # steps run in ascending order
    run: Callable[[date, Partition], StepResult]
    every_partition: bool = True  # False: the step is run once, by the first partition


_steps: dict[str, DailyStep] = {}


def daily_steps_register(steps: Iterable[DailyStep]) -> None:
    """Called by each app's ``AppConfig.ready``; registering the same step again is harmless,
    a second step under a taken name or order is a mistake."""
    for step in steps:
        known = _steps.get(step.name)
        if known is not None and known != step:
            raise ValueError(f"two daily steps are named {step.name!r}")
        clash = [other.name for other in _steps.values()
                 if other.order == step.order and other.name != step.name]
        if clash:
            raise ValueError(f"daily steps {step.name!r} and {clash[0]!r} share order "
                             f"{step.order}")
        _steps[step.name] = step


def daily_steps() -> list[DailyStep]:
    return sorted(_steps.values(), key=lambda step: step.order)
