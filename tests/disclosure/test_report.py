"""The printable report (report.html, report.pdf) is for reading: hash values, key ids, browser strings and
addresses of pages stay in the CSV and data.json, the history table keeps the columns a reader uses, and on
a phone each record is a card whose cells carry their column's title."""

import re

import pytest

from consents.models import ConsentEvent
from disclosure.build import card_labels
from disclosure.models import DisclosurePackage
from disclosure.sections import Column, Section, register_section
from disclosure.services import disclosure_package_request

from .conftest import change, opened

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def history(policyholder, life, nonlife):
    change(policyholder, life, user_agent=FIREFOX, ip_address="203.0.113.9")
    change(policyholder, nonlife, channel="email", allowed=True, user_agent=FIREFOX)
    return list(ConsentEvent.objects.filter(policyholder=policyholder).order_by("id"))


def headings(report: str, key: str) -> list[str]:
    table = re.search(rf'<table class="records" id="t-{key}"><thead><tr>(.*?)</tr></thead>', report)
    return re.findall(r'<th scope="col">(.*?)</th>', table.group(1)) if table else []


def test_the_report_leaves_out_hashes_which_the_csv_and_json_keep(policyholder, history):
    package = opened(disclosure_package_request(policyholder))
    report = package.text("report.html")
    for event in history:
        assert event.hash not in report and event.key_id not in headings(report, "consent_events")
    assert FIREFOX not in report and "203.0.113.9" not in report
    assert "ハッシュ値" not in "".join(headings(report, "consent_events") + headings(report, "notice_records"))
    # The evidence keeps every column.
    rows = package.csv("consent_events")
    assert [row["ハッシュ値"] for row in rows] == [event.hash for event in history]
    assert rows[0]["ブラウザ情報"] == FIREFOX
    assert package.json()["sections"]["consent_events"]["rows"][1]["previous_hash"] == history[0].hash
    readme = package.text("README.txt")
    assert "・ハッシュ値：この変更記録のハッシュ値（HMAC-SHA-256）。［CSV・JSONのみ］" in readme
    assert "・変更日時：設定が変わった日時（日本時間）。\r\n" in readme


def test_the_history_table_has_the_columns_a_reader_uses(policyholder, history):
    report = opened(disclosure_package_request(policyholder)).text("report.html")
    assert headings(report, "consent_events") == [
        "イベントID", "変更日時", "受付番号", "会社", "配信方法", "変更前", "変更後", "受付経路", "理由",
        "適用されていた通知", "通知の改定適用日",
    ]
    assert history[0].receipt.number in report and "受け取る" in report
    assert "SHA-256" not in headings(report, "disclosures")


def test_each_cell_of_a_card_is_labelled_with_its_column(policyholder, history):
    report = opened(disclosure_package_request(policyholder)).text("report.html")
    assert '#t-consent_events td:nth-child(2)::before { content: "変更日時："; }' in report
    assert '#t-consent_events td:nth-child(7)::before { content: "変更後："; }' in report
    # One rule per column, not per cell: two events, one rule.
    assert report.count("#t-consent_events td:nth-child(2)") == 1


def test_a_title_cannot_break_out_of_the_style_element(db):
    section = Section(key="x", title="x", description="", rows=lambda p: (),
                      columns=[Column("a", '"; } body { display: none } </style><script>', "")])
    css = card_labels([section])
    assert "<" not in css and css.count('"') == 2  # the string's own quotes only
    assert css == (
        '#t-x td:nth-child(1)::before { content: "\\22 ; } body { display: none } '
        '\\3c /style\\3e \\3c script\\3e ："; }'
    )


def test_a_section_with_records_shows_them_and_not_its_empty_statement(policyholder, section_registry):
    register_section(Section(
        key="provided", order=93, title="提供", description="提供の記録です。", empty="提供していません。",
        columns=[Column("recipient", "提供先", "提供先。")], rows=lambda p: iter([{"recipient": "株式会社デモ"}]),
    ))
    package = opened(disclosure_package_request(policyholder))
    assert "statement" not in package.json()["sections"]["provided"]
    assert "提供していません。" not in package.text("report.html") + package.text("README.txt")
    assert "<td>株式会社デモ</td>" in package.text("report.html")


def test_the_pdf_has_no_hash_and_the_records_the_reader_uses(policyholder, history, settings):
    from pypdf import PdfReader

    from notices import printing

    if not printing.can_print():
        pytest.skip("This machine cannot print (no Pango).")
    settings.DISCLOSURE_PDF_MAX_ROWS = 300
    package = opened(disclosure_package_request(policyholder, request_number="R-20261130-0001"))
    pages = PdfReader(package.zip.open("report.pdf")).pages
    # Printable ASCII only: without a CJK font on the machine the Japanese does not read back, and the
    # characters between the letters vary with the fonts.
    text = re.sub(r"[^\x21-\x7e]", "", "".join(page.extract_text() for page in pages))
    assert "R-20261130-0001" in text and history[1].receipt.number in text  # ASCII reads back without a CJK font
    for event in history:
        assert event.hash not in text and event.hash[:16] not in text
    assert "Firefox" not in text
    assert DisclosurePackage.objects.get().status == DisclosurePackage.Status.READY
