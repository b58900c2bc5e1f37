"""The operator's credit pages: the model registry with activation, monitoring of the active
model (drift, expected vs realised default per grade, approval rates), and knock-out flags.
Regulators see the same pages without the forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from puhui.core.errors import PuhuiError
from puhui.credit import selectors
from puhui.credit.forms import ActivateForm, FlagForm
from puhui.credit.models import CreditFlag, CreditModel
from puhui.credit.services import flag_record, model_activate
from puhui.operations.credit_monitoring import credit_monitoring
from puhui.parties.forms import error_sentence
from puhui.parties.models import Enterprise, Role, User


def _user(request: HttpRequest, *roles: Role) -> User:
    user = request.user
    if not isinstance(user, User) or user.role not in roles:
        raise PermissionDenied
    return user


@login_required
@require_http_methods(["GET", "POST"])
def credit_models(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.OPERATOR, Role.REGULATOR)
    if request.method == "POST":
        if user.role != Role.OPERATOR:
            raise PermissionDenied
        form = ActivateForm(request.POST)
        model = (CreditModel.objects.filter(version=form.data.get("version")).first()
                 if form.is_valid() else None)
        if model is not None:
            try:
                model_activate(model=model, operator=user, decides=form.cleaned_data["decides"])
            except PuhuiError as error:
                messages.error(request, error_sentence(error))
            else:
                messages.success(request, _("The model is active: it decides every new "
                                            "application."))
        return redirect("credit:models")
    active = CreditModel.objects.filter(active=True).first()
    return render(request, "credit/models.html", {
        "models": selectors.models_listed(),
        "monitoring": credit_monitoring(active) if active else None,
        "activate_form": ActivateForm(),
        "can_act": user.role == Role.OPERATOR,
    })


@login_required
@require_http_methods(["GET", "POST"])
def credit_flags(request: HttpRequest) -> HttpResponse:
    user = _user(request, Role.OPERATOR, Role.REGULATOR)
    form = FlagForm(request.POST or None)
    if request.method == "POST":
        if user.role != Role.OPERATOR:
            raise PermissionDenied
        if form.is_valid():
            enterprise = Enterprise.objects.filter(uscc=form.cleaned_data["uscc"]).first()
            if enterprise is None:
                form.add_error("uscc", _("No enterprise has this code."))
            else:
                try:
                    flag_record(enterprise=enterprise, kind=form.cleaned_data["kind"],
                                evidence=form.cleaned_data["evidence"], operator=user)
                    messages.success(request, _("The flag is recorded with its evidence."))
                    return redirect("credit:flags")
                except PuhuiError as error:
                    messages.error(request, error_sentence(error))
    return render(request, "credit/flags.html", {
        "flags": CreditFlag.objects.select_related("enterprise").order_by("-recorded_at"),
        "form": form, "can_act": user.role == Role.OPERATOR,
    })
