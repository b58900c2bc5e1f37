"""Reads for credit monitoring: score drift against the training reference (PSI), expected vs
realised default per grade, and approval rates by month."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from puhui.credit.metrics import psi_from_shares
from puhui.credit.models import CreditDecision, CreditModel
from puhui.credit.ports import LoanOutcomes
from puhui.credit.scoring import model_loaded


@dataclass(frozen=True)
class GradeRow:
    grade: str
    decisions: int
    pd_expected: Decimal  # mean PD the model gave
    loans: int
    defaulted: int

    @property
    def default_realised(self) -> Decimal | None:
        return (Decimal(self.defaulted) / self.loans).quantize(Decimal("0.0001")) \
            if self.loans else None


@dataclass(frozen=True)
class MonthRow:
    month: str
    evaluated: int
    passed: int  # of all applications: cleared the knock-outs, the grade and the limit

    @property
    def pass_rate(self) -> Decimal:
        return (Decimal(self.passed) / self.evaluated).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class Monitoring:
    model: CreditModel
    scored: int
    psi: float | None  # None until enough decisions are there to compare
    psi_min_sample: int
    shares_reference: list[float]
    shares_recent: list[float]
    grades: list[GradeRow]
    months: list[MonthRow]


def model_monitoring(model: CreditModel, *, outcomes: LoanOutcomes,
                     min_sample: int) -> Monitoring:
    """Drift, grades against realised defaults (``outcomes``: what became of the loans the
    decided applications made) and approval rates, counting each application once by its
    latest decision (one that waited for the shared registry was decided again)."""
    latest = {decision.subject: decision for decision in
              CreditDecision.objects.filter(model_version=model.version).order_by("created_at")}
    decisions = list(latest.values())
    loaded = model_loaded(model.version, lambda: model.artifact)
    kind = model.decides
    reference = loaded.reference_margins[kind]
    edges = np.asarray(reference["edges"])
    shares_reference = list(reference["shares"])
    shares_recent: list[float] = []
    drift = None
    if len(decisions) >= min_sample:
        margins = np.asarray([loaded.margin_of(d.score or 0, float(d.pd or 0), kind=d.model_kind)
                              for d in decisions])
        counts = np.bincount(np.searchsorted(edges, margins, side="right"),
                             minlength=len(edges) + 1)
        shares_recent = [round(float(c) / len(margins), 4) for c in counts]
        drift = round(psi_from_shares(np.asarray(shares_reference),
                                      np.asarray(shares_recent)), 4)
    defaulted_by_subject = outcomes([decision.subject for decision in decisions])
    by_grade: dict[str, list[CreditDecision]] = defaultdict(list)
    for decision in decisions:
        by_grade[decision.grade].append(decision)
    by_month: dict[str, list[bool]] = defaultdict(list)
    latest_passed = {subject: (created_at, passed) for subject, created_at, passed in
                     CreditDecision.objects.order_by("created_at")
                     .values_list("subject", "created_at", "passed")}
    for created_at, passed in latest_passed.values():
        by_month[created_at.strftime("%Y-%m")].append(passed)
    grades = []
    for grade, group in sorted(by_grade.items()):
        made = [defaulted_by_subject[d.subject] for d in group if d.subject in defaulted_by_subject]
        grades.append(GradeRow(
            grade=grade, decisions=len(group),
            pd_expected=(sum((d.pd or Decimal(0) for d in group), Decimal(0)) / len(group))
            .quantize(Decimal("0.0001")),
            loans=len(made), defaulted=sum(made)))
    months = [MonthRow(month, len(passes), sum(passes))
              for month, passes in sorted(by_month.items())]
    return Monitoring(model=model, scored=len(decisions), psi=drift, psi_min_sample=min_sample,
                      shares_reference=shares_reference, shares_recent=shares_recent,
                      grades=grades, months=months)


def models_listed() -> list[CreditModel]:
    return list(CreditModel.objects.defer("artifact").order_by("-active", "-created_at"))


def active_model() -> CreditModel | None:
    """The model that decides applications now, if one is active."""
    return CreditModel.objects.filter(active=True).first()
