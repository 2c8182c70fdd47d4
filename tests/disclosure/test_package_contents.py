"""What the customer finds in their disclosure package: every file, the CSVs as Excel reads them, the JSON,
each consent event with the notice version in force when it was made, and nothing of anyone else."""

import csv
import datetime
import hashlib
import io

import time_machine
from django.core import mail

from consents.models import ConsentEvent, NoticeRecord, Preference, Receipt
from consents.selectors import joint_use_version_in_force
from consents.services import notice_record_append
from disclosure.build import package_path
from disclosure.models import DisclosurePackage
from disclosure.services import disclosure_package_request
from outbox.models import OutgoingEmail
from tests.conftest import run_due_jobs
from tests.factories import PolicyholderFactory

from .conftest import change, opened

FILES = {
    "README.txt", "data.json", "report.html", "profile.csv", "policies.csv", "preferences.csv", "receipts.csv",
    "consent_events.csv", "notice_records.csv", "emails.csv", "disclosures.csv", "disclosure_downloads.csv",
    # What the package does not hold, and the records of provision to third parties (disclosure/coverage.py).
    "third_party_provisions.csv", "company_records.csv",
    # The requests desk's sections (desk/package.py).
    "requests.csv", "request_answers.csv",
}


def test_a_package_holds_every_file_and_its_size_and_hash_are_recorded(policyholder, life, settings):
    settings.DISCLOSURE_PDF_MAX_ROWS = 0
    change(policyholder, life)
    package = disclosure_package_request(policyholder, request_number="R-20261130-0001")
    run_due_jobs()  # a worker's pass builds it
    package.refresh_from_db()
    assert package.status == DisclosurePackage.Status.READY
    path = package_path(package.file_name)
    assert path.parent == settings.DISCLOSURE_DIR
    assert package.size == path.stat().st_size
    assert package.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert opened(package).names == FILES
    assert package.expires_at - package.built_at == datetime.timedelta(days=30)


def test_every_csv_starts_with_a_bom_and_the_events_match_the_database(policyholder, life, nonlife):
    change(policyholder, life, channel="direct_mail", allowed=False)
    change(policyholder, nonlife, channel="email", allowed=True, ip_address="203.0.113.9", user_agent="Firefox")
    package = opened(disclosure_package_request(policyholder))
    for name in package.names:
        if name.endswith(".csv"):
            assert package.raw(name).startswith("\ufeff".encode()), name
    rows = package.csv("consent_events")
    events = list(ConsentEvent.objects.filter(policyholder=policyholder).order_by("id"))
    assert [int(row["イベントID"]) for row in rows] == [event.pk for event in events]
    second = rows[1]
    assert second["受付番号"] == events[1].receipt.number
    assert (second["会社"], second["配信方法"]) == (nonlife.legal_name, "メールマガジン")
    assert (second["変更前"], second["変更後"]) == ("受け取らない", "受け取る")
    assert (second["IPアドレス"], second["ブラウザ情報"]) == ("203.0.113.9", "Firefox")
    assert (second["前の記録のハッシュ値"], second["ハッシュ値"]) == (events[0].hash, events[1].hash)
    assert second["鍵ID"] == events[1].key_id
    assert second["変更日時"] == events[1].created_at.astimezone(datetime.UTC).astimezone(
        datetime.timezone(datetime.timedelta(hours=9))).strftime("%Y-%m-%d %H:%M:%S")


def test_each_event_carries_the_notice_version_in_force_when_it_was_made(policyholder, life):
    change(policyholder, life)
    event = ConsentEvent.objects.get()
    version = event.notice_version
    assert version is not None
    package = opened(disclosure_package_request(policyholder))
    row = package.csv("consent_events")[0]
    assert row["適用されていた通知"] == version.notice.title
    assert row["通知の改定適用日"] == version.effective_date.isoformat()
    assert row["通知の版のページ"].endswith(version.get_absolute_url())
    data = package.json()["sections"]["consent_events"]["rows"][0]
    assert data["notice_effective_date"] == version.effective_date.isoformat()


