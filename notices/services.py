import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import today_in_tokyo, wareki

from .models import DataItem, JointUser, Notice, NoticeVersion, PublicationRefusal, Purpose, Section
from .rules import RuleFailure, check_publication

PUBLISH_PERMISSION = "notices.publish_noticeversion"


class PublicationRefused(Exception):
    """Publishing failed one or more rules; `failures` lists every one of them."""

    def __init__(self, failures: list[RuleFailure]):
        super().__init__("; ".join(failure.message for failure in failures))
        self.failures = failures


@transaction.atomic
def notice_version_freeze(
    *,
    version: NoticeVersion,
    user=None,
    at: datetime.datetime | None = None,
    content: dict | None = None,
    update_fields: tuple[str, ...] = (),
) -> NoticeVersion:
    """Mark a version published and store what it shows, so later edits elsewhere never change it.

    The legal checks that must pass before this is called live in the publishing workflow; this is
    the last step that every publication, including the demo-content loader's, goes through. `content`
    is what the caller built and checked; `update_fields` names the caller's own changes to save with it.
    """
    version.snapshot = content if content is not None else version.build_content()
    version.status = NoticeVersion.Status.PUBLISHED
    version.published_at = at or timezone.now()
    version.published_by = user
    version.save(update_fields=["snapshot", "status", "published_at", "published_by", "updated_at", *update_fields])
    return version


@transaction.atomic
def notice_version_create_draft(*, notice: Notice, user, on: datetime.date | None = None) -> NoticeVersion:
    """A new draft that copies the latest published version, an announced one included: a draft that
    started from the version in force would silently undo what is announced. It takes effect the day after
    today or after that version, whichever is later."""
    if not user.has_perm("notices.add_noticeversion"):
        raise PermissionDenied(_("You do not have permission to create a draft."))
    today = on or today_in_tokyo()
    source = notice.versions.published().order_by("-effective_date").first()
    starts = max(today, source.effective_date) if source is not None else today
    draft = NoticeVersion(notice=notice, effective_date=starts + datetime.timedelta(days=1), last_edited_by=user)
    if source is not None:
        for field in ("introduction", "joint_users_scope", "joint_users_note", "responsible_party_name",
                      "responsible_party_address", "responsible_party_representative", "notes"):
            setattr(draft, field, getattr(source, field))
    draft.full_clean()
    draft.save()
    if source is not None:
        DataItem.objects.bulk_create(
            DataItem(version=draft, order=row.order, text=row.text, sensitive=row.sensitive)
            for row in source.data_items.all()
        )
        JointUser.objects.bulk_create(
            JointUser(version=draft, order=row.order, company_id=row.company_id) for row in source.joint_users.all()
        )
        Purpose.objects.bulk_create(
            Purpose(version=draft, order=row.order, text=row.text) for row in source.purposes.all()
        )
        Section.objects.bulk_create(
            Section(version=draft, order=row.order, heading=row.heading, body=row.body,
                    lists_joint_users=row.lists_joint_users, topic=row.topic)
            for row in source.sections.all()
        )
    return draft


class ContentChanged(PublicationRefused):
    """The draft changed after the approver opened it: what they reviewed is not what would be published."""

    def __init__(self):
        super().__init__([RuleFailure(5, _(
            "The draft was changed after you opened this page, so what you reviewed is not what would be published. "
            "Review the content shown now, then publish again."
        ))])


def notice_version_publish(
    *,
    version: NoticeVersion,
    user,
    reviewed_fingerprint: str,
    ground: str = "",
    ground_note: str = "",
    legal_signoff_note: str = "",
    at: datetime.datetime | None = None,
) -> NoticeVersion:
    """Publish a draft if it is exactly what the approver reviewed (`reviewed_fingerprint`, from
    NoticeVersion.content_fingerprint on the page they saw) and it passes every rule in rules.py; otherwise
    raise PublicationRefused with all failures, and keep the refusal in the audit trail.

    Nothing of the version is written unless it is published.
    """
    if not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(_("Only an approver can publish a notice version."))
    at = at or timezone.now()
    try:
        return _publish(
            version=version, user=user, reviewed_fingerprint=reviewed_fingerprint, ground=ground,
            ground_note=ground_note, legal_signoff_note=legal_signoff_note, at=at,
        )
    except PublicationRefused as refused:
        PublicationRefusal.objects.create(
            version=version,
            version_label=str(version),
            attempted_by=user,
            attempted_at=at,
            reasons=[{"rule": failure.rule, "message": str(failure.message)} for failure in refused.failures],
            content_fingerprint=reviewed_fingerprint[:64],
        )
        raise


@transaction.atomic
def _publish(*, version, user, reviewed_fingerprint, ground, ground_note, legal_signoff_note, at) -> NoticeVersion:
    # One publication per notice at a time, so two approvers cannot both take the same effective date.
    Notice.objects.select_for_update().get(pk=version.notice_id)
    version = NoticeVersion.objects.select_for_update().select_related("notice").get(pk=version.pk)
    today = timezone.localdate(at)
    content = version.build_content()
    if version.is_draft and version.content_fingerprint(content) != reviewed_fingerprint:
        raise ContentChanged()
    failures = check_publication(
        version,
        user=user,
        today=today,
        ground=ground,
        ground_note=ground_note,
        legal_signoff_note=legal_signoff_note,
        content=content,
    )
    if failures:
        raise PublicationRefused(failures)
    version.publication_ground = ground
    version.publication_ground_note = ground_note.strip()
    version.legal_signoff_note = legal_signoff_note.strip()
    return notice_version_freeze(
        version=version,
        user=user,
        at=at,
        content=content,
        update_fields=("publication_ground", "publication_ground_note", "legal_signoff_note"),
    )


class WithdrawalRefused(PermissionDenied):
    """The version cannot be withdrawn; the message says why."""


@transaction.atomic
def notice_version_withdraw(*, version: NoticeVersion, user, reason: str, at: datetime.datetime | None = None):
    """Withdraw an announced version before its effective date, keeping it with who, when and why. A
    version in force, or one whose date has passed, can never be withdrawn: customers have been told it."""
    if not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(_("Only an approver can withdraw a notice version."))
    at = at or timezone.now()
    today = timezone.localdate(at)
    version = NoticeVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_published:
        raise WithdrawalRefused(_("Only an announced version can be withdrawn; this one is not published."))
    if version.effective_date <= today:
        raise WithdrawalRefused(_(
            "This version took effect on %(date)s. A version in force or in the past can never be withdrawn; "
            "publish a new version instead."
        ) % {"date": wareki(version.effective_date)})
    if not reason.strip():
        raise WithdrawalRefused(_("Write the reason for the withdrawal."))
    version.status = NoticeVersion.Status.WITHDRAWN
    version.withdrawn_at = at
    version.withdrawn_by = user
    version.withdrawal_reason = reason.strip()
    version.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
    return version
