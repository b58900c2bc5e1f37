"""The demo's crowdfunding: one live campaign of each kind by the demo enterprise, with pledges
from three demo backers, so a newcomer sees each kind at once. The demo investor has pledged
nothing yet (and reads each kind's risks on the page). The reward campaign has already
reached its goal and the donation campaign is far from its goal; both end on the same day
(the rulebook's least days open from today), so running close of business for that day
shows one paying out its first tranche (60 %; the rest waits for its milestone) and the
other giving every pledge back. A fifth campaign ended today funded: its first tranche is
paid and the evidence of its first milestone waits for the operators."""

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from puhui.crowdfunding.models import Campaign, MilestoneStatus, Pledge
from puhui.crowdfunding.services import (
    CampaignDraft,
    MilestoneDraft,
    PledgeRequest,
    TierDraft,
    campaign_create,
    campaign_decide,
    campaign_mark_reviewed,
    campaign_settle,
    campaign_submit,
    crowdfunding_rules,
    milestone_evidence_send,
    pledge_place,
    risks_acknowledge,
    standing_declare,
)
from puhui.crowdfunding.services.community import comment_answer, comment_post, update_post
from puhui.custody.ports import CustodyAccount
from puhui.devtools.campaign_world import BOLD_ANSWERS
from puhui.devtools.world import investor_admitted
from puhui.ledger.models import Account
from puhui.ledger.services import account_for
from puhui.parties.models import Enterprise, InvestorProfile, Role, User
from puhui.parties.services import user_create

Deposit = Callable[[Account, int, uuid.UUID], None]
KINDS = ("donation", "reward", "debt", "equity")
BACKERS = (("demo-backer-wu", "Wu Lan", "13900000011"), ("demo-backer-sun", "Sun Hao",
                                                         "13900000012"),
           ("demo-backer-he", "He Ping", "13900000013"))

TITLES = {"reward": "West Lake spring tea, pressed by hand",
          "donation": "Breakfast for elderly neighbours",
          "debt": "Notes for a second tea house", "equity": "Shares in West Lake Tea House"}
_RISKS = ("The money may be lost if the tea house fails; rewards may arrive late; notes and "
          "shares cannot be sold quickly.")


def _drafts(today: date, days: int) -> dict[str, CampaignDraft]:
    delivery = today + timedelta(days=120)
    common: dict[str, Any] = dict(risks=_RISKS, days_open=days, funding_model="all_or_nothing")
    return {
        "reward": CampaignDraft(
            kind="reward", title=TITLES["reward"],
            summary="Pre-order this spring's Longjing and help us buy a second tea press.",
            story="We have served tea by West Lake since 2018. A second press doubles what we "
                  "can make for our regular guests and the shops that ask us.",
            use_of_funds="Tea press 2,000; packaging 800; the platform's fee 5 %.",
            goal=Decimal("3000"), min_pledge=Decimal("10"), maximum=Decimal("8000"),
            first_tranche_percent=Decimal(60), if_milestone_missed="vote",
            milestones=(MilestoneDraft("The second press is running",
                                       "The press's invoice and a photo of it at work",
                                       today + timedelta(days=days + 60), Decimal(40)),),
            tiers=(TierDraft("A thank-you postcard", "Drawn by our staff.", Decimal("20"), None,
                             delivery),
                   TierDraft("Spring Longjing, 250 g", "Picked and pressed this April.",
                             Decimal("99"), 60, delivery, ships=True),
                   TierDraft("Tea master's set", "A clay pot, four cups and 500 g of tea.",
                             Decimal("499"), 5, delivery, ships=True)), **common),
        "donation": CampaignDraft(
            kind="donation", title=TITLES["donation"],
            summary="Free morning tea and buns for the neighbourhood's elderly for a year.",
            story="Every morning thirty elderly neighbours come by. Gifts pay for their tea "
                  "and buns; the tea house gives the room and the staff.",
            use_of_funds="Tea and buns for 365 mornings.", goal=Decimal("50000"),
            min_pledge=Decimal("1"), **common),
        "debt": CampaignDraft(
            kind="debt", title=TITLES["debt"],
            summary="Lend to the tea house at 8 % a year, repaid monthly over 12 months.",
            story="A second room on Nanshan Road opens in spring; the notes pay for its fit-out.",
            use_of_funds="Fit-out 150,000; furniture 50,000.", goal=Decimal("200000"),
            maximum=Decimal("300000"), min_pledge=Decimal("1000"),
            rate_annual=Decimal("0.08"), term_months=12, repayment_method="equal-installment",
            **(common | {"days_open": days + 20})),
        "equity": CampaignDraft(
            kind="equity", title=TITLES["equity"],
            summary="A private round for qualified investors: 5 % of the company.",
            story="Our regular guests asked to own part of the tea house; this round lets up "
                  "to 200 qualified investors do so through the platform's nominee.",
            use_of_funds="New rooms 60 %; a roastery 30 %; working capital 10 %.",
            goal=Decimal("500000"), maximum=Decimal("1000000"), min_pledge=Decimal("1000"),
            pre_money_valuation=Decimal("19000000"), share_class="Ordinary",
            price_per_share=Decimal("10"), holding="nominee",
            **(common | {"days_open": days + 35})),
    }


