"""What a backer does before pledging: reads the risks of a kind of campaign, and declares
the figures the investment limits and the qualified-investor test read."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy

from puhui.audit.services import audit_record
from puhui.core.errors import PuhuiError
from puhui.crowdfunding.errors import CrowdfundingError
from puhui.crowdfunding.models import BackerStanding, RiskAcknowledgement
from puhui.parties.models import User


@transaction.atomic
def risks_acknowledge(*, backer: User, kind: str) -> None:
    """The backer read the risks of ``kind`` campaigns; asked once, before the first pledge."""
    _, made = RiskAcknowledgement.objects.get_or_create(backer=backer, kind=kind)
    if made:
        audit_record(actor=backer, action="crowdfunding.risks_acknowledged",
                     subject=backer.ledger_owner, kind=kind)


@transaction.atomic
def standing_declare(*, backer: User, accredited: bool, financial_assets: Decimal,
                     average_income_3_years: Decimal) -> BackerStanding:
    """What the backer declares for the limits and the qualified-investor test."""
    if financial_assets < 0 or average_income_3_years < 0:
        raise PuhuiError(CrowdfundingError.CAMPAIGN_INVALID, problem=gettext_lazy(
            "financial assets and income cannot be negative"))
    standing, _ = BackerStanding.objects.update_or_create(backer=backer, defaults={
        "accredited": accredited, "financial_assets_yuan": financial_assets,
        "average_income_3_years_yuan": average_income_3_years})
    audit_record(actor=backer, action="crowdfunding.standing_declared",
                 subject=backer.ledger_owner, accredited=accredited)
    return standing
