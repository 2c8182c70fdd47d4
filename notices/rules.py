"""The legal rules a notice version must pass before it is published (APPI Art. 27(5)(iii), 27(6);
PPC 通則編 3-6-3; 金融分野ガイドライン Art. 5). `check_publication` returns every failure at once, so
staff can fix them all in one go rather than meet them one by one."""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import NoticeVersion
from .validators import validate_effective_date

# From this day (the 2020 amendment in force) the notice must give the responsible party's address and
# representative, whatever day the version took effect.
ADDRESS_AND_REPRESENTATIVE_REQUIRED_FROM = datetime.date(2022, 4, 1)


@dataclasses.dataclass(frozen=True)
class RuleFailure:
    # 1 statutory items, 2 advance notice, 3 ground for a change, 4 sensitive data, 5 two people; 0 for input
    # that is simply wrong.
    rule: int
    message: str


@dataclasses.dataclass(frozen=True)
class Changes:
    """What a draft changes compared with the published version it revises."""

    purposes: bool = False
    responsible_party: bool = False
    data_items: bool = False
    joint_users: bool = False

    @property
    def need_advance_notice(self) -> bool:
        return self.purposes or self.responsible_party

    @property
    def need_ground(self) -> bool:
        return self.data_items or self.joint_users


def _joint_user_names(content: dict) -> list[str]:
    return sorted(joint_user["legal_name"] for joint_user in content["joint_users"])


def changes_between(new: dict, old: dict | None) -> Changes:
    if old is None:
        return Changes()
    return Changes(
        purposes=new["purposes"] != old["purposes"],
        responsible_party=new["responsible_party"]["name"].strip() != old["responsible_party"]["name"].strip(),
        data_items=new["data_items"] != old["data_items"],
        joint_users=(
            new["joint_users_scope"].strip() != old["joint_users_scope"].strip()
            or _joint_user_names(new) != _joint_user_names(old)
        ),
    )


def missing_statutory_items(content: dict, *, effective_date: datetime.date) -> list[str]:
    """Rule 1: the items a joint-use notice must give, as Japanese messages; empty when none is missing."""
    missing = []
    if not content["introduction"].strip():
        missing.append(_("State that personal data is used jointly (the introduction is empty)."))
    if not [item for item in content["data_items"] if item.strip()]:
        missing.append(_("List at least one item of personal data used jointly."))
    if not content["joint_users_scope"].strip():
        missing.append(_("Describe the scope of the joint users."))
    if not content["joint_users"]:
        missing.append(_("List at least one company as a joint user."))
    if not [purpose for purpose in content["purposes"] if purpose.strip()]:
        missing.append(_("Give at least one purpose of joint use."))
    party = content["responsible_party"]
    if not party["name"].strip():
        missing.append(_("Name the party responsible for managing the personal data."))
    if effective_date >= ADDRESS_AND_REPRESENTATIVE_REQUIRED_FROM:
        if not party["address"].strip():
            missing.append(_("Give the responsible party's address (required from 1 April 2022)."))
        if not party["representative"].strip():
            missing.append(_("Give the responsible party's representative (required from 1 April 2022)."))
    return missing


def check_publication(
    version: NoticeVersion,
    *,
    user,
    today: datetime.date,
    ground: str = "",
    ground_note: str = "",
    legal_signoff_note: str = "",
    content: dict | None = None,
) -> list[RuleFailure]:
    """Every reason `version` cannot be published by `user` today; an empty list means it can.
    `content` is the version's content when the caller has built it already."""
    failures = []
    content = content if content is not None else version.build_content()
    notice = version.notice

    if version.is_published:
        failures.append(RuleFailure(0, _("This version is already published.")))
    try:
        validate_effective_date(version.effective_date)
    except ValidationError as error:
        failures.extend(RuleFailure(0, message) for message in error.messages)
    if notice.versions.published().filter(effective_date=version.effective_date).exclude(pk=version.pk).exists():
        failures.append(
            RuleFailure(0, _("A published version of this notice already takes effect on %(date)s.")
                        % {"date": version.effective_date.isoformat()})
        )
    if version.effective_date < today:
        # Publishing a past date would rewrite what was in force on days already gone (?as_of=,
        # the version list, the 新旧対照表); history is loaded, never published after the fact.
        failures.append(RuleFailure(0, _(
            "A version cannot take effect in the past: choose %(today)s or a later date."
        ) % {"today": today.isoformat()}))
    if ground and ground not in NoticeVersion.Ground.values:
        failures.append(RuleFailure(0, _("Choose a ground from the list.")))

    if notice.is_joint_use:
        # In force from its effective date, or from today if that is later.
        missing = missing_statutory_items(content, effective_date=max(version.effective_date, today))
        failures.extend(RuleFailure(1, message) for message in missing)
        previous = NoticeVersion.objects.preceding(version).first()
        changes = changes_between(content, previous.content if previous else None)
        if changes.need_advance_notice:
            if version.effective_date <= today:
                failures.append(RuleFailure(2, _(
                    "This version changes the purposes or the responsible party, so it must be published before it "
                    "takes effect: choose an effective date after %(today)s."
                ) % {"today": today.isoformat()}))
            if not legal_signoff_note.strip():
                failures.append(RuleFailure(2, _(
                    "This version changes the purposes or the responsible party: write the legal sign-off note."
                )))
        if changes.need_ground:
            if not ground:
                failures.append(RuleFailure(3, _(
                    "This version changes the data items or the scope of joint users: choose the ground that allows "
                    "it (consent obtained, a joint user's change of name, or business succession)."
                )))
            if not ground_note.strip():
                failures.append(RuleFailure(3, _(
                    "This version changes the data items or the scope of joint users: write a note on the ground."
                )))

    for item in version.data_items.filter(sensitive=True):
        failures.append(RuleFailure(4, _(
            "The data item “%(item)s” is sensitive information and cannot be in a published version."
        ) % {"item": item.text[:40]}))

    if version.last_edited_by_id is None:
        failures.append(RuleFailure(5, _("The last editor of this draft is not recorded; save it in the admin first.")))
    elif version.last_edited_by_id == user.pk:
        failures.append(RuleFailure(5, _(
            "You edited this draft last; another person must publish it (two-person rule)."
        )))
    return failures
