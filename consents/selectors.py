from dataclasses import dataclass

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


def preference_matrix(*, policyholder: Policyholder) -> list[tuple[Company, list[Cell]]]:
    """Every marketing company × channel with the value in effect; three queries whatever the size."""
    channels = list(Channel.objects.all())
    stored = {
        (p.company_id, p.channel_id): p
        for p in Preference.objects.filter(policyholder=policyholder).select_related("last_event")
    }
    matrix = []
    for company in marketing_companies():
        cells = []
        for channel in channels:
            preference = stored.get((company.pk, channel.pk))
            allowed = preference.allowed if preference else channel.default_allowed
            cells.append(Cell(company, channel, allowed, preference))
        matrix.append((company, cells))
    return matrix


def joint_use_version_in_force() -> NoticeVersion | None:
    """The group's joint-use notice in force today: the version every consent event refers to."""
    notice = Notice.objects.filter(kind=Notice.Kind.JOINT_USE).order_by("display_order", "id").first()
    if notice is None:
        return None
    return notice.versions.in_force(on=today_in_tokyo()).first()
