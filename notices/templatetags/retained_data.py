"""What the partials of the items on retained personal data read: the complaint route (苦情の申出先 and the 認定
個人情報保護団体) as the page in force states it, for a refusal, an answer or an email of any app."""

from django import template
from django.conf import settings
from django.urls import reverse

from ..compare import markdown_text
from ..selectors import complaint_route_sections

register = template.Library()


@register.simple_tag
def complaint_route(company=None) -> dict:
    """The sections on complaints and the accredited organization of `company`'s page in force, or of the
    group's page; with the page's address (`url` for a page, `absolute_url` for an email). Without a page in
    force, no sections: the partials then name the inquiry windows alone."""
    # A template without `company` passes "" (a missing variable), which means the group.
    notice, sections = complaint_route_sections(company or None)
    url = notice.get_absolute_url() if notice is not None and notice.company_id else reverse("notices:retained_data")
    return {
        "sections": [
            {"heading": section["heading"], "body": section["body"], "text": markdown_text(section["body"])}
            for section in sections
        ],
        "url": url,
        "absolute_url": settings.SITE_URL + url,
    }
