"""What happens to a campaign once it is online: a material change and the backers'
reconfirmations, then the milestones — the issuer's evidence, two operators' review and
approval, the backers' vote when one is missed; the published ballot of a capped raise; an
equity round's cap table (OCF) and share certificates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.crowdfunding import selectors, services
from puhui.crowdfunding.cap_table import certificate_pdf, ocf_zip
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.forms import EvidenceForm, MaterialChangeForm, TransferForm
from puhui.crowdfunding.models import Milestone
from puhui.crowdfunding.views.campaigns import (
    campaign_act,
    campaign_page,
    campaign_shown,
    pledge_act,
    reasons_sent,
)
from puhui.parties.forms import error_sentence, user_in_role
from puhui.parties.models import Role, User


@login_required
@require_POST
def campaign_change(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user_in_role(request, Role.BORROWER)
    form = MaterialChangeForm(request.POST)
    if not form.is_valid():
        return campaign_page(request, campaign_shown(request, campaign_id),
                             refusal=_("Say what changes and why."))
    return campaign_act(request, campaign_id, lambda user, c: services.campaign_change(
        issuer=user, campaign=c, change=form.change()),
        _("The change is made; every backer is asked to reconfirm."), Role.BORROWER)


@login_required
@require_POST
def pledge_reconfirm(request: HttpRequest, pledge_id: str) -> HttpResponse:
    return pledge_act(request, pledge_id, lambda user, p: services.pledge_reconfirm(
        backer=user, pledge=p), _("Your pledge stands under the new terms."))


def _milestone(campaign: object, milestone_id: int) -> Milestone:
    milestone = selectors.milestone_on(campaign, milestone_id)  # type: ignore[arg-type]
    if milestone is None:
        raise Http404
    return milestone


@login_required
@require_POST
def milestone_evidence(request: HttpRequest, campaign_id: int, milestone_id: int
                       ) -> HttpResponse:
    user_in_role(request, Role.BORROWER)
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        return campaign_page(request, campaign_shown(request, campaign_id),
                             refusal=_("Say what shows the milestone is met."))
    return campaign_act(request, campaign_id, lambda user, c: services.milestone_evidence_send(
        issuer=user, milestone=_milestone(c, milestone_id),
        evidence=form.cleaned_data["evidence"]),
        _("The evidence is sent to the platform's operators."), Role.BORROWER)


@login_required
@require_POST
def milestone_review(request: HttpRequest, campaign_id: int, milestone_id: int
                     ) -> HttpResponse:
    send_back = request.POST.get("send_back") == "1"
    return campaign_act(request, campaign_id, lambda user, c: services.milestone_mark_reviewed(
        reviewer=user, milestone=_milestone(c, milestone_id), note=reasons_sent(request),
        send_back=send_back), _("Reviewed."), Role.OPERATOR)


@login_required
@require_POST
def milestone_decision(request: HttpRequest, campaign_id: int, milestone_id: int
                       ) -> HttpResponse:
    approve = request.POST.get("approve") == "1"
    return campaign_act(request, campaign_id, lambda user, c: services.milestone_decide(
        approver=user, milestone=_milestone(c, milestone_id), approve=approve,
        reasons=reasons_sent(request)),
        _("Decided: the tranche is paid.") if approve else _("Sent back to the issuer."),
        Role.OPERATOR)


@login_required
@require_POST
def milestone_vote(request: HttpRequest, campaign_id: int, milestone_id: int) -> HttpResponse:
    release = request.POST.get("release") == "1"
    return campaign_act(request, campaign_id, lambda user, c: services.milestone_vote(
        backer=user, milestone=_milestone(c, milestone_id), release=release),
        _("Your vote is counted; you may change it until the vote closes."), Role.INVESTOR)



@require_GET
def campaign_ballot(request: HttpRequest, campaign_id: int) -> JsonResponse:
    """The ballot's commitment, then its seed and draws: anyone may recompute them (a
    campaign served first come, first served says so and has none)."""
    return JsonResponse(selectors.ballot_published(campaign_shown(request, campaign_id)))


@login_required
@require_GET
def holding_certificate(request: HttpRequest, holding_id: int) -> HttpResponse:
    """A backer's share certificate (PDF), for the holder and the platform's staff."""
    user = user_in_role(request, Role.INVESTOR, Role.OPERATOR, Role.REGULATOR)
    try:
        holding = selectors.holding_for(user=user, holding_id=holding_id)
    except PuhuiError:
        raise Http404 from None
    audit_record(actor=user, action="certificate.downloaded", subject=holding.campaign.subject,
                 certificate=holding.certificate_number)
    return HttpResponse(certificate_pdf(holding), content_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{holding.certificate_number}.pdf"'})


@login_required
@require_GET
def cap_table_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The round's cap table in the Open Cap Table Format (a zip of its JSON files), for the
    issuer's representative and the platform's staff."""
    user = user_in_role(request, Role.BORROWER, Role.OPERATOR, Role.REGULATOR)
    campaign = campaign_shown(request, campaign_id)
    if user.role == Role.BORROWER and campaign.enterprise.representative_id != user.pk:
        raise PermissionDenied
    if not campaign.holdings.exists():
        raise Http404
    return HttpResponse(ocf_zip(campaign, generated_at=timezone.now()),
                        content_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="cap-table-{campaign.pk}.ocf.zip"'})


@login_required
@require_POST
def holding_transfer(request: HttpRequest, holding_id: int) -> HttpResponse:
    """The holder passes nominee-held shares to another investor, after the lock."""
    user = user_in_role(request, Role.INVESTOR)
    try:
        holding = selectors.holding_for(user=user, holding_id=holding_id)
    except PuhuiError:
        raise Http404 from None
    form = TransferForm(request.POST)
    if form.is_valid():
        buyer = User.objects.filter(username=form.cleaned_data["buyer"],
                                    role=Role.INVESTOR).first()
        try:
            if buyer is None:
                raise PuhuiError(CrowdfundingError.BUYER_NOT_FOUND,
                                 username=form.cleaned_data["buyer"])
            services.shares_transfer(seller=user, holding=holding, buyer=buyer,
                                     shares=form.cleaned_data["shares"],
                                     on=business_date_today(), request_id=form.sent_id)
        except PuhuiError as error:
            messages.error(request, error_sentence(error))
        else:
            messages.success(request, _("The shares are transferred."))
    else:
        messages.error(request, _("Give the investor's user name and a number of shares."))
    return redirect("crowdfunding:my_pledges")
