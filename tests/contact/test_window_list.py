"""/contact/: every company's お問合せ窓口, from the demo content, in Japanese, cached like the other public pages."""

import re

import pytest

from contact.models import ContactWindow
from demo import content as demo
from notices.models import Company

pytestmark = pytest.mark.django_db


def page(client) -> str:
    response = client.get("/contact/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_the_window_of_every_demo_company_in_their_order(client, demo_content):
    html = page(client)
    assert "<h1>お問合せ窓口</h1>" in html
    headings = re.findall(r'<h2 id="contact-company-\d+">(.+?)</h2>', html)
    assert headings == [company["legal_name"] for company in demo.COMPANIES]
    for window in ContactWindow.objects.select_related("company"):
        card = re.search(rf'<li class="card contact-window" id="window-{window.pk}">(.+?)</li>', html, re.S).group(1)
        assert f"<h3>{window.name}</h3>" in card
        digits = window.phone.replace("-", "")
        assert f'<a href="tel:{digits}">{window.phone}</a>' in card
        assert "平日 9:00〜17:00（土日祝日・年末年始を除く）" in card
        assert f"〒000-0000<br>（デモ用の住所）{window.company.legal_name} {window.name} 宛" in card
        # The demo numbers and addresses are not real, and the page says so.
        assert "この窓口の電話番号・受付時間・郵送先はデモ用の値です。実在の窓口ではありません。" in card
    assert [field in html for field in ("電話番号", "受付時間", "郵送でのお問合せ先")] == [True, True, True]


def test_the_demo_windows_are_one_per_company_and_loaded_once(demo_content):
    from django.core.management import call_command

    call_command("load_demo_content", "--no-accounts", verbosity=0)
    assert sorted(ContactWindow.objects.values_list("company__legal_name", flat=True)) == sorted(
        company["legal_name"] for company in demo.COMPANIES
    )


def test_an_unpublished_window_is_not_shown(client, demo_content):
    company = Company.objects.get(short_name="楽天損保")
    ContactWindow.objects.create(
        company=company, name="準備中の窓口", phone="03-0000-0099", hours="平日", postal_code="000-0000",
        address="（デモ）", published=False,
    )
    assert "準備中の窓口" not in page(client)


def test_windows_of_one_company_follow_their_display_order(client, demo_content):
    company = Company.objects.get(short_name="楽天生命")
    ContactWindow.objects.create(
        company=company, name="先に表示する窓口", phone="03-0000-0098", hours="平日", postal_code="000-0000",
        address="（デモ）", display_order=0,
    )
    html = page(client)
    assert html.index("先に表示する窓口") < html.index("お客さまサービスセンター")


def test_a_web_form_is_linked_when_the_company_has_one(client, demo_content):
    ContactWindow.objects.filter(company__short_name="楽天少短").update(form_url="https://example.com/inquiry/")
    assert '<a href="https://example.com/inquiry/">楽天少短のお問合せフォーム</a>' in page(client)


def test_it_links_the_preference_center_and_the_faq(client, demo_content):
    html = page(client)
    assert '<a href="/my/">マイページの配信設定</a>' in html
    assert '<a href="/faq/">よくある質問</a>' in html


def test_it_links_the_inquiry_form(client, demo_content):
    assert '<a href="/contact/form/">お問合せフォーム</a>' in page(client)


def test_it_is_a_cacheable_public_page(client, demo_content, django_assert_num_queries):
    with django_assert_num_queries(1):  # the published windows with their companies
        response = client.get("/contact/")
    assert "public" in response["Cache-Control"]
    assert not response.cookies and "Cookie" not in response.get("Vary", "")
    with django_assert_num_queries(0):
        assert client.get("/contact/").status_code == 200


def test_a_saved_window_drops_the_cached_page(client, demo_content):
    assert "03-0000-0002" in page(client)
    window = ContactWindow.objects.get(company__short_name="楽天生命")
    window.phone = "03-0000-0077"
    window.save()
    html = page(client)
    assert "03-0000-0077" in html and "03-0000-0002" not in html


def test_with_no_windows_it_says_so(client, db):
    assert "現在、掲載しているお問合せ窓口はありません。" in page(client)


def test_a_post_is_refused(client, db):
    assert client.post("/contact/").status_code == 405
