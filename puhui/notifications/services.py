"""Sending notices (inside the transaction of the change they tell of), e-mailing them after
the commit, marking them read, and each user's choices."""

import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from puhui.notifications.kinds import notice_kind, notice_kinds
from puhui.notifications.models import Notice, NoticePreference


@dataclass(frozen=True)
class Addressed:
    """One notice to one user (the user or their id): the facts its kind's title and body are
    filled with, the event it tells of (``key``: one notice per user and key), and the page it
    is about."""

    user: Any
    facts: dict[str, Any]
    key: str
    link: str = ""

    @property
    def user_id(self) -> int:
        return self.user if isinstance(self.user, int) else self.user.pk


def notices_send(kind: str, notices: Iterable[Addressed]) -> int:
    """Notices of ``kind``, each as its user chose for the kind (none when they chose neither
    inbox nor e-mail), written in one statement; an event told before is not told again.
    Call it in the transaction of the change: the e-mail goes after the commit. Returns how
    many were written or had been."""
    known = notice_kind(kind)
    addressed = list(notices)
    user_ids = {item.user_id for item in addressed}
    chosen = {p.user_id: p for p in NoticePreference.objects.filter(kind=kind,
                                                                    user_id__in=user_ids)}
    has_email = set(get_user_model().objects.filter(pk__in=user_ids).exclude(email="")
                    .values_list("pk", flat=True))
    rows = []
    for item in addressed:
        preference = chosen.get(item.user_id)
        in_inbox = preference.in_inbox if preference else True
        email = ((preference.email if preference else known.email)
                 and item.user_id in has_email)
        if in_inbox or email:
            rows.append(Notice(user_id=item.user_id, kind=kind, facts=item.facts,
                               link=item.link, key=item.key, in_inbox=in_inbox,
                               email_due=email))
    Notice.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if any(row.email_due for row in rows):
        transaction.on_commit(notices_mail_due)
    return len(rows)


def notice_send(*, user: Any, kind: str, facts: dict[str, Any], key: str,
                link: str = "") -> int:
    """One notice of ``kind`` to ``user`` about the event ``key`` (see ``notices_send``)."""
    return notices_send(kind, [Addressed(user, facts, key, link)])


def _mail(notice: Notice) -> EmailMessage:
    user = notice.user
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    title, body = notice_kind(notice.kind).render(notice.facts, language)
    if notice.link:
        body = f"{body}\n\n{settings.PUHUI_PUBLIC_URL.rstrip('/')}{notice.link}"
    return EmailMessage(subject=f"puhui · {title}", body=body, to=[user.email])


def notices_mail_due(*, batch: int = 500) -> tuple[int, str]:
    """E-mail the notices due, oldest first; stop at the first failure of the mail server (the
    next run sends the rest). Returns how many went out and the failure, if any."""
    connection, sent = get_connection(), 0
    due = Notice.objects.filter(email_due=True).select_related("user").order_by("pk")
    for notice in due[:batch]:
        try:
            connection.send_messages([_mail(notice)])
        except (smtplib.SMTPException, OSError) as error:
            problem = (str(error) or type(error).__name__)[:200]
            Notice.objects.filter(pk=notice.pk).update(email_error=problem)
            return sent, problem
        Notice.objects.filter(pk=notice.pk).update(email_due=False, emailed_at=timezone.now(),
                                                   email_error="")
        sent += 1
    return sent, ""


def notice_open(*, user: Any, notice_id: int) -> Notice | None:
    """The user's notice, marked read; None when it is not theirs."""
    notice = Notice.objects.filter(user=user, pk=notice_id).first()
    if notice is not None and notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


def notices_mark_read(*, user: Any) -> int:
    unread: QuerySet[Notice] = Notice.objects.filter(user=user, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notice_preferences_set(*, user: Any, chosen: dict[str, tuple[bool, bool]]) -> None:
    """``chosen``: kind name → (in the inbox, by e-mail); kinds left out keep their choice."""
    known = {kind.name for kind in notice_kinds()}
    for name, (in_inbox, email) in chosen.items():
        if name in known:
            NoticePreference.objects.update_or_create(
                user=user, kind=name, defaults={"in_inbox": in_inbox, "email": email})
