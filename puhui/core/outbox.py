"""Messages one role still has to send another (a platform to the registry or to its
supervisor): written in the transaction of the change itself, sent after commit, oldest first,
and retried while the other role is unreachable; a message the other role refuses is kept with
its reason and not retried. Each app has its own table, made from ``OutboxFields``."""

from typing import Any

from django.db import models
from django.utils import timezone

from puhui.core.signed_http import PeerRefused, PeerUnavailable, SignedClient


class OutboxFields(models.Model):
    method = models.CharField(max_length=6)
    path = models.CharField(max_length=200)
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def outbox_deliver(messages: Any, client: SignedClient) -> int:
    """Send the unsent messages of an outbox table (a manager or queryset), oldest first;
    stop at the first sign the other role is down. Returns how many went out."""
    sent = 0
    for message in messages.filter(sent_at__isnull=True, refused_at__isnull=True).order_by("pk"):
        message.attempts += 1
        try:
            client.call(message.method, message.path, message.body)
        except PeerUnavailable as error:
            message.last_error = str(error)
            message.save(update_fields=["attempts", "last_error"])
            break
        except PeerRefused as refused:
            message.refused_at, message.last_error = timezone.now(), refused.message_en
            message.save(update_fields=["attempts", "refused_at", "last_error"])
            continue
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "sent_at"])
        sent += 1
    return sent
