"""Re-consent where consent is the ground (通則ガイドライン 3-6-3): a joint-use version that adds joint users
or data items on the customers' consent asks each customer who was a customer before it took effect; the
answer (同意する／同意しない) is a chained NoticeRecord for that version.

- Not answering is not consenting. Joint use with an added company rests on the consent of each customer
  (the version's publication records how it is obtained; the answers are counted as customers give them), so
  until a customer consents, that company is not a joint user of their data: the API answers allowed: false
  for it, the do-not-contact export lists them, and their preference matrix leaves it out.
- Customers who joined our records on or after the effective date were told of the version before their data
  was first shared (APPI Art. 27(5)(iii)); they are not asked and are treated as under any other joint user.
- The answer can be changed at any time, before and after the effective date; the latest answer decides from
  the moment it is recorded. Declining after the effective date stops the added companies from then on (what
  was shared while the customer consented was shared lawfully and is not recalled). Answering the same again
  records nothing new, and so does a form sent twice. Each answer has a 記録番号 and a confirmation email
  (consents.services.consent_answer_record)."""

import dataclasses
import datetime

from django.db.models import Count, Max
from django.urls import reverse

from core.dates import today_in_tokyo
from customers.models import Policyholder
from notices.models import NoticeVersion
from notices.selectors import ConsentChange, consent_grounds_on

from .models import NoticeRecord

ANSWERS = NoticeRecord.ANSWERS


@dataclasses.dataclass(frozen=True)
class Question:
    change: ConsentChange
    answer: NoticeRecord | None  # the latest answer, None while the customer has not answered

    @property
    def consented(self) -> bool:
        return self.answer is not None and self.answer.kind == NoticeRecord.Kind.CONSENTED

    @property
    def version(self) -> NoticeVersion:
        return self.change.version

    @property
    def added_companies(self) -> list[str]:
        """The legal names of the joint users it adds, as the published version shows them."""
        added = set(self.change.added_company_ids)
        return [user["legal_name"] for user in self.version.content["joint_users"] if user["company_id"] in added]

    @property
    def added_items(self) -> list[str]:
        before = set(self.change.previous.content["data_items"])
        return [item for item in self.version.content["data_items"] if item not in before]

    @property
    def compare_url(self) -> str:
        return reverse("notices:compare", kwargs={
            "slug": self.version.notice.slug,
            "old": self.change.previous.effective_date,
            "new": self.version.effective_date,
        })


def is_asked(policyholder: Policyholder, change: ConsentChange) -> bool:
    """Customers before the effective date are asked; later ones were told by the notice in force."""
    return policyholder.created_at < change.starts_at


def latest_answers(policyholder: Policyholder, version_ids) -> dict[int, NoticeRecord]:
    records = NoticeRecord.objects.filter(
        policyholder=policyholder, notice_version_id__in=list(version_ids), kind__in=ANSWERS
    ).order_by("notice_version_id", "-id")
    latest = {}
    for record in records:
        latest.setdefault(record.notice_version_id, record)
    return latest


def questions_for(policyholder: Policyholder, *, today: datetime.date | None = None) -> list[Question]:
    """The consent questions this customer is asked, soonest effective date first, with their latest answers."""
    changes = [change for change in consent_grounds_on(today or today_in_tokyo()).changes
               if is_asked(policyholder, change)]
    if not changes:
        return []
    answers = latest_answers(policyholder, [change.version.pk for change in changes])
    return [Question(change, answers.get(change.version.pk)) for change in changes]


def companies_without_consent(policyholder: Policyholder, *, today: datetime.date | None = None) -> frozenset[int]:
    """The joint users in force that joined on consent this customer has not given: no query while no joint user
    in force rests on consent."""
    grounds = consent_grounds_on(today or today_in_tokyo())
    pending = {
        company_id: grounds.for_company(company_id) for company_id in grounds.decided_by_version
    }
    pending = {pk: change for pk, change in pending.items() if change and is_asked(policyholder, change)}
    if not pending:
        return frozenset()
    answers = latest_answers(policyholder, {change.version.pk for change in pending.values()})
    return frozenset(
        pk for pk, change in pending.items()
        if getattr(answers.get(change.version.pk), "kind", None) != NoticeRecord.Kind.CONSENTED
    )


@dataclasses.dataclass(frozen=True)
class AnswerCounts:
    asked: int
    consented: int
    declined: int


def answers_latest(version: NoticeVersion):
    """Each asked customer's latest answer to `version`, as NoticeRecords."""
    last_ids = (
        NoticeRecord.objects.filter(notice_version=version, kind__in=ANSWERS)
        .values("policyholder_id").annotate(last=Max("id")).values("last")
    )
    return NoticeRecord.objects.filter(id__in=last_ids)


def answer_counts(change: ConsentChange) -> AnswerCounts:
    asked = Policyholder.objects.filter(created_at__lt=change.starts_at).count()
    counts = dict(
        answers_latest(change.version).filter(policyholder__created_at__lt=change.starts_at)
        .values_list("kind").annotate(count=Count("id")).order_by()
    )
    return AnswerCounts(asked, counts.get(NoticeRecord.Kind.CONSENTED, 0), counts.get(NoticeRecord.Kind.DECLINED, 0))
