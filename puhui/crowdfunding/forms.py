"""Forms for crowdfunding pages; they parse, services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from puhui.core.forms import OnceOnlyForm
from puhui.core.labels import label_of
from puhui.crowdfunding.models import (
    Allocation,
    CampaignKind,
    EquityHolding,
    FundingModel,
    MilestoneMissed,
    RewardTier,
)
from puhui.crowdfunding.services import CampaignDraft, MaterialChange, MilestoneDraft, TierDraft
from puhui.lending.schedules import Method
from puhui.parties.models import Enterprise, Industry, ReviewStatus, User

TIER_ROWS = 3  # rewards a new campaign's form offers
MILESTONE_ROWS = 2  # milestones it offers


def _money(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=0, max_digits=14, decimal_places=2,
                              required=required)


class CampaignForm(OnceOnlyForm):
    """A new campaign: the terms every kind has, those of its kind, and up to three rewards."""

    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    kind = forms.ChoiceField(label=_("Kind of campaign"), choices=CampaignKind.choices)
    funding_model = forms.ChoiceField(label=_("Funding model"), choices=FundingModel.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(label=_("One sentence about it"), max_length=300)
    story = forms.CharField(label=_("The story: what you will do with the money"),
                            widget=forms.Textarea(attrs={"rows": 5}))
    risks = forms.CharField(label=_("Risks backers must know"),
                            widget=forms.Textarea(attrs={"rows": 3}))
    use_of_funds = forms.CharField(label=_("Use of the money, by item"),
                                   widget=forms.Textarea(attrs={"rows": 3}))
    goal = _money(_("Goal (CNY)"))
    maximum = _money(_("Maximum (CNY; empty: none)"), required=False)
    min_pledge = _money(_("Least pledge (CNY)"))
    days_open = forms.IntegerField(label=_("Days open"), min_value=1, max_value=365, initial=30)
    rate_annual = forms.DecimalField(label=_("Notes: annual rate (e.g. 0.08)"), min_value=0,
                                     max_value=1, decimal_places=4, required=False)
    term_months = forms.IntegerField(label=_("Notes: term (months)"), min_value=1,
                                     required=False)
    repayment_method = forms.ChoiceField(
        label=_("Notes: repayment method"), required=False,
        choices=[("", "—"), *[(m.value, label_of(m.value)) for m in Method]])
    pre_money_valuation = _money(_("Equity: value before the round (CNY)"), required=False)
    share_class = forms.CharField(label=_("Equity: share class"), max_length=60, required=False)
    price_per_share = _money(_("Equity: price per share (CNY)"), required=False)
    holding = forms.ChoiceField(label=_("Equity: how investors hold"), required=False,
                                choices=[("", "—"), *EquityHolding.choices])
    key_people = forms.CharField(label=_("Key people (name and role, one a line)"),
                                 required=False, widget=forms.Textarea(attrs={"rows": 2}))
    first_tranche_percent = forms.DecimalField(
        label=_("Paid at funding (percent of what is raised after the fee)"), min_value=0,
        max_value=100, decimal_places=2, initial=100, required=False)
    allocation = forms.ChoiceField(label=_("If more is pledged than the maximum"),
                                   choices=Allocation.choices, initial=Allocation.FIRST_COME,
                                   required=False)
    if_milestone_missed = forms.ChoiceField(
        label=_("If a milestone is missed"), required=False,
        choices=[("", "—"), *MilestoneMissed.choices])

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enterprise_field = self.fields["enterprise"]
        assert isinstance(enterprise_field, forms.ModelChoiceField)
        enterprise_field.queryset = Enterprise.objects.filter(
            representative=user, status=ReviewStatus.APPROVED)
        for row in range(TIER_ROWS):
            self.fields[f"tier{row}_title"] = forms.CharField(
                label=_("Reward {n}: title").format(n=row + 1), max_length=120, required=False)
            self.fields[f"tier{row}_description"] = forms.CharField(
                label=_("Reward {n}: what the backer gets").format(n=row + 1), max_length=500,
                required=False)
            self.fields[f"tier{row}_price"] = _money(_("Reward {n}: price (CNY)").format(
                n=row + 1), required=False)
            self.fields[f"tier{row}_quantity"] = forms.IntegerField(
                label=_("Reward {n}: units (empty: unlimited)").format(n=row + 1), min_value=1,
                required=False)
            self.fields[f"tier{row}_delivery"] = forms.DateField(
                label=_("Reward {n}: estimated delivery").format(n=row + 1), required=False,
                widget=forms.DateInput(attrs={"type": "date"}))

        for row in range(MILESTONE_ROWS):
            n = row + 1
            self.fields[f"milestone{row}_title"] = forms.CharField(
                label=_("Milestone {n}: what will be done").format(n=n), max_length=120,
                required=False)
            self.fields[f"milestone{row}_evidence"] = forms.CharField(
                label=_("Milestone {n}: the evidence that will show it").format(n=n),
                max_length=500, required=False)
            self.fields[f"milestone{row}_due"] = forms.DateField(
                label=_("Milestone {n}: due by").format(n=n), required=False,
                widget=forms.DateInput(attrs={"type": "date"}))
            self.fields[f"milestone{row}_share"] = forms.DecimalField(
                label=_("Milestone {n}: its share (%)").format(n=n), min_value=0,
                max_value=100, decimal_places=2, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(MILESTONE_ROWS):
            given = [data.get(f"milestone{row}_{part}") for part in ("title", "due", "share")]
            if any(value not in (None, "") for value in given) and any(
                    value in (None, "") for value in given):
                self.add_error(f"milestone{row}_title", _(
                    "A milestone needs what will be done, its date and its share."))
        for row in range(TIER_ROWS):
            given = [data.get(f"tier{row}_{part}") for part in ("title", "price", "delivery")]
            if any(value not in (None, "") for value in given) and any(
                    value in (None, "") for value in given):
                self.add_error(f"tier{row}_title", _(
                    "A reward needs its title, its price and its estimated delivery."))
        return data

    def _tiers(self) -> tuple[TierDraft, ...]:
        data = self.cleaned_data
        return tuple(
            TierDraft(data[f"tier{row}_title"],
                      data.get(f"tier{row}_description") or data[f"tier{row}_title"],
                      data[f"tier{row}_price"], data.get(f"tier{row}_quantity"),
                      data[f"tier{row}_delivery"], ships=True)
            for row in range(TIER_ROWS) if data.get(f"tier{row}_title"))

    def _milestones(self) -> tuple[MilestoneDraft, ...]:
        data = self.cleaned_data
        return tuple(
            MilestoneDraft(data[f"milestone{row}_title"],
                           data.get(f"milestone{row}_evidence") or data[f"milestone{row}_title"],
                           data[f"milestone{row}_due"], data[f"milestone{row}_share"])
            for row in range(MILESTONE_ROWS) if data.get(f"milestone{row}_title"))

    def draft(self) -> CampaignDraft:
        data = self.cleaned_data
        return CampaignDraft(
            kind=data["kind"], funding_model=data["funding_model"], title=data["title"],
            summary=data["summary"], story=data["story"], risks=data["risks"],
            use_of_funds=data["use_of_funds"], goal=data["goal"], maximum=data.get("maximum"),
            min_pledge=data["min_pledge"], days_open=data["days_open"], tiers=self._tiers(),
            rate_annual=data.get("rate_annual"), term_months=data.get("term_months"),
            repayment_method=data.get("repayment_method") or "",
            pre_money_valuation=data.get("pre_money_valuation"),
            share_class=data.get("share_class") or "",
            price_per_share=data.get("price_per_share"), holding=data.get("holding") or "",
            key_people=data.get("key_people") or "",
            first_tranche_percent=Decimal(100) if data.get("first_tranche_percent") is None
            else data["first_tranche_percent"], milestones=self._milestones(),
            if_milestone_missed=data.get("if_milestone_missed") or "",
            allocation=data.get("allocation") or Allocation.FIRST_COME)


class TierChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class PledgeForm(OnceOnlyForm):
    amount = _money(_("Amount to pledge (CNY)"))
    tier = TierChoice(label=_("Reward"), queryset=RewardTier.objects.none(), required=False,
                      empty_label=_("No reward, just support"))
    quantity = forms.IntegerField(label=_("Units of the reward"), min_value=1, max_value=100,
                                  initial=1, required=False)
    name_shown = forms.BooleanField(label=_("Show my name among the backers"), required=False)

    def __init__(self, *args: Any, tiers: "QuerySet[RewardTier]",
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tier_field = self.fields["tier"]
        assert isinstance(tier_field, forms.ModelChoiceField)
        tier_field.queryset = tiers
        if not tiers.exists():
            del self.fields["tier"], self.fields["quantity"]


class ReasonsForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class EarlyCloseForm(forms.Form):
    deadline = forms.DateField(label=_("New deadline"),
                               widget=forms.DateInput(attrs={"type": "date"}))


class MaterialChangeForm(forms.Form):
    """A material change: what changes (empty: as it is) and what to tell every backer."""

    summary = forms.CharField(label=_("What changes and why (sent to every backer)"),
                              widget=forms.Textarea(attrs={"rows": 2}))
    goal = _money(_("New goal"), required=False)
    use_of_funds = forms.CharField(label=_("New use of the money"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    key_people = forms.CharField(label=_("New key people"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    risks = forms.CharField(label=_("New risks"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def change(self) -> MaterialChange:
        data = self.cleaned_data
        return MaterialChange(summary=data["summary"], goal=data.get("goal"),
                              use_of_funds=data.get("use_of_funds") or None,
                              key_people=data.get("key_people") or None,
                              risks=data.get("risks") or None)


class EvidenceForm(forms.Form):
    evidence = forms.CharField(label=_("What shows the milestone is met"),
                               widget=forms.Textarea(attrs={"rows": 3}))


class UpdateForm(OnceOnlyForm):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("What to tell backers"),
                           widget=forms.Textarea(attrs={"rows": 3}))
    backers_only = forms.BooleanField(label=_("For backers only"), required=False)


class CommentForm(OnceOnlyForm):
    body = forms.CharField(label=_("Your comment or question"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AddressForm(forms.Form):
    address = forms.CharField(label=_("Shipping address"), max_length=300,
                              widget=forms.Textarea(attrs={"rows": 2}))
    survey_answer = forms.CharField(label=_("The issuer's questions (size, colour, …)"),
                                    max_length=500, required=False)


class FulfilmentForm(forms.Form):
    status = forms.ChoiceField(label=_("Now"), choices=[
        ("shipped", _("Shipped")), ("delivered", _("Delivered"))])
    tracking = forms.CharField(label=_("Tracking number"), max_length=80, required=False)


class LateForm(forms.Form):
    new_date = forms.DateField(label=_("New expected date"),
                               widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Why it is late"), max_length=500)


class TransferForm(OnceOnlyForm):
    buyer = forms.CharField(label=_("To the investor (user name)"), max_length=150)
    shares = forms.IntegerField(label=_("Shares"), min_value=1)


class StandingForm(forms.Form):
    accredited = forms.BooleanField(label=_("I am an accredited investor"), required=False)
    financial_assets = _money(_("Financial assets (CNY)"))
    average_income_3_years = _money(_("Average yearly income over 3 years (CNY)"))


class DiscoverFilter(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All")), *CampaignKind.choices])
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 choices=[("", _("All")), *Industry.choices])
    region = forms.CharField(label=_("Region"), required=False, max_length=100)
    text = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("online", _("Online, taking pledges")), ("funded", _("Funded")),
        ("failed", _("Did not reach its goal; pledges released"))])
