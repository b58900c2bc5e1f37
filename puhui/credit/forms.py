"""Forms of the operator's credit pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from puhui.credit.models import FlagKind, ModelKind


class ActivateForm(forms.Form):
    version = forms.CharField(max_length=40, widget=forms.HiddenInput)
    decides = forms.ChoiceField(label=_("Decides with"), choices=ModelKind.choices)


class FlagForm(forms.Form):
    uscc = forms.CharField(label=_("Enterprise (unified social credit code)"), max_length=18)
    kind = forms.ChoiceField(label=_("Flag"), choices=FlagKind.choices)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))
