"""``puhui demo``: demo logins for every role and a small ledger to look at, made through the
services as people would make them. Idempotent."""

import uuid
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from puhui.audit.log import checkpoint_sign, log_extend
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.crowdfunding.models import Campaign, CampaignKind
from puhui.crowdfunding.services import campaign_checks_record
from puhui.custody.ports import CustodyAccount
from puhui.custody.services import wallet_deposit
from puhui.devtools.demo_campaigns import demo_campaigns
from puhui.devtools.world import admitted, deposit_on_the_ledger
from puhui.ledger.models import Account
from puhui.lending.models import Bid, Listing, LoanApplication, LoanProduct
from puhui.lending.services import (
    application_decide,
    application_mark_reviewed,
    application_submit,
    bid_place,
    listing_open,
    product_create,
    wallet_for,
)
from puhui.operations.campaign_checks import issuer_checks
from puhui.parties.models import Enterprise, InvestorProfile, Role, User
from puhui.parties.services import (
    enterprise_submit,
    investor_submit,
    user_create,
)

DEMO_NAMESPACE = uuid.UUID("0b8a1d4e-5f2c-4e6a-9c3b-7d2e1f0a9b8c")
DEMO_USERS = [
    ("borrower", "demo-borrower", "borrower-demo-2026", Role.BORROWER),
    ("investor", "demo-investor", "investor-demo-2026", Role.INVESTOR),
    ("operator", "demo-operator", "operator-demo-2026", Role.OPERATOR),
    # a second operator: the checker of maker-checker reviews
    ("checker", "demo-checker", "checker-demo-2026", Role.OPERATOR),
    ("regulator", "demo-regulator", "regulator-demo-2026", Role.REGULATOR),
]
DEMO_ENTERPRISE: dict[str, Any] = dict(
    name="Hangzhou West Lake Tea House", uscc_code="91330106MA2B00001Y",
    legal_rep_name="Chen Jing", legal_rep_id="330106198506151006", phone="13800000001",
    industry="catering", employees=12, revenue_wan=Decimal("260"),
    total_assets_wan=Decimal("120"), registered_capital_wan=Decimal("50"),
    founded_on=date(2018, 4, 8), region="Zhejiang Hangzhou", bank_name="Bank of Hangzhou",
    bank_account="330106000012345678",
)
DEMO_PRODUCT: dict[str, Any] = dict(
    code="smb-working-capital", name_en="SMB working capital", name_zh="小微经营周转贷",
    amount_min_fen=10_000_00, amount_max_fen=1_000_000_00, terms_months=[3, 6, 12],
    methods=["equal-installment", "equal-principal", "interest-only", "bullet"],
    rate_annual=Decimal("0.0900"), upfront_fee_rate=Decimal("0.0100"),
    penalty_rate_daily=Decimal("0.000500"), prepayment_fee_rate=Decimal("0.0050"),
    min_ticket_fen=100_00, ticket_multiple_fen=100_00, per_investor_cap_fen=50_000_00,
    risk_level=3, allocation_order=["penalty", "fee", "interest", "principal"],
)
DEMO_INVESTOR: dict[str, Any] = dict(
    kind="person", full_name="Zhao Min", resident_id="110105199003070017",
    phone="13900000002", bank_card="6222020200112233446",
    declared_income_yuan=Decimal("300000"), net_worth_yuan=Decimal("2000000"),
    # 25 + 25 + 16 + 16 = 82: aggressive (R5), so the demo investor may back every kind
    answers={"horizon": "gt-3y", "loss": "buy-more", "experience": "stocks", "share": "5-20"},
)


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, name)


