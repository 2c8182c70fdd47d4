"""The kinds of customer email. Each app registers its own from its AppConfig.ready, so the outbox names
none: what it is called in the admin, how urgent it is, how its message is built from the row that caused it,
and what else happens in the transaction that marks it sent."""

import dataclasses
from collections.abc import Callable

from django.core.mail import EmailMessage

from .models import OutgoingEmail


@dataclasses.dataclass(frozen=True)
class EmailKind:
    code: str
    label: str
    # The message, or None when there is no address to send it to.
    build: Callable[[OutgoingEmail], EmailMessage | None]
    priority: int = 0
    # Raises core.jobs.GiveUp when the email must not go out any more (its notice withdrawn, say).
    check: Callable[[OutgoingEmail], None] | None = None
    # Runs in the transaction that marks the email sent: evidence that exists exactly when it went out.
    sent: Callable[[OutgoingEmail], None] | None = None


KINDS: dict[str, EmailKind] = {}


def email_kind_register(code: str, label: str, build, **options) -> EmailKind:
    if len(code) > OutgoingEmail._meta.get_field("kind").max_length:
        raise ValueError(f"email kind {code!r} is longer than the column")
    kind = KINDS[code] = EmailKind(code=code, label=label, build=build, **options)
    return kind


def email_kind(code: str) -> EmailKind:
    return KINDS[code]


def kind_label(code: str) -> str:
    kind = KINDS.get(code)
    return str(kind.label) if kind else code
