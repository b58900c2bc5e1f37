"""Who may back what, and how much: pure functions of the rulebook's ``[crowdfunding]``
section and a backer's declared figures (yuan as ``Decimal``; limits in fen)."""

from decimal import ROUND_FLOOR, Decimal

from puhui.core.money import currency_exponent
from puhui.rulebook.schema import InvestorLimits, QualifiedInvestors


def _fen_floor(amount: Decimal, currency: str) -> int:
    """A limit in minor units, rounded down: a limit is never exceeded by rounding."""
    return int((amount.scaleb(currency_exponent(currency))).to_integral_value(ROUND_FLOOR))


def investor_limit_fen(rules: InvestorLimits, *, income: Decimal, net_worth: Decimal,
                       accredited: bool, currency: str) -> int | None:
    """What a backer may put into counted crowdfunding over 12 months, across every platform;
    None when there is no limit (an accredited investor where the rules say so).

    Reg CF Rule 100(a)(2): when income *or* net worth is below the threshold, the greater of
    the floor and the lower rate of the greater figure; when both are at or above it, the
    higher rate of the greater figure, capped."""
    if accredited and rules.accredited_unlimited:
        return None
    greater = max(income, net_worth)
    if income < rules.threshold or net_worth < rules.threshold:
        limit = max(rules.floor, rules.rate_below_threshold * greater)
    else:
        limit = min(rules.cap, rules.rate_at_or_above_threshold * greater)
    return _fen_floor(limit, currency)


def qualified_by(rules: QualifiedInvestors, *, institution: bool, net_worth: Decimal,
                 financial_assets: Decimal, average_income_3_years: Decimal,
                 pledged_in_campaign: Decimal) -> str:
    """The test a backer meets to count as a qualified investor for one campaign ('' for
    none): the amount put into it, an institution's net assets, or a person's financial
    assets or three-year average income."""
    if pledged_in_campaign >= rules.min_investment_per_campaign:
        return "min_investment_per_campaign"
    if institution:
        return ("institution_min_net_assets"
                if net_worth >= rules.institution_min_net_assets else "")
    if financial_assets >= rules.person_min_financial_assets:
        return "person_min_financial_assets"
    if average_income_3_years >= rules.person_min_average_income_3_years:
        return "person_min_average_income_3_years"
    return ""
