"""The legal rules a notice version must pass before it is published (APPI Art. 27(5)(iii), 27(6);
PPC 通則編 3-6-3; 金融分野ガイドライン Art. 5): `RULES`, one function each, with the provision it serves.
`check_publication` runs them all and returns every failure at once, so staff can fix them all in one go
rather than meet them one by one."""

import dataclasses
import datetime
import functools
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import wareki

from .models import Company, NoticeVersion, Section
from .sensitive import sensitive_categories
from .validators import validate_effective_date

# The provisions refusals cite, as the sentence's opening words.
APPI_27_5_3 = gettext_lazy("Under Article 27(5)(iii) of the Act on the Protection of Personal Information")
APPI_27_6 = gettext_lazy("Under Article 27(6) of the Act on the Protection of Personal Information")
GUIDELINE_3_6_3 = gettext_lazy("Under 3-6-3 of the PPC guidelines on the Act (general rules)")
APPI_32_1 = gettext_lazy("Under Article 32(1) of the Act on the Protection of Personal Information")
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


def missing_retained_data_items(content: dict) -> list[str]:
    """Rule 1 for a page of items on retained personal data: the business's name, address and representative
    (the responsible party's fields), its purposes of use, and a section with text for each item of
    `Section.Topic`; empty when none is missing."""
    missing = []
    party = content["responsible_party"]
    if not all(party[field].strip() for field in ("name", "address", "representative")):
        missing.append(_("Give the business's name, address and representative (the responsible party's fields)."))
    if not [purpose for purpose in content["purposes"] if purpose.strip()]:
        missing.append(_("Give at least one purpose of use of the retained personal data."))
    given = {section.get("topic") for section in content["sections"] if section["body"].strip()}
    missing += [
        _("Add a section with text on this item: %(item)s.") % {"item": label}
        for topic, label in Section.Topic.choices
        if topic not in given
    ]
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


@dataclasses.dataclass
class Publication:
    """One attempt to publish: the draft, who publishes it, the day, and what the publish form says."""

    version: NoticeVersion
    user: object
    today: datetime.date
    ground: str
    ground_note: str
    legal_signoff_note: str
    content: dict

    @functools.cached_property
    def previous(self) -> NoticeVersion | None:
        return NoticeVersion.objects.preceding(self.version).first()

    @functools.cached_property
    def changes(self) -> Changes:
        return changes_between(self.content, self.previous.content if self.previous else None)


@dataclasses.dataclass(frozen=True)
class Rule:
    number: int  # what RuleFailure.rule and the refusals' records say
    # The provision the rule serves, as compliance staff cite it; empty for input that is simply wrong and for
    # the group's own two-person rule.
    citation: str
    check: Callable[[Publication], list[RuleFailure]]
    # Rules 1-3 are the joint use's own: a notice of another kind is not held to them.
    joint_use_only: bool = False
    retained_data_only: bool = False


def _not_published_yet(publication: Publication) -> list[RuleFailure]:
    if publication.version.is_draft:
        return []
    return [RuleFailure(0, _("This version is already published."))]


def _effective_date_in_range(publication: Publication) -> list[RuleFailure]:
    try:
        validate_effective_date(publication.version.effective_date)
    except ValidationError as error:
        return [RuleFailure(0, message) for message in error.messages]
    return []


def _effective_date_free(publication: Publication) -> list[RuleFailure]:
    version = publication.version
    others = version.notice.versions.published().exclude(pk=version.pk)
    if not others.filter(effective_date=version.effective_date).exists():
        return []
    return [RuleFailure(0, _("A published version of this notice already takes effect on %(date)s.")
                        % {"date": wareki(version.effective_date)})]


def _not_in_the_past(publication: Publication) -> list[RuleFailure]:
    # Publishing a past date would rewrite what was in force on days already gone (?as_of=, the version
    # list, the 新旧対照表); history is loaded, never published after the fact.
    if publication.version.effective_date >= publication.today:
        return []
    return [RuleFailure(0, _(
        "A version cannot take effect in the past: choose %(today)s or a later date."
    ) % {"today": wareki(publication.today)})]


def _not_before_an_announced_version(publication: Publication) -> list[RuleFailure]:
    # The announced version was checked against the version it replaces then; publishing one before it
    # would change its predecessor, and its own announcement would silently undo this change.
    version = publication.version
    later = version.notice.versions.announced(today=publication.today).filter(
        effective_date__gt=version.effective_date
    ).first()
    if later is None:
        return []
    return [RuleFailure(0, _(
        "A version that takes effect on %(later)s has already been announced. Publishing one that takes effect "
        "before it, on %(date)s, would be undone by it: withdraw the announced version first, or revise it."
    ) % {"later": wareki(later.effective_date), "date": wareki(version.effective_date)})]


