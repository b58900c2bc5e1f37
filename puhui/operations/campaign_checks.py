"""A campaign sent for review whose kind needs it (notes and shares: ``issuer_credit_check`` in
the rulebook) goes through the checks a loan applicant does: the shared registry's report
across platforms, then the credit engine reading it — the same plug points lending calls
(``PUHUI_REGISTRY_REPORT``, ``PUHUI_CREDIT_EVALUATOR``). The checks are kept on the campaign
for its reviewers; one that failed stops the approval."""

from dataclasses import asdict

from django.db import transaction

from puhui.crowdfunding.models import Campaign, CampaignKind
from puhui.crowdfunding.services import campaign_checks_record, campaign_submit, crowdfunding_rules
from puhui.lending.ports import ApplicationFacts, Check, RegistryAnswer
from puhui.lending.services import outstanding_fen, registry_report_none
from puhui.lending.services.plugins import plugin
from puhui.parties.models import User
from puhui.rulebook.selectors import rulebook_in_force


def _facts(campaign: Campaign) -> ApplicationFacts:
    """The issuer as the registry and the credit engine see an applicant. Notes are borrowing
    (their maximum counts under the caps); shares are not, so an equity issuer is judged on
    its record and score with nothing new borrowed."""
    raised = campaign.maximum_fen or campaign.goal_fen
    amount = raised if campaign.kind == CampaignKind.DEBT else 0
    return ApplicationFacts(
        subject=campaign.subject, enterprise_id=campaign.enterprise_id,
        enterprise_uscc=campaign.enterprise.uscc, amount_fen=amount,
        currency=campaign.currency, term_months=campaign.term_months or 12,
        product_amount_max_fen=raised, outstanding_here_fen=outstanding_fen(campaign.enterprise))


def issuer_checks(campaign: Campaign) -> tuple[list[Check], dict]:
    """The registry's report and the credit engine's decision on the issuer."""
    book, facts = rulebook_in_force(), _facts(campaign)
    registry: RegistryAnswer = plugin("PUHUI_REGISTRY_REPORT", registry_report_none)(
        application=facts, rulebook=book)
    checks = list(registry.checks)
    if registry.unreachable:
        return checks, {}
    credit = plugin("PUHUI_CREDIT_EVALUATOR")(application=facts, rulebook=book,
                                              registry_report=registry.report)
    checks += credit.checks
    return checks, credit.summary.as_json() if credit.summary else {}


@transaction.atomic
def campaign_submit_checked(*, issuer: User, campaign: Campaign) -> Campaign:
    """Send the campaign for review, with the issuer's checks when its kind needs them."""
    campaign = campaign_submit(issuer=issuer, campaign=campaign)
    if crowdfunding_rules().kind(campaign.kind).issuer_credit_check:
        checks, credit = issuer_checks(campaign)
        campaign = campaign_checks_record(campaign=campaign,
                                          checks=[asdict(check) for check in checks],
                                          credit=credit)
    return campaign
