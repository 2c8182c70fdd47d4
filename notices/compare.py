"""The 新旧対照表: two versions' content dicts compared section by section, as customers read them.

What is compared is the text each version showed: its Markdown rendered as on the page and reduced to what a
reader sees (a link as its text, a list item with its 「・」 or its number), after the normalisation every save
applies (core/text.py), so that `\r\n` against `\n` or a trailing space is not a change.

Japanese has no spaces between words. A character-level diff marks stray characters inside a replaced phrase
(「ホール｜デ｜ィングス」 against 「個人｜デ｜ータ」 keeps デ, as if it had been kept). The texts are therefore cut
into runs of one script (漢字, ひらがな, カタカナ, Latin letters and digits; each punctuation mark alone), which is
close to 文節 for legal text, and diff-match-patch compares the runs and cleans the result up semantically, so a
replaced phrase is one deletion and one insertion. Each change is an <ins> (改定後 column, underlined) or a <del>
(改定前 column, struck through) that starts and ends with visually hidden 「追加」/「削除」 for screen readers,
which do not announce those elements by themselves.
"""

import dataclasses
import html.parser
import re

from diff_match_patch import diff_match_patch
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.text import normalize_text

from .templatetags.portal import render_markdown


@dataclasses.dataclass(frozen=True)
class SectionComparison:
    heading: str
    new_html: SafeString  # 改定後
    old_html: SafeString  # 改定前
    changed: bool
    in_new: bool = True
    in_old: bool = True
    new_heading_html: SafeString = mark_safe("")
    old_heading_html: SafeString = mark_safe("")


# ---------------------------------------------------------------------------------------------------------
# What the page shows, as text


class _VisibleText(html.parser.HTMLParser):
    """Sanitised Markdown HTML → the lines a reader sees: paragraphs and list items on lines of their own,
    list items with 「・」 or their number (as the browser shows them), links as their text."""

    BLOCKS = {"p", "li", "h3", "h4", "blockquote", "tr", "table"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.lists: list[list] = []  # [kind, last number] of each open list

    def _flush(self):
        text = "".join(self.current).strip()
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()
        if tag == "br":
            self.current.append("\n")
        elif tag in ("ul", "ol"):
            self._flush()
            start = dict(attrs).get("start") or "1"
            self.lists.append([tag, int(start) - 1 if start.isdigit() else 0])
        elif tag == "li":
            indent = "　" * max(len(self.lists) - 1, 0)
            if self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                self.current.append(f"{indent}{self.lists[-1][1]}. ")
            else:
                self.current.append(f"{indent}・")
        elif tag in ("td", "th") and "".join(self.current).strip():
            self.current.append("　")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()

    def handle_data(self, data):
        # nl2br puts a <br> before every source line break; the break itself is only white space in HTML.
        self.current.append(data.replace("\n", ""))

    def text(self) -> str:
        self._flush()
        return "\n".join(line.strip(" ") for line in "\n".join(self.lines).split("\n"))


def markdown_text(source: str) -> str:
    """What a customer reads of staff-written Markdown."""
    parser = _VisibleText()
    parser.feed(render_markdown(normalize_text(source or "")))
    parser.close()
    return parser.text()


def _plain(value: str) -> str:
    return normalize_text(value or "")


def _bullets(items: list[str]) -> list[str]:
    return [f"・{_plain(item)}" for item in items]


def _numbered(items: list[str]) -> list[str]:
    return [f"{number}. {_plain(item)}" for number, item in enumerate(items, start=1)]


def _lines(*parts) -> str:
    return "\n".join(part for part in parts if part)


def _data_items(content: dict) -> str:
    items = content["data_items"]
    return _plain(items[0]) if len(items) == 1 else _lines(*_bullets(items))


def _joint_users(content: dict) -> str:
    names = [joint_user["legal_name"] for joint_user in content["joint_users"]]
    return _lines(_plain(content["joint_users_scope"]), *_bullets(names), markdown_text(content["joint_users_note"]))


def _responsible_party(content: dict) -> str:
    party = content["responsible_party"]
    address = f"{_('Address')}：{_plain(party['address'])}" if party["address"] else ""
    representative = f"{_('Representative')}：{_plain(party['representative'])}" if party["representative"] else ""
    return _lines(_plain(party["name"]), address, representative)


def visible_sections(content: dict) -> list[tuple[str, str]]:
    """(heading, text) for every part of the content, in the order and the form the page shows them."""
    parts = [(_("Introduction"), markdown_text(content["introduction"]))]
    if content["kind"] == "joint_use":
        parts += [
            (_("Personal data items used jointly"), _data_items(content)),
            (_("Scope of joint users"), _joint_users(content)),
            (_("Purposes of joint use"), _lines(*_numbered(content["purposes"]))),
            (_("Person responsible for managing the personal data"), _responsible_party(content)),
        ]
    elif content["kind"] == "retained_data":
        parts += [
            (_("Name, address and representative of the business"), _responsible_party(content)),
            (_("Purposes of use"), _lines(*_numbered(content["purposes"]))),
        ]
    parts.append((_("Notes"), markdown_text(content["notes"])))
    names = [joint_user["legal_name"] for joint_user in content["joint_users"]]
    for section in content["sections"]:
        text = markdown_text(section["body"])
        if section["lists_joint_users"]:
            text = _lines(text, *_bullets(names))
        parts.append((_plain(section["heading"]), text))
    return parts


# ---------------------------------------------------------------------------------------------------------
# Phrase-level differences

_TOKEN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶ]+"  # 漢字
    r"|[\u3041-\u309f]+"  # ひらがな
    r"|[\u30a1-\u30fa\u30fc-\u30ff\uff66-\uff9f]+"  # カタカナ (not 「・」), half-width too
    r"|[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+"  # Latin letters and digits, full-width too
    r"|.",  # anything else, one character at a time
    re.DOTALL,
)