class Command(BaseCommand):
    help = ("Load demo users (one per role), admitted parties, money in their wallets, an "
            "open listing with a bid and a live campaign of each kind with pledges; safe to "
            "run again.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ledger-only", action="store_true",
            help="record the demo deposits on the ledger without the custodian bank "
                 "(tests; reconciliation with a bank would then show them as differences)")
        parser.add_argument(
            "--application-waits", action="store_true",
            help="leave the demo application waiting for review instead of listing it (the "
                 "second platform of `make run`: its operator reviews it with the registry "
                 "report beside it)")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = {}
        for key, username, password, role in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            users[key] = user or user_create(username=username, password=password, role=role)
        enterprise, investor = self._admitted_parties(users)
        investor_wallet = wallet_for(owner=users["investor"].ledger_owner,
                                     kind=CustodyAccount.INVESTOR_WALLET)
        borrower_wallet = wallet_for(owner=f"enterprise:{enterprise.pk}",
                                     kind=CustodyAccount.BORROWER_WALLET)
        deposit = self._deposit_ledger_only if options["ledger_only"] else self._deposit
        deposit(investor_wallet, 50_000_00, demo_id("investor-deposit"))
        deposit(borrower_wallet, 2_000_00, demo_id("borrower-deposit"))
        if options["application_waits"]:
            self._application(users, enterprise)
        else:
            self._listing_with_bid(users, enterprise, investor)
            demo_campaigns(users=users, enterprise=enterprise, investor=investor,
                           deposit=deposit, key=demo_id, today=business_date_today())
            self._issuer_checks(enterprise)
        log_extend()  # the demo's rows in the tamper-evident log: `puhui audit verify` checks
        checkpoint_sign()
        self.stdout.write("Demo logins (user name / password):")
        for key, username, password, _role in DEMO_USERS:
            self.stdout.write(f"  {key:<10} {username:<16} {password}")
        self.stdout.write(
            "Operators and regulators add a second factor at their first sign-in (any "
            "authenticator app); without a phone, `DEBUG=1 .venv/bin/puhui totp code "
            "demo-operator` prints the current code.")

    def _issuer_checks(self, enterprise: Enterprise) -> None:
        """The demo's notes and shares show the issuer's checks, as if sent for review through
        the pages (``operations.campaign_checks``)."""
        for campaign in Campaign.objects.filter(enterprise=enterprise, checks=[],
                                                kind__in=(CampaignKind.DEBT, CampaignKind.EQUITY)):
            checks, credit = issuer_checks(campaign)
            campaign_checks_record(campaign=campaign, checks=[asdict(c) for c in checks],
                                   credit=credit)

    def _deposit(self, wallet: Account, fen: int, key: uuid.UUID) -> None:
        try:
            wallet_deposit(account=wallet, amount_fen=fen, instruction_id=key)
        except PuhuiError as error:
            raise CommandError(
                f"{error} Start the simulated bank first (`puhui custodian serve`), "
                "or pass --ledger-only.") from None

    def _deposit_ledger_only(self, wallet: Account, fen: int, key: uuid.UUID) -> None:
        deposit_on_the_ledger(wallet, fen, key)

    def _listing_with_bid(self, users: dict[str, User], enterprise: Enterprise,
                          investor: InvestorProfile) -> None:
        self._funded_loan(users, enterprise, investor)
        listing = self._open_listing(users, enterprise)
        if not Bid.objects.filter(pk=demo_id("investor-bid")).exists():
            bid_place(investor=investor.user, listing=listing, amount=Decimal("10000"),
                      bid_id=demo_id("investor-bid"))

    def _funded_loan(self, users: dict[str, User], enterprise: Enterprise,
                     investor: InvestorProfile) -> None:
        """A small loan lent in full by the demo investor, so both homes have a schedule, a
        note and figures to draw."""
        if Bid.objects.filter(pk=demo_id("funded-bid")).exists():
            return
        product = LoanProduct.objects.filter(code=DEMO_PRODUCT["code"]).first()
        product = product or product_create(**DEMO_PRODUCT)
        application = application_submit(
            user=users["borrower"], enterprise=enterprise, product=product,
            amount=Decimal("20000"), term_months=6, method="equal-installment",
            purpose_category="equipment", purpose_description="A tea-rolling machine")
        application_mark_reviewed(application=application, reviewer=users["operator"],
                                  note="demo data")
        application_decide(application=application, approver=users["checker"], approve=True,
                           reasons="")
        listing = listing_open(application=application, operator=users["checker"])
        bid_place(investor=investor.user, listing=listing, amount=Decimal("20000"),
                  bid_id=demo_id("funded-bid"))

    def _application(self, users: dict[str, User], enterprise: Enterprise) -> LoanApplication:
        existing = LoanApplication.objects.filter(enterprise=enterprise,
                                                  amount_fen=100_000_00).first()
        if existing:
            return existing
        product = LoanProduct.objects.filter(code=DEMO_PRODUCT["code"]).first()
        product = product or product_create(**DEMO_PRODUCT)
        return application_submit(
            user=users["borrower"], enterprise=enterprise, product=product,
            amount=Decimal("100000"), term_months=12, method="equal-installment",
            purpose_category="inventory", purpose_description="Tea for the spring season",
            planned_payees=[{"name": "Longjing Tea Cooperative", "amount": Decimal("60000")}])

    def _open_listing(self, users: dict[str, User], enterprise: Enterprise) -> Listing:
        existing = Listing.objects.filter(application__enterprise=enterprise,
                                          application__amount_fen=100_000_00).first()
        if existing:
            return existing
        application = self._application(users, enterprise)
        application_mark_reviewed(application=application, reviewer=users["operator"],
                                  note="demo data")
        application_decide(application=application, approver=users["checker"], approve=True,
                           reasons="")
        return listing_open(application=application, operator=users["checker"])

    def _admitted_parties(self, users: dict[str, User]) -> tuple[Enterprise, InvestorProfile]:
        """An approved enterprise for the demo borrower and an approved demo investor."""
        enterprise = Enterprise.objects.filter(representative=users["borrower"]).first()
        if enterprise is None:
            enterprise = enterprise_submit(representative=users["borrower"], **DEMO_ENTERPRISE)
            admitted(enterprise.review, users["operator"], users["checker"])
        profile = InvestorProfile.objects.filter(user=users["investor"]).first()
        if profile is None:
            profile = investor_submit(user=users["investor"], **DEMO_INVESTOR)
            admitted(profile.review, users["operator"], users["checker"])
        enterprise.refresh_from_db()
        return enterprise, profile
