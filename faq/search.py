"""The FAQ search: how a query becomes terms, which entries it finds, and the matches marked in them.

A query is split at spaces; inside each word the terms of the synonym table (synonyms.py) are found, longest
first, so 「ダイレクトメールを止めたい」 is the terms 「ダイレクトメール」 and 「止めたい」, the particle 「を」 and
the ending left over. A word without a synonym stays whole (「ペット保険」 is one term). A term is found in an
entry when the entry contains it or a word of its group, compared folded (see `fold`).

The entries shown are those containing every term; when no entry does, those containing the most terms
(「DM 止める」 finds the entry about direct mail, which says nothing of stopping), and the page says so. Entries
with as many terms are in the FAQ's order, those with an earlier typed term first.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

import jaconv
from django.utils.safestring import SafeString, mark_safe

from .synonyms import SYNONYM_GROUPS

# Half-width voiced marks follow their kana as separate characters; NFKC joins them to it.
_JOINING_MARKS = {"\uff9e", "\uff9f"}
# What is left of a word around a synonym that carries no meaning of its own: particles and endings.
_LEFTOVER_PARTICLES = re.compile(
    r"(?:を|が|は|に|の|で|と|も|へ|や|か|たい|ない|です|ます|ください|について|とは|したい|する|して|られる|られ|ますか|ですか)+"
)
_HIRAGANA_RUN = re.compile(r"[\u3041-\u309f]+")


def fold(text: str) -> str:
    """Text as the FAQ search compares it: full and half width alike (NFKC), katakana as hiragana, any case."""
    return jaconv.kata2hira(unicodedata.normalize("NFKC", text)).casefold()


def folded_with_origin(text: str) -> tuple[str, list[int]]:
    """`text` folded, and for each folded character the index in `text` of the character it comes from, so a
    match in the folded text can be marked in the text as written."""
    pieces, origin = [], []
    start = 0
    while start < len(text):
        end = start + 1
        while end < len(text) and (unicodedata.combining(text[end]) or text[end] in _JOINING_MARKS):
            end += 1
        piece = fold(text[start:end])
        pieces.append(piece)
        origin.extend([start] * len(piece))
        start = end
    origin.append(len(text))
    return "".join(pieces), origin


_GROUP_OF: dict[str, tuple[str, ...]] = {}
for _group in SYNONYM_GROUPS:
    _forms = tuple(dict.fromkeys(fold(word) for word in _group))
    for _form in _forms:
        _GROUP_OF[_form] = tuple(sorted(set(_GROUP_OF.get(_form, ())) | set(_forms), key=len, reverse=True))
_LONGEST = max((len(form) for form in _GROUP_OF), default=0)


@dataclass(frozen=True)
class Term:
    typed: str  # as the customer typed it
    forms: tuple[str, ...]  # folded; an entry containing any of them contains the term

    def found_in(self, folded_text: str) -> bool:
        return any(form in folded_text for form in self.forms)


def _literal_terms(part: str, *, beside_synonym: bool) -> list[Term]:
    part = part.strip()
    if not part:
        return []
    if beside_synonym:
        # A particle, or the ending of the word before (「止める」 is 「止め」 and 「る」).
        if _LEFTOVER_PARTICLES.fullmatch(part) or (_HIRAGANA_RUN.fullmatch(part) and len(part) <= 2):
            return []
        if not _HIRAGANA_RUN.fullmatch(part):
            # 「保険の案内を」: the words are what hiragana runs (particles, endings) separate.
            return [Term(piece, (fold(piece),)) for piece in _HIRAGANA_RUN.split(part) if piece]
    return [Term(part, (fold(part),))]


def query_terms(query: str) -> list[Term]:
    """The terms of a query (already NFKC-normalised and space-separated by the form), without duplicates."""
    terms: list[Term] = []
    for word in query.split():
        folded, origin = folded_with_origin(word)
        found: list[tuple[int, int, tuple[str, ...]]] = []  # (start, end) in word, the group
        position = 0
        while position < len(folded):
            for length in range(min(_LONGEST, len(folded) - position), 0, -1):
                group = _GROUP_OF.get(folded[position:position + length])
                if group:
                    found.append((origin[position], origin[position + length], group))
                    position += length
                    break
            else:
                position += 1
        if not found:
            terms.extend(_literal_terms(word, beside_synonym=False))
            continue
        previous_end = 0
        for start, end, group in found:
            terms.extend(_literal_terms(word[previous_end:start], beside_synonym=True))
            terms.append(Term(word[start:end], group))
            previous_end = end
        terms.extend(_literal_terms(word[previous_end:], beside_synonym=True))
    unique: dict[tuple[str, ...], Term] = {}
    for term in terms:
        unique.setdefault(term.forms, term)
    return list(unique.values())


@dataclass
class Found:
    entry: object  # a FaqEntry
    terms: list[Term]  # the query's terms this entry contains


@dataclass
class SearchResult:
    terms: list[Term]
    found: list[Found]

    @property
    def every_term_found(self) -> bool:
        return bool(self.found) and len(self.found[0].terms) == len(self.terms)


def search(entries, query: str) -> SearchResult:
    """The entries (in their order) that contain every term of `query`, or failing that the most terms."""
    terms = query_terms(query)
    scored = []
    for entry in entries:
        folded = fold(f"Q{entry.number} {entry.question} {entry.answer}")
        contained = [term for term in terms if term.found_in(folded)]
        if contained:
            scored.append(Found(entry, contained))
    best = max((len(found.terms) for found in scored), default=0)
    found = [found for found in scored if len(found.terms) == best]
    # Among entries with as many terms, those with the earlier typed term first: Japanese puts what it is about
    # before what to do with it (「DM 止める」: the entry about DM before the one about stopping).
    found.sort(key=lambda found: terms.index(found.terms[0]))
    return SearchResult(terms=terms, found=found)


def _match_spans(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Where in `text` (as written) the terms' forms are, merged where they touch or overlap."""
    folded, origin = folded_with_origin(text)
    spans = []
    for term in terms:
        for form in term.forms:
            start = folded.find(form)
            while start != -1:
                spans.append((origin[start], origin[start + len(form)]))
                start = folded.find(form, start + len(form))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged if end > start]


