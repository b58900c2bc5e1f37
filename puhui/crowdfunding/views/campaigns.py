"""Campaign pages: discover, a campaign's page with its pledge form, the backer's pledges,
the issuer's campaigns and new-campaign form, the operators' review queue."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from puhui.core.business_day import business_date_today
from puhui.core.charts import line_chart
from puhui.core.errors import PuhuiError
from puhui.core.lists import Column, csv_response, list_shown, progress_of, wants_csv
from puhui.core.money import money_from_minor, money_shown
from puhui.crowdfunding import selectors, services
from puhui.crowdfunding.cap_table import register_lines
from puhui.crowdfunding.forms import (
    AddressForm,
    AnswerForm,
    CampaignForm,
    CommentForm,
    DiscoverFilter,
    EarlyCloseForm,
    EvidenceForm,
    FulfilmentForm,
    LateForm,
    MaterialChangeForm,
    PledgeForm,
    ReasonsForm,
    StandingForm,
    TransferForm,
    UpdateForm,
)
from puhui.crowdfunding.models import (
    CAMPAIGN_MOVES,
    PLEDGE_LIVE,
    BackerStanding,
    CampaignKind,
    CampaignStatus,
    PledgeStatus,
    RiskAcknowledgement,
)
from puhui.operations.campaign_checks import campaign_submit_checked
from puhui.parties.forms import FORM_REFUSED, error_sentence, form_error, user_in_role
from puhui.parties.models import Role, User


def campaign_shown(request: HttpRequest, campaign_id: int) -> "selectors.PledgedCampaign":
    user = request.user if isinstance(request.user, User) else None
    try:
        return selectors.campaign_for(user=user, campaign_id=campaign_id)
    except PuhuiError:
        raise Http404 from None


CAMPAIGN_COLUMNS = [
    Column("title", gettext_lazy("Campaign"), lambda c: c.title, "title"),
    Column("issuer", gettext_lazy("Issuer"), lambda c: c.enterprise.name, "enterprise__name"),
    Column("kind", gettext_lazy("Kind"), lambda c: c.get_kind_display(), "kind"),
    Column("goal", gettext_lazy("Goal"), lambda c: money_from_minor(c.goal_fen, c.currency),
           "goal_fen", numeric=True),
    Column("pledged", gettext_lazy("Pledged"),
           lambda c: money_from_minor(c.pledged_fen or 0, c.currency), "pledged_fen",
           numeric=True),
    Column("backers", gettext_lazy("Backers"), lambda c: c.backers, "backers", numeric=True),
    Column("deadline", gettext_lazy("Deadline"),
           lambda c: c.deadline.isoformat() if c.deadline else "", "deadline"),
]


def _rows(campaigns: Any) -> list[tuple[Any, int, str]]:
    return [(c, *progress_of(c.pledged_fen or 0, c.goal_fen)) for c in campaigns]


@require_GET
def discover(request: HttpRequest) -> HttpResponseBase:
    """Every public campaign, filtered by kind, industry, region, status and words."""
    filters = DiscoverFilter(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    campaigns = selectors.campaigns_discover(
        kind=criteria.get("kind") or "", industry=criteria.get("industry") or "",
        region=criteria.get("region") or "", text=criteria.get("text") or "",
        status=criteria.get("status") or CampaignStatus.ONLINE)
    shown = list_shown(request, campaigns, CAMPAIGN_COLUMNS, default_sort="deadline")
    if wants_csv(request):
        return csv_response(shown.rows, CAMPAIGN_COLUMNS, filename="campaigns")
    return render(request, "crowdfunding/discover.html", {
        "filters": filters, "list": shown, "rows": _rows(shown.page.object_list)})


def campaign_page(request: HttpRequest, campaign: Any, *, form: PledgeForm | None = None,
                   refusal: str = "") -> HttpResponse:
    user = request.user if isinstance(request.user, User) else None
    percent, shown = progress_of(campaign.pledged_fen or 0, campaign.goal_fen)
    tiers = list(campaign.tiers.all())
    left = services.tiers_left(tiers)
    is_backer = user is not None and user.role == Role.INVESTOR
    context: dict[str, Any] = {
        "campaign": campaign, "percent": percent, "shown": shown,
        "tiers": [(tier, left[tier.pk]) for tier in tiers],
        "named": selectors.backers_named(campaign),
        "cutoff": services.cancellation_cutoff(campaign),
        "open": campaign.status == CampaignStatus.ONLINE,
        "is_backer": is_backer,
        "is_issuer": user is not None and campaign.enterprise.representative_id == user.pk,
        "is_operator": user is not None and user.role == Role.OPERATOR,
        "form": form or PledgeForm(tiers=campaign.tiers.all()), "refusal": refusal,
        "live": PLEDGE_LIVE, "reasons_form": ReasonsForm(), "early_form": EarlyCloseForm(),
        "my_pledges": campaign.pledges.filter(backer=user).select_related("tier").order_by(
            "created_at") if is_backer else [],
        "acknowledged": is_backer and RiskAcknowledgement.objects.filter(
            backer=user, kind=campaign.kind).exists(),
        "issuer_may_cancel": campaign.status != CampaignStatus.SUSPENDED
        and CAMPAIGN_MOVES.allows(campaign.status, CampaignStatus.CANCELLED),
        "equity": campaign.kind == CampaignKind.EQUITY,
        "debt": campaign.kind == CampaignKind.DEBT,
        "change": campaign.changes.first(), "change_form": MaterialChangeForm(),
        "evidence_form": EvidenceForm(),
        "backed": is_backer and campaign.pledges.filter(
            backer=user, status=PledgeStatus.COLLECTED).exists(),
        **selectors.milestones_shown(campaign),
        "register": register_lines(campaign) if campaign.kind == CampaignKind.EQUITY else [],
        **selectors.campaign_talk(campaign, user=user),
        "update_form": UpdateForm(), "comment_form": CommentForm(), "answer_form": AnswerForm(),
        "address_form": AddressForm(), "fulfilment_form": FulfilmentForm(),
        "late_form": LateForm(),
        "fulfilments": selectors.fulfilments_of_campaign(campaign)
        if user is not None and campaign.enterprise.representative_id == user.pk else [],
        "is_staff": user is not None and user.role in (Role.OPERATOR, Role.REGULATOR),
    }
    if campaign.price_per_share_fen and campaign.maximum_fen:
        context["shares_offered"] = campaign.maximum_fen // campaign.price_per_share_fen
    refused = refusal or (form is not None and form.errors)
    return render(request, "crowdfunding/campaign.html", context,
                  status=FORM_REFUSED if refused else 200)


@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return campaign_page(request, campaign_shown(request, campaign_id))


@login_required
@require_POST
def campaign_pledge(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user = user_in_role(request, Role.INVESTOR)
    campaign = campaign_shown(request, campaign_id)
    form = PledgeForm(request.POST, tiers=campaign.tiers.all())
    if form.is_valid():
        tier = form.cleaned_data.get("tier")
        outcome = services.pledge_gathered(campaign=campaign, request=services.PledgeRequest(
            pledge_id=form.sent_id, backer=user, amount=form.cleaned_data["amount"],
            tier_id=tier.pk if tier else None, quantity=form.cleaned_data.get("quantity") or 1,
            name_shown=form.cleaned_data["name_shown"]))
        if outcome.error is not None:
            form_error(form, outcome.error)
        else:
            messages.success(request, _("Your pledge is made; the money is held in your "
                                        "wallet until the deadline."))
            return redirect("crowdfunding:campaign", campaign_id=campaign.pk)
    return campaign_page(request, campaign, form=form)


def campaign_act(request: HttpRequest, campaign_id: int, act: Callable[[User, Any], object],
         done: str, *roles: Role) -> HttpResponse:
    """Run one action on a campaign; its refusal is said on the campaign's page."""
    user = user_in_role(request, *roles)
    campaign = campaign_shown(request, campaign_id)
    try:
        act(user, campaign)
    except PuhuiError as error:
        return campaign_page(request, campaign, refusal=error_sentence(error))
    messages.success(request, done)
    return redirect("crowdfunding:campaign", campaign_id=campaign.pk)


