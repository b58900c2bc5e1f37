"""A funded equity campaign's cap table: the issuer's register as this round wrote it (the
platform's nominee on one line for a nominee holding, each backer for a direct one), the
beneficial owners behind it, its export in the Open Cap Table Format (OCF 1.2.0: a manifest
and one JSON file per object type, zipped, each file's MD5 in the manifest), and each
backer's share certificate as a PDF.

The export holds this round's issuance only: the founders' shares are on the issuer's own
register, which the platform does not keep."""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from puhui.core.money import money_from_minor, money_shown
from puhui.core.pdf import BODY, SMALL, TITLE, pdf_built, pdf_table
from puhui.crowdfunding.models import Campaign, EquityHolding, Shareholding
from puhui.parties.models import InvestorKind, InvestorProfile
from puhui.rulebook.selectors import rulebook_in_force

OCF_VERSION = "1.2.0"
NOMINEE_ID = "nominee"


@dataclass(frozen=True)
class RegisterLine:
    """One line of the issuer's register for this round."""

    stakeholder_id: str
    name: str
    institution: bool
    shares: int
    certificate: str


def _holder_names(holdings: list[Shareholding]) -> dict[int, InvestorProfile]:
    return InvestorProfile.objects.in_bulk([h.holder_id for h in holdings], field_name="user_id")


def register_lines(campaign: Campaign) -> list[RegisterLine]:
    holdings = list(campaign.holdings.order_by("pk"))
    if not holdings:
        return []
    if campaign.holding == EquityHolding.NOMINEE:
        return [RegisterLine(NOMINEE_ID, nominee_name(), True, sum(h.shares for h in holdings),
                             f"SC-{campaign.pk:05d}-NOMINEE")]
    profiles = _holder_names(holdings)
    return [RegisterLine(f"holder-{h.holder_id}", profiles[h.holder_id].full_name,
                         profiles[h.holder_id].kind == InvestorKind.INSTITUTION, h.shares,
                         h.certificate_number) for h in holdings]


def nominee_name() -> str:
    return f"{settings.PUHUI_PLATFORM_NAME} Nominees"


def _file(file_type: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"file_type": file_type, "items": items}


def ocf_files(campaign: Campaign, *, generated_at: datetime) -> dict[str, dict[str, Any]]:
    """The OCF files of this round, by file name; the manifest last (it names the others)."""
    enterprise, currency = campaign.enterprise, campaign.currency
    country = rulebook_in_force().rulebook.jurisdiction
    price = {"amount": str(money_from_minor(campaign.price_per_share_fen or 0, currency)),
             "currency": currency}
    lines = register_lines(campaign)
    issued_on = campaign.holdings.values_list("issued_on", flat=True).first()
    class_id = f"class-{campaign.pk}"
    files = {
        "stakeholders.ocf.json": _file("OCF_STAKEHOLDERS_FILE", [{
            "object_type": "STAKEHOLDER", "id": line.stakeholder_id,
            "name": {"legal_name": line.name},
            "stakeholder_type": "INSTITUTION" if line.institution else "INDIVIDUAL"}
            for line in lines]),
        "stock_classes.ocf.json": _file("OCF_STOCK_CLASSES_FILE", [{
            "object_type": "STOCK_CLASS", "id": class_id, "name": campaign.share_class,
            "class_type": "COMMON", "default_id_prefix": "CF-", "votes_per_share": "1",
            "seniority": "1", "price_per_share": price,
            "initial_shares_authorized": str(_shares_offered(campaign))}]),
        "transactions.ocf.json": _file("OCF_TRANSACTIONS_FILE", [{
            "object_type": "TX_STOCK_ISSUANCE", "id": f"issuance-{line.certificate}",
            "security_id": line.certificate, "custom_id": line.certificate,
            "date": issued_on.isoformat() if issued_on else "", "stakeholder_id":
            line.stakeholder_id, "stock_class_id": class_id, "share_price": price,
            "quantity": str(line.shares), "stock_legend_ids": [],
            "security_law_exemptions": [], "consideration_text": _consideration(campaign)}
            for line in lines]),
        "stock_plans.ocf.json": _file("OCF_STOCK_PLANS_FILE", []),
        "stock_legend_templates.ocf.json": _file("OCF_STOCK_LEGEND_TEMPLATES_FILE", []),
        "vesting_terms.ocf.json": _file("OCF_VESTING_TERMS_FILE", []),
        "valuations.ocf.json": _file("OCF_VALUATIONS_FILE", []),
    }
    listed = {name: [{"filepath": name, "md5": hashlib.md5(  # noqa: S324 - OCF's checksum
        _bytes(files[name])).hexdigest()}] for name in files}
    files["manifest.ocf.json"] = {
        "ocf_version": OCF_VERSION, "file_type": "OCF_MANIFEST_FILE",
        "issuer": {"object_type": "ISSUER", "id": f"issuer-{enterprise.pk}",
                   "legal_name": enterprise.name,
                   "formation_date": enterprise.founded_on.isoformat(),
                   "country_of_formation": country,
                   "tax_ids": [{"tax_id": enterprise.uscc, "country": country}]},
        "as_of": (issued_on or generated_at.date()).isoformat(),
        "generated_at": generated_at.isoformat(),
        "comments": [_("This round's shares only; the founders' shares are on the issuer's "
                       "own register.")],
        **{f"{name.split('.')[0]}_files": listed[name] for name in files},
    }
    return files


