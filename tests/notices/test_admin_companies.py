"""Companies in the admin: 法人番号 check digit, no deletion under a published version, renames never
change a published page."""

import datetime

import pytest

from notices.models import Company
from tests import personas
from tests.factories import CompanyFactory, published_version

pytestmark = pytest.mark.django_db


def company_data(company: Company, **overrides) -> dict:
    data = {
        "legal_name": company.legal_name,
        "short_name": company.short_name,
        "kana": company.kana,
        "role": company.role,
        "corporate_number": company.corporate_number,
        "display_order": company.display_order,
        "markets_to_customers": "on" if company.markets_to_customers else "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def test_a_corporate_number_with_a_wrong_check_digit_is_refused_in_japanese(client):
    company = CompanyFactory()
    client.force_login(personas.editor())
    response = client.post(
        f"/admin/notices/company/{company.pk}/change/", company_data(company, corporate_number="8000012050002")
    )
    assert response.status_code == 400
    assert "法人番号のチェックデジットが正しくありません。" in response.content.decode()
    company.refresh_from_db()
    assert company.corporate_number == ""


def test_a_valid_corporate_number_is_saved(client):
    company = CompanyFactory()
    client.force_login(personas.editor())
    response = client.post(
        f"/admin/notices/company/{company.pk}/change/", company_data(company, corporate_number="7000012050002")
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.corporate_number == "7000012050002"


def test_a_company_listed_by_a_published_version_cannot_be_deleted(client):
    version = published_version(effective_date=datetime.date(2023, 4, 1))
    company = version.joint_users.get().company
    client.force_login(personas.editor())
    page = client.get(f"/admin/notices/company/{company.pk}/delete/").content.decode()
    assert "保護された関連オブジェクト" in page
    response = client.post(f"/admin/notices/company/{company.pk}/delete/", {"post": "yes"})
    assert response.status_code == 409
    assert "保護された関連オブジェクト" in response.content.decode()
    assert Company.objects.filter(pk=company.pk).exists()


def test_renaming_a_company_leaves_the_published_page_byte_for_byte_the_same(client):
    version = published_version(effective_date=datetime.date(2023, 4, 1))
    company = version.joint_users.get().company
    url = version.get_absolute_url()
    before = client.get(url).content
    client.force_login(personas.editor())
    response = client.post(
        f"/admin/notices/company/{company.pk}/change/", company_data(company, legal_name="改名後保険株式会社")
    )
    assert response.status_code == 302
    client.logout()
    after = client.get(url).content
    assert after == before
    assert "改名後保険株式会社" not in after.decode()
