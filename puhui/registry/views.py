"""The registry deployment's front page: what it holds, in figures only (no subject's data)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from puhui.registry.models import Dispute, Inquiry, Member, Subject, TradeLine


def registry_home(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/home.html", {
        "members": Member.objects.filter(active=True).order_by("code"),
        "subjects": Subject.objects.count(), "trade_lines": TradeLine.objects.count(),
        "inquiries": Inquiry.objects.count(),
        "disputes_open": Dispute.objects.filter(answered_on__isnull=True).count(),
    })
