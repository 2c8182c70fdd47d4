"""One encoding per CSV file, UTF-8 (BOM optional) or CP932 (Shift_JIS as Windows writes it).

Each non-ASCII line is classified on its own, so a file that mixes the two (one row pasted from
another system) is refused with the row named, instead of being re-read as a whole in the other
encoding, where UTF-8 Japanese turns into valid but meaningless CP932 (山本 → 螻ｱ譛ｬ). What reads
cleanly is still checked for that mojibake, which a file converted wrongly once before carries.
"""

import codecs
import re
import unicodedata

from django.utils.translation import gettext as _

UTF8, CP932 = "utf-8", "cp932"
NAMES = {UTF8: "UTF-8", CP932: "Shift_JIS（CP932）"}
NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# C0 controls but tab and line breaks, and DEL: bytes that are these characters in both encodings (no UTF-8
# continuation byte and no CP932 trail byte is below 0x40 or 0x7F).
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class EncodingError(Exception):
    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row  # the header is row 1


def _garbled(text: str) -> bool:
    # Python's CP932 turns the bytes 0x80, 0xA0 and 0xFD-0xFF into control or private-use characters
    # instead of failing; no insurer's data contains those, so they mean a broken or mislabelled file.
    return any(
        (unicodedata.category(char) in ("Cc", "Co") and char not in "\t\r\n") or char == "\ufffd" for char in text
    )


def _japanese(text: str) -> bool:
    return all(
        char.isascii() or "\u3000" <= char <= "\u30ff" or "\u4e00" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"
        for char in text
    )


def _mojibake(text: str) -> bool:
    """UTF-8 Japanese that was read as CP932 once: a run of non-ASCII characters that, encoded back to
    CP932, is valid UTF-8 spelling Japanese. Real names in CP932 practically never are (their bytes
    do not line up into UTF-8 sequences, and by chance they spell no Japanese)."""
    for run in NON_ASCII_RUN.findall(text):
        try:
            recovered = run.encode(CP932).decode(UTF8)
        except UnicodeError:
            continue
        if not recovered.isascii() and _japanese(recovered):
            return True
    return False


def _read_line(line: bytes, order: tuple[str, ...]) -> tuple[str, str] | None:
    """(encoding, text) of the first encoding in `order` that reads the line cleanly."""
    for encoding in order:
        try:
            text = line.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _garbled(text):
            return encoding, text
    return None


def decode(data: bytes, encoding: str | None = None) -> str:
    """The file's text in its one encoding; EncodingError naming the first row that breaks it.

    `encoding` ("utf-8-sig" or "cp932") skips detection: every row must then read in it."""
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8):] if bom else data
    forced = None if encoding is None else (CP932 if encoding == CP932 else UTF8)
    # UTF-8 first: a CP932 line is practically never valid UTF-8, while UTF-8 Japanese often is valid CP932.
    order = (forced,) if forced else (UTF8, CP932)
    expected, first_row = (UTF8, 1) if bom else (forced, None)
    lines = []
    # Splitting bytes at \n is safe in both encodings: no CP932 trail byte is 0x0A.
    for row, line in enumerate(body.split(b"\n"), start=1):
        if line.isascii():
            lines.append(line.decode("ascii"))
            continue
        if CONTROL_BYTES.search(line):
            # Not a question of encoding (an ASCII row's control character is named with its column later).
            raise EncodingError(row, _("Contains a control character (such as NUL). Remove it."))
        read = _read_line(line, order)
        if read is None and forced:
            raise EncodingError(row, _("This row is not in %(encoding)s, the character encoding (文字コード) given.")
                                % {"encoding": NAMES[forced]})
        if read is None:
            raise EncodingError(row, _(
                "The file could not be read as UTF-8 or Shift_JIS (CP932). Save it in one of them."
            ))
        line_encoding, text = read
        if expected is None:
            expected, first_row = line_encoding, row
        elif line_encoding != expected:
            raise EncodingError(row, _(
                "This row is in the character encoding (文字コード) %(encoding)s, but row %(first)s is in "
                "%(other)s. Save the whole file in one of them."
            ) % {"encoding": NAMES[line_encoding], "first": first_row or 1, "other": NAMES[expected]})
        if _mojibake(text):
            raise EncodingError(row, _(
                "This row is garbled (文字化け): it holds UTF-8 text that was read as Shift_JIS. Correct the "
                "file and import it again."
            ))
        lines.append(text)
    return "\n".join(lines)
