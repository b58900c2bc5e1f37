"""A user's own settings: the time zone their pages show times in, and dates as their language
writes them."""

from datetime import UTC, datetime

import pytest
from django.test import Client

from puhui.notifications.models import Notice
from puhui.notifications.services import notice_send
from puhui.parties.models import Role, User
from puhui.parties.tests.factories import user_new

pytestmark = pytest.mark.django_db


def _client(user: User, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def _notice_at(user: User, moment: datetime) -> None:
    notice_send(user=user, kind="parties.review_rejected", facts={"reasons": "blurred"},
                key=f"zone-test:{user.pk}")
    Notice.objects.filter(user=user).update(created_at=moment)


def test_times_are_shown_in_the_zone_the_user_chose():
    user = user_new(Role.INVESTOR)
    _notice_at(user, datetime(2026, 12, 3, 1, 30, tzinfo=UTC))
    client = _client(user)
    # the platform's zone (Asia/Shanghai, UTC+8) until they choose
    assert "3 Dec 2026, 09:30</time>" in client.get("/notifications/").content.decode()
    saved = client.post("/account/", {"time_zone": "Europe/London"}, follow=True)
    assert "Times are now shown in the zone you chose." in saved.content.decode()
    user.refresh_from_db()
    assert user.time_zone == "Europe/London"
    inbox = client.get("/notifications/").content.decode()
    assert '<time datetime="2026-12-03T01:30:00+00:00">3 Dec 2026, 01:30</time>' in inbox
    # New York is five hours behind London in December: the evening before
    client.post("/account/", {"time_zone": "America/New_York"})
    assert "2 Dec 2026, 20:30</time>" in client.get("/notifications/").content.decode()
    in_chinese = _client(user, "zh-hans").get("/notifications/").content.decode()
    assert "2026-12-02 20:30</time>" in in_chinese
    client.post("/account/", {"time_zone": ""})  # back to the platform's
    assert "3 Dec 2026, 09:30</time>" in client.get("/notifications/").content.decode()


def test_a_zone_not_offered_is_refused_and_nothing_changes():
    user = user_new(Role.BORROWER)
    client = _client(user)
    client.post("/account/", {"time_zone": "Asia/Tokyo"})
    for sent in ("Mars/Olympus_Mons", "Europe/Vatican' OR 1=1", "x" * 500):
        refused = client.post("/account/", {"time_zone": sent})
        assert refused.status_code == 400
        assert "Select a valid choice." in refused.content.decode()
        user.refresh_from_db()
        assert user.time_zone == "Asia/Tokyo"
    in_chinese = _client(user, "zh-hans").post("/account/", {"time_zone": "Mars/Olympus_Mons"})
    assert in_chinese.status_code == 400
    assert "选择一个有效的选项" in in_chinese.content.decode()


def test_the_service_refuses_a_zone_not_offered_with_its_own_code():
    from puhui.core.errors import PuhuiError
    from puhui.parties.services import user_time_zone_set

    user = user_new(Role.INVESTOR)
    with pytest.raises(PuhuiError) as refused:
        user_time_zone_set(user=user, time_zone="Etc/GMT+5")  # a real zone, not one offered
    assert refused.value.code == "TIME_ZONE_UNKNOWN"
    user.refresh_from_db()
    assert user.time_zone == ""
