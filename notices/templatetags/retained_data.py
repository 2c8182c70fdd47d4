"""What the partials of the items on retained personal data read: the complaint route (苦情の申出先 and the 認定
個人情報保護団体) as the page in force states it, for a refusal, an answer or an email of any app."""

from django import template
from django.conf import settings
from django.urls import reverse

from core.dates import today_in_tokyo

from ..compare import markdown_text
from ..models import Section
from ..selectors import retained_data_notice_for

register = template.Library()

ROUTE_TOPICS = (Section.Topic.COMPLAINTS, Section.Topic.ACCREDITED_BODY)


@register.simple_tag
def complaint_route(company=None) -> dict:
    """The sections on complaints and the accredited organization of `company`'s page in force, or of the
    group's page; with the page's address (`url` for a page, `absolute_url` for an email). Without a page in
    force, no sections: the partials then name the inquiry windows alone."""
    # A template without `company` passes "" (a missing variable), which means the group.
    notice = retained_data_notice_for(company or None)
    version = notice.versions.in_force(on=today_in_tokyo()).first() if notice is not None else None
    if version is None:
        url = reverse("notices:retained_data")
        sections = []
    else:
        url = reverse("notices:retained_data") if notice.company_id is None else notice.get_absolute_url()
        sections = [
            {"heading": section["heading"], "body": section["body"], "text": markdown_text(section["body"])}
            for topic in ROUTE_TOPICS
            for section in version.content["sections"]
            if section.get("topic") == topic
        ]
    return {"sections": sections, "url": url, "absolute_url": settings.SITE_URL + url}
