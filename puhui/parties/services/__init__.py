"""Writes for parties, one module per subdomain: users (registration, duties, API tokens),
identity numbers and sealed personal data, KYB, KYC and suitability, admittance review
(maker-checker), sign-in (throttling, TOTP), and key rotation.

Every rule figure (size classes, minimum age, suitability levels) comes from the rulebook in
force, and each evaluation is recorded with its rule id and rulebook version. Personal data are
stored only encrypted, with a blind index and a mask (core.pii).
"""

from puhui.parties.services.admittance import (
    checker_may_decide,
    review_decide,
    review_mark_reviewed,
)
from puhui.parties.services.identity import (
    bank_account_validate,
    phone_validate,
    resident_id_validate,
    uscc_validate,
)
from puhui.parties.services.keys import pii_rotate
from puhui.parties.services.kyb import enterprise_submit, licence_document_add
from puhui.parties.services.kyc import age_on, investor_submit, suitability_score
from puhui.parties.services.signin import (
    login_check_password,
    totp_enroll,
    totp_required,
    totp_verify,
)
from puhui.parties.services.users import (
    api_token_create,
    require_duty,
    token_digest,
    user_create,
    user_register,
    user_time_zone_set,
)

__all__ = [
    "age_on",
    "api_token_create",
    "bank_account_validate",
    "checker_may_decide",
    "enterprise_submit",
    "investor_submit",
    "licence_document_add",
    "login_check_password",
    "phone_validate",
    "pii_rotate",
    "require_duty",
    "resident_id_validate",
    "review_decide",
    "review_mark_reviewed",
    "suitability_score",
    "token_digest",
    "totp_enroll",
    "totp_required",
    "totp_verify",
    "uscc_validate",
    "user_create",
    "user_register",
    "user_time_zone_set",
]
