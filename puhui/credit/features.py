"""Features the credit models see, from puhui's own records and from the SBA loans alike, so
the model shipped with puhui is trained on real small-business outcomes.

The SBA mapping avoids the data set's known traps: raw ``Term`` leaks the outcome (charged-off
loans carry short terms), so only ``real_estate`` (Term ≥ 240 months) is kept; ``ChgOffDate``,
``ChgOffPrinGr``, ``BalanceGross``, ``Name`` and ``LoanNr_ChkDgt`` never reach a model; loans
disbursed after 2010 have immature outcomes and are left out of development data.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TextIO

# NAICS two-digit sectors onto the 16 industries of the size-class table.
NAICS_TO_INDUSTRY = {
    "11": "agriculture", "21": "industry", "22": "industry", "23": "construction",
    "31": "industry", "32": "industry", "33": "industry", "42": "wholesale",
    "44": "retail", "45": "retail", "48": "transport", "49": "warehousing",
    "51": "information-transmission", "53": "real-estate-development",
    "54": "software-it", "56": "leasing-business-services", "72": "catering",
}
LEAKING_COLUMNS = ("ChgOffDate", "ChgOffPrinGr", "BalanceGross", "Name", "LoanNr_ChkDgt",
                   "Term")
LAST_MATURE_DISBURSEMENT_YEAR = 2010


@dataclass(frozen=True)
class Features:
    """The features puhui can supply for its own applications and the SBA loans supply too:
    the columns of the model shipped with puhui. puhui's loans are term loans of at most a few
    years, so ``revolving`` and ``real_estate`` (Term ≥ 240 months) are false for them."""

    industry: str
    employees: int
    new_business: bool  # under two years old (the SBA's NewExist = 2)
    amount_dollars: Decimal  # puhui: yuan × the rulebook's credit_policy.model_dollars_per_yuan
    revolving: bool
    real_estate: bool

    def as_row(self) -> dict[str, object]:
        """Model input: flags as 0/1, amounts as numbers."""
        row = asdict(self)
        for name in ("new_business", "revolving", "real_estate"):
            row[name] = int(row[name])
        row["amount_dollars"] = float(self.amount_dollars)  # a model input, not money
        return row


BOOLEAN_FEATURES = frozenset({"new_business", "revolving", "real_estate"})
FEATURE_LABELS = {
    "industry": ("Industry", "行业"),
    "employees": ("Number of employees", "员工人数"),
    "new_business": ("Business under two years old", "成立不满两年"),
    "amount_dollars": ("Amount asked for", "申请金额"),
    "revolving": ("Revolving credit line", "循环授信"),
    "real_estate": ("Backed by real estate", "不动产担保"),
}


@dataclass(frozen=True)
class Labelled:
    features: Features
    bad: bool
    approval_year: int


def _money(text: str) -> Decimal:
    try:
        return Decimal(text.replace("$", "").replace(",", "").strip() or "0")
    except InvalidOperation:
        return Decimal(0)


def _year(text: str) -> int | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits[:4]) if len(digits) >= 4 else None


def _disbursement_year(text: str) -> int | None:
    """``28-Feb-99`` → 1999 (two-digit years: 62–99 are 19xx, the rest 20xx)."""
    part = text.strip().rsplit("-", 1)[-1]
    if not part.isdigit():
        return None
    year = int(part)
    return year + (1900 if year >= 62 else 2000) if year < 100 else year


def sba_features(row: dict[str, str]) -> Features:
    naics = (row.get("NAICS") or "").strip()
    return Features(
        industry=NAICS_TO_INDUSTRY.get(naics[:2], "other"),
        employees=int(row.get("NoEmp") or 0),
        new_business=(row.get("NewExist") or "").strip() == "2",
        amount_dollars=_money(row.get("GrAppv", "")),
        revolving=(row.get("RevLineCr") or "").strip() == "Y",
        real_estate=int(row.get("Term") or 0) >= 240,
    )


def sba_labelled(rows: Iterable[dict[str, str]], *, max_approval_year: int | None = None
                 ) -> Iterator[Labelled]:
    """Development rows: a known outcome, a mature disbursement, and (optionally) approved no
    later than ``max_approval_year`` (tuning uses FY ≤ 2002 only)."""
    for row in rows:
        status = (row.get("MIS_Status") or "").strip()
        if status not in ("P I F", "CHGOFF"):
            continue
        approval_year = _year(row.get("ApprovalFY", ""))
        disbursed = _disbursement_year(row.get("DisbursementDate", ""))
        if approval_year is None or (disbursed and disbursed > LAST_MATURE_DISBURSEMENT_YEAR):
            continue
        if max_approval_year is not None and approval_year > max_approval_year:
            continue
        yield Labelled(sba_features(row), status == "CHGOFF", approval_year)


def enterprise_features(*, industry: str, employees: int, founded_on: date,
                        amount_yuan: Decimal, dollars_per_yuan: Decimal, today: date
                        ) -> Features:
    """The same features from a puhui enterprise and its application."""
    age_years = today.year - founded_on.year - ((today.month, today.day)
                                                < (founded_on.month, founded_on.day))
    return Features(industry=industry, employees=employees, new_business=age_years < 2,
                    amount_dollars=(amount_yuan * dollars_per_yuan).quantize(Decimal("0.01")),
                    revolving=False, real_estate=False)


def sba_features_export(rows: Iterable[dict[str, str]], out: TextIO, *,
                        max_approval_year: int | None) -> int:
    """Write the development rows as a CSV of the shipped features plus ``approval_year`` and
    ``outcome`` (``bad``/``good``): the file ``puhui credit train`` makes the shipped model
    from. Returns the rows written."""
    columns = [f.name for f in fields(Features)]
    writer = csv.DictWriter(out, fieldnames=[*columns, "approval_year", "outcome"])
    writer.writeheader()
    written = 0
    for item in sba_labelled(rows, max_approval_year=max_approval_year):
        writer.writerow(item.features.as_row() | {"approval_year": item.approval_year,
                                                  "outcome": "bad" if item.bad else "good"})
        written += 1
    return written
