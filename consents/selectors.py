import datetime
from dataclasses import dataclass

from core.dates import today_in_tokyo
from core.memo import process_memo
from customers.models import Policyholder
from notices.models import Company, NoticeVersion
from notices.selectors import joint_use_version_on, joint_user_ids_on

from .models import Channel, Preference
from .reconsent import companies_without_consent


@dataclass(frozen=True)
class Cell:
    company: Company
    channel: Channel
    allowed: bool
    preference: Preference | None  # None: the channel's default applies


def marketing_companies(*, on: datetime.date | None = None):
    """The companies that may market to customers on `on` (today in Tokyo): those that market and that the
    joint-use version in force names as joint users (APPI Art. 27(5)(iii): a joint user is named to the
    customer before its joint use starts)."""
    day = on or today_in_tokyo()
    return Company.objects.filter(markets_to_customers=True, pk__in=joint_user_ids_on(day))


def matrix_axes() -> tuple[list[Company], list[Channel]]:
    """The rows and columns of every preference matrix today."""
    return _matrix_axes_on(today_in_tokyo())


def marketing_company_ids() -> frozenset[int]:
    """The ids of marketing_companies() today, from the memoized matrix axes (no query while it is warm)."""
    return frozenset(company.pk for company in matrix_axes()[0])


@process_memo(seconds=5)
def _matrix_axes_on(day: datetime.date) -> tuple[list[Company], list[Channel]]:
    # Read once per few seconds per process (every customer page and every save needs them); an edit in
    # this process clears them at once, and the day is part of the key, so a version coming into force
    # at Tokyo midnight changes the rows on the first request of that day.
    return list(marketing_companies(on=day)), list(Channel.objects.all())


def default_matrix(policyholder: Policyholder | None = None) -> list[tuple[Company, list[Cell]]]:
    """Every marketing company × channel with the channel's default value, without a query while the axes are
    warm: the shape of a posted preferences form, which carries the values its page showed, so checking it
    needs no stored value. With a policyholder, the companies their own matrix leaves out are left out too."""
    companies, channels = matrix_axes()
    refused = companies_without_consent(policyholder) if policyholder is not None else ()
    if refused:
        companies = [company for company in companies if company.pk not in refused]
    return [(company, [Cell(company, channel, channel.default_allowed, None) for channel in channels])
            for company in companies]


def preference_matrix(*, policyholder: Policyholder) -> list[tuple[Company, list[Cell]]]:
    """Every marketing company × channel with the value in effect; three queries whatever the size. A company
    that joined the joint use on the customers' consent is left out for a customer asked who has not consented
    (consents/reconsent.py): it may not contact them at all, as the API answers."""
    companies, channels = matrix_axes()
    refused = companies_without_consent(policyholder)
    if refused:
        companies = [company for company in companies if company.pk not in refused]
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


def contracts_first(matrix: list[tuple[Company, list[Cell]]], *, policyholder: Policyholder):
    """The matrix with the companies the customer has a contract with first (the ones they know), then the
    others, each part in the usual order; and the ids of those companies."""
    contracted = set(policyholder.policies.values_list("company_id", flat=True))
    ordered = sorted(matrix, key=lambda row: row[0].pk not in contracted)  # sorted() keeps the order within each part
    return ordered, contracted


def joint_use_version_in_force() -> NoticeVersion | None:
    """The group's joint-use notice in force today: the version every consent event refers to."""
    return joint_use_version_on(today_in_tokyo())
