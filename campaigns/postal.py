"""The postal list of a campaign for the print vendor: one row per customer to be told by post, in the
columns vendors' mail-merge forms expect, as CSV in Shift_JIS (CP932, what most vendors' systems read)
or UTF-8 with a BOM. Every cell is neutralised against formulas (core/spreadsheet). A character CP932
cannot hold (a rare kanji such as 𠮷) becomes 〓 (geta, the printers' mark for a missing glyph) and the
row says so in 備考, so that the vendor sets it by hand instead of printing a wrong name."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from core.dates import wareki
from core.spreadsheet import BOM, csv_lines

from .models import Campaign, PostalDownload, Recipient

HEADER = ["郵便番号", "住所1", "住所2", "氏名", "敬称", "お客さま番号", "改定日", "備考"]
GETA = "〓"


def cp932_safe(value: str) -> tuple[str, bool]:
    """`value` with every character CP932 cannot encode replaced by 〓, and whether any was."""
    try:
        value.encode("cp932")
        return value, False
    except UnicodeEncodeError:
        pass
    chars = []
    for char in value:
        try:
            char.encode("cp932")
            chars.append(char)
        except UnicodeEncodeError:
            chars.append(GETA)
    return "".join(chars), True


def postal_rows(campaign: Campaign, *, encoding: str) -> Iterator[list[str]]:
    effective = wareki(campaign.notice_version.effective_date)
    holders = (
        Recipient.objects.filter(campaign=campaign, channel=Recipient.Channel.POST)
        .order_by("policyholder__postal_code", "policyholder__customer_number")
        .values_list(
            "policyholder__postal_code", "policyholder__address1", "policyholder__address2", "policyholder__name",
            "policyholder__customer_number",
        )
        .iterator(chunk_size=5000)
    )
    for postal_code, address1, address2, name, number in holders:
        row = [postal_code, address1, address2, name, "様", number, effective, ""]
        if encoding == PostalDownload.Encoding.CP932:
            replaced = False
            for index in (1, 2, 3):
                row[index], changed = cp932_safe(row[index])
                replaced |= changed
            if replaced:
                row[7] = _("Characters Shift_JIS cannot hold are printed as 〓: set them by hand.")
        yield row


def postal_file(campaign: Campaign, *, encoding: str) -> Iterator[bytes]:
    """The file's bytes, streamed: CP932 without a BOM, or UTF-8 with one; CRLF line ends either way."""
    lines = csv_lines(HEADER, postal_rows(campaign, encoding=encoding))
    if encoding == PostalDownload.Encoding.CP932:
        first = next(lines).removeprefix(BOM)
        yield first.encode("cp932")
        for line in lines:
            yield line.encode("cp932")
    else:
        for line in lines:
            yield line.encode("utf-8")


def postal_filename(campaign: Campaign, *, encoding: str) -> str:
    suffix = "sjis" if encoding == PostalDownload.Encoding.CP932 else "utf8"
    return f"postal-list-{campaign.notice_version.effective_date:%Y%m%d}-{campaign.pk}-{suffix}.csv"
