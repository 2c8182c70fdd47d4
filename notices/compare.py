"""The 新旧対照表: two versions' content dicts compared section by section, character by character.

Japanese has no spaces between words, so a word-level diff would mark whole sentences; difflib at the
character level marks just the characters that changed. Each change is an <ins> (in the 改定後 column) or
a <del> (in the 改定前 column) that starts with a visually hidden 「追加」/「削除」 for screen readers,
which do not announce those elements by themselves.
"""

import dataclasses
import difflib

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


@dataclasses.dataclass(frozen=True)
class SectionComparison:
    heading: str
    new_html: SafeString  # 改定後
    old_html: SafeString  # 改定前
    changed: bool


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br>")


def _marked(tag: str, label: str, value: str) -> str:
    return f'<{tag}><span class="visually-hidden">［{label}］</span>{_text(value)}</{tag}>'


def diff_html(old: str, new: str) -> tuple[SafeString, SafeString]:
    """(new with insertions marked, old with deletions marked), both escaped HTML."""
    added, removed = _("added"), _("removed")
    new_parts, old_parts = [], []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        old_chunk, new_chunk = old[old_start:old_end], new[new_start:new_end]
        if operation == "equal":
            new_parts.append(_text(new_chunk))
            old_parts.append(_text(old_chunk))
            continue
        if new_chunk:
            new_parts.append(_marked("ins", added, new_chunk))
        if old_chunk:
            old_parts.append(_marked("del", removed, old_chunk))
    return mark_safe("".join(new_parts)), mark_safe("".join(old_parts))  # noqa: S308 - every chunk is escaped


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{number}. {item}" for number, item in enumerate(items, start=1))


def _joint_users(content: dict) -> str:
    lines = [content["joint_users_scope"]]
    lines += [f"・{joint_user['legal_name']}" for joint_user in content["joint_users"]]
    lines.append(content["joint_users_note"])
    return "\n".join(line for line in lines if line)


def _responsible_party(content: dict) -> str:
    party = content["responsible_party"]
    lines = [party["name"]]
    if party["address"]:
        lines.append(f"{_('Address')}:{party['address']}")
    if party["representative"]:
        lines.append(f"{_('Representative')}:{party['representative']}")
    return "\n".join(lines)


def _sections(content: dict) -> list[tuple[str, str]]:
    """(heading, text) for every part of the content, in the order the page shows them."""
    parts = [(_("Introduction"), content["introduction"])]
    if content["kind"] == "joint_use":
        parts += [
            (_("Personal data items used jointly"), "\n".join(content["data_items"])),
            (_("Scope of joint users"), _joint_users(content)),
            (_("Purposes of joint use"), _numbered(content["purposes"])),
            (_("Person responsible for managing the personal data"), _responsible_party(content)),
        ]
    parts.append((_("Notes"), content["notes"]))
    for section in content["sections"]:
        text = section["body"]
        if section["lists_joint_users"]:
            text = "\n".join([text] + [f"・{joint_user['legal_name']}" for joint_user in content["joint_users"]])
        parts.append((section["heading"], text))
    return parts


def compare_contents(new: dict, old: dict) -> list[SectionComparison]:
    """Every section of either version, in the new version's order; sections only the old one has come last.

    Free sections are paired by heading, so a reordered section is not shown as removed and added.
    """
    old_parts = dict(_sections(old))
    new_parts = _sections(new)
    comparisons = []
    for heading, new_text in new_parts:
        old_text = old_parts.pop(heading, "")
        new_html, old_html = diff_html(old_text, new_text)
        comparisons.append(SectionComparison(heading, new_html, old_html, changed=old_text != new_text))
    for heading, old_text in old_parts.items():
        new_html, old_html = diff_html(old_text, "")
        comparisons.append(SectionComparison(heading, new_html, old_html, changed=bool(old_text)))
    return [comparison for comparison in comparisons if comparison.new_html or comparison.old_html]


def comparison_context(new: dict, old: dict) -> dict:
    """The sections that changed (shown) and those that did not (collapsed), for the compare templates."""
    sections = compare_contents(new, old)
    return {
        "changed_sections": [section for section in sections if section.changed],
        "unchanged_sections": [section for section in sections if not section.changed],
    }
