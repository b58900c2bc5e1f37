"""A user's inbox, unread count and choices, rendered in the reader's language."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from puhui.notifications.kinds import notice_kind, notice_kinds
from puhui.notifications.models import Notice, NoticePreference


@dataclass(frozen=True)
class NoticeShown:
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read: bool


def notice_shown(notice: Notice) -> NoticeShown:
    try:
        title, body = notice_kind(notice.kind).render(notice.facts)
    except LookupError:  # a kind no longer declared: the record still shows
        title, body = notice.kind, ""
    return NoticeShown(notice.pk, notice.kind, title, body, notice.link, notice.created_at,
                       notice.read_at is not None)


def inbox_of(*, user: Any) -> Any:
    return Notice.objects.filter(user=user, in_inbox=True).order_by("-created_at", "-pk")


def unread_count(*, user: Any) -> int:
    return Notice.objects.filter(user=user, in_inbox=True, read_at__isnull=True).count()


@dataclass(frozen=True)
class PreferenceShown:
    kind: str
    label: str
    in_inbox: bool
    email: bool


def preferences_of(*, user: Any) -> list[PreferenceShown]:
    chosen = {p.kind: p for p in NoticePreference.objects.filter(user=user)}
    return [PreferenceShown(kind.name, gettext(kind.label),
                            chosen[kind.name].in_inbox if kind.name in chosen else True,
                            chosen[kind.name].email if kind.name in chosen else kind.email)
            for kind in notice_kinds()]
