"""The complaint route other pages and emails include (a refusal, an answer): 苦情の申出先 and the 認定個人情報保護
団体 as the page in force states them, the company's own when it has one, with the page's address."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_a_company_gets_its_own_route_and_page(demo_content, life):
    html = render_to_string("includes/complaint_route.html", {"company": life})
    assert "苦情の申出先" in html
    assert "楽天生命保険株式会社のお問合せ窓口" in html
    assert "当社は、一般社団法人生命保険協会の対象事業者です。" in html and "03-0000-0011" in html
    assert "日本損害保険協会" not in html
    assert 'href="/notices/retained-data-life/"' in html


def test_without_a_company_the_group_route_names_every_organization(demo_content):
    html = render_to_string("includes/complaint_route.html", {})
    for name in ("一般社団法人生命保険協会", "一般社団法人日本損害保険協会", "一般社団法人日本少額短期保険協会"):
        assert name in html
    assert 'href="/privacy/"' in html


def test_a_company_without_a_page_of_its_own_gets_the_group_route(demo_content):
    html = render_to_string("includes/complaint_route.html", {"company": CompanyFactory()})
    assert "一般社団法人日本少額短期保険協会" in html and 'href="/privacy/"' in html


def test_the_email_text_is_plain_with_the_full_address(demo_content, life):
    text = render_to_string("includes/complaint_route.txt", {"company": life})
    assert "【苦情の申出先・認定個人情報保護団体】" in text
    assert "楽天生命保険株式会社のお問合せ窓口でお受けします。" in text  # the Markdown link as its text
    assert "一般社団法人生命保険協会" in text
    assert f"保有個人データに関する事項：{settings.SITE_URL}/notices/retained-data-life/" in text
    assert "<" not in text and "](" not in text


def test_before_any_page_is_published_the_route_still_names_the_inquiry_windows(db):
    html = render_to_string("includes/complaint_route.html", {})
    assert "お問合せ窓口" in html and 'href="/contact/"' in html and 'href="/privacy/"' in html
    text = render_to_string("includes/complaint_route.txt", {})
    assert "各社のお問合せ窓口でお受けします。" in text and f"{settings.SITE_URL}/privacy/" in text


def test_the_purpose_of_use_partial_links_the_page(db):
    html = render_to_string("includes/purpose_of_use.html", {"purpose": "ご請求への回答のためにのみ利用します。"})
    assert "ご請求への回答のためにのみ利用します。" in html and 'href="/privacy/"' in html
