from django import template

from core.dates import today_in_tokyo

from ..models import Notice
from ..rules import ADDRESS_AND_REPRESENTATIVE_REQUIRED_FROM, missing_statutory_items

register = template.Library()


@register.simple_tag
def versions_in_force_lacking_items() -> list[dict]:
    """For the admin home: joint-use versions in force today that lack what rule 1 requires today.

    A version that took effect before 2022-04-01 was lawful then, but what it shows today must still
    give the responsible party's address and representative.
    """
    today = today_in_tokyo()
    if today < ADDRESS_AND_REPRESENTATIVE_REQUIRED_FROM:
        return []
    warnings = []
    for notice in Notice.objects.filter(kind=Notice.Kind.JOINT_USE):
        version = notice.versions.in_force(on=today).first()
        if version is None:
            continue
        missing = missing_statutory_items(version.content, effective_date=today)
        if missing:
            warnings.append({"notice": notice, "version": version, "missing": missing})
    return warnings
