"""Sections of the customer's history page (/my/history/) beside the preference changes: this app's answers to
consent questions, and what apps above it add (the request desk lists the customer's requests there). Each
provider is registered when its app loads and is given the policyholder; it returns a HistorySection, or None
to show nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field

from customers.models import Policyholder

from .models import NoticeRecord
from .reconsent import questions_for


@dataclass(frozen=True)
class HistorySection:
    template_name: str
    context: dict = field(default_factory=dict)


_providers: list[Callable[[Policyholder], HistorySection | None]] = []


def history_section_register(provider: Callable[[Policyholder], HistorySection | None]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def history_sections(policyholder: Policyholder) -> list[HistorySection]:
    return [section for provider in _providers if (section := provider(policyholder)) is not None]


def consent_answers_section(policyholder: Policyholder) -> HistorySection | None:
    """Every answer the customer gave to a consent question, newest first, each with its record number: a
    changed answer shows as a new line, the earlier one stays."""
    answers = list(
        NoticeRecord.objects.filter(policyholder=policyholder, kind__in=NoticeRecord.ANSWERS)
        .select_related("notice_version__notice").order_by("-id")
    )
    if not answers:
        return None
    # Only a question still asked has a page to change the answer on.
    asked = {question.version.pk for question in questions_for(policyholder)}
    return HistorySection("consents/history_answers.html", {"answers": answers, "asked": asked})