# Pledges: (campaign kind, backer key, amount, tier price in yuan or None, units).
PLEDGES = (
    ("reward", "demo-backer-wu", "998", 499, 2),
    ("reward", "demo-backer-sun", "2000", None, 1), ("reward", "demo-backer-he", "198", 99, 2),
    ("donation", "demo-backer-he", "200", None, 1), ("donation", "demo-backer-wu", "500", None, 1),
    ("debt", "demo-backer-he", "10000", None, 1), ("debt", "demo-backer-sun", "50000", None, 1),
    ("equity", "demo-backer-he", "100000", None, 1),
    ("equity", "demo-backer-wu", "50000", None, 1),
    ("roof", "demo-backer-sun", "3000", None, 1), ("roof", "demo-backer-wu", "2500", None, 1),
)
ROOF = "A roof over the tea-drying yard"


def _roof(today: date, days: int) -> CampaignDraft:
    """Launched ``days`` ago and ending today: funded below, half paid at once."""
    return CampaignDraft(
        kind="donation", title=ROOF, funding_model="all_or_nothing", days_open=days,
        summary="Rain spoils a tenth of our leaves each spring; a roof keeps them dry.",
        story="The drying yard behind the tea house is open to the sky. A light steel roof "
              "keeps the spring leaves dry while they wither.",
        risks=_RISKS, use_of_funds="Steel frame 3,000; roofing 2,000.",
        goal=Decimal("5000"), min_pledge=Decimal("10"), first_tranche_percent=Decimal(50),
        if_milestone_missed="refund", key_people="Chen Jing, owner\nLiu Wei, builder",
        milestones=(
            MilestoneDraft("The frame stands", "Photos of the frame and the builder's invoice",
                           today + timedelta(days=30), Decimal(30)),
            MilestoneDraft("The roof is on", "Photos of the finished roof",
                           today + timedelta(days=60), Decimal(20))))


def _backers(checker: tuple[User, User], deposit: Deposit, key: Callable[[str], uuid.UUID]
             ) -> dict[str, User]:
    """Three admitted investors with bold risk profiles and the financial assets of qualified
    investors, each with money at the custodian (no logins: random passwords)."""
    backers = {}
    for username, name, phone in BACKERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=uuid.uuid4().hex, role=Role.INVESTOR)
            investor_admitted(user=user, maker=checker[0], checker=checker[1], full_name=name,
                              phone=phone, declared_income_yuan=Decimal("600000"),
                              net_worth_yuan=Decimal("5000000"), answers=dict(BOLD_ANSWERS))
        backers[username] = user
        wallet = account_for(kind=CustodyAccount.INVESTOR_WALLET, owner=user.ledger_owner,
                             currency="CNY", debits_must_not_exceed_credits=True)
        for part in range(3):  # within the rulebook's limits per deposit and per day
            deposit(wallet, 50_000_00, key(f"{username}-deposit-{part}"))
    return backers


