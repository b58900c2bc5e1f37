"""The shape of a rulebook file. Unknown keys, floats for money and inconsistent bounds are
refused; every error names the key that is wrong."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


def _exact_decimal(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("write amounts and rates as strings (\"0.24\"), never as floats")
    return value


ExactDecimal = Annotated[Decimal, BeforeValidator(_exact_decimal)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
SizeClass = Literal["large", "medium", "small", "micro"]
INDICATORS = ("employees", "revenue", "assets")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Meta(Strict):
    id: Slug
    version: Annotated[str, Field(min_length=1, max_length=20)]
    jurisdiction: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    effective_from: date
    effective_to: date | None = None
    title_en: str
    title_zh: str

    @model_validator(mode="after")
    def _dates_in_order(self) -> "Meta":
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValueError("effective_to must come after effective_from")
        return self


class Bounds(Strict):
    """Thresholds per indicator: employees in persons, revenue and assets in CNY 10,000."""

    employees: Annotated[int, Field(ge=1)] | None = None
    revenue: Annotated[int, Field(ge=1)] | None = None
    assets: Annotated[int, Field(ge=1)] | None = None

    def indicators(self) -> tuple[str, ...]:
        return tuple(name for name in INDICATORS if getattr(self, name) is not None)


class Industry(Strict):
    name_en: str
    name_zh: str
    sme_ceiling: Bounds
    medium: Bounds
    small: Bounds

    @model_validator(mode="after")
    def _bounds_consistent(self) -> "Industry":
        indicators = self.sme_ceiling.indicators()
        if not indicators:
            raise ValueError("sme_ceiling names no indicator")
        for level in ("medium", "small"):
            if getattr(self, level).indicators() != indicators:
                raise ValueError(f"{level} must use the same indicators as sme_ceiling "
                                 f"({', '.join(indicators)})")
        for name in indicators:
            if not getattr(self.small, name) < getattr(self.medium, name):
                raise ValueError(f"small.{name} must be below medium.{name}")
        return self

    def indicators(self) -> tuple[str, ...]:
        return self.sme_ceiling.indicators()


class SizeClasses(Strict):
    source: str
    admitted: list[SizeClass] = Field(min_length=1)
    industries: dict[Slug, Industry] = Field(min_length=1)


class CapPair(Strict):
    per_platform: ExactDecimal = Field(gt=0)
    all_platforms: ExactDecimal = Field(gt=0)

    @model_validator(mode="after")
    def _per_platform_within_all(self) -> "CapPair":
        if self.per_platform > self.all_platforms:
            raise ValueError("per_platform must not exceed all_platforms")
        return self


class BorrowingCaps(Strict):
    source: str
    natural_person: CapPair
    legal_person: CapPair


class Fundraising(Strict):
    source: str
    max_working_days: int = Field(ge=1, le=90)


class Pricing(Strict):
    source: str
    annual_rate_ceiling: ExactDecimal = Field(gt=0, lt=1)


class Investors(Strict):
    source: str
    minimum_age_years: int = Field(ge=0, le=30)


class SuitabilityLevel(Strict):
    id: Slug
    name_en: str
    name_zh: str
    min_score: int = Field(ge=0)
    max_product_risk: int = Field(ge=1, le=5)


class QuestionOption(Strict):
    id: Slug
    text_en: str
    text_zh: str
    score: int = Field(ge=0)


class Question(Strict):
    id: Slug
    text_en: str
    text_zh: str
    options: list[QuestionOption] = Field(min_length=2)


class Suitability(Strict):
    source: str
    levels: list[SuitabilityLevel] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _levels_ordered(self) -> "Suitability":
        if self.levels[0].min_score != 0:
            raise ValueError("the first level must start at min_score 0")
        scores = [level.min_score for level in self.levels]
        if scores != sorted(set(scores)):
            raise ValueError("levels must have strictly increasing min_score")
        return self


class CreditInformation(Strict):
    source: str
    negative_record_retention_years: int = Field(ge=1, le=30)
    dispute_answer_days: int = Field(ge=1, le=90)
    consent_valid_days: int = Field(ge=1, le=365)
    # A report older than this cannot approve or list an application when the registry
    # cannot be asked again.
    report_max_age_hours: int = Field(ge=1, le=720)
    report_inquiry_months: list[int] = Field(min_length=1)
    # Data minimisation: the sections of a report a member sees, by purpose of the inquiry.
    report_sections: dict[str, list[Literal["totals", "financings", "inquiries",
                                             "negative_records", "disputes"]]]


class Custody(Strict):
    """Bounds on money in and out of a wallet at the custodian, in the rulebook's currency."""

    source: str
    deposit_single_max: ExactDecimal = Field(gt=0)
    deposit_daily_max: ExactDecimal = Field(gt=0)
    withdrawal_single_max: ExactDecimal = Field(gt=0)
    withdrawal_daily_max: ExactDecimal = Field(gt=0)

    @model_validator(mode="after")
    def _single_within_daily(self) -> "Custody":
        if self.deposit_single_max > self.deposit_daily_max:
            raise ValueError("deposit_single_max must not exceed deposit_daily_max")
        if self.withdrawal_single_max > self.withdrawal_daily_max:
            raise ValueError("withdrawal_single_max must not exceed withdrawal_daily_max")
        return self


