"""Know your business: an enterprise registered with its figures, classified by size from the
rulebook on submission, and its licence documents (checked by size and magic bytes)."""

import hashlib
import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from puhui.audit.services import audit_record
from puhui.core.business_day import business_date_today
from puhui.core.errors import PuhuiError
from puhui.parties.errors import PartiesError
from puhui.parties.models import (
    AdmittanceReview,
    Enterprise,
    LicenceDocument,
    ReviewStatus,
    Role,
    User,
)
from puhui.parties.services.admittance import review_close
from puhui.parties.services.identity import (
    bank_account_validate,
    phone_validate,
    pii_sealed,
    positive_required,
    resident_id_validate,
    uscc_validate,
)
from puhui.parties.services.users import role_required
from puhui.rulebook.selectors import size_class_evaluate
from puhui.rulebook.services import rule_evaluation_record


@transaction.atomic
def enterprise_submit(
    *,
    representative: User,
    name: str,
    uscc_code: str,
    legal_rep_name: str,
    legal_rep_id: str,
    phone: str,
    industry: str,
    employees: int,
    revenue_wan: Decimal,
    total_assets_wan: Decimal,
    registered_capital_wan: Decimal,
    founded_on: date,
    region: str,
    bank_name: str,
    bank_account: str,
) -> Enterprise:
    """Register an enterprise for review; it is classified at once from the rulebook."""
    role_required(representative, Role.BORROWER)
    code = uscc_validate(uscc_code)
    rep_id, _birth = resident_id_validate(legal_rep_id)
    phone_number = phone_validate(phone)
    account = bank_account_validate(bank_account, card=False)
    for field, value in (("employees", employees), ("revenue", revenue_wan),
                         ("total assets", total_assets_wan),
                         ("registered capital", registered_capital_wan)):
        positive_required(field, value)
    if founded_on > business_date_today():
        raise PuhuiError(PartiesError.FOUNDED_IN_FUTURE)
    if Enterprise.objects.filter(uscc=code).exists():
        raise PuhuiError(PartiesError.ENTERPRISE_ALREADY_REGISTERED)
    classification = size_class_evaluate(
        industry=industry, employees=employees, revenue_wan=revenue_wan,
        assets_wan=total_assets_wan,
    )
    enterprise = Enterprise.objects.create(
        representative=representative, name=name, uscc=code, legal_rep_name=legal_rep_name,
        **pii_sealed(rep_id, "legal_rep_id"), **pii_sealed(phone_number, "phone"),
        industry=industry, employees=employees, revenue_wan=revenue_wan,
        total_assets_wan=total_assets_wan, registered_capital_wan=registered_capital_wan,
        founded_on=founded_on, region=region, bank_name=bank_name,
        **pii_sealed(account, "bank_account", keep_start=4),
        size_class=classification.size_class,
        size_classification=classification.as_json(),
    )
    rule_evaluation_record(
        rulebook_id=classification.rulebook_id,
        rulebook_version=classification.rulebook_version,
        rule_id=classification.rule_id, subject=enterprise.subject,
        inputs=classification.figures,
        outcome={"size_class": classification.size_class, "admitted": classification.admitted},
    )
    review = AdmittanceReview.objects.create(enterprise=enterprise)
    audit_record(actor=representative, action="enterprise.submitted", subject=enterprise.subject,
                 size_class=classification.size_class, uscc=code)
    if not classification.admitted:
        # Not small or micro: refused by rule, no operator decision needed.
        review_close(review, status=ReviewStatus.REJECTED, approver=None,
                      reasons=f"{classification.size_class} enterprises are not admitted to SMB "
                              f"financing (rule size_classes.admitted, rulebook "
                              f"{classification.rulebook_id} {classification.rulebook_version})")
    return enterprise


@transaction.atomic
def licence_document_add(*, enterprise: Enterprise, user: User, kind: str,
                         upload: UploadedFile) -> LicenceDocument:
    """Store a licence outside the web root after checking its size and real file type."""
    if enterprise.representative_id != user.pk:
        raise PuhuiError(PartiesError.WRONG_ROLE, role="representative of this enterprise")
    limit = settings.PUHUI_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise PuhuiError(PartiesError.UPLOAD_TOO_LARGE, limit_mb=limit // (1024 * 1024))
    head = upload.read(8)
    upload.seek(0)
    content_type = next((kind_ for kind_, magic in settings.PUHUI_UPLOAD_TYPES.items()
                         if head.startswith(magic)), None)
    if content_type is None:
        raise PuhuiError(PartiesError.UPLOAD_TYPE_REFUSED)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    upload.name = f"{secrets.token_hex(16)}"  # never the user's file name on disk
    document = LicenceDocument.objects.create(
        enterprise=enterprise, kind=kind, file=upload, content_type=content_type,
        size_bytes=upload.size, sha256=digest.hexdigest(),
    )
    audit_record(actor=user, action="enterprise.document_added", subject=enterprise.subject,
                 kind=kind, sha256=document.sha256)
    return document