def demo_campaigns(*, users: dict[str, User], enterprise: Enterprise, investor: InvestorProfile,
                   deposit: Deposit, key: Callable[[str], uuid.UUID], today: date) -> None:
    """Each kind online with its pledges; safe to run again (found by title, pledges by id)."""
    backers = _backers((users["operator"], users["checker"]), deposit, key) | {
        "investor": investor.user}
    for who, backer in backers.items():
        if who != "investor":  # the demo investor reads the risks on the page, as anyone would
            for kind in KINDS:
                risks_acknowledge(backer=backer, kind=kind)
        standing_declare(backer=backer, accredited=False, financial_assets=Decimal("3500000"),
                         average_income_3_years=Decimal("300000"))
    days = crowdfunding_rules().minimum_days_open
    drafts = _drafts(today, days) | {"roof": _roof(today, days)}
    campaigns = {}
    for kind, draft in drafts.items():
        campaign = Campaign.objects.filter(enterprise=enterprise, title=draft.title).first()
        if campaign is None:
            campaign = campaign_create(issuer=users["borrower"], enterprise=enterprise,
                                       draft=draft)
            campaign_submit(issuer=users["borrower"], campaign=campaign)
            campaign_mark_reviewed(campaign=campaign, reviewer=users["operator"],
                                   note="demo data")
            launch = today - timedelta(days=days) if kind == "roof" else today
            campaign = campaign_decide(campaign=campaign, approver=users["checker"],
                                       approve=True, reasons="", business_date=launch)
        campaigns[kind] = campaign
    for index, (kind, who, amount, tier_price, units) in enumerate(PLEDGES):
        pledge_id = key(f"pledge-{index}")
        if Pledge.objects.filter(pk=pledge_id).exists():
            continue
        campaign = campaigns[kind]
        tier = (campaign.tiers.get(price_fen=tier_price * 100) if tier_price else None)
        pledge_place(campaign=campaign, business_date=campaign.launched_on or today,
                     request=PledgeRequest(
            pledge_id=pledge_id, backer=backers[who], amount=Decimal(amount),
            tier_id=tier.pk if tier else None, quantity=units, name_shown=who != "investor"))
    _roof_funded(campaigns["roof"], users["borrower"], today)
    _talk(campaigns["reward"], users["borrower"], backers["demo-backer-wu"], key)


def _talk(campaign: Campaign, issuer: User, backer: User, key: Callable[[str], uuid.UUID]
          ) -> None:
    """An update to everyone, and a backer's question with the issuer's answer."""
    update_post(issuer=issuer, campaign=campaign, title="The first leaves are in",
                body="We picked the first Longjing this week; pressing starts on Monday.",
                backers_only=False, request_id=key("reward-update-1"))
    question = comment_post(author=backer, campaign=campaign,
                            body="Can the 250 g tin be sent to an office address?",
                            request_id=key("reward-comment-1"))
    if not question.answer:
        comment_answer(issuer=issuer, comment=question,
                       answer="Yes: give the office address after the campaign is funded.")


def _roof_funded(campaign: Campaign, issuer: User, today: date) -> None:
    """The roof's deadline is today: settled (first tranche paid), its first milestone's
    evidence sent for the operators to review."""
    campaign = campaign_settle(campaign=campaign, business_date=today)
    first = campaign.milestones.get(position=1)
    if first.status == MilestoneStatus.PLANNED:
        milestone_evidence_send(issuer=issuer, milestone=first,
                                evidence="The frame was raised last week; photos and the "
                                         "builder's invoice no. 2026-031 are attached.")