class Disclosure(Strict):
    source: str
    monthly_report_working_days: int = Field(ge=1, le=31)
    major_event_hours: int = Field(ge=1, le=720)


class CreditGrade(Strict):
    id: str = Field(pattern=r"^[A-Z][+-]?$")
    max_pd: ExactDecimal = Field(gt=0, le=1)
    rate_spread: ExactDecimal = Field(ge=0, lt=1)
    limit_share: ExactDecimal = Field(ge=0, le=1)  # of revenue × max_amount_to_annual_revenue
    approve: bool


class CreditPolicy(Strict):
    source: str
    min_enterprise_age_months: int = Field(ge=0, le=600)
    max_amount_to_annual_revenue: ExactDecimal = Field(gt=0, le=10)
    base_rate_annual: ExactDecimal = Field(gt=0, lt=1)
    # Applying a model trained on US dollar amounts (the SBA loans) to yuan amounts.
    model_dollars_per_yuan: ExactDecimal = Field(gt=0)
    knock_out_flags: list[Literal["blacklisted", "fake_information", "fraud"]]
    # What the shared registry's report shows that refuses before any score.
    knock_out_negative_records: list[Literal["default", "fake_information", "fraud"]]
    knock_out_past_due: bool
    # Drift (PSI) is judged only over at least this many scored applications.
    monitoring_min_sample: int = Field(ge=1, le=1_000_000)
    grades: list[CreditGrade] = Field(min_length=1)

    @model_validator(mode="after")
    def _grades_ordered(self) -> "CreditPolicy":
        bounds = [grade.max_pd for grade in self.grades]
        if bounds != sorted(set(bounds)) or bounds[-1] != 1:
            raise ValueError("grades must have rising max_pd, the last one 1")
        return self


class DpdBucket(Strict):
    id: str = Field(min_length=1, max_length=8)
    from_days: int = Field(ge=1)
    to_days: int | None = None


class Collections(Strict):
    source: str
    default_after_days_past_due: int = Field(ge=1, le=3650)
    reminder_days_before_due: int = Field(ge=0, le=60)
    overdue_reminder_days: list[Annotated[int, Field(ge=1)]] = Field(min_length=1)
    buckets: list[DpdBucket] = Field(min_length=1)

    @model_validator(mode="after")
    def _buckets_contiguous(self) -> "Collections":
        expected = 1
        for bucket in self.buckets:
            if bucket.from_days != expected:
                raise ValueError(f"bucket {bucket.id} must start at day {expected}")
            if bucket.to_days is None:
                if bucket is not self.buckets[-1]:
                    raise ValueError(f"only the last bucket may be open-ended ({bucket.id})")
                break
            if bucket.to_days < bucket.from_days:
                raise ValueError(f"bucket {bucket.id} ends before it starts")
            expected = bucket.to_days + 1
        return self

    def bucket_for(self, days_past_due: int) -> str:
        if days_past_due <= 0:
            return "current"
        for bucket in self.buckets:
            if bucket.to_days is None or days_past_due <= bucket.to_days:
                return bucket.id
        return self.buckets[-1].id


CampaignKind = Literal["donation", "reward", "debt", "equity"]
FundingModel = Literal["all_or_nothing", "keep_it_all"]


