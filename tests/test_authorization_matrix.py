"""Every page and API endpoint × every role and anonymous: who gets in, who is turned away.

A denied request is answered 401/403 (API) or 403 / a redirect to the sign-in page (pages,
anonymous) and changes nothing. The matrix must name every route: a new route without a row
fails ``test_the_matrix_covers_every_route``.
"""

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from puhui.audit.models import AuditEvent
from puhui.core.business_day import business_date_today
from puhui.crowdfunding.models import CampaignComment, Fulfilment, Shareholding
from puhui.crowdfunding.services import (
    MilestoneDraft,
    PledgeRequest,
    pledge_place,
    risks_acknowledge,
)
from puhui.devtools.campaign_world import campaign_online
from puhui.ledger.models import Account, Transfer
from puhui.ledger.tests.factories import fund, wallet
from puhui.lending.services import (
    application_decide,
    application_mark_reviewed,
    application_submit,
    bid_place,
    listing_open,
    wallet_for,
)
from puhui.lending.tests.factories import admitted_enterprise, product_new
from puhui.parties.models import AdmittanceReview, Enterprise, InvestorProfile, Role, User
from puhui.parties.services import licence_document_add, review_decide, review_mark_reviewed
from puhui.parties.tests.factories import enterprise_new, investor_new, user_new

pytestmark = pytest.mark.django_db

B, I, O, R = Role.BORROWER, Role.INVESTOR, Role.OPERATOR, Role.REGULATOR  # noqa: E741
EVERYONE = (B, I, O, R)
ANON = "anonymous"

