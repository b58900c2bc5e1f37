"""Valid identities made with the check-digit algorithms, and ready-made parties."""

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from puhui.devtools.world import bank_card_new, resident_id_new, uscc_new
from puhui.parties.models import Enterprise, InvestorProfile, Role, User
from puhui.parties.services import enterprise_submit, investor_submit, user_create

_serial = itertools.count(1000)
PASSWORD = "a-long-test-password-2026"
ANSWERS = {"horizon": "1y-3y", "loss": "hold", "experience": "funds", "share": "5-20"}


def user_new(role: Role, username: str | None = None, duties: list[str] | None = None) -> User:
    username = username or f"{role}-{next(_serial)}"
    return user_create(username=username, password=PASSWORD, role=role, duties=duties,
                       email=f"{username}@example.test")


def enterprise_fields(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Hangzhou Green Tea Shop", "uscc_code": uscc_new(),
        "legal_rep_name": "Wang Fang", "legal_rep_id": resident_id_new(),
        "phone": "13812345678", "industry": "retail", "employees": 8,
        "revenue_wan": Decimal("90"), "total_assets_wan": Decimal("50"),
        "registered_capital_wan": Decimal("10"), "founded_on": date(2019, 3, 1),
        "region": "Zhejiang Hangzhou", "bank_name": "Bank of Hangzhou",
        "bank_account": "330100123456789012",
    } | overrides


def enterprise_new(representative: User | None = None, **overrides: Any) -> Enterprise:
    return enterprise_submit(representative=representative or user_new(Role.BORROWER),
                             **enterprise_fields(**overrides))


def investor_fields(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "person", "full_name": "Li Lei", "resident_id": resident_id_new(),
        "phone": "13900001111", "bank_card": bank_card_new(),
        "declared_income_yuan": Decimal("240000"), "net_worth_yuan": Decimal("1500000"),
        "answers": dict(ANSWERS),
    } | overrides


def investor_new(user: User | None = None, **overrides: Any) -> InvestorProfile:
    return investor_submit(user=user or user_new(Role.INVESTOR), **investor_fields(**overrides))
