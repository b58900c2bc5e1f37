"""Members of the registry, the subjects they report on (identities sealed, found by a keyed
blind index) and the consents members forward for them."""

import secrets
from datetime import datetime

from django.db import IntegrityError, transaction

from puhui.core.errors import PuhuiError
from puhui.core.pii import pii_blind_index, pii_decrypt, pii_encrypt, pii_mask
from puhui.core.signing import signature, signature_matches
from puhui.registry.errors import RegistryError
from puhui.registry.models import (
    Consent,
    Member,
    Purpose,
    Subject,
    SubjectKind,
)

SUBJECT_CONTEXT = "registry.subject.identity"
SECRET_CONTEXT = "registry.member.secret"  # noqa: S105 - a sealing context, not a secret


@transaction.atomic
def member_register(*, code: str, name: str, kind: str,
                    secret: str | None = None) -> tuple[Member, str]:
    """A member and its signing secret (made here unless given; kept sealed). Registering an
    existing code again replaces its name, kind and secret (a key rotation)."""
    secret = secret or secrets.token_urlsafe(32)
    member = Member.objects.select_for_update().filter(code=code).first() or Member(code=code)
    member.name, member.kind = name, kind
    member.secret_sealed = pii_encrypt(secret, context=SECRET_CONTEXT)
    member.full_clean()
    member.save()
    return member, secret


def member_secret(member: Member) -> str:
    return pii_decrypt(member.secret_sealed, context=SECRET_CONTEXT)


def subject_index(kind: str, identity: str) -> str:
    return pii_blind_index(identity, context=f"{SUBJECT_CONTEXT}.{kind}")


def subject_find(kind: str, identity: str) -> Subject | None:
    if kind not in SubjectKind.values:
        raise PuhuiError(RegistryError.SUBJECT_KIND_UNKNOWN, kind=kind)
    return Subject.objects.filter(kind=kind, identity_index=subject_index(kind, identity)).first()


def subject_for(kind: str, identity: str) -> Subject:
    """The subject with this identity, created on first mention (matched by blind index)."""
    found = subject_find(kind, identity)
    if found:
        return found
    try:
        with transaction.atomic():
            return Subject.objects.create(
                kind=kind, identity_index=subject_index(kind, identity),
                identity_sealed=pii_encrypt(identity.strip().upper(), context=SUBJECT_CONTEXT),
                identity_masked=pii_mask(identity, keep_start=4, keep_end=4))
    except IntegrityError:  # created meanwhile by a concurrent request
        found = subject_find(kind, identity)
        assert found is not None
        return found


def consent_signature(secret: str, *, consent_id: str, subject_kind: str, subject_id: str,
                      purpose: str, granted_at: str, expires_at: str) -> str:
    """What the member signs when it forwards a subject's consent."""
    return signature(secret, "consent", consent_id, subject_kind, subject_id.strip().upper(),
                     purpose, granted_at, expires_at)


@transaction.atomic
def consent_record(*, member: Member, consent_id: str, subject_kind: str, subject_id: str,
                   purpose: str, granted_at: datetime, expires_at: datetime,
                   signed: str) -> Consent:
    """Store a consent the member collected; refused unless the member's signature matches."""
    if purpose not in Purpose.values:
        raise PuhuiError(RegistryError.PURPOSE_UNKNOWN, purpose=purpose)
    if expires_at <= granted_at:
        raise PuhuiError(RegistryError.CONSENT_INVALID, problem="it expires before it is granted")
    if not signature_matches(signed, member_secret(member), "consent", consent_id, subject_kind,
                             subject_id.strip().upper(), purpose, granted_at.isoformat(),
                             expires_at.isoformat()):
        raise PuhuiError(RegistryError.CONSENT_INVALID, problem="the signature does not match")
    subject = subject_for(subject_kind, subject_id)
    existing = Consent.objects.filter(member=member, consent_id=consent_id).first()
    if existing:
        return existing
    return Consent.objects.create(consent_id=consent_id, subject=subject, member=member,
                                  purpose=purpose, granted_at=granted_at,
                                  expires_at=expires_at, signature=signed)


def consent_valid(*, member: Member, subject: Subject | None, purpose: str,
                   consent_id: str, now: datetime) -> Consent | None:
    if subject is None:
        return None
    return Consent.objects.filter(member=member, subject=subject, consent_id=consent_id,
                                  purpose=purpose, granted_at__lte=now, expires_at__gt=now,
                                  revoked_at__isnull=True).first()
