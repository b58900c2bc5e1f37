"""The kinds of notice, declared by the apps that send them and registered at start-up."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import translation


@dataclass(frozen=True)
class NoticeKind:
    name: str  # "<app>.<event>", unique: "lending.listing_funded"
    title: str  # gettext_noop, with {facts}
    body: str  # gettext_noop, with {facts}
    label: str  # gettext_noop: what the preference is about ("A listing you lend to is funded")
    email: bool = True  # e-mailed unless the user turns it off

    def render(self, facts: dict[str, Any], language: str | None = None) -> tuple[str, str]:
        """Title and body in ``language`` (the active one when None)."""
        with translation.override(language or translation.get_language()):
            return (_filled(translation.gettext(self.title), facts),
                    _filled(translation.gettext(self.body), facts))


def _filled(template: str, facts: dict[str, Any]) -> str:
    try:
        return template.format(**facts)
    except (KeyError, IndexError):
        return template


_kinds: dict[str, NoticeKind] = {}


def notice_kinds_register(kinds: Iterable[NoticeKind]) -> None:
    """Called by each app's ``AppConfig.ready``; registering a kind again is harmless, another
    kind under a taken name is a mistake."""
    for kind in kinds:
        known = _kinds.get(kind.name)
        if known is not None and known != kind:
            raise ValueError(f"two notice kinds are named {kind.name!r}")
        _kinds[kind.name] = kind


def notice_kind(name: str) -> NoticeKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"no notice kind {name!r} is registered") from None


def notice_kinds() -> list[NoticeKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.name)
