"""The package says what it is: the portal's own records, not everything the group holds. It lists, per
joint-user company, what that company keeps itself and how the customer gets it, and it always has a
section of the records of provision to third parties, with the reason when there are none."""

import re

from customers.models import Policy
from disclosure.services import disclosure_package_request
from notices.models import Company
from notices.selectors import joint_users_in_force, retained_data_notice_for
from tests.factories import PolicyholderFactory

from .conftest import change, opened

JOINT_USE_IS_NOT_PROVISION = "第27条第5項第3号"


def test_the_package_is_titled_as_the_portals_records_and_says_what_it_leaves_out(policyholder, life):
    change(policyholder, life)
    package = opened(disclosure_package_request(policyholder, request_number="R-1"))
    readme, report, data = package.text("README.txt"), package.text("report.html"), package.json()
    assert readme.startswith("プライバシーポータルの記録の開示　説明書")
    assert "<h1>プライバシーポータルの記録の開示</h1>" in report
    assert data["title"] == "プライバシーポータルの記録の開示"
    for text in (readme.replace("\r\n", ""), report, data["scope"]):
        assert "保険金・給付金のご請求、健康状態に関する情報などの記録は" in text
    everything = "".join(package.text(name) for name in package.names if not name.endswith(".pdf"))
    assert "当社グループが保有する" not in everything and "すべてを収めて" not in everything
    assert "顧客番号" not in everything  # お客さま番号, as everywhere on the site


def test_each_joint_user_is_listed_with_what_it_holds_and_how_to_get_it(policyholder, life, settings):
    package = opened(disclosure_package_request(policyholder))
    rows = package.csv("company_records")
    assert [row["会社"] for row in rows] == [company.legal_name for company in joint_users_in_force()]
    assert len(rows) == Company.objects.count() == 5  # the demo group: every company is a joint user
    records = {row["会社"]: row["この会社が保有する主な記録"] for row in rows}
    assert "健康状態に関する情報" in records[life.legal_name]
    assert "事故のご連絡" in records["楽天損害保険株式会社"]
    assert all("第三者に提供した記録" in text for text in records.values())
    for row in rows:
        assert "開示のご請求をいただくと、この会社が自社の記録を確認し" in row["開示の受け方"]
        assert row["開示等のご請求"].endswith("/my/requests/new/")
        assert re.search(r"/contact/#contact-company-\d+$", row["お問合せ窓口"])
    life_row = next(row for row in rows if row["会社"] == life.legal_name)
    page = retained_data_notice_for(life)
    assert page.company == life  # the company's own page, not the group's
    assert life_row["保有個人データに関する事項"] == settings.SITE_URL + page.get_absolute_url()
    readme = package.text("README.txt")
    assert f"・{life.legal_name}\r\n  ご契約の内容（ご契約者・被保険者・受取人" in readme
    assert "開示等のご請求：http" in readme
    assert "各社が保有する記録" in package.text("report.html")


def test_a_company_the_customer_has_a_policy_with_is_listed_even_if_not_a_joint_user(policyholder, demo_content):
    other = Company.objects.create(legal_name="デモ生命保険株式会社", short_name="デモ生命", role=Company.Role.LIFE)
    Policy.objects.create(policyholder=policyholder, company=other, policy_number="D-1", product="定期保険")
    rows = opened(disclosure_package_request(policyholder)).csv("company_records")
    assert "デモ生命保険株式会社" in [row["会社"] for row in rows]
    assert len(rows) == 6
    # Another customer, without that policy, is not told of that company.
    rows = opened(disclosure_package_request(PolicyholderFactory())).csv("company_records")
    assert "デモ生命保険株式会社" not in [row["会社"] for row in rows]


def test_the_readme_and_the_report_link_the_page_of_items_on_retained_personal_data(policyholder, settings):
    settings.SITE_URL = "https://privacy.example.jp"
    package = opened(disclosure_package_request(policyholder))
    readme = package.text("README.txt")
    assert "保有個人データに関する事項：https://privacy.example.jp/privacy/\r\n" in readme
    assert '<a href="https://privacy.example.jp/privacy/">保有個人データに関する事項</a>' in package.text("report.html")


def test_the_third_party_section_is_there_without_records_and_says_why(policyholder, life):
    change(policyholder, life)
    package = opened(disclosure_package_request(policyholder))
    assert package.text("third_party_provisions.csv") == "提供年月日,提供先,個人データの項目,提供の根拠\r\n"
    section = package.json()["sections"]["third_party_provisions"]
    assert section["title"] == "第三者提供記録" and section["rows"] == []
    assert section["statement"].startswith("当ポータルがお客さまの個人データを第三者に提供した記録はありません。")
    assert JOINT_USE_IS_NOT_PROVISION in section["statement"]
    assert package.json()["row_counts"]["third_party_provisions"] == 0
    report = package.text("report.html")
    assert '<h2 id="third_party_provisions">第三者提供記録</h2>' in report
    assert f'<p class="statement">{section["statement"]}</p>' in report
    readme = package.text("README.txt")
    assert "third_party_provisions.csv　（第三者提供記録、0件）" in readme and section["statement"] in readme


def test_a_customer_with_no_history_gets_every_section_in_every_file(demo_content):
    package = opened(disclosure_package_request(PolicyholderFactory()))
    data = package.json()
    report, readme = package.text("report.html"), package.text("README.txt")
    for key, section in data["sections"].items():
        assert f"{key}.csv" in package.names
        assert f'<h2 id="{key}">{section["title"]}</h2>' in report
        assert f"{key}.csv　（{section['title']}、" in readme
    assert data["sections"]["consent_events"]["rows"] == []
    assert "statement" not in data["sections"]["consent_events"]  # no reason to give: nothing was changed
    assert "third_party_provisions" in data["sections"] and "company_records" in data["sections"]
    assert report.count("記録はありません。") >= 3  # events, notice records, downloads…
