"""Close of business for a business date: every app's registered daily step, in order
(``puhui.core.business_day``), for one partition of the book.

Each step is idempotent per business date and commits its own work, so a run that stopped
half-way is finished by running it again; a step that runs once per day (not per partition)
is run by the first partition.
"""

from dataclasses import dataclass
from datetime import date

from puhui.core.business_day import Partition, StepResult, daily_steps


@dataclass(frozen=True)
class StepOutcome:
    name: str
    result: StepResult


@dataclass(frozen=True)
class CloseOfBusinessOutcome:
    business_date: date
    partition: Partition
    steps: list[StepOutcome]

    @property
    def problems(self) -> list[str]:
        return [step.result.problem for step in self.steps if step.result.problem]


def close_of_business_run(*, business_date: date,
                          partition: Partition | None = None) -> CloseOfBusinessOutcome:
    partition = partition or Partition()
    done = [StepOutcome(step.name, step.run(business_date, partition))
            for step in daily_steps() if step.every_partition or partition.is_first]
    return CloseOfBusinessOutcome(business_date, partition, done)
