"""Forms parse what people type; the rules are in services."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from puhui.core.errors import PuhuiError
from puhui.core.time_zones import TIME_ZONE_CHOICES
from puhui.parties.models import Industry, InvestorKind, Role, User
from puhui.rulebook.selectors import rulebook_in_force


def error_sentence(error: PuhuiError) -> str:
    """A service's error as a sentence in the reader's language."""
    return error.error.render(translation.get_language() or "en", error.facts)


FORM_REFUSED = 400  # a page shown again with the reason its form was refused


def user_in_role(request: HttpRequest, *roles: Role) -> User:
    """The signed-in user, in one of ``roles`` when any are named; anyone else is refused."""
    user = request.user
    if not isinstance(user, User) or (roles and user.role not in roles):
        raise PermissionDenied
    return user


def form_error(form: forms.Form, error: PuhuiError) -> None:
    """Show a service's error on a (sent) form, in the reader's language."""
    form.add_error(None, error_sentence(error))


TERMS_VERSION = "2026-12"  # the terms of use and privacy notice a new account accepts


class RegisterForm(forms.Form):
    role = forms.ChoiceField(label=_("I am"), choices=[(Role.BORROWER, _("a business borrowing")),
                                                       (Role.INVESTOR, _("an investor"))])
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("Password, again"), widget=forms.PasswordInput)
    accept_terms = forms.BooleanField(label=_("I have read and accept the terms of use and the "
                                              "privacy notice"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") != data.get("password"):
            self.add_error("password_again", _("The two passwords differ; type the same one "
                                               "twice."))
        return data

    def account(self) -> dict[str, str]:
        """What the sign-up service takes."""
        return {key: self.cleaned_data[key] for key in ("role", "username", "email", "password")}


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(label=_("Show times in"), required=False,
                                  choices=TIME_ZONE_CHOICES)


class TotpForm(forms.Form):
    code = forms.CharField(label=_("Six-digit code"), min_length=6, max_length=8)


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    uscc_code = forms.CharField(label=_("Unified social credit code"), max_length=18)
    legal_rep_name = forms.CharField(label=_("Legal representative"), max_length=100)
    legal_rep_id = forms.CharField(label=_("Legal representative's resident ID"), max_length=18)
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    employees = forms.IntegerField(label=_("Employees"), min_value=0)
    revenue_wan = forms.DecimalField(label=_("Operating revenue last year (CNY 10k)"),
                                     min_value=0, max_digits=14, decimal_places=2)
    total_assets_wan = forms.DecimalField(label=_("Total assets (CNY 10k)"), min_value=0,
                                          max_digits=14, decimal_places=2)
    registered_capital_wan = forms.DecimalField(label=_("Registered capital (CNY 10k)"),
                                                min_value=0, max_digits=14, decimal_places=2)
    founded_on = forms.DateField(label=_("Founded on"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.CharField(label=_("Region"), max_length=100)
    bank_name = forms.CharField(label=_("Settlement bank"), max_length=100)
    bank_account = forms.CharField(label=_("Settlement account number"), max_length=40)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=[
        ("business_licence", _("Business licence")),
        ("industry_permit", _("Industry permit")),
        ("other", _("Other")),
    ])
    file = forms.FileField(label=_("File (PDF, PNG or JPEG)"))


class InvestorForm(forms.Form):
    kind = forms.ChoiceField(label=_("I invest as"), choices=InvestorKind.choices)
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    resident_id = forms.CharField(label=_("Resident ID (natural persons)"), max_length=18,
                                  required=False)
    uscc_code = forms.CharField(label=_("Unified social credit code (institutions)"),
                                max_length=18, required=False)
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    bank_card = forms.CharField(label=_("Bank card or account number"), max_length=40)
    declared_income_yuan = forms.DecimalField(label=_("Yearly income (CNY)"), min_value=0,
                                              max_digits=16, decimal_places=2)
    net_worth_yuan = forms.DecimalField(label=_("Net worth (CNY)"), min_value=0, max_digits=16,
                                        decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese = (translation.get_language() or "en").startswith("zh")
        rules = rulebook_in_force().suitability
        for question in rules.questions if rules else []:
            self.fields[f"q_{question.id}"] = forms.ChoiceField(
                label=question.text_zh if chinese else question.text_en,
                choices=[(o.id, o.text_zh if chinese else o.text_en) for o in question.options],
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, str]:
        return {name[2:]: value for name, value in self.cleaned_data.items()
                if name.startswith("q_")}


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reasons = forms.CharField(label=_("Reasons (shown to the applicant)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
