"""Lending errors, with stable codes, in English and Chinese."""

from enum import unique

from django.utils.translation import gettext_noop as _

from puhui.core.errors import ErrorCode


@unique
class LendingError(ErrorCode):
    PRODUCT_INVALID = 400, _("The product is not valid: {problem}.")
    PRODUCT_UNAVAILABLE = 400, _("Product {product} is not offered.")
    APPLICATION_OUTSIDE_PRODUCT = 400, _("The application does not fit the product: {problem}.")
    NOT_YOUR_ENTERPRISE = 403, _("You can apply only for an enterprise you represent.")
    LISTING_CLOSED = 409, _("This listing no longer takes bids.")
    LISTING_FULLY_FUNDED = 409, _("This listing is fully funded; no amount is left to lend.")
    BID_EXCEEDS_REMAINING = 409, _(
        "Only {remaining} is left to lend on this listing; bid that or less.")
    BID_BELOW_MINIMUM = 400, _("The minimum bid is {minimum}.")
    BID_NOT_A_MULTIPLE = 400, _("Bids go in multiples of {multiple}.")
    BID_OVER_INVESTOR_CAP = 400, _(
        "One investor may lend at most {cap} to this listing; you have {already}.")
    INSUFFICIENT_FUNDS = 409, _("Your wallet's available balance is too low for this bid.")
    REGISTRY_REPORT_STALE = 409, _(
        "The shared credit registry cannot be asked again now, and its report on this "
        "application (taken {taken_at}) is older than the {hours} hours the rulebook allows; "
        "nothing was approved or listed. Try again when the registry answers.")
    REFUSED_ON_FRESH_REPORT = 409, _(
        "Asked again, the shared credit registry's report refuses this application: "
        "{reasons}. It is refused and its reserved headroom released.")
    PAYMENT_EXCEEDS_WALLET = 409, _(
        "This payment takes {amount}, but the wallet's available balance is {available}; "
        "deposit the difference first.")
    NOT_SUITABLE = 403, _(
        "This product is risk level R{risk}; your risk profile allows up to R{allowed}.")
    INVESTOR_NOT_ADMITTED = 403, _("Your identity and risk profile must be approved first.")
    BID_NOT_CANCELLABLE = 409, _("This bid can no longer be cancelled.")
    NOT_YOUR_LOAN = 403, _("Only the borrower repays this loan.")
    LOAN_NOT_OPEN = 409, _("This loan is {status}; it takes no payment.")
    OVERPAYMENT = 400, _(
        "At most {maximum} can be paid now; to repay everything early, choose prepayment "
        "({payoff}).")
    PREPAYMENT_AMOUNT = 400, _("Repaying everything today takes exactly {payoff}.")
    NO_OPEN_COLLECTION = 409, _("This loan has no open collection case.")
    RECOVERY_TOO_LARGE = 400, _("Only {outstanding} of principal is outstanding.")
    RECOVERY_NOT_IN_WALLET = 409, _(
        "Deposit the recovered money into the borrower's wallet at the custodian first.")
    PAY_DUE_FIRST = 409, _("Pay what is due ({due}) before prepaying part of the loan.")
    PARTIAL_PREPAYMENT_AMOUNT = 400, _(
        "A partial prepayment repays between 0.01 and {maximum} of principal; to repay it "
        "all, choose full prepayment.")
    PARTIAL_PREPAYMENT_METHOD = 400, _(
        "A loan repaid in one payment at maturity cannot be prepaid in part.")
    INVALID_SCHEDULE = 400, _("The schedule cannot be built: {problem}.")