def reasons_sent(request: HttpRequest) -> str:
    form = ReasonsForm(request.POST)
    return form.cleaned_data["reasons"] if form.is_valid() else ""


@login_required
@require_POST
def campaign_risks(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return campaign_act(request, campaign_id, lambda user, c: services.risks_acknowledge(
        backer=user, kind=c.kind), _("Thank you: you may pledge now."), Role.INVESTOR)


@login_required
@require_POST
def campaign_submit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return campaign_act(request, campaign_id, lambda user, c: campaign_submit_checked(
        issuer=user, campaign=c), _("Sent for review."), Role.BORROWER)


@login_required
@require_POST
def campaign_cancel(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return campaign_act(request, campaign_id, lambda user, c: services.campaign_cancel(
        user=user, campaign=c, reasons=reasons_sent(request)),
        _("The campaign is cancelled; every pledge is released."), Role.BORROWER, Role.OPERATOR)


@login_required
@require_POST
def campaign_close_early(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user_in_role(request, Role.BORROWER)
    form = EarlyCloseForm(request.POST)
    if not form.is_valid():
        return campaign_page(request, campaign_shown(request, campaign_id),
                              refusal=_("Choose the new deadline."))
    return campaign_act(request, campaign_id, lambda user, c: services.campaign_close_early(
        issuer=user, campaign=c, deadline=form.cleaned_data["deadline"]),
        _("The new deadline is set and every backer is told."), Role.BORROWER)


@login_required
@require_POST
def campaign_review(request: HttpRequest, campaign_id: int) -> HttpResponse:
    send_back = request.POST.get("send_back") == "1"
    return campaign_act(request, campaign_id, lambda user, c: services.campaign_mark_reviewed(
        campaign=c, reviewer=user, note=reasons_sent(request), send_back=send_back),
        _("Reviewed."), Role.OPERATOR)


@login_required
@require_POST
def campaign_decision(request: HttpRequest, campaign_id: int) -> HttpResponse:
    approve = request.POST.get("approve") == "1"
    return campaign_act(request, campaign_id, lambda user, c: services.campaign_decide(
        campaign=c, approver=user, approve=approve, reasons=reasons_sent(request)),
        _("Decided."), Role.OPERATOR)


@login_required
@require_POST
def campaign_suspend(request: HttpRequest, campaign_id: int) -> HttpResponse:
    resume = request.POST.get("resume") == "1"
    return campaign_act(request, campaign_id, lambda user, c: services.campaign_suspend(
        campaign=c, operator=user, reasons=reasons_sent(request), resume=resume),
        _("Done."), Role.OPERATOR)


def pledge_act(request: HttpRequest, pledge_id: str, act: Callable[[User, Any], object],
               done: str) -> HttpResponse:
    """Run one action on the backer's own pledge; its refusal is said on the campaign's page."""
    user = user_in_role(request, Role.INVESTOR)
    pledge = selectors.pledge_of(backer=user, pledge_id=pledge_id)
    if pledge is None:
        raise Http404
    try:
        act(user, pledge)
    except PuhuiError as error:
        return campaign_page(request, campaign_shown(request, pledge.campaign_id),
                             refusal=error_sentence(error))
    messages.success(request, done)
    return redirect("crowdfunding:campaign", campaign_id=pledge.campaign_id)


@login_required
@require_POST
def pledge_cancel(request: HttpRequest, pledge_id: str) -> HttpResponse:
    return pledge_act(request, pledge_id, lambda user, p: services.pledge_cancel(
        backer=user, pledge=p),
        _("Your pledge is cancelled; the money is free in your wallet."))


@login_required
def my_pledges(request: HttpRequest) -> HttpResponse:
    user = user_in_role(request, Role.INVESTOR)
    standing = BackerStanding.objects.filter(backer=user).first()
    form = StandingForm(request.POST or None, initial={
        "accredited": standing.accredited, "financial_assets": standing.financial_assets_yuan,
        "average_income_3_years": standing.average_income_3_years_yuan} if standing else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.standing_declare(backer=user, **form.cleaned_data)
        except PuhuiError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your figures are saved."))
            return redirect("crowdfunding:my_pledges")
    pledges = selectors.pledges_of(backer=user)
    return render(request, "crowdfunding/my_pledges.html", {
        "pledges": pledges, "form": form, "live": PLEDGE_LIVE,
        "held_fen": sum(p.amount_fen for p in pledges if p.status in PLEDGE_LIVE),
        "holdings": [(h, TransferForm()) for h in selectors.holdings_of(holder=user)],
        "today": business_date_today()},
        status=FORM_REFUSED if form.errors else 200)


@login_required
def issuer_campaigns(request: HttpRequest) -> HttpResponse:
    user = user_in_role(request, Role.BORROWER)
    form = CampaignForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                issuer=user, enterprise=form.cleaned_data["enterprise"], draft=form.draft(),
                request_id=form.sent_id)
        except PuhuiError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The draft is saved; send it for review when ready."))
            return redirect("crowdfunding:campaign", campaign_id=campaign.pk)
    campaigns = list(selectors.campaigns_of_issuer(user=user))
    return render(request, "crowdfunding/issuer.html", {
        "rows": _rows(campaigns), "form": form, "charts": _raise_charts(campaigns)},
        status=FORM_REFUSED if form.errors else 200)


def _raise_charts(campaigns: list[Any]) -> list[tuple[Any, Any, list[tuple[str, int]]]]:
    """Each launched campaign's raise, day by day, as a line and as a table."""
    drawn = []
    for campaign in campaigns:
        if campaign.launched_on is None:
            continue
        points = selectors.raise_by_day(campaign)
        chart = line_chart(
            [(day, money_from_minor(fen, campaign.currency)) for day, fen in points],
            title=_("Pledged by day: %(title)s") % {"title": campaign.title},
            description=_("What backers have pledged, added up day by day since launch, "
                          "against a goal of %(goal)s.") % {
                "goal": money_shown(campaign.goal_fen, campaign.currency)})
        drawn.append((campaign, chart, points))
    return drawn


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    user_in_role(request, Role.OPERATOR, Role.REGULATOR)
    return render(request, "crowdfunding/review_queue.html", {
        "rows": _rows(selectors.campaigns_to_review()),
        "milestones": selectors.milestones_to_review()})
