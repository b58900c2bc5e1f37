"""Ledger errors: per-transfer results (TigerBeetle's vocabulary) and request-level errors."""

from enum import StrEnum, unique

from django.utils.translation import gettext_noop as _

from puhui.core.errors import ErrorCode


class TransferResult(StrEnum):
    """The outcome of one transfer in a ``create_transfers`` batch."""

    OK = "ok"
    EXISTS = "exists"
    LINKED_EVENT_FAILED = "linked_event_failed"
    LINKED_EVENT_CHAIN_OPEN = "linked_event_chain_open"
    FLAGS_ARE_MUTUALLY_EXCLUSIVE = "flags_are_mutually_exclusive"
    DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO = "debit_account_id_must_not_be_zero"
    CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO = "credit_account_id_must_not_be_zero"
    ACCOUNTS_MUST_BE_DIFFERENT = "accounts_must_be_different"
    PENDING_ID_MUST_BE_ZERO = "pending_id_must_be_zero"
    PENDING_ID_MUST_NOT_BE_ZERO = "pending_id_must_not_be_zero"
    PENDING_ID_MUST_BE_DIFFERENT = "pending_id_must_be_different"
    TIMEOUT_RESERVED_FOR_PENDING_TRANSFER = "timeout_reserved_for_pending_transfer"
    TIMEOUT_MUST_NOT_BE_NEGATIVE = "timeout_must_not_be_negative"
    AMOUNT_MUST_NOT_BE_ZERO = "amount_must_not_be_zero"
    AMOUNT_MUST_NOT_BE_NEGATIVE = "amount_must_not_be_negative"
    CURRENCY_MUST_NOT_BE_EMPTY = "currency_must_not_be_empty"
    CODE_MUST_NOT_BE_EMPTY = "code_must_not_be_empty"
    DEBIT_ACCOUNT_NOT_FOUND = "debit_account_not_found"
    CREDIT_ACCOUNT_NOT_FOUND = "credit_account_not_found"
    ACCOUNTS_MUST_HAVE_THE_SAME_CURRENCY = "accounts_must_have_the_same_currency"
    TRANSFER_MUST_HAVE_THE_SAME_CURRENCY_AS_ACCOUNTS = (
        "transfer_must_have_the_same_currency_as_accounts"
    )
    PENDING_TRANSFER_NOT_FOUND = "pending_transfer_not_found"
    PENDING_TRANSFER_NOT_PENDING = "pending_transfer_not_pending"
    PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID = (
        "pending_transfer_has_different_debit_account_id"
    )
    PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID = (
        "pending_transfer_has_different_credit_account_id"
    )
    PENDING_TRANSFER_HAS_DIFFERENT_CURRENCY = "pending_transfer_has_different_currency"
    PENDING_TRANSFER_HAS_DIFFERENT_CODE = "pending_transfer_has_different_code"
    EXCEEDS_PENDING_TRANSFER_AMOUNT = "exceeds_pending_transfer_amount"
    PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT = "pending_transfer_has_different_amount"
    PENDING_TRANSFER_ALREADY_POSTED = "pending_transfer_already_posted"
    PENDING_TRANSFER_ALREADY_VOIDED = "pending_transfer_already_voided"
    PENDING_TRANSFER_EXPIRED = "pending_transfer_expired"
    EXISTS_WITH_DIFFERENT_FLAGS = "exists_with_different_flags"
    EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT_ID = "exists_with_different_debit_account_id"
    EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT_ID = "exists_with_different_credit_account_id"
    EXISTS_WITH_DIFFERENT_AMOUNT = "exists_with_different_amount"
    EXISTS_WITH_DIFFERENT_CURRENCY = "exists_with_different_currency"
    EXISTS_WITH_DIFFERENT_CODE = "exists_with_different_code"
    EXISTS_WITH_DIFFERENT_PENDING_ID = "exists_with_different_pending_id"
    EXISTS_WITH_DIFFERENT_TIMEOUT = "exists_with_different_timeout"
    EXISTS_WITH_DIFFERENT_REFERENCE = "exists_with_different_reference"
    OVERFLOWS_DEBITS = "overflows_debits"
    OVERFLOWS_CREDITS = "overflows_credits"
    EXCEEDS_CREDITS = "exceeds_credits"
    EXCEEDS_DEBITS = "exceeds_debits"


@unique
class LedgerError(ErrorCode):
    ACCOUNT_NOT_FOUND = 404, _("Ledger account {account_id} does not exist.")
    BATCH_TOO_LARGE = 400, _("A batch may hold at most {limit} transfers; this one has {size}.")
    BATCH_EMPTY = 400, _("The batch holds no transfers.")
    INVALID_AMOUNT = 400, _("Transfer {index}: {problem}")
    CURRENCY_NEEDED_FOR_AMOUNT = 400, _("Transfer {index}: an amount needs its currency.")
    UNKNOWN_CURRENCY = 400, _("{currency} is not a currency this ledger books.")
    INVALID_TIME_RANGE = 400, _("The start of the range must come before its end.")
    INVALID_CURSOR = 400, _("The page cursor is not valid; start again from the first page.")
    RECONCILIATION_FILE_INVALID = 400, _("Statement line {line}: {problem}")
    ACCOUNT_FLAGS_CONFLICT = 400, _("An account cannot limit both its debits and its credits.")
    INVALID_NORMAL_BALANCE = 400, _("{value} is not a side; use credit or debit.")
