"""Reads: load and validate rulebook files, pick the one in force, evaluate rules.

Evaluations here are pure (no writes); ``services.rule_evaluation_record`` stores the ones that
decide something about a subject.
"""

import tomllib
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from pydantic import ValidationError

from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.rulebook.errors import RulebookError, RulebookFileError
from puhui.rulebook.schema import Industry, Rulebook

RULEBOOK_DIR = Path(__file__).resolve().parent / "rulebooks"


def rulebook_load(path: Path) -> Rulebook:
    """Read and validate one file; a problem raises ``RulebookFileError`` naming file and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RulebookFileError(f"{path}: cannot be read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise RulebookFileError(f"{path}: not valid TOML: {error}") from None
    try:
        return Rulebook.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            key = ".".join(str(part) for part in item["loc"]) or "(top level)"
            problems.append(f"{path.name}: {key}: {item['msg']}")
        raise RulebookFileError("\n".join(problems)) from None


@lru_cache(maxsize=1)
def rulebooks_all() -> tuple[Rulebook, ...]:
    """Every rulebook shipped with puhui, validated (cached for the process)."""
    books = tuple(rulebook_load(path) for path in sorted(RULEBOOK_DIR.glob("*.toml")))
    keys = [book.key for book in books]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise RulebookFileError(f"{RULEBOOK_DIR}: the same id and version twice: {duplicates}")
    return books


def rulebook_in_force(*, rulebook_id: str | None = None, on: date | None = None) -> Rulebook:
    """The version of the platform's rulebook (``PUHUI_RULEBOOK``) in force on a date."""
    rulebook_id = rulebook_id or settings.PUHUI_RULEBOOK
    on = on or business_date_today()
    for book in sorted(rulebooks_all(), key=lambda b: b.rulebook.effective_from, reverse=True):
        meta = book.rulebook
        if meta.id == rulebook_id and meta.effective_from <= on and (
            meta.effective_to is None or on < meta.effective_to
        ):
            return book
    raise PuhuiError(RulebookError.NO_RULEBOOK_IN_FORCE, rulebook=rulebook_id, on=on.isoformat())


def rulebook_section(book: Rulebook, name: str) -> Any:
    """A section the caller cannot do without; its absence is an error naming it."""
    section = getattr(book, name)
    if section is None:
        raise PuhuiError(RulebookError.RULEBOOK_SECTION_MISSING, rulebook=book.key, section=name)
    return section


# --- SMB size classes -------------------------------------------------------------------------

FIGURE_NAMES_EN = {"employees": "employees", "revenue": "operating revenue (CNY 10k)",
                   "assets": "total assets (CNY 10k)"}
FIGURE_NAMES_ZH = {
    "employees": "从业人员", "revenue": "营业收入（万元）", "assets": "资产总额（万元）",
}
CLASS_NAMES_ZH = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


@dataclass(frozen=True)
class SizeClassification:
    size_class: str
    admitted: bool
    industry: str
    industry_name_en: str
    industry_name_zh: str
    figures: dict[str, str]
    rule_id: str
    rulebook_id: str
    rulebook_version: str
    reasons_en: list[str] = field(default_factory=list)
    reasons_zh: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def size_class_evaluate(
    *,
    industry: str,
    employees: int | None = None,
    revenue_wan: Decimal | None = None,
    assets_wan: Decimal | None = None,
    rulebook: Rulebook | None = None,
) -> SizeClassification:
    """Classify an enterprise large / medium / small / micro by its industry's rule.

    Large: at or above every SME ceiling. Medium, small: at or above every bound of the class.
    Micro: below any small bound. A figure the rule needs and that is missing is an error.
    """
    book = rulebook or rulebook_in_force()
    table = rulebook_section(book, "size_classes")
    rule: Industry | None = table.industries.get(industry)
    if rule is None:
        raise PuhuiError(RulebookError.UNKNOWN_INDUSTRY, industry=industry,
                         choices=", ".join(table.industries))
    given: dict[str, Decimal | None] = {
        "employees": None if employees is None else Decimal(employees),
        "revenue": revenue_wan, "assets": assets_wan,
    }
    needed = rule.indicators()
    missing = [name for name in needed if given[name] is None]
    if missing:
        raise PuhuiError(RulebookError.FIGURE_MISSING, industry=industry,
                         figures=", ".join(FIGURE_NAMES_EN[name] for name in missing))
    for name, value in given.items():
        if value is not None and value < 0:
            raise PuhuiError(RulebookError.FIGURE_NEGATIVE, figure=FIGURE_NAMES_EN[name])
    figures = {name: cast(Decimal, given[name]) for name in needed}  # none is missing
    size_class, reasons_en, reasons_zh = _size_class_of(rule, figures)
    return SizeClassification(
        size_class=size_class,
        admitted=size_class in table.admitted,
        industry=industry,
        industry_name_en=rule.name_en,
        industry_name_zh=rule.name_zh,
        figures={name: str(value) for name, value in figures.items()},
        rule_id=f"size_classes.industries.{industry}",
        rulebook_id=book.rulebook.id,
        rulebook_version=book.rulebook.version,
        reasons_en=reasons_en,
        reasons_zh=reasons_zh,
    )


def _reasons(level: str, bounds: Any, comparison: str,
             figures: dict[str, Decimal]) -> list[tuple[str, str]]:
    """Each figure against the class's bound, in English and Chinese."""
    level_zh = CLASS_NAMES_ZH.get(level, "中小企业")
    limit_zh = "上限" if comparison == "ceiling" else "标准"
    reasons = []
    for name, value in figures.items():
        bound = getattr(bounds, name)
        above = value >= bound
        reasons.append((f"{FIGURE_NAMES_EN[name]} {value} is "
                        f"{'at or above' if above else 'below'} the {level} "
                        f"{comparison} of {bound}",
                        f"{FIGURE_NAMES_ZH[name]} {value} "
                        f"{'不低于' if above else '低于'}{level_zh}{limit_zh} {bound}"))
    return reasons


def _size_class_of(rule: Industry,
                   figures: dict[str, Decimal]) -> tuple[str, list[str], list[str]]:
    """The class the figures reach and why: large at or above every SME ceiling; medium, small
    at or above every bound of the class; micro below any small bound."""
    def meets(bounds: Any) -> bool:
        return all(value >= getattr(bounds, name) for name, value in figures.items())

    if meets(rule.sme_ceiling):
        size_class, compared = "large", [("SME", rule.sme_ceiling, "ceiling")]
    elif meets(rule.medium):
        size_class, compared = "medium", [("medium", rule.medium, "bound")]
    elif meets(rule.small):
        size_class = "small"
        compared = [("medium", rule.medium, "bound"), ("small", rule.small, "bound")]
    else:
        size_class, compared = "micro", [("small", rule.small, "bound")]
    reasons = [reason for level, bounds, comparison in compared
               for reason in _reasons(level, bounds, comparison, figures)]
    return size_class, [en for en, _zh in reasons], [zh for _en, zh in reasons]
