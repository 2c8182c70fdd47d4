from dataclasses import dataclass

from core.memo import process_memo
from notices.models import Company, Notice, NoticeVersion, today_in_tokyo

from .models import Channel, Policyholder, Preference


@dataclass(frozen=True)
class Cell:
    company: Company
    channel: Channel
    allowed: bool
    preference: Preference | None  # None: the channel's default applies


def marketing_companies():
    return Company.objects.filter(markets_to_customers=True)


@process_memo(seconds=5)
def matrix_axes() -> tuple[list[Company], list[Channel]]:
    """The rows and columns of every preference matrix, read once per few seconds per process (every
    customer page and every save needs them); an edit in this process clears them at once."""
    return list(marketing_companies()), list(Channel.objects.all())


def preference_matrix(*, policyholder: Policyholder) -> list[tuple[Company, list[Cell]]]:
    """Every marketing company × channel with the value in effect; three queries whatever the size."""
    companies, channels = matrix_axes()
    stored = {
        (p.company_id, p.channel_id): p
        for p in Preference.objects.filter(policyholder=policyholder).select_related("last_event")
    }
    matrix = []
    for company in companies:
        cells = []
        for channel in channels:
            preference = stored.get((company.pk, channel.pk))
            allowed = preference.allowed if preference else channel.default_allowed
            cells.append(Cell(company, channel, allowed, preference))
        matrix.append((company, cells))
    return matrix


def joint_use_version_in_force() -> NoticeVersion | None:
    """The group's joint-use notice in force today: the version every consent event refers to."""
    return _joint_use_version_on(today_in_tokyo())


@process_memo(seconds=1)
def _joint_use_version_on(day) -> NoticeVersion | None:
    # Every API answer and every saved preference names this version: one query a second, not one a call.
    return (
        NoticeVersion.objects.in_force(on=day)
        .filter(notice__kind=Notice.Kind.JOINT_USE)
        .select_related("notice")
        .order_by("notice__display_order", "notice_id", "-effective_date")
        .first()
    )
