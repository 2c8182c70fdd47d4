"""ご案内の停止: the customer picks the companies and the channels, is shown each change it makes
(「楽天損保 ／ DM（ダイレクトメール）：受け取る → 受け取らない」) and confirms; exactly those cells are then set to
受け取らない through the preference service, and nothing else. The confirmation page carries the chosen cells
signed, so what is written is what was shown."""

import dataclasses

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from consents.models import Channel
from consents.selectors import preference_matrix
from customers.models import Policyholder
from notices.models import Company

SIGNING_SALT = "desk.marketing-stop"
# Long enough to read the page, short enough that an old confirmation is not replayed much later.
CONFIRM_SECONDS = 30 * 60

Cell = tuple[int, str]  # (company id, channel code)


@dataclasses.dataclass(frozen=True)
class Change:
    company: Company
    channel: Channel
    allowed: bool  # now; the stop makes it False

    @property
    def changes(self) -> bool:
        return self.allowed

    def line(self) -> str:
        before = _("Receive") if self.allowed else _("Do not receive")
        return f"{self.company.short_name} ／ {self.channel.name}：{before} → {_('Do not receive')}"


def marketing_choices(policyholder: Policyholder) -> tuple[list[Company], list[Channel]]:
    """The companies and channels of the customer's own preference matrix."""
    matrix = preference_matrix(policyholder=policyholder)
    companies = [company for company, _cells in matrix]
    channels = [cell.channel for cell in matrix[0][1]] if matrix else []
    return companies, channels


def marketing_stop_plan(policyholder: Policyholder, cells: set[Cell]) -> list[Change]:
    """Each chosen cell with its value now, in the matrix's order; ValidationError for a cell outside the
    customer's matrix (a company that does not market to them, an unknown channel) or no cell at all."""
    if not cells:
        raise ValidationError(_("Choose at least one company and one way of contact to stop."), code="empty")
    plan = [
        Change(cell.company, cell.channel, cell.allowed)
        for _company, row in preference_matrix(policyholder=policyholder) for cell in row
        if (cell.company.pk, cell.channel.code) in cells
    ]
    if len(plan) != len(cells):
        raise ValidationError(_("Choose the companies and ways of contact from the list."), code="cells")
    return plan


def cells_sign(policyholder: Policyholder, cells: set[Cell], idempotency_key: str) -> str:
    return signing.dumps({"p": policyholder.pk, "c": sorted(cells), "k": idempotency_key}, salt=SIGNING_SALT)


def cells_unsign(policyholder: Policyholder, token: str) -> tuple[set[Cell], str]:
    """The cells and the idempotency key the confirmation page showed; ValidationError for a token that is
    not ours, another customer's, or older than CONFIRM_SECONDS."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=CONFIRM_SECONDS)
        if data["p"] != policyholder.pk:
            raise ValueError("another customer's")
        return {(int(company), str(channel)) for company, channel in data["c"]}, str(data["k"])
    except (signing.BadSignature, ValueError, KeyError, TypeError) as error:
        raise ValidationError(
            _("The confirmation is out of date. Choose what to stop again."), code="confirmation"
        ) from error