def _marked(text: str, terms: list[Term]) -> str:
    out, position = [], 0
    for start, end in _match_spans(text, terms):
        out.append(html.escape(text[position:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def highlight_text(text: str, terms: list[Term]) -> SafeString:
    """Plain text, escaped, with each match in <mark>."""
    return mark_safe(_marked(text, terms))  # noqa: S308 - every piece of text is escaped


class _Highlighter(HTMLParser):
    """Copies sanitised HTML, marking matches in its text only: never inside a tag or an attribute."""

    def __init__(self, terms: list[Term]):
        super().__init__(convert_charrefs=True)
        self.terms = terms
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.out.append(self._tag(tag, attrs, closed=False))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self._tag(tag, attrs, closed=True))

    def handle_endtag(self, tag):
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(_marked(data, self.terms))

    @staticmethod
    def _tag(tag, attrs, *, closed: bool) -> str:
        attributes = "".join(
            f' {name}="{html.escape(value, quote=True)}"' if value is not None else f" {name}" for name, value in attrs
        )
        return f"<{tag}{attributes}{' /' if closed else ''}>"


def highlight_html(sanitised_html: str, terms: list[Term]) -> SafeString:
    """HTML that the Markdown filter has already sanitised, with each match in its text in <mark>."""
    if not terms:
        return mark_safe(sanitised_html)  # noqa: S308 - already sanitised by the caller
    parser = _Highlighter(terms)
    parser.feed(sanitised_html)
    parser.close()
    return mark_safe("".join(parser.out))  # noqa: S308 - tags re-emitted escaped, text escaped