class CampaignKindRule(Strict):
    """Whether a platform may run a kind of campaign, for whom, and how its money is raised."""

    source: str
    # anyone admitted as an investor; only qualified investors (``qualified_investors``); or
    # nobody: the kind is not offered in this jurisdiction
    backers: Literal["anyone", "qualified", "nobody"]
    funding_models: list[FundingModel] = Field(default_factory=list)
    max_backers: int | None = Field(default=None, ge=1)  # per campaign
    # what it adds to a backer's 12-month crowdfunding investments (``investor_limits``)
    counts_toward_investor_limit: bool = False
    product_risk: int = Field(ge=1, le=5)  # R1–R5 against the backer's suitability
    # issuers go through the credit engine and the shared registry, as loan applicants do
    issuer_credit_check: bool = False

    @model_validator(mode="after")
    def _offered_kinds_have_a_model(self) -> "CampaignKindRule":
        if self.backers != "nobody" and not self.funding_models:
            raise ValueError("a kind that is offered needs at least one funding model")
        return self


class CampaignKinds(Strict):
    donation: CampaignKindRule
    reward: CampaignKindRule
    debt: CampaignKindRule
    equity: CampaignKindRule


class InvestorLimits(Strict):
    """What a backer may put into crowdfunding over 12 months, across every platform (Reg CF
    Rule 100(a)(2)): below the threshold (income or net worth), the greater of the floor and
    the lower rate; otherwise the higher rate, capped."""

    source: str
    threshold: ExactDecimal = Field(gt=0)
    floor: ExactDecimal = Field(ge=0)
    rate_below_threshold: ExactDecimal = Field(gt=0, lt=1)
    rate_at_or_above_threshold: ExactDecimal = Field(gt=0, lt=1)
    cap: ExactDecimal = Field(gt=0)
    accredited_unlimited: bool


class QualifiedInvestors(Strict):
    """Who may back a campaign offered only to qualified investors (SAC draft 2014): one who
    puts at least ``min_investment_per_campaign`` into it, an institution with the net assets,
    or a person with the financial assets or the three-year average income."""

    source: str
    min_investment_per_campaign: ExactDecimal = Field(gt=0)
    institution_min_net_assets: ExactDecimal = Field(gt=0)
    person_min_financial_assets: ExactDecimal = Field(gt=0)
    person_min_average_income_3_years: ExactDecimal = Field(gt=0)


class Crowdfunding(Strict):
    source: str
    kinds: CampaignKinds
    minimum_days_open: int = Field(ge=1)
    maximum_days_open: int = Field(ge=1, le=365)
    # closing before the deadline is allowed only with this much notice to backers
    early_close_notice_business_days: int = Field(ge=0, le=60)
    # backers may cancel for any reason until this many hours before the deadline
    cancellation_hours_before_deadline: int = Field(ge=0)
    # after a material change, a backer who does not reconfirm within these days is cancelled
    reconfirmation_business_days: int = Field(ge=1, le=60)
    # backers vote this long on a missed milestone (release the tranche, or refund the rest)
    milestone_vote_business_days: int = Field(ge=1, le=60)
    # the calendar the business days above are counted on (core.workdays.Calendar)
    calendar: Literal["cn", "weekends", "none"]
    platform_fee_rate: ExactDecimal = Field(ge=0, lt=1)
    equity_transfer_lock_months: int = Field(ge=0, le=120)
    note_max_term_months: int = Field(ge=1, le=360)  # the longest a debt campaign's note runs
    issuer_cap_12_months: ExactDecimal | None = Field(default=None, gt=0)
    investor_limits: InvestorLimits | None = None
    qualified_investors: QualifiedInvestors | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "Crowdfunding":
        if self.maximum_days_open < self.minimum_days_open:
            raise ValueError("maximum_days_open must not be below minimum_days_open")
        qualified = [name for name in CampaignKinds.model_fields
                     if getattr(self.kinds, name).backers == "qualified"]
        if qualified and self.qualified_investors is None:
            raise ValueError(f"kinds {qualified} are for qualified investors: "
                             "[crowdfunding.qualified_investors] must say who they are")
        return self

    def kind(self, name: str) -> CampaignKindRule:
        return cast(CampaignKindRule, getattr(self.kinds, name))


class Rulebook(Strict):
    rulebook: Meta
    size_classes: SizeClasses | None = None
    borrowing_caps: BorrowingCaps | None = None
    fundraising: Fundraising | None = None
    pricing: Pricing | None = None
    investors: Investors | None = None
    suitability: Suitability | None = None
    credit_information: CreditInformation | None = None
    disclosure: Disclosure | None = None
    custody: Custody | None = None
    crowdfunding: Crowdfunding | None = None
    credit_policy: CreditPolicy | None = None
    collections: Collections | None = None

    @property
    def key(self) -> str:
        return f"{self.rulebook.id}@{self.rulebook.version}"
