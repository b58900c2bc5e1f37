"""Signed requests: the signature covers every part, and a timestamp is fresh only within
MAX_AGE_SECONDS of now, either way, and only when it is a finite number."""

import pytest

from puhui.core.signing import MAX_AGE_SECONDS, signature, signature_matches, timestamp_stale

NOW = 1_800_000_000.0


def test_a_changed_part_or_secret_breaks_the_signature():
    signed = signature("s3cret", "POST", "/reports", "1800000000", b'{"a": 1}')
    assert signature_matches(signed, "s3cret", "POST", "/reports", "1800000000", b'{"a": 1}')
    assert not signature_matches(signed, "s3cret", "POST", "/reports", "1800000000", b'{"a": 2}')
    assert not signature_matches(signed, "other", "POST", "/reports", "1800000000", b'{"a": 1}')


@pytest.mark.parametrize(("offset", "stale"), [
    (0, False), (MAX_AGE_SECONDS, False), (-MAX_AGE_SECONDS, False),
    (MAX_AGE_SECONDS + 1, True), (-MAX_AGE_SECONDS - 1, True)])
def test_a_timestamp_is_fresh_within_the_window_either_way(offset, stale):
    assert timestamp_stale(str(NOW - offset), now=NOW) is stale


@pytest.mark.parametrize("timestamp", ["nan", "inf", "-inf", "yesterday", ""])
def test_a_timestamp_that_is_not_a_finite_number_is_refused(timestamp):
    with pytest.raises(ValueError, match="is not a time"):
        timestamp_stale(timestamp, now=NOW)
