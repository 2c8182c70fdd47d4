"""An app above this one adds a section (the requests desk: requests and answers) and every package built
after that holds it in every form: its CSV, data.json, the report and the README."""

import pytest

from disclosure.sections import Column, Section, register_section, registered_sections
from disclosure.services import disclosure_package_request

from .conftest import opened


def request_rows(policyholder):
    yield {"number": "R-1", "answered": True, "note": f"{policyholder.customer_number}の開示請求"}


@pytest.fixture
def requests_section(section_registry):
    # In place of the requests desk's own section of that key, put back afterwards.
    section_registry.pop("requests", None)
    section = Section(
        key="requests", order=70, title="開示等のご請求", description="お客さまからのご請求と回答です。",
        columns=[Column("number", "受付番号", "ご請求の受付番号。"), Column("answered", "回答", "回答済みか。",
                 labels=("回答済み", "未回答")), Column("note", "内容", "ご請求の内容。")],
        rows=request_rows,
    )
    register_section(section)
    return section


def test_a_registered_section_is_in_every_file_of_the_package(requests_section, policyholder):
    package = opened(disclosure_package_request(policyholder))
    assert package.csv("requests") == [
        {"受付番号": "R-1", "回答": "回答済み", "内容": f"{policyholder.customer_number}の開示請求"}
    ]
    assert package.json()["sections"]["requests"]["rows"] == [
        {"number": "R-1", "answered": True, "note": f"{policyholder.customer_number}の開示請求"}
    ]
    assert "開示等のご請求" in package.text("report.html")
    assert "requests.csv　（開示等のご請求、1件）" in package.text("README.txt")
    assert "・回答：回答済みか。" in package.text("README.txt")


def test_sections_come_in_their_order_and_keys_are_checked(db, requests_section):
    keys = [section.key for section in registered_sections()]
    assert keys.index("emails") < keys.index("requests") < keys.index("disclosures")
    with pytest.raises(ValueError):
        register_section(Section(key="requests", title="x", description="", columns=[], rows=request_rows))
    with pytest.raises(ValueError):
        Section(key="../evil", title="x", description="", columns=[], rows=request_rows)
    with pytest.raises(ValueError):
        Section(key="data", title="x", description="", columns=[], rows=request_rows)
