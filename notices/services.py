import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DataItem, JointUser, Notice, NoticeVersion, Purpose, Section, today_in_tokyo
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
    """A new draft that copies the version in force (or, before any is in force, the latest published one)."""
    if not user.has_perm("notices.add_noticeversion"):
        raise PermissionDenied(_("You do not have permission to create a draft."))
    today = on or today_in_tokyo()
    source = notice.versions.in_force(on=today).first()
    if source is None:
        source = notice.versions.published().order_by("-effective_date").first()
    draft = NoticeVersion(notice=notice, effective_date=today + datetime.timedelta(days=1), last_edited_by=user)
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
                    lists_joint_users=row.lists_joint_users)
            for row in source.sections.all()
        )
    return draft


@transaction.atomic
def notice_version_publish(
    *,
    version: NoticeVersion,
    user,
    ground: str = "",
    ground_note: str = "",
    legal_signoff_note: str = "",
    at: datetime.datetime | None = None,
) -> NoticeVersion:
    """Publish a draft if it passes every rule in rules.py; otherwise raise PublicationRefused with all failures.

    Nothing is written unless the version is published.
    """
    if not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(_("Only an approver can publish a notice version."))
    # One publication per notice at a time, so two approvers cannot both take the same effective date.
    Notice.objects.select_for_update().get(pk=version.notice_id)
    version = NoticeVersion.objects.select_for_update().select_related("notice").get(pk=version.pk)
    at = at or timezone.now()
    today = timezone.localdate(at)
    content = version.build_content()
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
