"""The opt-in dashboard's figures: per marketing company and channel, the share of policyholders who may be
contacted now and at the end of each recent month, and the answers to each re-consent question.

Everything is aggregated in the database (a GROUP BY over preferences, one over the recent consent events,
one over policyholders by month of joining); the admin keeps the rendered figures in the shared cache for
`DASHBOARD_CACHE_SECONDS` (insights/admin.py): the aggregation reads every policyholder's preferences, so it grows
with the group; a staff member pays it at most once in that time, and every other view of the page reads the cache.
A figure is therefore up to that many seconds old; the page says when it was computed.

For a company that joined the joint use on the customers' consent, "now" leaves out the customers asked who have
not consented (the API answers allowed: false for them); the month ends count the preferences alone.

The month-end figures are read backwards from now: the allowed count at the end of a month is today's count
minus the net changes recorded since (each event turns a cell from one value to the other), minus the
default of the policyholders who joined since. Events older than the window are never read."""

import dataclasses
import datetime

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from consents.models import Channel, ConsentEvent, NoticeRecord, Preference
from consents.reconsent import answer_counts, answers_latest
from consents.selectors import marketing_companies
from customers.models import Policyholder
from notices.models import Company
from notices.selectors import ConsentChange, consent_grounds_on

from .counts import AnswerCounts

MONTHS = 12


@dataclasses.dataclass(frozen=True)
class Share:
    allowed: int
    total: int

    @property
    def percent(self) -> float | None:
        return None if self.total == 0 else round(100 * self.allowed / self.total, 1)


@dataclasses.dataclass(frozen=True)
class Row:
    company: Company
    channel: Channel
    now: Share
    trend: list[tuple[datetime.date, Share]]  # (first day of a full month, share at its end), oldest first


@dataclasses.dataclass(frozen=True)
class ConsentAnswers(AnswerCounts):
    version_id: int
    notice_title: str
    effective_date: datetime.date
    added: list[str]


@dataclasses.dataclass(frozen=True)
class Dashboard:
    computed_at: datetime.datetime
    policyholders: int
    months: list[datetime.date]  # the first days of the last MONTHS full months, oldest first
    rows: list[Row]  # by channel, then company
    answers: list[ConsentAnswers]


def _month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    months, first = [], today.replace(day=1)
    for _ in range(count):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def dashboard_compute(*, today: datetime.date) -> Dashboard:
    companies = list(marketing_companies(on=today))
    channels = list(Channel.objects.all())
    company_ids = [company.pk for company in companies]
    months = _month_starts(today, MONTHS + 1)  # with the current month, whose changes are undone first
    window_start = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min))

    total = Policyholder.objects.count()
    cells = {
        (row["company_id"], row["channel_id"]): row
        for row in Preference.objects.filter(company_id__in=company_ids)
        .values("company_id", "channel_id")
        .annotate(yes=Count("pk", filter=Q(allowed=True)), no=Count("pk", filter=Q(allowed=False)))
        .order_by()
    }
    # Net change of the allowed count per cell and month: +1 for a cell turned on, -1 for one turned off.
    change = Case(
        When(new_value=True, old_value=False, then=Value(1)),
        When(new_value=False, old_value=True, then=Value(-1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    net: dict[tuple[int, int], dict[datetime.date, int]] = {}
    events = (
        ConsentEvent.objects.filter(created_at__gte=window_start, company_id__in=company_ids)
        .annotate(month=TruncMonth("created_at"))
        .values("company_id", "channel_id", "month")
        .annotate(net=Sum(change))
        .order_by()
    )
    for row in events:
        month = timezone.localtime(row["month"]).date() if isinstance(row["month"], datetime.datetime) else row["month"]
        net.setdefault((row["company_id"], row["channel_id"]), {})[month] = row["net"]
    joined: dict[datetime.date, int] = {}
    for row in (
        Policyholder.objects.filter(created_at__gte=window_start)
        .annotate(month=TruncMonth("created_at")).values("month").annotate(count=Count("pk")).order_by()
    ):
        month = timezone.localtime(row["month"]).date() if isinstance(row["month"], datetime.datetime) else row["month"]
        joined[month] = row["count"]

    grounds = consent_grounds_on(today)
    refused = {company.pk: _refused(grounds.for_company(company.pk), company.pk)
               for company in companies if grounds.for_company(company.pk)}
    rows = []
    for channel in channels:
        for company in companies:
            cell = cells.get((company.pk, channel.pk), {"yes": 0, "no": 0})
            allowed = total - cell["no"] if channel.default_allowed else cell["yes"]
            trend = _trend(months, allowed, total, net.get((company.pk, channel.pk), {}), joined,
                           default=channel.default_allowed)
            if company.pk in refused:
                allowed -= refused[company.pk].allowed_among(channel)
            rows.append(Row(company, channel, Share(allowed, total), trend))
    return Dashboard(timezone.now(), total, months[:-1], rows, _answers(today))


def _trend(months, allowed_now, total_now, net, joined, *, default: bool) -> list[tuple[datetime.date, Share]]:
    """Shares at the end of each month, walking back from now: undo each later month's changes and joiners."""
    trend, allowed, total = [], allowed_now, total_now
    for month in reversed(months):
        # At the end of `month`: nothing of the months after it has happened yet.
        trend.append((month, Share(allowed, total)))
        allowed -= net.get(month, 0) + (joined.get(month, 0) if default else 0)
        total -= joined.get(month, 0)
    return trend[::-1][:-1]  # the current month's end is still to come: "now" shows it


@dataclasses.dataclass(frozen=True)
class _Refused:
    """Customers asked about a consent-ground company who have not consented: how many, and their stored choices
    for it by channel."""

    count: int
    stored: dict[tuple[int, bool], int]  # (channel id, allowed) → customers

    def allowed_among(self, channel: Channel) -> int:
        """How many of them the preferences alone would allow on `channel`."""
        if channel.default_allowed:
            return self.count - self.stored.get((channel.pk, False), 0)
        return self.stored.get((channel.pk, True), 0)


def _refused(change: ConsentChange, company_id: int) -> _Refused:
    consented = answers_latest(change.version).filter(kind=NoticeRecord.Kind.CONSENTED).values("policyholder_id")
    holders = Policyholder.objects.filter(created_at__lt=change.starts_at).exclude(pk__in=consented)
    stored = {
        (row["channel_id"], row["allowed"]): row["count"]
        for row in Preference.objects.filter(company_id=company_id, policyholder__in=holders)
        .values("channel_id", "allowed").annotate(count=Count("pk")).order_by()
    }
    return _Refused(holders.count(), stored)


def _answers(today: datetime.date) -> list[ConsentAnswers]:
    grounds = consent_grounds_on(today)
    names = Company.objects.in_bulk([pk for change in grounds.changes for pk in change.added_company_ids])
    answers = []
    for change in grounds.changes:
        counts = answer_counts(change)
        answers.append(ConsentAnswers(
            version_id=change.version.pk, notice_title=change.version.notice.title,
            effective_date=change.version.effective_date,
            added=[names[pk].legal_name for pk in change.added_company_ids],
            asked=counts.asked, consented=counts.consented, declined=counts.declined,
        ))
    return answers
