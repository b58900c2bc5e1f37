"""What every lending page needs: who is asking, and the objects they may see."""


from django.core.exceptions import PermissionDenied
from django.http import Http404

from puhui.core.errors import PuhuiError
from puhui.lending import selectors
from puhui.lending.models import (
    Listing,
    Loan,
    LoanApplication,
)
from puhui.parties.forms import FORM_REFUSED, user_in_role
from puhui.parties.models import User


def http_error(error: PuhuiError) -> Exception:
    return Http404() if error.code == "NOT_FOUND" else PermissionDenied()


def application_seen(user: User, application_id: int) -> LoanApplication:
    try:
        return selectors.application_for(user=user, application_id=application_id)
    except PuhuiError as error:
        raise http_error(error) from None


def loan_seen(user: User, loan_id: int) -> Loan:
    try:
        return selectors.loan_for(user=user, loan_id=loan_id)
    except PuhuiError as error:
        raise http_error(error) from None


def listing_seen(listing_id: int) -> Listing:
    try:
        return selectors.listing_get(listing_id=listing_id)
    except PuhuiError as error:
        raise http_error(error) from None


__all__ = ["FORM_REFUSED", "application_seen", "http_error", "listing_seen", "loan_seen",
           "user_in_role"]
