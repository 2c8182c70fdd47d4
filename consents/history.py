"""Sections that apps above this one add to the customer's history page (/my/history/): the request
desk lists the customer's requests there. Each provider is registered when its app loads and is given
the policyholder; it returns a HistorySection, or None to show nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field

from customers.models import Policyholder


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