def _shares_offered(campaign: Campaign) -> int:
    """The round's shares: its maximum (or goal) at the price."""
    return (campaign.maximum_fen or campaign.goal_fen) // (campaign.price_per_share_fen or 1)


def _consideration(campaign: Campaign) -> str:
    return f"crowdfunding campaign {campaign.pk} on {settings.PUHUI_PLATFORM_NAME}"


def _bytes(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True).encode()


def ocf_zip(campaign: Campaign, *, generated_at: datetime) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in ocf_files(campaign, generated_at=generated_at).items():
            archive.writestr(name, _bytes(content))
    return buffer.getvalue()


def certificate_pdf(holding: Shareholding) -> bytes:
    """The backer's share certificate, in the active language."""
    campaign, currency = holding.campaign, holding.campaign.currency
    profile = InvestorProfile.objects.filter(user_id=holding.holder_id).first()
    nominee = holding.holding == EquityHolding.NOMINEE
    day = lambda d: date_format(d, "DATE_FORMAT")  # noqa: E731
    story: list[Flowable] = [
        Paragraph(_("Share certificate"), TITLE),
        Paragraph(_("Certificate number %(number)s") % {"number": holding.certificate_number},
                  BODY),
        Spacer(1, 4 * mm),
        pdf_table([
            [_("Company"), f"{campaign.enterprise.name} ({campaign.enterprise.uscc})"],
            [_("Holder"), profile.full_name if profile else ""],
            [_("How the shares are held"), _("through the nominee %(nominee)s, which is on the "
                                            "company's register for every backer of this "
                                            "round") % {"nominee": nominee_name()}
             if nominee else _("directly, on the company's register")],
            [_("Class"), holding.share_class],
            [_("Shares"), f"{holding.shares:,}"],
            [_("Price per share"), money_shown(holding.price_per_share_fen, currency)],
            [_("Paid"), money_shown(holding.shares * holding.price_per_share_fen, currency)],
            [_("Issued on"), day(holding.issued_on)],
            [_("Not transferable before"), day(holding.locked_until)],
        ], [60, 114], header=False),
        Spacer(1, 6 * mm),
        Paragraph(_("Issued by %(platform)s from its records of crowdfunding campaign "
                    "%(campaign)s; the money was held by the custodian bank until the round "
                    "closed.") % {"platform": settings.PUHUI_PLATFORM_NAME,
                                  "campaign": campaign.pk}, SMALL),
    ]
    return pdf_built(story, title=_("Share certificate") + " " + holding.certificate_number,
                     author=settings.PUHUI_PLATFORM_NAME)
