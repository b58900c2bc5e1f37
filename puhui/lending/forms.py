"""Forms for lending pages; they parse, services decide."""

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from puhui.core.forms import OnceOnlyForm
from puhui.core.money import money_shown
from puhui.lending.models import LoanStatus, RepaymentMethod
from puhui.lending.selectors import products_offered
from puhui.parties.models import Enterprise, Industry, ReviewStatus, User


class ProductChoice(forms.ModelChoiceField):
    """A product as the borrower chooses it: its name in their language and its limits."""

    def label_from_instance(self, obj: Any) -> str:
        name = obj.name_zh if (get_language() or "").startswith("zh") else obj.name_en
        return (f"{name} · {money_shown(obj.amount_min_fen, obj.currency)} – "
                f"{money_shown(obj.amount_max_fen, obj.currency)} · "
                f"{obj.rate_annual * 100:.2f} %")


class ApplicationForm(OnceOnlyForm):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    product = ProductChoice(label=_("Loan product"), queryset=products_offered(),
                            to_field_name="code")
    amount = forms.DecimalField(label=_("Amount (CNY)"), min_value=1, max_digits=14,
                                decimal_places=2)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=600)
    method = forms.ChoiceField(label=_("Repayment method"), choices=RepaymentMethod.choices)
    grace_months = forms.IntegerField(label=_("Grace period: months of interest only"),
                                      min_value=0, max_value=60, initial=0, required=False)
    purpose_category = forms.ChoiceField(label=_("Purpose"), choices=[
        ("inventory", _("Inventory and materials")), ("equipment", _("Equipment")),
        ("payroll", _("Payroll")), ("expansion", _("Expansion")), ("other", _("Other"))])
    purpose_description = forms.CharField(label=_("What the money is for"),
                                          widget=forms.Textarea(attrs={"rows": 3}))
    payee_name = forms.CharField(label=_("Pay a supplier directly (name)"), max_length=100,
                                 required=False)
    payee_amount = forms.DecimalField(label=_("Amount for the supplier (CNY)"), min_value=0,
                                      max_digits=14, decimal_places=2, required=False)

    def planned_payees(self) -> list[dict[str, Any]]:
        name, amount = self.cleaned_data.get("payee_name"), self.cleaned_data.get("payee_amount")
        return [{"name": name, "amount": amount}] if name and amount else []

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enterprise_field = self.fields["enterprise"]
        assert isinstance(enterprise_field, forms.ModelChoiceField)
        enterprise_field.queryset = Enterprise.objects.filter(
            representative=user, status=ReviewStatus.APPROVED)


class BidForm(OnceOnlyForm):
    amount = forms.DecimalField(label=_("Amount to lend (CNY)"), min_value=0, max_digits=14,
                                decimal_places=2)


class RepaymentForm(OnceOnlyForm):
    amount = forms.DecimalField(label=_("Amount (CNY)"), min_value=0, max_digits=14,
                                decimal_places=2)
    mode = forms.ChoiceField(label=_("How"), initial="regular", choices=[
        ("regular", _("Pay what is due (and the next installment)")),
        ("prepay", _("Repay everything now (prepayment)")),
        ("shorten", _("Prepay this much principal and shorten the term")),
        ("lower", _("Prepay this much principal and lower the installments")),
    ])


class MarketplaceFilter(forms.Form):
    term_months = forms.TypedChoiceField(label=_("Term"), required=False, coerce=int,
                                         empty_value=None, choices=[
                                             ("", _("Any")), (3, "3"), (6, "6"), (12, "12")])
    method = forms.ChoiceField(label=_("Repayment method"), required=False,
                               choices=[("", _("Any")), *RepaymentMethod.choices])
    suitable_only = forms.BooleanField(label=_("Only what my risk profile allows"),
                                       required=False)
    status = forms.ChoiceField(label=_("Listings"), required=False, choices=[
        ("open", _("Raising money now")), ("funded", _("Funded (past)")),
        ("failed", _("Did not fund (past)"))])
    grade = forms.ChoiceField(label=_("Grade"), required=False, choices=[
        ("", _("Any")), *((g, g) for g in "ABCD")])
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 choices=[("", _("Any")), *Industry.choices])
    min_rate = forms.DecimalField(label=_("Rate at least (%)"), required=False, min_value=0,
                                  max_value=36, decimal_places=2)


class LoanBookFilter(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any")), *LoanStatus.choices])
    grade = forms.ChoiceField(label=_("Grade"), required=False, choices=[
        ("", _("Any")), *((g, g) for g in "ABCD")])
    borrower = forms.CharField(label=_("Borrower"), required=False, max_length=100)


class RecoveryForm(OnceOnlyForm):
    amount = forms.DecimalField(label=_("Recovered amount (CNY)"), min_value=0, max_digits=14,
                                decimal_places=2)


class CobForm(forms.Form):
    business_date = forms.DateField(label=_("Business date"),
                                    widget=forms.DateInput(attrs={"type": "date"}))
