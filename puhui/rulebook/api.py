"""Rulebook API: what the rules say, and the size class of an enterprise's figures."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from puhui.rulebook.selectors import rulebook_in_force, size_class_evaluate

router = Router(tags=["rulebook"])


class ClassifyQuery(Schema):
    industry: str = Field(max_length=40)
    employees: int | None = Field(None, ge=0, le=10_000_000)
    revenue_wan: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    assets_wan: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


@router.get("/classify", summary="Size class of an enterprise (large/medium/small/micro)")
def classify(request: HttpRequest, query: Query[ClassifyQuery]) -> dict[str, Any]:
    return size_class_evaluate(
        industry=query.industry, employees=query.employees, revenue_wan=query.revenue_wan,
        assets_wan=query.assets_wan,
    ).as_json()


@router.get("/in-force", summary="The rulebook in force today")
def in_force(request: HttpRequest) -> dict[str, Any]:
    return rulebook_in_force().model_dump(mode="json", exclude_none=True)
