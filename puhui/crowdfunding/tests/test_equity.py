"""Equity after a funded round: shares per backer from what the ledger collected, the transfer
lock at each side of its day, the cap table in the Open Cap Table Format read back by pyocf
(models generated from OCF 1.2.0's published JSON schema) with nothing lost on the way, and
each backer's certificate as a PDF."""

import hashlib
import io
import json
import uuid
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from pyocf import api as ocf
from pypdf import PdfReader

from puhui.core.business_day import business_date_today
from puhui.crowdfunding.cap_table import certificate_pdf, ocf_zip, register_lines
from puhui.crowdfunding.services import campaign_settle, standing_declare
from puhui.crowdfunding.services.equity import holding_transferable, shares_transfer
from puhui.crowdfunding.tests.test_campaign_flow import LAUNCH, pledge, refused
from puhui.devtools.campaign_world import backer_new, campaign_online

pytestmark = pytest.mark.django_db
FILES = {"manifest.ocf.json": ocf.OCFManifestFile, "stakeholders.ocf.json": ocf.StakeholdersFile,
         "stock_classes.ocf.json": ocf.StockClassesFile,
         "transactions.ocf.json": ocf.TransactionsFile, "stock_plans.ocf.json": ocf.StockPlansFile,
         "stock_legend_templates.ocf.json": ocf.StockLegendTemplatesFile,
         "vesting_terms.ocf.json": ocf.VestingTermsFile, "valuations.ocf.json": ocf.ValuationsFile}


def _round(holding: str):
    """Shares at 10.00 CNY: 1,000.00, 2,500.00 and 1,500.00 buy 100, 250 and 150 shares."""
    campaign = campaign_online("equity", business_date=LAUNCH, goal=Decimal("5000"),
                               maximum=Decimal("10000"), min_pledge=Decimal("1000"),
                               holding=holding)
    backers = [backer_new(3_000_00, "equity") for _ in range(3)]
    for backer, amount in zip(backers, ("1000", "2500", "1500"), strict=True):
        standing_declare(backer=backer, accredited=False, financial_assets=Decimal("3000000"),
                         average_income_3_years=Decimal(0))
        pledge(campaign, backer, amount)
    return campaign_settle(campaign=campaign, business_date=campaign.deadline), backers


def _read_back(campaign) -> dict[str, dict]:
    archive = zipfile.ZipFile(io.BytesIO(ocf_zip(campaign, generated_at=timezone.now())))
    files = {name: json.loads(archive.read(name)) for name in archive.namelist()}
    assert set(files) == set(FILES)
    for name, content in files.items():
        parsed = FILES[name].model_validate(content)  # the schema's rules
        # nothing the schema does not know was silently dropped on the way
        assert parsed.model_dump(mode="json", exclude_none=True) == content, name
    manifest = files["manifest.ocf.json"]
    for name in FILES:
        if name != "manifest.ocf.json":
            [listed] = manifest[f"{name.split('.')[0]}_files"]
            assert listed["md5"] == hashlib.md5(archive.read(name)).hexdigest()  # noqa: S324
    return files


def test_a_direct_round_puts_each_backer_on_the_register_and_exports_valid_ocf():
    campaign, backers = _round("direct")
    holdings = {h.holder_id: h for h in campaign.holdings.all()}
    assert [holdings[b.pk].shares for b in backers] == [100, 250, 150]
    files = _read_back(campaign)
    issued = files["transactions.ocf.json"]["items"]
    assert sorted(int(tx["quantity"]) for tx in issued) == [100, 150, 250]
    assert {tx["share_price"]["amount"] for tx in issued} == {"10.00"}
    assert files["manifest.ocf.json"]["issuer"]["tax_ids"][0]["tax_id"] == campaign.enterprise.uscc
    certificate = PdfReader(io.BytesIO(certificate_pdf(holdings[backers[1].pk])))
    text = "".join(page.extract_text() for page in certificate.pages)
    assert holdings[backers[1].pk].certificate_number in text
    assert "250" in text


def test_a_nominee_round_is_one_line_on_the_register_and_locked_for_12_months():
    campaign, _backers = _round("nominee")
    [line] = register_lines(campaign)
    assert (line.shares, line.stakeholder_id) == (500, "nominee")
    files = _read_back(campaign)
    assert [s["id"] for s in files["stakeholders.ocf.json"]["items"]] == ["nominee"]
    holding = campaign.holdings.first()
    # issued on the deadline, 2026-04-01; cn-2016 locks equity for 12 months
    assert (holding.issued_on, holding.locked_until) == (date(2026, 4, 1), date(2027, 4, 1))
    assert not holding_transferable(holding, date(2027, 3, 31))
    assert holding_transferable(holding, date(2027, 4, 1))