# (method, path, roles allowed, anonymous allowed). {enterprise}, {other_enterprise}, {review},
# {account}, {other_account} are filled in by the fixture; "own" objects belong to the borrower
# / investor signed in.
MATRIX = [
    ("GET", "/", EVERYONE, True),
    ("GET", "/terms/", EVERYONE, True),
    ("GET", "/privacy/", EVERYONE, True),
    ("POST", "/operator/reconcile/", (O,), False),
    ("GET", "/login/", EVERYONE, True),
    ("GET", "/register/", EVERYONE, True),
    ("GET", "/password-reset/", EVERYONE, True),
    ("GET", "/account/security/", EVERYONE, False),
    ("GET", "/account/", EVERYONE, False),
    ("POST", "/account/", EVERYONE, False),
    ("GET", "/borrower/", (B,), False),
    ("GET", "/investor/", (I,), False),
    ("GET", "/operator/", (O,), False),
    ("GET", "/regulator/", (R,), False),
    ("GET", "/borrower/enterprises/new/", (B,), False),
    ("POST", "/borrower/enterprises/new/", (B,), False),
    ("GET", "/enterprises/{enterprise}/", (B, O, R), False),
    ("GET", "/enterprises/{other_enterprise}/", (O, R), False),
    ("GET", "/enterprises/{enterprise}/documents/{document}/", (B, O, R), False),
    ("GET", "/enterprises/{other_enterprise}/documents/{other_document}/", (O, R), False),
    ("POST", "/enterprises/{other_enterprise}/", (), False),
    ("GET", "/investor/kyc/", (I,), False),
    ("POST", "/investor/kyc/", (I,), False),
    ("GET", "/operator/reviews/", (O,), False),
    ("GET", "/operator/reviews/{review}/", (O,), False),
    ("POST", "/operator/reviews/{review}/", (O,), False),
    ("GET", "/loans/apply/", (B,), False),
    ("POST", "/loans/apply/", (B,), False),
    ("GET", "/loans/applications/", (B, O, R), False),
    ("GET", "/loans/applications/{application}/", (B, O, R), False),
    ("POST", "/loans/applications/{application}/review/", (O,), False),
    ("POST", "/loans/applications/{application}/decision/", (O,), False),
    ("POST", "/loans/applications/{application}/publish/", (O,), False),
    ("POST", "/loans/applications/{application}/registry-refresh/", (O,), False),
    ("POST", "/loans/applications/{application}/withdraw/", (B,), False),
    ("GET", "/loans/{loan}/", (B, I, O, R), False),
    ("GET", "/loans/{loan}/contract/", (B, I, O, R), False),
    ("GET", "/operator/loans/", (O, R), False),
    ("POST", "/loans/{loan}/repay/", (B,), False),
    ("GET", "/marketplace/", EVERYONE, False),
    ("GET", "/listings/{listing}/", EVERYONE, False),
    ("POST", "/listings/{listing}/bid/", (I,), False),
    ("POST", "/listings/{listing}/close/", (O,), False),
    ("POST", "/bids/{bid}/cancel/", (I,), False),
    ("GET", "/investor/portfolio/", (I,), False),
    ("GET", "/notifications/", EVERYONE, False),
    ("POST", "/notifications/read/", EVERYONE, False),
    ("GET", "/notifications/preferences/", EVERYONE, False),
    ("POST", "/notifications/preferences/", EVERYONE, False),
    ("GET", "/wallet/", (B, I), False),
    ("GET", "/wallet/statement/", (B, I), False),
    ("POST", "/wallet/deposit/", (B, I), False),
    ("POST", "/wallet/withdraw/", (B, I), False),
    ("GET", "/operator/overdue/", (O,), False),
    ("POST", "/operator/close-of-business/", (O,), False),
    ("POST", "/loans/{loan}/recovery/", (O,), False),
    ("POST", "/loans/{loan}/write-off/", (O,), False),
    # The registry's API answers only requests signed by a member (tests in puhui/registry).
    ("POST", "/api/v1/registry/consents", (), False),
    ("POST", "/api/v1/registry/reports", (), False),
    ("POST", "/api/v1/registry/trade-lines", (), False),
    ("POST", "/api/v1/registry/reservations", (), False),
    ("POST", "/api/v1/registry/reservations/{reference}/release", (), False),
    ("POST", "/api/v1/registry/reservations/{reference}/convert", (), False),
    ("POST", "/api/v1/registry/limits", (), False),
    ("POST", "/api/v1/registry/limits/{reference}/resolve", (), False),
    ("POST", "/api/v1/registry/negative-records", (), False),
    ("POST", "/api/v1/registry/disputes/{dispute}/answer", (), False),
    ("POST", "/api/v1/registry/subject/report", (), False),
    ("POST", "/api/v1/registry/subject/disputes", (), False),
    ("POST", "/api/v1/registry/subject/disputes/status", (), False),
    ("GET", "/borrower/credit-report/", (B,), False),
    ("POST", "/borrower/credit-report/", (B,), False),
    ("GET", "/registry/", EVERYONE, True),
    ("GET", "/registry/members/", (O,), False),
    ("POST", "/registry/members/", (O,), False),
    ("GET", "/registry/disputes/", (O,), False),
    ("POST", "/registry/disputes/", (O,), False),
    ("GET", "/operator/credit/", (O, R), False),
    ("POST", "/operator/credit/", (O,), False),
    ("GET", "/operator/credit/flags/", (O, R), False),
    ("POST", "/operator/credit/flags/", (O,), False),
    ("GET", "/api/v1/", EVERYONE, True),
    ("GET", "/api/v1/openapi.json", EVERYONE, True),
    ("GET", "/api/v1/docs", EVERYONE, True),
    ("POST", "/api/v1/ledger/transfers", (O,), False),
    ("POST", "/api/v1/ledger/accounts", (O,), False),
    ("GET", "/api/v1/ledger/accounts/{account}", (I, O, R), False),
    ("GET", "/api/v1/ledger/accounts/{other_account}", (O, R), False),
    ("GET", "/api/v1/ledger/accounts/{account}/statement", (I, O, R), False),
    ("GET", "/api/v1/ledger/accounts/{other_account}/statement", (O, R), False),
    ("GET", "/api/v1/ledger/accounts/{account}/balance?at=2030-01-01T00:00:00Z", (I, O, R),
     False),
    ("GET", "/api/v1/ledger/accounts/{other_account}/balance?at=2030-01-01T00:00:00Z", (O, R),
     False),
    ("POST", "/api/v1/parties/register", EVERYONE, True),
    ("POST", "/api/v1/parties/enterprises", (B,), False),
    ("GET", "/api/v1/parties/enterprises", EVERYONE, False),
    ("GET", "/api/v1/parties/enterprises/{enterprise}", (B, O, R), False),
    ("GET", "/api/v1/parties/enterprises/{other_enterprise}", (O, R), False),
    ("POST", "/api/v1/parties/investor-profile", (I,), False),
    ("GET", "/api/v1/parties/investor-profile", (I,), False),
    ("GET", "/api/v1/parties/reviews", (O, R), False),
    ("POST", "/api/v1/parties/reviews/{review}/review", (O,), False),
    ("POST", "/api/v1/parties/reviews/{review}/decision", (O,), False),
    ("GET", "/api/v1/rulebook/classify?industry=retail&employees=8&revenue_wan=90", EVERYONE,
     False),
    ("GET", "/api/v1/rulebook/in-force", EVERYONE, False),
    ("GET", "/api/v1/lending/listings", EVERYONE, False),
    ("GET", "/api/v1/lending/listings/{listing}", EVERYONE, False),
    ("POST", "/api/v1/lending/listings/{listing}/bids", (I,), False),
    ("POST", "/api/v1/lending/bids/{bid}/cancel", (I,), False),
    ("POST", "/api/v1/lending/applications", (B,), False),
    ("GET", "/api/v1/lending/loans/{loan}", (B, I, O, R), False),
    ("POST", "/api/v1/lending/loans/{loan}/repayments", (B,), False),
    ("GET", "/campaigns/", EVERYONE, True),
    ("GET", "/campaigns/{campaign}/", EVERYONE, True),
    ("POST", "/campaigns/{campaign}/pledge/", (I,), False),
    ("POST", "/campaigns/{campaign}/risks/", (I,), False),
    ("POST", "/campaigns/{campaign}/submit/", (B,), False),
    ("POST", "/campaigns/{campaign}/cancel/", (B, O), False),
    ("POST", "/campaigns/{campaign}/close-early/", (B,), False),
    ("POST", "/campaigns/{campaign}/review/", (O,), False),
    ("POST", "/campaigns/{campaign}/decision/", (O,), False),
    ("POST", "/campaigns/{campaign}/suspension/", (O,), False),
    ("POST", "/pledges/{pledge}/cancel/", (I,), False),
    ("POST", "/pledges/{pledge}/reconfirm/", (I,), False),
    ("POST", "/campaigns/{campaign}/change/", (B,), False),
    ("POST", "/campaigns/{campaign}/updates/", (B,), False),
    ("POST", "/campaigns/{campaign}/comments/", (I,), False),
    ("POST", "/campaigns/{campaign}/comments/{comment}/answer/", (B,), False),
    ("POST", "/campaigns/{campaign}/rewards/{tier}/late/", (B,), False),
    ("POST", "/fulfilments/{fulfilment}/address/", (I,), False),
    ("POST", "/fulfilments/{fulfilment}/status/", (B,), False),
    ("GET", "/campaigns/{campaign}/ballot.json", EVERYONE, True),
    ("GET", "/campaigns/{campaign}/cap-table.ocf.zip", (B, O, R), False),
    ("GET", "/holdings/{holding}/certificate.pdf", (I, O, R), False),
    ("POST", "/holdings/{holding}/transfer/", (I,), False),
    ("POST", "/campaigns/{campaign}/milestones/{milestone}/evidence/", (B,), False),
    ("POST", "/campaigns/{campaign}/milestones/{milestone}/review/", (O,), False),
    ("POST", "/campaigns/{campaign}/milestones/{milestone}/decision/", (O,), False),
    ("POST", "/campaigns/{campaign}/milestones/{milestone}/vote/", (I,), False),
    ("GET", "/investor/pledges/", (I,), False),
    ("POST", "/investor/pledges/", (I,), False),
    ("GET", "/issuer/campaigns/", (B,), False),
    ("POST", "/issuer/campaigns/", (B,), False),
    ("GET", "/operator/campaigns/", (O, R), False),
    ("GET", "/api/v1/crowdfunding/campaigns", EVERYONE, False),
    ("GET", "/api/v1/crowdfunding/campaigns/{campaign}", EVERYONE, False),
    ("POST", "/api/v1/crowdfunding/campaigns/{campaign}/pledges", (I,), False),
    ("GET", "/api/v1/crowdfunding/pledges", (I,), False),
    ("POST", "/api/v1/crowdfunding/pledges/{pledge}/cancel", (I,), False),
    ("POST", "/api/v1/crowdfunding/pledges/{pledge}/reconfirm", (I,), False),
    ("POST", "/api/v1/crowdfunding/campaigns/{campaign}/milestones/{milestone}/votes", (I,),
     False),
]
# Routes that are not pages of their own (they act and redirect) or are reached by a link.
NOT_IN_MATRIX = {"logout/", "i18n/setlang/", "login/totp/", "password-reset/sent/",
                 "password-reset/<uidb64>/<token>/", "password-reset/done/",
                 # a notice is its user's alone (test_notices: another user gets a 404)
                 "notifications/<int:notice_id>/"}


