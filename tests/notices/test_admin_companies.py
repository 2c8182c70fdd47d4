"""Companies in the admin: 法人番号 check digit, no deletion under a published version, and the two-person
rule: what /companies/, the preference matrix and the marketing systems read changes only when another
person approves."""

import datetime

import pytest

from approvals.models import ChangeRequest
from consents.selectors import marketing_companies
from notices.models import Company
from tests import personas
from tests.approvals.review import decide, pending_for
from tests.consents.conftest import log_in
from tests.factories import CompanyFactory, PolicyholderFactory, published_version

pytestmark = pytest.mark.django_db


def company_data(company: Company, **overrides) -> dict:
    data = {
        "legal_name": company.legal_name,
        "short_name": company.short_name,
        "kana": company.kana,
        "role": company.role,
        "corporate_number": company.corporate_number,
        "address": company.address,
        "representative_title": company.representative_title,
        "representative_name": company.representative_name,
        "website": company.website,
        "display_order": company.display_order,
        "markets_to_customers": "on" if company.markets_to_customers else "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


def joint_user(**fields) -> Company:
    """A company that the joint-use version in force names: /companies/ and the marketing systems see it."""
    company = published_version(effective_date=datetime.date(2023, 4, 1)).joint_users.get().company
    Company.objects.filter(pk=company.pk).update(**fields)
    company.refresh_from_db()
    return company


def change_url(company: Company) -> str:
    return f"/admin/notices/company/{company.pk}/change/"


def test_a_corporate_number_with_a_wrong_check_digit_is_refused_in_japanese(client):
    company = CompanyFactory()
    client.force_login(personas.editor())
    response = client.post(change_url(company), company_data(company, corporate_number="8000012050002"))
    assert response.status_code == 400
    assert "法人番号のチェックデジットが正しくありません。" in response.content.decode()
    company.refresh_from_db()
    assert company.corporate_number == ""
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("legal_name", "改名後保険株式会社", "改名後保険株式会社"),
        ("corporate_number", "7000012050002", "7000012050002"),
        ("address", "東京都千代田区丸の内一丁目1番1号", "東京都千代田区丸の内一丁目1番1号"),
        ("representative_title", "代表執行役", "代表執行役"),
        ("representative_name", "鈴木一郎", "鈴木一郎"),
        ("website", "https://phishing.example.com/", "phishing.example.com"),
        ("role", "agency", "保険代理店"),
    ],
)
def test_an_editor_alone_does_not_change_what_companies_shows(client, field, value, shown):
    company = joint_user()
    editor, approver = personas.editor(), personas.approver()
    client.force_login(editor)
    response = client.post(change_url(company), company_data(company, **{field: value}))
    assert response.status_code == 302
    assert "承認に回りました" in client.get(change_url(company)).content.decode()
    assert shown not in client.get("/companies/").content.decode()
    proposal = pending_for(company)
    assert proposal.proposed_by == editor
    client.force_login(approver)
    assert decide(client, proposal).status_code == 302
    assert shown in client.get("/companies/").content.decode()


def test_turning_marketing_on_waits_for_an_approver(client):
    company = joint_user(markets_to_customers=False)
    client.force_login(personas.editor())
    client.post(change_url(company), company_data(company, markets_to_customers="on"))
    assert company not in marketing_companies()
    client.force_login(personas.approver())
    decide(client, pending_for(company))
    assert company in marketing_companies()


def test_turning_marketing_off_leaves_the_preference_matrix_until_approved(client, life):
    policyholder = PolicyholderFactory()
    client.force_login(personas.editor())
    client.post(change_url(life), company_data(life, markets_to_customers=""))
    client.logout()
    log_in(client, policyholder)
    assert life.legal_name in client.get("/my/preferences/").content.decode()
    client.force_login(personas.approver())
    decide(client, pending_for(life))
    life.refresh_from_db()
    assert life.markets_to_customers is False
    assert life.legal_name not in client.get("/my/preferences/").content.decode()


