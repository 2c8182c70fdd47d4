"""The legal rules a notice version must pass before it is published (APPI Art. 27(5)(iii), 27(6);
PPC 通則編 3-6-3; 金融分野ガイドライン Art. 5). `check_publication` returns every failure at once, so
staff can fix them all in one go rather than meet them one by one."""

import dataclasses
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import wareki

from .models import Company, NoticeVersion
from .sensitive import sensitive_categories
from .validators import validate_effective_date

# The provisions refusals cite, as the sentence's opening words.
APPI_27_5_3 = gettext_lazy("Under Article 27(5)(iii) of the Act on the Protection of Personal Information")
APPI_27_6 = gettext_lazy("Under Article 27(6) of the Act on the Protection of Personal Information")
GUIDELINE_3_6_3 = gettext_lazy("Under 3-6-3 of the PPC guidelines on the Act (general rules)")
FINANCIAL_GUIDELINE_5 = gettext_lazy(
    "Under Article 5 of the guidelines on personal information in the financial sector and Article 2(3) of the Act"
)

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


def _companies(ids) -> dict[int, Company]:
    return Company.objects.in_bulk(list(ids))


def _ground_failures(
    version: NoticeVersion, previous: NoticeVersion | None, changes: Changes, *, ground: str, ground_note: str,
    content: dict,
) -> list[RuleFailure]:
    """Rule 3: a change of the data items or the joint users needs a ground that fits the change."""
    cite = GUIDELINE_3_6_3
    failures = []
    if not ground:
        failures.append(RuleFailure(3, _(
            "%(law)s, this version changes the data items or the scope of joint users, which is allowed only with the "
            "consent of the individuals, for a joint user's change of name, or on a business succession: choose the "
            "ground that applies."
        ) % {"law": cite}))
    if not ground_note.strip():
        failures.append(RuleFailure(3, _(
            "This version changes the data items or the scope of joint users: write a note on the ground."
        )))
    if not ground:
        return failures
    new_ids = {joint_user.company_id for joint_user in version.joint_users.all()}
    old_ids = set(previous.joint_users.values_list("company_id", flat=True)) if previous else set()
    added, removed = new_ids - old_ids, old_ids - new_ids
    if ground == NoticeVersion.Ground.RENAME:
        failures += _rename_failures(content, previous, added, removed, changes)
    elif ground == NoticeVersion.Ground.SUCCESSION:
        predecessor, successor = version.predecessor_company_id, version.successor_company_id
        if predecessor is None or successor is None or predecessor == successor:
            failures.append(RuleFailure(3, _(
                "For a business succession, name the predecessor company and the successor company (two different "
                "companies)."
            )))
        else:
            if predecessor not in old_ids:
                failures.append(RuleFailure(3, _(
                    "%(law)s, a succession continues an existing joint use: the predecessor company must be a joint "
                    "user of the version this one replaces."
                ) % {"law": cite}))
            if successor not in new_ids:
                failures.append(RuleFailure(3, _(
                    "The successor company must be a joint user of this version."
                )))
            unexplained = (added - {successor}) | (removed - {predecessor})
            if unexplained or changes.data_items:
                failures.append(RuleFailure(3, _(
                    "%(law)s, a business succession allows only the successor to take the predecessor's place; this "
                    "version changes more than that (other joint users or the data items). Choose consent as the "
                    "ground, or split the change."
                ) % {"law": cite}))
    elif ground == NoticeVersion.Ground.CONSENT:
        if not version.consent_method.strip():
            failures.append(RuleFailure(3, _(
                "With consent as the ground, record how the consent was obtained."
            )))
        if not version.consent_count:
            failures.append(RuleFailure(3, _(
                "With consent as the ground, record from how many customers consent was obtained."
            )))
    return failures