@pytest.fixture
def world():
    users = {role: user_new(role, f"matrix-{role}") for role in EVERYONE}
    own = enterprise_new(users[B])
    other = enterprise_new(name="Someone Else Ltd")
    investor_new(users[I])
    account = wallet(owner=users[I].ledger_owner)
    other_account = wallet()
    fund(account, 100)
    loan = _funded_loan(users[B], users[I])
    campaign, pledge = _campaign_backed(users[B], users[I])
    documents = [licence_document_add(
        enterprise=enterprise, user=enterprise.representative, kind="business_licence",
        upload=SimpleUploadedFile("licence.pdf", b"%PDF-1.4 licence", "application/pdf"))
        for enterprise in (own, other)]
    names = {"enterprise": own.pk, "other_enterprise": other.pk, "review": own.review.pk,
             "document": documents[0].pk, "other_document": documents[1].pk,
             "account": account.pk, "other_account": other_account.pk,
             "application": loan.listing.application.pk, "listing": loan.listing.pk,
             "loan": loan.pk, "bid": loan.listing.bids.first().pk,
             "reference": "listing-1", "dispute": 1, "campaign": campaign.pk,
             "pledge": pledge.pk, "milestone": campaign.milestones.get().pk,
             "holding": Shareholding.objects.create(
                 campaign=campaign, holder=users[I], share_class="Ordinary", shares=2,
                 price_per_share_fen=10_00, holding="direct", issued_on=date(2026, 4, 1),
                 locked_until=date(2027, 4, 1), certificate_number="SC-TEST").pk,
             "tier": campaign.tiers.first().pk,
             "comment": CampaignComment.objects.create(
                 campaign=campaign, author=users[I], body="when?", request_id=uuid.uuid4()).pk,
             "fulfilment": Fulfilment.objects.create(
                 pledge=pledge, status="address", expected_on=date(2027, 4, 15)).pk}
    return users, names


