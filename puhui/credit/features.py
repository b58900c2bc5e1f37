"""Features the credit models see, from puhui's own records and from the SBA loans alike, so
the model shipped with puhui is trained on real small-business outcomes.

The SBA mapping avoids the data set's known traps: raw ``Term`` leaks the outcome (charged-off
loans carry short terms), so only ``real_estate`` (Term ≥ 240 months) is kept; ``ChgOffDate``,
``ChgOffPrinGr``, ``BalanceGross``, ``Name`` and ``LoanNr_ChkDgt`` never reach a model; loans
disbursed after 2010 have immature outcomes and are left out of development data.
"""

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

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
    industry: str
    employees: int
    enterprise_age_years: int | None  # None: unknown (SBA gives new vs existing only)
    new_business: bool
    urban: str  # urban | rural | unknown
    amount_yuan_or_dollars: Decimal
    real_estate: bool
    revolving: bool
    low_doc: bool
    guaranteed_share: Decimal  # SBA guarantee ÷ approved amount; 0 on puhui
    state_or_region: str

    def as_row(self) -> dict[str, object]:
        return asdict(self)


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
    approved = _money(row.get("GrAppv", ""))
    guaranteed = _money(row.get("SBA_Appv", ""))
    term = int(row.get("Term") or 0)
    urban = {"1": "urban", "2": "rural"}.get((row.get("UrbanRural") or "").strip(), "unknown")
    return Features(
        industry=NAICS_TO_INDUSTRY.get(naics[:2], "other"),
        employees=int(row.get("NoEmp") or 0),
        enterprise_age_years=None,
        new_business=(row.get("NewExist") or "").strip() == "2",
        urban=urban,
        amount_yuan_or_dollars=approved,
        real_estate=term >= 240,
        revolving=(row.get("RevLineCr") or "").strip() == "Y",
        low_doc=(row.get("LowDoc") or "").strip() == "Y",
        guaranteed_share=(guaranteed / approved).quantize(Decimal("0.0001"))
        if approved else Decimal(0),
        state_or_region=(row.get("State") or "").strip() or "unknown",
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


def enterprise_features(*, industry: str, employees: int, founded_on: date, region: str,
                        amount_yuan: Decimal, today: date) -> Features:
    """The same features from a puhui enterprise and its application."""
    age = today.year - founded_on.year - ((today.month, today.day)
                                          < (founded_on.month, founded_on.day))
    return Features(
        industry=industry, employees=employees, enterprise_age_years=age,
        new_business=age < 2, urban="unknown", amount_yuan_or_dollars=amount_yuan,
        real_estate=False, revolving=False, low_doc=False, guaranteed_share=Decimal(0),
        state_or_region=region,
    )
