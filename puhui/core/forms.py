"""Forms that move money carry an id minted when the page is rendered.

The id travels in a hidden field and becomes the operation's idempotency key (the bid's id, the
repayment's, the bank instruction's), so a double click or a re-sent form answers with what the
first send did instead of doing it again. A form re-rendered after an error keeps its id:
nothing was done under it yet. After success the view redirects, and the next page mints a new
one.
"""

import uuid
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

EXPIRED = _("This form is out of date: reload the page and send it again.")


class OnceOnlyForm(forms.Form):
    request_id = forms.UUIDField(widget=forms.HiddenInput,
                                 error_messages={"required": EXPIRED, "invalid": EXPIRED})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("request_id", uuid.uuid4())

    @property
    def sent_id(self) -> uuid.UUID:
        """The id the form was rendered with (valid forms only)."""
        return cast(uuid.UUID, self.cleaned_data["request_id"])
