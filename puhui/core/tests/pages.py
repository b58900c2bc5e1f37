"""Helpers for tests that post forms as a browser would: with the id the page rendered."""

import re

from django.test import Client


def request_id_in(page: str, action: str = "") -> str:
    """The hidden ``request_id`` of the (first) form on ``page`` posting to ``action``."""
    for form in re.findall(r"<form\b.*?</form>", page, flags=re.S):
        if action and f'action="{action}"' not in form and f'formaction="{action}"' not in form:
            continue
        found = re.search(r'name="request_id" value="([0-9a-f-]{36})"', form)
        if found:
            return found.group(1)
    raise AssertionError(f"no form with a request_id posting to {action or 'anywhere'}")


def post_form(client: Client, page_path: str, action: str, data: dict[str, str]):
    """Open ``page_path``, then send its form for ``action`` (none: the page itself) with
    ``data`` and the id the page rendered."""
    page = client.get(page_path).content.decode()
    return client.post(action or page_path, data | {"request_id": request_id_in(page, action)})
