"""What follows a campaign's launch: material changes, milestones and the backers' votes on
them, an equity round's shareholdings, the issuer's updates and the backers' comments, and
the fulfilment of rewards."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from puhui.core.transitions import StatusMoves
from puhui.crowdfunding.models.core import Campaign, EquityHolding, Pledge


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    EVIDENCE = "evidence", _("Evidence sent, waiting for review")
    REVIEWED = "reviewed", _("Reviewed, waiting for approval")
    RELEASED = "released", _("Met: tranche released")
    VOTING = "voting", _("Missed: backers are voting")
    REFUNDED = "refunded", _("Missed: the rest refunded to backers")


_M = MilestoneStatus
MILESTONE_MOVES = StatusMoves("milestone", {
    _M.PLANNED: frozenset({_M.EVIDENCE, _M.VOTING, _M.REFUNDED}),
    # the maker reviews the evidence, or sends it back; the checker approves or sends it back
    _M.EVIDENCE: frozenset({_M.REVIEWED, _M.PLANNED, _M.VOTING, _M.REFUNDED}),
    _M.REVIEWED: frozenset({_M.RELEASED, _M.PLANNED, _M.VOTING, _M.REFUNDED}),
    _M.VOTING: frozenset({_M.RELEASED, _M.REFUNDED}),
    _M.RELEASED: frozenset(), _M.REFUNDED: frozenset(),
})


class Milestone(models.Model):
    """A part of the raise held in the campaign's escrow until an operator approves the
    evidence that the milestone is met (maker-checker), then paid to the issuer."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="milestones")
    position = models.PositiveSmallIntegerField()  # 1, 2, … in the order they fall due
    title = models.CharField(max_length=120)
    description = models.TextField()
    due_on = models.DateField()
    share_bp = models.PositiveIntegerField()  # of what is left after the fee
    tranche_fen = models.BigIntegerField(default=0)  # set at funding; the splits add up
    status = models.CharField(max_length=10, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.PLANNED)
    evidence = models.TextField(blank=True)
    evidence_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    review_note = models.TextField(blank=True)
    vote_until = models.DateField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "position"],
                                    name="crowdfunding_milestone_position"),
            models.CheckConstraint(condition=Q(share_bp__gt=0, share_bp__lte=10_000),
                                   name="crowdfunding_milestone_share"),
            models.CheckConstraint(condition=Q(approver__isnull=True)
                                   | ~Q(approver=F("reviewer")),
                                   name="crowdfunding_milestone_maker_is_not_checker"),
        ]
        ordering = ["campaign", "position"]

    def __str__(self) -> str:
        return f"milestone {self.position} of campaign {self.campaign_id}"

    @property
    def share_percent(self) -> Decimal:
        return Decimal(self.share_bp) / 100


class MilestoneVote(models.Model):
    """A backer's vote on a missed milestone, weighted by what the backer put in."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="votes")
    backer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    release = models.BooleanField()
    weight_fen = models.BigIntegerField()
    voted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["milestone", "backer"],
                                               name="crowdfunding_one_vote_per_backer")]

    def __str__(self) -> str:
        return f"vote of {self.backer_id} on {self.milestone_id}"


class Shareholding(models.Model):
    """A backer's shares from a funded equity campaign: the cap table's line. Under a nominee
    holding the issuer's register shows the platform's nominee for all of them and this row is
    the beneficial owner; held directly, the backer is on the register. Locked from transfer
    until ``locked_until`` (the rulebook's months from issue)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="holdings")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="shareholdings")
    share_class = models.CharField(max_length=60)
    shares = models.PositiveBigIntegerField()
    price_per_share_fen = models.BigIntegerField()
    holding = models.CharField(max_length=8, choices=EquityHolding.choices)
    issued_on = models.DateField()
    locked_until = models.DateField()
    certificate_number = models.CharField(max_length=40, unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "holder"],
                                               name="crowdfunding_one_holding_per_backer")]
        ordering = ["campaign", "pk"]

    def __str__(self) -> str:
        return f"{self.shares} shares of campaign {self.campaign_id}"


class CampaignChange(models.Model):
    """A material change to an online campaign: every backer must reconfirm by
    ``reconfirm_by`` or the pledge lapses."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="changes")
    summary = models.TextField()
    fields = models.JSONField()  # {field: [before, after]}
    changed_on = models.DateField()
    reconfirm_by = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"change to campaign {self.campaign_id} on {self.changed_on}"


class CampaignUpdate(models.Model):
    """The issuer's news to everyone, or to the backers only."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="updates")
    title = models.CharField(max_length=120)
    body = models.TextField()
    backers_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    request_id = models.UUIDField(unique=True)  # its form's: sent once

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"update {self.pk} of campaign {self.campaign_id}"


class CampaignComment(models.Model):
    """A backer's comment or question, and the issuer's answer."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    request_id = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"comment {self.pk} on campaign {self.campaign_id}"


class FulfilmentStatus(models.TextChoices):
    ADDRESS_NEEDED = "address", _("Waiting for your shipping address")
    PREPARING = "preparing", _("Being prepared")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")


class Fulfilment(models.Model):
    """A funded reward pledge on its way to the backer: the address (sealed, shown masked), the
    backer's answers to the issuer's survey, where it stands and when it should arrive."""

    pledge = models.OneToOneField(Pledge, on_delete=models.PROTECT, related_name="fulfilment")
    status = models.CharField(max_length=10, choices=FulfilmentStatus.choices)
    address_sealed = models.TextField(blank=True)
    address_masked = models.CharField(max_length=60, blank=True)
    survey_answer = models.TextField(blank=True)
    expected_on = models.DateField()  # the reward's estimated delivery, or as the issuer moved it
    tracking = models.CharField(max_length=80, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"fulfilment of pledge {self.pledge_id}"


class ShareTransfer(models.Model):
    """Nominee-held shares that passed from one beneficial owner to another; its form's id
    makes a second send the same transfer."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    shares = models.PositiveBigIntegerField()
    transferred_on = models.DateField()
    request_id = models.UUIDField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.shares} shares of campaign {self.campaign_id}"