def test_kana_and_display_order_save_at_once_beside_a_proposal(client):
    company = CompanyFactory(kana="", display_order=1)
    client.force_login(personas.editor())
    response = client.post(
        change_url(company), company_data(company, kana="テストホケン", display_order=5, legal_name="新商号株式会社")
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.kana, company.display_order, company.legal_name) == ("テストホケン", 5, company.legal_name)
    assert pending_for(company).values == {"legal_name": "新商号株式会社"}
    messages = client.get(change_url(company)).content.decode()
    assert "変更したそのほかの項目（商号（カナ）、表示順）は保存しました。" in messages


def test_a_second_save_edits_the_proposal_and_reverting_withdraws_it(client):
    company = CompanyFactory()
    client.force_login(personas.editor())
    client.post(change_url(company), company_data(company, legal_name="案1株式会社"))
    first = pending_for(company)
    form = client.get(change_url(company)).content.decode()
    assert 'value="案1株式会社"' in form  # the form shows what is pending
    client.post(change_url(company), company_data(company, legal_name="案1株式会社", address="大阪府大阪市"))
    second = pending_for(company)
    assert second.values == {"legal_name": "案1株式会社", "address": "大阪府大阪市"}
    first.refresh_from_db()
    assert first.status == ChangeRequest.Status.SUPERSEDED
    client.post(change_url(company), company_data(company))
    assert not ChangeRequest.objects.pending().exists()
    company.refresh_from_db()
    assert company.legal_name != "案1株式会社"


def test_a_new_company_starts_out_of_marketing_and_turning_it_on_is_a_proposal(client):
    client.force_login(personas.editor())
    new = CompanyFactory.build(legal_name="新設保険株式会社", short_name="新設")
    data = company_data(new, markets_to_customers="on")
    response = client.post("/admin/notices/company/add/", data)
    assert response.status_code == 302
    company = Company.objects.get(legal_name="新設保険株式会社")
    assert company.markets_to_customers is False
    assert pending_for(company).values == {"markets_to_customers": True}


def test_a_superuser_is_no_second_person_for_their_own_change(client):
    company = CompanyFactory()
    admin = personas.staff("root", None)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    client.post(change_url(company), company_data(company, legal_name="自作自演株式会社"))
    proposal = pending_for(company)
    response = decide(client, proposal, fingerprint="0" * 64)
    assert response.status_code == 403
    assert "ご自身が申請した変更は承認できません" in response.content.decode()
    company.refresh_from_db()
    assert company.legal_name != "自作自演株式会社"


def test_a_company_that_markets_to_customers_cannot_be_deleted(client):
    company = CompanyFactory(markets_to_customers=True)
    client.force_login(personas.editor())
    response = client.post(f"/admin/notices/company/{company.pk}/delete/", {"post": "yes"})
    assert response.status_code == 409
    assert "お客さまへの案内を行う会社は削除できません" in response.content.decode()
    assert Company.objects.filter(pk=company.pk).exists()


def test_a_company_listed_by_a_published_version_cannot_be_deleted(client):
    version = published_version(effective_date=datetime.date(2023, 4, 1))
    company = version.joint_users.get().company
    Company.objects.filter(pk=company.pk).update(markets_to_customers=False)
    client.force_login(personas.editor())
    page = client.get(f"/admin/notices/company/{company.pk}/delete/").content.decode()
    assert "保護された関連オブジェクト" in page
    response = client.post(f"/admin/notices/company/{company.pk}/delete/", {"post": "yes"})
    assert response.status_code == 409
    assert "保護された関連オブジェクト" in response.content.decode()
    assert Company.objects.filter(pk=company.pk).exists()


def test_an_approved_rename_leaves_the_published_page_byte_for_byte_the_same(client):
    version = published_version(effective_date=datetime.date(2023, 4, 1))
    company = version.joint_users.get().company
    url = version.get_absolute_url()
    before = client.get(url).content
    client.force_login(personas.editor())
    client.post(change_url(company), company_data(company, legal_name="改名後保険株式会社"))
    client.force_login(personas.approver())
    decide(client, pending_for(company))
    company.refresh_from_db()
    assert company.legal_name == "改名後保険株式会社"
    client.logout()
    after = client.get(url).content
    assert after == before
