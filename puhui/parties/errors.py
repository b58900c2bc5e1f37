"""Errors of registration, KYB/KYC, review and sign-in, in English and Chinese."""

from enum import unique

from django.utils.translation import gettext_noop as _

from puhui.core.errors import ErrorCode


@unique
class PartiesError(ErrorCode):
    WEAK_PASSWORD = 400, _("The password is too weak: {problems}")
    USERNAME_TAKEN = 400, _("The user name {username} is taken.")
    ROLE_NOT_SELF_SERVICE = 400, _(
        "Only borrowers and investors can register themselves; operators and regulators are "
        "created by an administrator.")
    INVALID_USCC = 400, _("{value} is not a valid unified social credit code ({problem}).")
    INVALID_RESIDENT_ID = 400, _("The resident ID number is not valid ({problem}).")
    INVALID_PHONE = 400, _("The mobile number must be 11 digits starting with 1.")
    INVALID_BANK_ACCOUNT = 400, _("The bank account number is not valid ({problem}).")
    INVALID_FIGURE = 400, _("{field} {problem}.")
    FOUNDED_IN_FUTURE = 400, _("The founding date cannot be in the future.")
    ENTERPRISE_ALREADY_REGISTERED = 400, _(
        "An enterprise with this unified social credit code is already registered.")
    INVESTOR_ALREADY_REGISTERED = 400, _("An investor with this identity is already registered.")
    UNDERAGE = 400, _("Investors must be at least {minimum} years old (rule {rule_id}).")
    QUESTIONNAIRE_INCOMPLETE = 400, _(
        "Answer every question of the risk questionnaire with one of its options: "
        "{questions}.")
    WRONG_ROLE = 403, _("Only a {role} can do this.")
    TIME_ZONE_UNKNOWN = 400, _("Choose one of the time zones offered.")
    SAME_OPERATOR_CANNOT_APPROVE = 403, _(
        "The operator who reviewed an application cannot also approve or reject it.")
    REASONS_REQUIRED = 400, _("Give the reasons for a rejection; the applicant will see them.")
    UPLOAD_TOO_LARGE = 400, _("The file is larger than {limit_mb} MB.")
    UPLOAD_TYPE_REFUSED = 400, _("Upload a PDF, PNG or JPEG file.")
    LOGIN_LOCKED = 429, _(
        "Too many failed sign-ins for this user name; try again in {minutes} minutes.")
    BAD_CREDENTIALS = 401, _("Your user name and password did not match. Please try again.")
    TOTP_INVALID = 401, _("The six-digit code is wrong or has been used; try the current one.")
    UNKNOWN_DUTY = 400, _("Unknown operator duties: {duties}.")
    MISSING_DUTY = 403, _("This needs the {duty} duty, which you do not hold.")
