"""Notices sent to users, and each user's choice per kind of notice."""

from django.conf import settings
from django.db import models


class Notice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notices")
    kind = models.CharField(max_length=60)
    facts = models.JSONField(default=dict)  # filled into the kind's title and body when read
    link = models.CharField(max_length=200, blank=True)  # the page it is about
    key = models.CharField(max_length=200)  # the event: one notice per user and key
    in_inbox = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_due = models.BooleanField(default=False)  # to be e-mailed, not yet sent
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"],
                                               name="notifications_notice_once")]
        indexes = [models.Index(fields=["user", "read_at"]),
                   models.Index(fields=["email_due"], condition=models.Q(email_due=True),
                                name="notifications_email_due")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class NoticePreference(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notice_preferences")
    kind = models.CharField(max_length=60)
    in_inbox = models.BooleanField(default=True)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"],
                                               name="notifications_preference_once")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"
