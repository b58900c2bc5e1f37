"""The SBA mapping: the traps are avoided, the figures are read exactly."""

import csv
import io
from datetime import date
from decimal import Decimal

from puhui.credit.datasets import sample_path
from puhui.credit.features import (
    NAICS_TO_INDUSTRY,
    Features,
    enterprise_features,
    sba_features,
    sba_features_export,
    sba_labelled,
)

ROW = {
    "LoanNr_ChkDgt": "1000014003", "Name": "ABC HOBBYCRAFT", "City": "EVANSVILLE",
    "State": "IN", "NAICS": "451120", "ApprovalFY": "1997", "Term": "84", "NoEmp": "4",
    "NewExist": "2", "UrbanRural": "0", "RevLineCr": "N", "LowDoc": "Y",
    "ChgOffDate": "", "DisbursementDate": "28-Feb-99", "DisbursementGross": "$60,000.00 ",
    "BalanceGross": "$0.00 ", "MIS_Status": "P I F", "ChgOffPrinGr": "$0.00 ",
    "GrAppv": "$60,000.00 ", "SBA_Appv": "$48,000.00 ",
}


def test_a_row_becomes_features_without_the_leaking_columns():
    features = sba_features(ROW)
    assert features.industry == "retail"  # NAICS 45
    assert (features.employees, features.new_business, features.revolving) == (4, True, False)
    assert features.amount_dollars == Decimal("60000.00")
    assert features.real_estate is False  # 84 months
    row = features.as_row()
    assert not {"Term", "ChgOffPrinGr", "ChgOffDate", "BalanceGross", "Name"} & set(row)
    assert row["new_business"] == 1
    assert row["amount_dollars"] == 60000.0
    assert sba_features(ROW | {"Term": "240"}).real_estate is True


def test_development_rows_exclude_unknown_outcomes_immature_and_late_vintages():
    rows = [ROW, ROW | {"MIS_Status": ""}, ROW | {"DisbursementDate": "1-Mar-11"},
            ROW | {"ApprovalFY": "2005", "DisbursementDate": "1-Mar-05"},
            ROW | {"MIS_Status": "CHGOFF"}]
    labelled = list(sba_labelled(rows, max_approval_year=2002))
    assert [item.bad for item in labelled] == [False, True]


def test_the_committed_sample_maps_whole():
    with sample_path("sba").open(newline="", encoding="utf-8") as handle:
        labelled = list(sba_labelled(csv.DictReader(handle), max_approval_year=2002))
    assert len(labelled) > 2900  # a few immature disbursements may drop out
    assert {item.features.industry for item in labelled} <= {*NAICS_TO_INDUSTRY.values(), "other"}


def test_an_enterprise_maps_to_the_same_features():
    features = enterprise_features(industry="catering", employees=12,
                                   founded_on=date(2025, 4, 8), amount_yuan=Decimal("100000"),
                                   dollars_per_yuan=Decimal("0.14"), today=date(2026, 4, 7))
    assert features == Features(industry="catering", employees=12, new_business=True,
                                amount_dollars=Decimal("14000.00"), revolving=False,
                                real_estate=False)


def test_the_export_writes_the_shipped_feature_set_with_the_outcome():
    out = io.StringIO()
    written = sba_features_export([ROW, ROW | {"MIS_Status": "CHGOFF", "NoEmp": "9"}], out,
                                  max_approval_year=2002)
    assert written == 2
    assert out.getvalue().splitlines() == [
        "industry,employees,new_business,amount_dollars,revolving,real_estate,approval_year,"
        "outcome",
        "retail,4,1,60000.0,0,0,1997,good",
        "retail,9,1,60000.0,0,0,1997,bad",
    ]
