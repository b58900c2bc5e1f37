"""The time zones a user may choose for the times the pages show them (dates of business stay
the platform's: a due date is the same day for everyone)."""

import zoneinfo

from django.utils.translation import gettext_lazy as _

# The zones offered, by where most of the platform's users are; each named in both languages.
TIME_ZONE_CHOICES = [
    ("", _("The platform's time (China, UTC+8)")),
    ("Asia/Shanghai", _("China (Beijing, Shanghai), UTC+8")),
    ("Asia/Hong_Kong", _("Hong Kong, UTC+8")),
    ("Asia/Taipei", _("Taipei, UTC+8")),
    ("Asia/Singapore", _("Singapore, UTC+8")),
    ("Asia/Tokyo", _("Tokyo, UTC+9")),
    ("Asia/Seoul", _("Seoul, UTC+9")),
    ("Asia/Bangkok", _("Bangkok, UTC+7")),
    ("Asia/Kolkata", _("India, UTC+5:30")),
    ("Asia/Dubai", _("Dubai, UTC+4")),
    ("Europe/Moscow", _("Moscow, UTC+3")),
    ("Africa/Nairobi", _("Nairobi, UTC+3")),
    ("Europe/Berlin", _("Central Europe (Berlin, Paris)")),
    ("Europe/London", _("London")),
    ("UTC", _("Coordinated Universal Time (UTC)")),
    ("America/Sao_Paulo", _("São Paulo")),
    ("America/New_York", _("US Eastern (New York)")),
    ("America/Chicago", _("US Central (Chicago)")),
    ("America/Los_Angeles", _("US Pacific (Los Angeles)")),
    ("Australia/Sydney", _("Sydney")),
]
TIME_ZONES_OFFERED = frozenset(zone for zone, _label in TIME_ZONE_CHOICES if zone)


def time_zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone of that name if it is one offered; None (the platform's) otherwise."""
    return zoneinfo.ZoneInfo(name) if name in TIME_ZONES_OFFERED else None