def _ground_from_the_list(publication: Publication) -> list[RuleFailure]:
    if not publication.ground or publication.ground in NoticeVersion.Ground.values:
        return []
    return [RuleFailure(0, _("Choose a ground from the list."))]


def _statutory_items(publication: Publication) -> list[RuleFailure]:
    # In force from its effective date, or from today if that is later.
    missing = missing_statutory_items(
        publication.content, effective_date=max(publication.version.effective_date, publication.today)
    )
    return [RuleFailure(1, _("%(law)s: %(item)s") % {"law": APPI_27_5_3, "item": item}) for item in missing]


def _retained_data_items(publication: Publication) -> list[RuleFailure]:
    missing = missing_retained_data_items(publication.content)
    return [RuleFailure(1, _("%(law)s: %(item)s") % {"law": APPI_32_1, "item": item}) for item in missing]


def _advance_notice(publication: Publication) -> list[RuleFailure]:
    if not publication.changes.need_advance_notice:
        return []
    failures = []
    effective_date = publication.version.effective_date
    days = settings.NOTICE_MIN_ADVANCE_DAYS
    earliest = publication.today + datetime.timedelta(days=days)
    if effective_date < earliest:
        failures.append(RuleFailure(2, _(
            "%(law)s, a change of the purposes or of the responsible party must be notified to the individuals "
            "or made readily accessible to them in advance: publish it at least %(days)d days before it takes "
            "effect, that is, choose %(earliest)s or a later effective date (it is %(date)s)."
        ) % {"law": APPI_27_6, "days": days, "earliest": wareki(earliest), "date": wareki(effective_date)}))
    if not publication.legal_signoff_note.strip():
        failures.append(RuleFailure(2, _(
            "This version changes the purposes or the responsible party: write the legal sign-off note."
        )))
    return failures


def _ground_fits_the_change(publication: Publication) -> list[RuleFailure]:
    if not publication.changes.need_ground:
        return []
    return _ground_failures(
        publication.version, publication.previous, publication.changes, ground=publication.ground,
        ground_note=publication.ground_note, content=publication.content,
    )


def _no_sensitive_data(publication: Publication) -> list[RuleFailure]:
    failures = []
    for item in publication.version.data_items.all():
        categories = sensitive_categories(item.text)
        if item.sensitive or categories:
            failures.append(RuleFailure(4, _(
                "%(law)s, sensitive information is never used jointly; the data item “%(item)s” names %(categories)s."
            ) % {
                "law": FINANCIAL_GUIDELINE_5,
                "item": item.text[:40],
                "categories": "、".join(categories) or _("information marked as sensitive"),
            }))
    return failures


def _two_people(publication: Publication) -> list[RuleFailure]:
    editor_id = publication.version.last_edited_by_id
    if editor_id is None:
        return [RuleFailure(5, _("The last editor of this draft is not recorded; save it in the admin first."))]
    if editor_id == publication.user.pk:
        return [RuleFailure(5, _("You edited this draft last; another person must publish it (two-person rule)."))]
    return []


# In this order: staff read the failures as listed.
RULES = [
    Rule(0, "", _not_published_yet),
    Rule(0, "", _effective_date_in_range),
    Rule(0, "", _effective_date_free),
    Rule(0, "", _not_in_the_past),
    Rule(0, "", _not_before_an_announced_version),
    Rule(0, "", _ground_from_the_list),
    Rule(1, "個人情報保護法第27条第5項第3号", _statutory_items, joint_use_only=True),
    Rule(1, "個人情報保護法第32条第1項", _retained_data_items, retained_data_only=True),
    Rule(2, "個人情報保護法第27条第6項", _advance_notice, joint_use_only=True),
    Rule(3, "通則ガイドライン3-6-3", _ground_fits_the_change, joint_use_only=True),
    Rule(4, "金融分野ガイドライン第5条 / 個人情報保護法第2条第3項", _no_sensitive_data),
    Rule(5, "", _two_people),
]


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
    publication = Publication(
        version=version, user=user, today=today, ground=ground, ground_note=ground_note,
        legal_signoff_note=legal_signoff_note, content=content if content is not None else version.build_content(),
    )
    joint_use, retained_data = version.notice.is_joint_use, version.notice.is_retained_data
    return [
        failure
        for rule in RULES
        if (joint_use or not rule.joint_use_only) and (retained_data or not rule.retained_data_only)
        for failure in rule.check(publication)
    ]
