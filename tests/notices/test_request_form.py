"""The postal request form, for everyone who cannot make the request online (heirs, agents, people who are not
policyholders): a PDF to print that says where to send it and names every document to enclose, the same form as
a page to print from the browser, and a Japanese answer when it cannot be made."""

import io
import re

import pytest
from pypdf import PdfReader

from notices import printing

pytestmark = pytest.mark.django_db

DOCUMENTS = (
    "マイナンバーカード（表面のみ。裏面は送らないでください）",
    "記号・番号・保険者番号・QRコードを黒塗り",
    "委任状（ご本人の実印を押印したもの）",
    "ご本人の印鑑証明書（発行日から3か月以内のもの）",
    "法定代理権を確認できる書類",
    "定額小為替",
)
KINDS = ("利用目的の通知", "第三者提供記録の開示", "訂正・追加・削除", "利用停止・消去", "第三者提供の停止")


def test_the_pdf_downloads_and_names_the_documents_the_kinds_and_where_to_send_it(client, demo_content):
    response = client.get("/privacy/request-form/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="request-form.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert height > width  # A4 portrait, to fill in by hand
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert "保有個人データの開示等請求書" in text
    assert "送付先：〒000-0000東京都（デモ用の住所）" in text
    for words in DOCUMENTS + KINDS + ("簡易書留", "楽天生命保険株式会社", "楽天少額短期保険株式会社"):
        assert words in text, words


def test_the_page_shows_the_same_form_to_print_from_the_browser(client, demo_content):
    response = client.get("/privacy/request-form/")
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))
    for words in DOCUMENTS + KINDS:
        assert words in text, words
    assert 'href="/privacy/request-form/pdf/"' in html


def test_a_server_without_pango_answers_a_japanese_503_that_points_to_the_page(client, demo_content, monkeypatch):
    monkeypatch.setattr(printing, "_weasyprint", lambda: None)
    response = client.get("/privacy/request-form/pdf/")
    assert response.status_code == 503
    assert "ブラウザから開示等請求書のページを印刷してください" in response.content.decode()


def test_without_a_page_in_force_the_form_is_a_japanese_404(client):
    for url in ("/privacy/request-form/", "/privacy/request-form/pdf/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "請求書の送付先を記載できません" in response.content.decode()
