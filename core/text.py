"""Staff-written text as it is stored: one form for what looks the same.

The admin's textareas send `\r\n`; text pasted from a word processor brings trailing spaces and, from some
input methods, decomposed kana (か + ゛). None of that is visible to a customer, so none of it may count as
a change in a 新旧対照表. Only canonical composition (NFC) is applied: NFKC would turn full-width
parentheses and digits into half-width ones and ㈱ into (株), which changes the wording of legal text.
"""

import unicodedata


def normalize_text(value: str) -> str:
    """Line endings as `\n`, no trailing spaces on a line, no blank lines at the end, NFC."""
    if not value:
        return value
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in value.split("\n")).rstrip("\n")
