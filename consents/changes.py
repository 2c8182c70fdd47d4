"""Listeners told of every committed change of a customer's marketing state, in the transaction that makes it.

An app above this one (the webhooks to the group's systems) registers a listener from its AppConfig.ready; the
services call `changes_notify` with the rows they have just written (consent events, suppressions, answers to
a consent question), while the policyholder's row is locked. Whatever the listener writes (a delivery to make)
then commits with the change or not at all, and in the order the customer's changes were made.
"""

from collections.abc import Callable

EVENT = "preference"  # consents.ConsentEvent rows
SUPPRESSION = "suppression"  # consents.Suppression rows
ANSWER = "consent_answer"  # consents.NoticeRecord rows of kind consented / declined

_listeners: list[Callable[[str, list], None]] = []


def change_listener_register(listener: Callable[[str, list], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def changes_notify(kind: str, rows: list) -> None:
    if rows:
        for listener in _listeners:
            listener(kind, rows)
