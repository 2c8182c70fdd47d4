import datetime
import functools

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from core import dates

register = template.Library()

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "a", "strong", "em", "h3", "h4", "blockquote", "table", "thead",
                "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"scope"}}


@register.filter
def seireki(value: datetime.date | str) -> str:
    """2019年6月3日"""
    return dates.seireki(value)


@register.filter
def wareki(value: datetime.date | str) -> str:
    """2019年6月3日（令和元年6月3日）: 西暦 with 和暦, as customers expect on legal notices."""
    return dates.wareki(value)


@register.filter
def wareki_datetime(value: datetime.datetime) -> str:
    """2026年11月30日（令和8年11月30日）9:50, in Tokyo time: when something happened, for a customer."""
    value = localtime(value)
    return f"{dates.wareki(value.date())} {value:%H:%M}"


@functools.lru_cache(maxsize=1024)
def render_markdown(text: str) -> str:
    html = markdown_lib.markdown(text, extensions=["nl2br", "sane_lists", "tables"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@register.filter
def markdown(text: str) -> str:
    """Staff-written Markdown, sanitised: formatting is kept, script and event handlers never are."""
    return mark_safe(render_markdown(text or ""))  # noqa: S308 - nh3 has sanitised it
