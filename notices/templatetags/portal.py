import datetime
import functools

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# (first day of the era, name). Dates before 明治6年 (the solar calendar) are not expected here.
ERAS = [
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
    (datetime.date(1912, 7, 30), "大正"),
    (datetime.date(1873, 1, 1), "明治"),
]

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "a", "strong", "em", "h3", "h4", "blockquote", "table", "thead",
                "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"scope"}}


def japanese_era(value: datetime.date) -> str:
    for start, name in ERAS:
        if value >= start:
            year = value.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{value.month}月{value.day}日"
    return ""


@register.filter
def seireki(value: datetime.date | str) -> str:
    """2019年6月3日"""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def wareki(value: datetime.date | str) -> str:
    """2019年6月3日（令和元年6月3日）: 西暦 with 和暦, as customers expect on legal notices."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    era = japanese_era(value)
    return f"{seireki(value)}（{era}）" if era else seireki(value)


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