def test_an_equity_pledge_buys_whole_shares():
    campaign = campaign_online("equity", business_date=LAUNCH)
    backer = backer_new(3_000_00, "equity")
    standing_declare(backer=backer, accredited=False, financial_assets=Decimal("3000000"),
                     average_income_3_years=Decimal(0))
    refused("PLEDGE_NOT_WHOLE_SHARES", pledge, campaign, backer, "1005")
    assert pledge(campaign, backer, "1010").amount_fen == 1010_00


def test_the_holder_downloads_the_certificate_and_the_issuer_the_cap_table():
    campaign, backers = _round("direct")
    holding = campaign.holdings.get(holder=backers[0])
    holder = Client()
    holder.force_login(backers[0])
    assert f"/holdings/{holding.pk}/certificate.pdf" in holder.get(
        "/investor/pledges/").content.decode()
    answer = holder.get(f"/holdings/{holding.pk}/certificate.pdf")
    assert (answer.status_code, answer["Content-Type"]) == (200, "application/pdf")
    other = Client()
    other.force_login(backers[1])
    assert other.get(f"/holdings/{holding.pk}/certificate.pdf").status_code == 403
    issuer = Client()
    issuer.force_login(campaign.enterprise.representative)
    page = issuer.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="cap-table"' in page
    exported = issuer.get(f"/campaigns/{campaign.pk}/cap-table.ocf.zip")
    assert "manifest.ocf.json" in zipfile.ZipFile(io.BytesIO(exported.content)).namelist()


def test_nominee_shares_pass_to_another_investor_only_after_the_lock():
    campaign, backers = _round("nominee")
    seller = campaign.holdings.get(holder=backers[1])  # 250 shares, locked until 2027-04-01
    buyer = backer_new(1, "equity")
    refused("SHARES_LOCKED", shares_transfer, seller=backers[1], holding=seller, buyer=buyer,
            shares=50, on=date(2027, 3, 31))
    refused("NOT_YOUR_HOLDING", shares_transfer, seller=backers[0], holding=seller,
            buyer=buyer, shares=50, on=date(2027, 4, 1))
    refused("SHARES_NOT_HELD", shares_transfer, seller=backers[1], holding=seller, buyer=buyer,
            shares=251, on=date(2027, 4, 1))
    bought = shares_transfer(seller=backers[1], holding=seller, buyer=buyer, shares=50,
                             on=date(2027, 4, 1))
    seller.refresh_from_db()
    assert (seller.shares, bought.shares) == (200, 50)
    [line] = register_lines(campaign)  # the register still shows the nominee with all 500
    assert line.shares == 500


def test_direct_shares_are_transferred_on_the_company_s_register():
    campaign, backers = _round("direct")
    refused("DIRECT_HOLDING_ON_REGISTER", shares_transfer, seller=backers[0],
            holding=campaign.holdings.get(holder=backers[0]), buyer=backers[1], shares=1,
            on=date(2028, 1, 1))


def test_a_transfer_on_the_page_sent_twice_moves_the_shares_once():
    campaign, backers = _round("nominee")
    holding = campaign.holdings.get(holder=backers[1])
    campaign.holdings.update(locked_until=business_date_today())  # a lock that ends today
    buyer = backer_new(1, "equity")
    seller = Client()
    seller.force_login(backers[1])
    page = seller.get("/investor/pledges/").content.decode()
    assert f'data-testid="transfer-{holding.pk}"' in page
    form = {"request_id": str(uuid.uuid4()), "buyer": buyer.username, "shares": "20"}
    assert seller.post(f"/holdings/{holding.pk}/transfer/", form).status_code == 302
    assert seller.post(f"/holdings/{holding.pk}/transfer/", form).status_code == 302
    refused = seller.post(f"/holdings/{holding.pk}/transfer/", form | {
        "request_id": str(uuid.uuid4()), "buyer": "nobody-here"}, follow=True)
    assert "no admitted investor" in refused.content.decode()
    holding.refresh_from_db()
    assert (holding.shares, campaign.holdings.get(holder=buyer).shares) == (230, 20)
