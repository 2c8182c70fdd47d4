"""Requests made by an agent (代理人) for the customer: who the agent is and how to reach them, and the
documents that show their authority. A legal representative (親権者, 成年後見人) sends proof of the
representation and their own identity document; an agent the customer appointed sends the 委任状, the
customer's 印鑑証明書 issued within REQUEST_SEAL_CERTIFICATE_MONTHS, and their own identity document."""

import calendar
import dataclasses
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from core.dates import today_in_tokyo

from .models import CustomerRequest, RequestDocument

Role = CustomerRequest.AgentRole
Kind = RequestDocument.Kind

REQUIRED_DOCUMENTS = {
    Role.LEGAL: frozenset({Kind.AUTHORITY, Kind.IDENTITY}),
    Role.DELEGATED: frozenset({Kind.AUTHORITY, Kind.IDENTITY, Kind.SEAL_CERTIFICATE}),
}
AGENT_DOCUMENTS = frozenset({Kind.AUTHORITY, Kind.IDENTITY, Kind.SEAL_CERTIFICATE})


@dataclasses.dataclass(frozen=True)
class Agent:
    name: str = ""
    role: str = ""
    relation: str = ""  # 続柄 or capacity in words: 長男, 成年後見人, 弁護士
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""

    def fields(self) -> dict[str, str]:
        """The request's columns for this agent (all empty for a request the customer made)."""
        return {
            "agent_name": self.name, "agent_relationship": self.role, "agent_relation": self.relation,
            "agent_postal_code": self.postal_code, "agent_address": self.address, "agent_phone": self.phone,
            "agent_email": self.email,
        }

    def stripped(self) -> "Agent":
        return Agent(**{field: value.strip() for field, value in dataclasses.asdict(self).items()})


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier (the month's last day when that month is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def seal_certificate_oldest(*, today: datetime.date | None = None) -> datetime.date:
    return months_before(today or today_in_tokyo(), settings.REQUEST_SEAL_CERTIFICATE_MONTHS)


def agent_check(agent: Agent, documents: dict, *, seal_issued_on: datetime.date | None,
                today: datetime.date | None = None) -> Agent:
    """The agent with surrounding spaces removed, once everything a request by them needs is there;
    ValidationError (code "agent") otherwise. No agent: no agent's field and no document."""
    agent = agent.stripped()
    agent_documents = set(documents) & AGENT_DOCUMENTS
    if not agent.name:
        if any(agent.fields().values()) or agent_documents:
            raise ValidationError(_("Documents are only for a request by an agent: enter the agent's name."),
                                  code="agent")
        return agent
    if agent.role not in REQUIRED_DOCUMENTS:
        raise ValidationError(_("A request by an agent needs the agent's role and its documents."), code="agent")
    if not (agent.relation and agent.address and agent.phone):
        raise ValidationError(_("A request by an agent needs the agent's relation to the customer, address and "
                                "phone number."), code="agent")
    if agent.email:
        validate_email(agent.email)
    missing = REQUIRED_DOCUMENTS[agent.role] - agent_documents
    if missing or agent_documents - REQUIRED_DOCUMENTS[agent.role]:
        raise ValidationError(_("A request by an agent needs the agent's role and its documents."), code="agent")
    if Kind.SEAL_CERTIFICATE in agent_documents:
        today = today or today_in_tokyo()
        if seal_issued_on is None or not seal_certificate_oldest(today=today) <= seal_issued_on <= today:
            raise ValidationError(
                _("The seal registration certificate must have been issued within the last %(months)d months.")
                % {"months": settings.REQUEST_SEAL_CERTIFICATE_MONTHS},
                code="agent",
            )
    return agent