def tokens(text: str) -> list[str]:
    """Runs of one script: 「楽天インシュアランスホールディングス株式会社」 →
    楽天｜インシュアランスホールディングス｜株式会社."""
    return _TOKEN.findall(text)


def phrase_diff(old: str, new: str) -> list[tuple[int, str]]:
    """diff-match-patch over runs of one script, semantically cleaned up: [(-1|0|1, text), ...]."""
    vocabulary: dict[str, str] = {}
    table: list[str] = []

    def encode(text: str) -> str:
        encoded = []
        for token in tokens(text):
            if token not in vocabulary:
                vocabulary[token] = chr(0xF0000 + len(table))  # a private-use plane: no clash with the text
                table.append(token)
            encoded.append(vocabulary[token])
        return "".join(encoded)

    matcher = diff_match_patch()
    matcher.Diff_Timeout = 0
    diffs = matcher.diff_main(encode(old), encode(new), False)
    matcher.diff_cleanupSemantic(diffs)
    decoded = [(operation, "".join(table[ord(char) - 0xF0000] for char in text)) for operation, text in diffs]
    return _insertions_and_removals_as_such(decoded)


def _insertions_and_removals_as_such(diffs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A run replaced by itself plus more is an insertion (「引受け」 → 「引受けおよび継続」 adds 「および継続」), and
    likewise for a removal. A real replacement stays whole, even where both ends share characters."""
    result: list[tuple[int, str]] = []
    index = 0
    while index < len(diffs):
        pair = diffs[index:index + 2]
        if len(pair) == 2 and {pair[0][0], pair[1][0]} == {-1, 1}:
            old = next(text for operation, text in pair if operation == -1)
            new = next(text for operation, text in pair if operation == 1)
            longer, shorter, operation = (new, old, 1) if len(new) > len(old) else (old, new, -1)
            if longer.startswith(shorter):
                result += [(0, shorter), (operation, longer[len(shorter):])]
                index += 2
                continue
            if longer.endswith(shorter):
                result += [(operation, longer[:-len(shorter)]), (0, shorter)]
                index += 2
                continue
        result.append(diffs[index])
        index += 1
    return result


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br>")


def _marked(tag: str, start: str, end: str, value: str) -> str:
    return (
        f'<{tag}><span class="visually-hidden">［{start}］</span>{_text(value)}'
        f'<span class="visually-hidden">［{end}］</span></{tag}>'
    )


def diff_html(old: str, new: str) -> tuple[SafeString, SafeString]:
    """(new with insertions marked, old with deletions marked), both escaped HTML."""
    new_parts, old_parts = [], []
    for operation, chunk in phrase_diff(old, new):
        if operation == 0:
            new_parts.append(_text(chunk))
            old_parts.append(_text(chunk))
        elif operation == 1:
            new_parts.append(_marked("ins", _("added"), _("end of addition"), chunk))
        else:
            old_parts.append(_marked("del", _("removed"), _("end of removal"), chunk))
    return mark_safe("".join(new_parts)), mark_safe("".join(old_parts))  # noqa: S308 - every chunk is escaped


def compare_contents(new: dict, old: dict) -> list[SectionComparison]:
    """Every section of either version, in the new version's order; sections only the old one has come last.

    Free sections are paired by heading, so a reordered section is not shown as removed and added. A section
    counts as changed only when what a customer reads of it changed.
    """
    old_parts = dict(visible_sections(old))
    comparisons = []
    for heading, new_text in visible_sections(new):
        in_old = heading in old_parts
        old_text = old_parts.pop(heading, "")
        if in_old and not (new_text or old_text):
            continue  # an empty part of both (no notes): nothing to show
        new_html, old_html = diff_html(old_text, new_text)
        new_heading, old_heading = diff_html(heading if in_old else "", heading)
        comparisons.append(SectionComparison(
            heading, new_html, old_html, changed=old_text != new_text or not in_old, in_old=in_old,
            new_heading_html=new_heading, old_heading_html=old_heading,
        ))
    for heading, old_text in old_parts.items():
        new_html, old_html = diff_html(old_text, "")
        new_heading, old_heading = diff_html(heading, "")
        comparisons.append(SectionComparison(
            heading, new_html, old_html, changed=True, in_new=False,
            new_heading_html=new_heading, old_heading_html=old_heading,
        ))
    return comparisons


def comparison_context(new: dict, old: dict) -> dict:
    """The sections that changed (shown) and those that did not (collapsed), for the compare templates."""
    sections = compare_contents(new, old)
    return {
        "changed_sections": [section for section in sections if section.changed],
        "unchanged_sections": [section for section in sections if not section.changed],
    }