def _funded_loan(borrower: User, investor: User):
    """A loan borrowed by ``borrower``'s admitted enterprise and lent by ``investor``."""
    maker, checker = user_new(O), user_new(O)
    enterprise = admitted_enterprise(representative=borrower, revenue_wan=Decimal("90"))
    application = application_submit(
        user=borrower, enterprise=enterprise, product=product_new(), amount=Decimal("1000"),
        term_months=3, method="bullet", purpose_category="x", purpose_description="x")
    application_mark_reviewed(application=application, reviewer=maker, note="ok")
    application_decide(application=application, approver=checker, approve=True, reasons="")
    listing = listing_open(application=application, operator=checker)
    review_mark_reviewed(review=investor.investor_profile.review, reviewer=maker, note="ok")
    review_decide(review=investor.investor_profile.review, approver=checker, approve=True,
                  reasons="")
    fund(wallet_for(owner=investor.ledger_owner, kind="investor_wallet"), 1_000_00)
    bid_place(investor=investor, listing=listing, amount=Decimal("1000"), bid_id=uuid.uuid4())
    listing.refresh_from_db()
    return listing.loan


def _campaign_backed(borrower: User, investor: User):
    """An online reward campaign of ``borrower``'s enterprise, with a pledge by ``investor``."""
    enterprise = Enterprise.objects.get(representative=borrower, status="approved")
    campaign = campaign_online(
        "reward", enterprise=enterprise, first_tranche_percent=Decimal(50),
        if_milestone_missed="vote", milestones=(MilestoneDraft(
            "Line bought", "The invoice", business_date_today() + timedelta(days=90),
            Decimal(50)),))
    risks_acknowledge(backer=investor, kind="reward")
    fund(wallet_for(owner=investor.ledger_owner, kind="investor_wallet"), 100_00)
    pledge = pledge_place(campaign=campaign, request=PledgeRequest(
        pledge_id=uuid.uuid4(), backer=investor, amount=Decimal("20")))
    return campaign, pledge