def test_the_json_holds_the_same_data_as_the_csvs(policyholder, life, nonlife):
    change(policyholder, life, allowed=False)
    change(policyholder, nonlife, channel="phone", allowed=False)
    package = opened(disclosure_package_request(policyholder))
    data = package.json()
    assert data["customer_number"] == policyholder.customer_number
    for key, section in data["sections"].items():
        rows = package.csv(key)
        assert len(rows) == len(section["rows"]) == data["row_counts"][key], key
        assert [c["title"] for c in section["columns"]] == next(csv.reader(io.StringIO(package.text(f"{key}.csv"))))
    events = data["sections"]["consent_events"]["rows"]
    stored = ConsentEvent.objects.filter(policyholder=policyholder).order_by("id")
    assert [(e["id"], e["hash"], e["old_value"], e["new_value"]) for e in events] == [
        (e.pk, e.hash, e.old_value, e.new_value) for e in stored
    ]
    assert data["sections"]["profile"]["rows"] == [{
        "customer_number": policyholder.customer_number, "name": "楽天 花子", "kana": policyholder.kana,
        "email": "hanako@example.com", "birth_date": "1985-04-01", "postal_code": "", "address1": "", "address2": "",
        "created_at": data["sections"]["profile"]["rows"][0]["created_at"],
        "updated_at": data["sections"]["profile"]["rows"][0]["updated_at"],
    }]
    assert data["sections"]["policies"]["rows"] == [
        {"company": life.legal_name, "policy_number": "L-0001", "product": "終身医療保険"}
    ]
    receipts = data["sections"]["receipts"]["rows"]
    assert [r["number"] for r in receipts] == list(
        Receipt.objects.filter(policyholder=policyholder).order_by("id").values_list("number", flat=True)
    )


def test_preferences_show_every_cell_set_or_default(policyholder, life):
    change(policyholder, life, channel="direct_mail", allowed=False)
    rows = opened(disclosure_package_request(policyholder)).csv("preferences")
    chosen = [row for row in rows if row["設定の種類"] == "お客さまの設定"]
    expected = [(life.legal_name, "DM（ダイレクトメール）", "受け取らない")]
    assert [(r["会社"], r["配信方法"], r["設定"]) for r in chosen] == expected
    assert chosen[0]["変更履歴ID"] == str(Preference.objects.get().last_event_id)
    email_cells = [row for row in rows if row["配信方法"] == "メールマガジン"]
    assert email_cells and all(r["設定"] == "受け取らない" and r["設定の種類"] == "既定値" for r in email_cells)
    assert len(rows) == len({(r["会社"], r["配信方法"]) for r in rows}) > 4


def test_no_other_customers_data_is_in_the_package(policyholder, life):
    other = PolicyholderFactory(name="別人 太郎", email="taro@example.com")
    change(other, life)
    change(policyholder, life, channel="phone")
    emails_before = OutgoingEmail.objects.filter(policyholder=policyholder).count()
    package = opened(disclosure_package_request(policyholder))
    everything = "".join(package.text(name) for name in package.names)
    assert other.customer_number not in everything and "別人 太郎" not in everything
    other_receipt = Receipt.objects.get(policyholder=other).number
    assert other_receipt not in everything
    assert len(package.csv("emails")) == emails_before == 1


def test_cells_that_excel_would_run_as_formulas_are_neutralised(policyholder, life):
    policyholder.name = "=HYPERLINK(\"http://evil.example\")"
    policyholder.save()
    change(policyholder, life, user_agent="+cmd|' /C calc'!A0")
    package = opened(disclosure_package_request(policyholder))
    assert package.csv("profile")[0]["氏名"] == "'=HYPERLINK(\"http://evil.example\")"
    assert package.csv("consent_events")[0]["ブラウザ情報"].startswith("'+cmd")
    # The JSON keeps the value as it is: it is data, not a spreadsheet.
    assert package.json()["sections"]["profile"]["rows"][0]["name"].startswith("=HYPERLINK")


