"""The issuer's updates, the backers' comments and the issuer's answers; rewards on their way:
the backer's shipping address, the issuer's fulfilment steps and late-delivery notices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from puhui.core.errors import PuhuiError
from puhui.crowdfunding.forms import (
    AddressForm,
    AnswerForm,
    CommentForm,
    FulfilmentForm,
    LateForm,
    UpdateForm,
)
from puhui.crowdfunding.models import Campaign, CampaignComment, Fulfilment, RewardTier
from puhui.crowdfunding.services import community, fulfilment
from puhui.crowdfunding.views.campaigns import campaign_act, campaign_page, campaign_shown
from puhui.parties.forms import error_sentence, user_in_role
from puhui.parties.models import Role, User


def _incomplete(request: HttpRequest, campaign_id: int, form: object) -> HttpResponse:
    errors = form.errors.values()  # type: ignore[attr-defined]
    problems = "; ".join(str(e) for field_errors in errors for e in field_errors)
    return campaign_page(request, campaign_shown(request, campaign_id),
                         refusal=_("Fill in the form: {problems}").format(problems=problems))


@login_required
@require_POST
def update_post(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user_in_role(request, Role.BORROWER)
    form = UpdateForm(request.POST)
    if not form.is_valid():
        return _incomplete(request, campaign_id, form)
    return campaign_act(request, campaign_id, lambda user, c: community.update_post(
        issuer=user, campaign=c, title=form.cleaned_data["title"], body=form.cleaned_data["body"],
        backers_only=form.cleaned_data["backers_only"], request_id=form.sent_id),
        _("The update is posted; every backer is told."), Role.BORROWER)


@login_required
@require_POST
def comment_post(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user_in_role(request, Role.INVESTOR)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _incomplete(request, campaign_id, form)
    return campaign_act(request, campaign_id, lambda user, c: community.comment_post(
        author=user, campaign=c, body=form.cleaned_data["body"], request_id=form.sent_id),
        _("Your comment is posted."), Role.INVESTOR)


@login_required
@require_POST
def comment_answer(request: HttpRequest, campaign_id: int, comment_id: int) -> HttpResponse:
    user_in_role(request, Role.BORROWER)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _incomplete(request, campaign_id, form)

    def answer(user: User, campaign: Campaign) -> object:
        comment = CampaignComment.objects.filter(pk=comment_id, campaign=campaign).first()
        if comment is None:
            raise Http404
        return community.comment_answer(issuer=user, comment=comment,
                                        answer=form.cleaned_data["answer"])
    return campaign_act(request, campaign_id, answer, _("Your answer is posted."), Role.BORROWER)


def _fulfilment_or_404(fulfilment_id: int) -> Fulfilment:
    found = Fulfilment.objects.select_related("pledge").filter(pk=fulfilment_id).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def fulfilment_address(request: HttpRequest, fulfilment_id: int) -> HttpResponse:
    user = user_in_role(request, Role.INVESTOR)
    found = _fulfilment_or_404(fulfilment_id)
    if found.pledge.backer_id != user.pk:
        raise Http404
    form = AddressForm(request.POST)
    if not form.is_valid():
        return _incomplete(request, found.pledge.campaign_id, form)
    try:
        fulfilment.fulfilment_address(backer=user, fulfilment=found, **form.cleaned_data)
    except PuhuiError as error:
        return campaign_page(request, campaign_shown(request, found.pledge.campaign_id),
                             refusal=error_sentence(error))
    messages.success(request, _("Thank you: the issuer has your address."))
    return redirect("crowdfunding:campaign", campaign_id=found.pledge.campaign_id)


@login_required
@require_POST
def fulfilment_status(request: HttpRequest, fulfilment_id: int) -> HttpResponse:
    user_in_role(request, Role.BORROWER)
    found = _fulfilment_or_404(fulfilment_id)
    form = FulfilmentForm(request.POST)
    if not form.is_valid():
        return _incomplete(request, found.pledge.campaign_id, form)
    return campaign_act(request, found.pledge.campaign_id, lambda user, c: (
        fulfilment.fulfilment_move(issuer=user, fulfilment=found, **form.cleaned_data)),
        _("The reward's status is saved."), Role.BORROWER)


@login_required
@require_POST
def reward_late(request: HttpRequest, campaign_id: int, tier_id: int) -> HttpResponse:
    user_in_role(request, Role.BORROWER)
    form = LateForm(request.POST)
    if not form.is_valid():
        return _incomplete(request, campaign_id, form)

    def late(user: User, campaign: Campaign) -> object:
        tier = RewardTier.objects.filter(pk=tier_id, campaign=campaign).first()
        if tier is None:
            raise Http404
        return fulfilment.reward_late(issuer=user, tier=tier, **form.cleaned_data)
    return campaign_act(request, campaign_id, late,
                        _("The reward's backers are told the new date."), Role.BORROWER)