def snapshot() -> tuple:
    return (Enterprise.objects.count(), InvestorProfile.objects.count(), User.objects.count(),
            Transfer.objects.count(), Account.objects.count(), AuditEvent.objects.count(),
            tuple(AdmittanceReview.objects.order_by("pk").values_list("pk", "status")))


def request(client: Client, method: str, path: str):
    if method == "GET":
        return client.get(path)
    body = {"note": "x", "decision": "approve"} if "/operator/" in path else {}
    if path.startswith("/api/"):
        return client.post(path, data=json.dumps(body), content_type="application/json")
    return client.post(path, data=body)


def denied(response, path: str, anonymous: bool) -> bool:
    if response.status_code in (401, 403):
        return True
    return (anonymous and not path.startswith("/api/") and response.status_code == 302
            and response["Location"].startswith("/login/"))


@pytest.mark.parametrize(("method", "template", "allowed", "anonymous_allowed"), MATRIX,
                         ids=[f"{m} {p}" for m, p, _a, _n in MATRIX])
def test_matrix(world, method, template, allowed, anonymous_allowed):
    users, names = world
    path = template.format(**names)
    for who in (*EVERYONE, ANON):
        client = Client()
        if who != ANON:
            client.force_login(users[who])
        before = snapshot()
        response = request(client, method, path)
        may = anonymous_allowed if who == ANON else who in allowed
        assert response.status_code < 500, (who, path, response.content[:500])
        if may:
            assert not denied(response, path, who == ANON), (who, path, response.status_code)
        else:
            assert denied(response, path, who == ANON), (who, path, response.status_code)
            assert snapshot() == before, (who, path)


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append(prefix + str(entry.pattern))
    return found


def _shape(path: str) -> str:
    return path.split("?")[0].lstrip("/")


def test_the_matrix_covers_every_route():
    covered = {_shape(template) for _m, template, _a, _n in MATRIX}
    for route in _routes(get_resolver()):
        if route in NOT_IN_MATRIX or route.startswith("api/v1/docs"):
            continue
        pattern = route
        for name in ("enterprise", "review", "account", "application", "loan", "listing",
                     "bid", "reference", "dispute", "document", "campaign", "pledge",
                     "milestone", "holding", "tier", "comment", "fulfilment"):
            for form in (f"<int:{name}_id>", f"<{name}_id>", f"<{name}>"):
                pattern = pattern.replace(form, "{" + name + "}")
        assert pattern in covered, f"route {route} has no row in the authorization matrix"