def test_the_report_is_japanese_html_with_a_table_per_section_and_escaped_values(policyholder, life):
    policyholder.name = "<script>alert(1)</script>"
    policyholder.save()
    change(policyholder, life)
    html = opened(disclosure_package_request(policyholder)).text("report.html")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="ja">' in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "配信設定の変更履歴" in html and "通知の改定適用日" in html
    assert "令和" in html


def test_the_readme_explains_every_file_and_column_in_japanese(policyholder, life):
    change(policyholder, life)
    readme = opened(disclosure_package_request(policyholder)).text("README.txt")
    for name in FILES - {"README.txt"}:
        assert name in readme
    assert "通知の改定適用日：" in readme and "前の記録のハッシュ値：" in readme
    assert "consent_events.csv　（配信設定の変更履歴、1件）" in readme


def test_a_small_package_has_a_pdf_when_the_server_can_print(policyholder, life, settings):
    from notices import printing

    if not printing.can_print():
        return
    settings.DISCLOSURE_PDF_MAX_ROWS = 300
    change(policyholder, life)
    package = opened(disclosure_package_request(policyholder))
    assert package.raw("report.pdf").startswith(b"%PDF")


def test_a_large_package_has_no_pdf_and_the_readme_says_why(policyholder, life, settings):
    settings.DISCLOSURE_PDF_MAX_ROWS = 3
    change(policyholder, life)
    package = opened(disclosure_package_request(policyholder))
    assert "report.pdf" not in package.names
    assert "300行を超えるため" not in package.text("README.txt")
    assert "3行を超えるため" in package.text("README.txt")


def test_a_server_that_cannot_print_builds_the_package_without_a_pdf_and_the_readme_says_why(
    policyholder, life, settings, monkeypatch
):
    from notices import printing

    monkeypatch.setattr(printing, "_weasyprint", lambda: None)
    settings.DISCLOSURE_PDF_MAX_ROWS = 300
    change(policyholder, life)
    package = opened(disclosure_package_request(policyholder))
    assert "report.pdf" not in package.names and "report.html" in package.names
    assert "PDFを作成できなかった" in package.text("README.txt")
    assert "行を超えるため" not in package.text("README.txt")


def test_the_customer_is_emailed_when_it_is_ready(policyholder, life):
    with time_machine.travel("2026-11-30 10:00 +0900", tick=False):
        package = disclosure_package_request(policyholder, request_number="R-1")
        # A worker's pass then: it builds the package and sends the email the build queued.
        message = mail.outbox[-1]
    package.refresh_from_db()
    assert package.email.kind == "disclosure_ready" and package.email.status == "sent"
    assert message.to == ["hanako@example.com"]
    assert "R-1" in message.subject
    assert "/my/disclosures/" in message.body
    assert "2026年12月30日（令和8年12月30日） 10:00" in message.body
    assert "プライバシーポータルがお客さまについて記録している個人データ" in message.body
    assert "健康状態に関する情報などの記録は、\nこの資料には含まれません" in message.body


def test_notice_records_are_in_the_package_with_their_version_and_chain(policyholder, life):
    version = joint_use_version_in_force()
    first = notice_record_append(
        policyholder=policyholder, notice_version=version, kind=NoticeRecord.Kind.INFORMED_EMAIL,
        source=NoticeRecord.Source.CAMPAIGN,
    ).record
    second = notice_record_append(
        policyholder=policyholder, notice_version=version, kind=NoticeRecord.Kind.CONSENTED,
        source=NoticeRecord.Source.PORTAL, ip_address="192.0.2.8", idempotency_key="answer-1",
    ).record
    rows = opened(disclosure_package_request(policyholder)).csv("notice_records")
    assert [(r["記録ID"], r["種類"], r["通知の改定適用日"]) for r in rows] == [
        (str(first.pk), "メールで通知", version.effective_date.isoformat()),
        (str(second.pk), "同意する", version.effective_date.isoformat()),
    ]
    assert (rows[1]["前の記録のハッシュ値"], rows[1]["ハッシュ値"], rows[1]["IPアドレス"]) == (
        first.hash, second.hash, "192.0.2.8"
    )
