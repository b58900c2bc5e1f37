"""SMB size classes at both sides of every threshold of all 16 industries.

The thresholds below are typed in from ``shared/reference/regulations.md`` §1 (工信部联企业
〔2011〕300号), independently of the rulebook file; the classes expected at and just below each
bound follow the rule's text: large at or above every ceiling, medium/small at or above every
bound of the class, micro below any small bound.
"""

from decimal import Decimal

import pytest

from puhui.core.errors import PuhuiError
from puhui.rulebook.selectors import rulebook_in_force, size_class_evaluate

E, R, A = "employees", "revenue", "assets"
# industry: {indicator: (SME ceiling, medium bound, small bound)}
TABLE = {
    "agriculture": {R: (20000, 500, 50)},
    "industry": {E: (1000, 300, 20), R: (40000, 2000, 300)},
    "construction": {R: (80000, 6000, 300), A: (80000, 5000, 300)},
    "wholesale": {E: (200, 20, 5), R: (40000, 5000, 1000)},
    "retail": {E: (300, 50, 10), R: (20000, 500, 100)},
    "transport": {E: (1000, 300, 20), R: (30000, 3000, 200)},
    "warehousing": {E: (200, 100, 20), R: (30000, 1000, 100)},
    "postal": {E: (1000, 300, 20), R: (30000, 2000, 100)},
    "accommodation": {E: (300, 100, 10), R: (10000, 2000, 100)},
    "catering": {E: (300, 100, 10), R: (10000, 2000, 100)},
    "information-transmission": {E: (2000, 100, 10), R: (100000, 1000, 100)},
    "software-it": {E: (300, 100, 10), R: (10000, 1000, 50)},
    "real-estate-development": {R: (200000, 1000, 100), A: (10000, 5000, 2000)},
    "property-management": {E: (1000, 300, 100), R: (5000, 1000, 500)},
    "leasing-business-services": {E: (300, 100, 10), A: (120000, 8000, 100)},
    "other": {E: (300, 100, 10)},
}
LEVELS = [(0, "large", "medium"), (1, "medium", "small"), (2, "small", "micro")]


def classify(industry: str, figures: dict[str, Decimal]) -> str:
    return size_class_evaluate(
        industry=industry,
        employees=int(figures[E]) if E in figures else None,
        revenue_wan=figures.get(R), assets_wan=figures.get(A),
    ).size_class


def just_below(indicator: str, value: int) -> Decimal:
    return Decimal(value - 1) if indicator == E else Decimal(value) - Decimal("0.01")


CASES = []
for industry, rules in TABLE.items():
    for position, at_class, below_class in LEVELS:
        at = {name: Decimal(bounds[position]) for name, bounds in rules.items()}
        CASES.append(pytest.param(industry, at, at_class, id=f"{industry}-at-{at_class}"))
        for name, bounds in rules.items():
            below = at | {name: just_below(name, bounds[position])}
            CASES.append(pytest.param(industry, below, below_class,
                                      id=f"{industry}-{name}-below-{at_class}"))


@pytest.mark.parametrize(("industry", "figures", "expected"), CASES)
def test_class_at_and_just_below_every_threshold(industry, figures, expected):
    assert classify(industry, figures) == expected


def test_every_industry_of_the_table_is_in_the_rulebook_and_no_other():
    assert set(rulebook_in_force().size_classes.industries) == set(TABLE)


def test_the_retail_example_of_the_issue_is_micro_with_reasons():
    result = size_class_evaluate(industry="retail", employees=8, revenue_wan=Decimal(90))
    assert result.size_class == "micro"
    assert result.admitted is True
    assert result.rule_id == "size_classes.industries.retail"
    assert (result.rulebook_id, result.rulebook_version) == ("cn-2016", "2016.1")
    assert "employees 8 is below the small bound of 10" in result.reasons_en
    assert "从业人员 8 低于小型标准 10" in result.reasons_zh


def test_medium_and_large_enterprises_are_not_admitted():
    assert not size_class_evaluate(industry="retail", employees=60,
                                   revenue_wan=Decimal(600)).admitted
    assert not size_class_evaluate(industry="other", employees=400).admitted


def test_one_indicator_at_the_ceiling_is_not_large():
    # 2,000 staff but revenue under every bound: below a ceiling, so an SME — and micro.
    assert classify("industry", {E: Decimal(2000), R: Decimal(100)}) == "micro"


@pytest.mark.parametrize(
    ("kwargs", "code", "names"),
    [
        ({"industry": "construction", "revenue_wan": Decimal(90)}, "FIGURE_MISSING",
         "total assets"),
        ({"industry": "retail", "employees": 8}, "FIGURE_MISSING", "operating revenue"),
        ({"industry": "mining"}, "UNKNOWN_INDUSTRY", "mining"),
        ({"industry": "other", "employees": -1}, "FIGURE_NEGATIVE", "employees"),
    ],
)
def test_a_missing_or_bad_figure_is_an_error_naming_it(kwargs, code, names):
    with pytest.raises(PuhuiError) as caught:
        size_class_evaluate(**kwargs)
    assert caught.value.code == code
    assert names in str(caught.value)