def _rename_failures(content: dict, previous, added: set, removed: set, changes: Changes) -> list[RuleFailure]:
    """A rename keeps the same joint users under new names: the same companies (the same 法人番号), one or
    more of them renamed, nothing added, nothing removed, the data items unchanged."""
    refusal = RuleFailure(3, _(
        "%(law)s, a change of name is a ground only when a joint user keeps its corporate number and changes its "
        "name; this version adds or removes a joint user, or changes the data items. Choose consent or business "
        "succession as the ground."
    ) % {"law": GUIDELINE_3_6_3})
    if changes.data_items:
        return [refusal]
    companies = _companies(added | removed)
    added_numbers = sorted(companies[pk].corporate_number for pk in added)
    removed_numbers = sorted(companies[pk].corporate_number for pk in removed)
    # A company replaced by another record of the same corporation (same 法人番号) is a rename too.
    if added_numbers != removed_numbers or "" in added_numbers:
        return [refusal]
    old_names = set(_joint_user_names(previous.content)) if previous else set()
    if set(_joint_user_names(content)) == old_names:
        return [RuleFailure(3, _(
            "No joint user's name changes in this version: a change of name is not the ground for this change."
        ))]
    return []


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

    if not version.is_draft:
        failures.append(RuleFailure(0, _("This version is already published.")))
    try:
        validate_effective_date(version.effective_date)
    except ValidationError as error:
        failures.extend(RuleFailure(0, message) for message in error.messages)
    if notice.versions.published().filter(effective_date=version.effective_date).exclude(pk=version.pk).exists():
        failures.append(
            RuleFailure(0, _("A published version of this notice already takes effect on %(date)s.")
                        % {"date": wareki(version.effective_date)})
        )
    if version.effective_date < today:
        # Publishing a past date would rewrite what was in force on days already gone (?as_of=,
        # the version list, the 新旧対照表); history is loaded, never published after the fact.
        failures.append(RuleFailure(0, _(
            "A version cannot take effect in the past: choose %(today)s or a later date."
        ) % {"today": wareki(today)}))
    later = notice.versions.announced(today=today).filter(effective_date__gt=version.effective_date).first()
    if later is not None:
        # The announced version was checked against the version it replaces then; publishing one before it
        # would change its predecessor, and its own announcement would silently undo this change.
        failures.append(RuleFailure(0, _(
            "A version that takes effect on %(later)s has already been announced. Publishing one that takes effect "
            "before it, on %(date)s, would be undone by it: withdraw the announced version first, or revise it."
        ) % {"later": wareki(later.effective_date), "date": wareki(version.effective_date)}))
    if ground and ground not in NoticeVersion.Ground.values:
        failures.append(RuleFailure(0, _("Choose a ground from the list.")))

    if notice.is_joint_use:
        # In force from its effective date, or from today if that is later.
        missing = missing_statutory_items(content, effective_date=max(version.effective_date, today))
        failures.extend(RuleFailure(1, _("%(law)s: %(item)s") % {"law": APPI_27_5_3, "item": item}) for item in missing)
        previous = NoticeVersion.objects.preceding(version).first()
        changes = changes_between(content, previous.content if previous else None)
        if changes.need_advance_notice:
            days = settings.NOTICE_MIN_ADVANCE_DAYS
            earliest = today + datetime.timedelta(days=days)
            if version.effective_date < earliest:
                failures.append(RuleFailure(2, _(
                    "%(law)s, a change of the purposes or of the responsible party must be notified to the individuals "
                    "or made readily accessible to them in advance: publish it at least %(days)d days before it takes "
                    "effect, that is, choose %(earliest)s or a later effective date (it is %(date)s)."
                ) % {
                    "law": APPI_27_6,
                    "days": days,
                    "earliest": wareki(earliest),
                    "date": wareki(version.effective_date),
                }))
            if not legal_signoff_note.strip():
                failures.append(RuleFailure(2, _(
                    "This version changes the purposes or the responsible party: write the legal sign-off note."
                )))
        if changes.need_ground:
            failures += _ground_failures(
                version, previous, changes, ground=ground, ground_note=ground_note, content=content
            )

    for item in version.data_items.all():
        categories = sensitive_categories(item.text)
        if item.sensitive or categories:
            failures.append(RuleFailure(4, _(
                "%(law)s, sensitive information is never used jointly; the data item “%(item)s” names %(categories)s."
            ) % {
                "law": FINANCIAL_GUIDELINE_5,
                "item": item.text[:40],
                "categories": "、".join(categories) or _("information marked as sensitive"),
            }))

    if version.last_edited_by_id is None:
        failures.append(RuleFailure(5, _("The last editor of this draft is not recorded; save it in the admin first.")))
    elif version.last_edited_by_id == user.pk:
        failures.append(RuleFailure(5, _(
            "You edited this draft last; another person must publish it (two-person rule)."
        )))
    return failures
