"""Reviewers open the licences an enterprise uploaded, from the review page; the file comes back
as it was uploaded, with its checked type, never sniffed, and each opening is audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from puhui.audit.models import AuditEvent
from puhui.parties.models import Role
from puhui.parties.services import licence_document_add
from puhui.parties.tests.factories import enterprise_new, user_new

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% a licence\n"


def test_a_reviewer_opens_the_uploaded_licence_from_the_review_page():
    enterprise = enterprise_new()
    document = licence_document_add(
        enterprise=enterprise, user=enterprise.representative, kind="business_licence",
        upload=SimpleUploadedFile("licence.pdf", PDF, "application/pdf"))
    reviewer = Client()
    reviewer.force_login(user_new(Role.OPERATOR))
    page = reviewer.get(f"/operator/reviews/{enterprise.review.pk}/").content.decode()
    link = f"/enterprises/{enterprise.pk}/documents/{document.pk}/"
    assert f'href="{link}"' in page
    assert "Admittance review of an enterprise" in page  # not "Application #N"
    opened = reviewer.get(link)
    assert opened.status_code == 200
    assert b"".join(opened.streaming_content) == PDF
    assert opened["Content-Type"] == "application/pdf"
    assert opened["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="enterprise.document_opened",
                                     subject=enterprise.subject).count() == 1


def test_another_borrower_cannot_open_it():
    enterprise = enterprise_new()
    document = licence_document_add(
        enterprise=enterprise, user=enterprise.representative, kind="business_licence",
        upload=SimpleUploadedFile("licence.pdf", PDF, "application/pdf"))
    stranger = Client()
    stranger.force_login(user_new(Role.BORROWER))
    assert stranger.get(f"/enterprises/{enterprise.pk}/documents/{document.pk}/"
                        ).status_code == 403
    assert not AuditEvent.objects.filter(action="enterprise.document_opened").exists()
