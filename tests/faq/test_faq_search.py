"""The FAQ search as customers ask: everyday words through the synonym table, matches marked, a way on."""

import re

import pytest

from faq.search import highlight_html, query_terms
from tests.factories import FaqEntryFactory


def shown(html: str) -> list[str]:
    return re.findall(r'<section class="faq-entry" id="(q\d+)"', html)


@pytest.mark.parametrize("query", ["ダイレクトメールを止めたい", "DM 止める", "ＤＭをやめたい", "郵便のご案内を停止"])
def test_everyday_words_find_the_entry_about_direct_mail(client, demo_content, query):
    html = client.get("/faq/", {"q": query}).content.decode()
    # Q2 is about direct mail; Q8 (how to request that the use of data stop) is about stopping.
    assert shown(html)[0] == "q2" and set(shown(html)) <= {"q2", "q8"}
    assert "<mark>ダイレクトメール</mark>" in html or "<mark>郵便</mark>" in html
    # No entry says how to stop the mail: the page says it shows the closest, and where to stop it.
    assert "すべて当てはまる質問はありません。近い質問を" in html
    assert 'href="/my/preferences/"' in html


def test_a_query_every_word_of_which_is_found_shows_only_entries_with_all(client, demo_content):
    html = client.get("/faq/", {"q": "委託 個人情報"}).content.decode()
    assert shown(html) == ["q6"]
    assert "「委託 個人情報」を含む質問は1件です。" in html


def test_an_empty_result_offers_preferences_the_request_procedure_and_the_inquiry_windows(client, demo_content):
    html = client.get("/faq/", {"q": "存在しない言葉"}).content.decode()
    assert shown(html) == [] and "該当する質問はありません。" in html
    way_on = html[html.index('class="faq-way-on"'):]
    assert 'href="/my/preferences/">ダイレクトメール・メール・お電話でのご案内を止めたい：配信設定</a>' in way_on
    assert 'href="/privacy/">個人データの開示・訂正・利用停止などをご希望の方：ご請求の手続き</a>' in way_on
    assert 'href="/contact/">そのほかのご質問：お問合せ窓口</a>' in way_on


def test_the_full_list_has_no_way_on_block(client, demo_content):
    assert 'class="faq-way-on"' not in client.get("/faq/").content.decode()


def test_matches_are_marked_and_the_text_stays_escaped(client, db):
    FaqEntryFactory(number=50, question="<b>ペット</b>の保険?", answer="ペットと **ペット保険** と [ペット](https://example.com/ペット)")
    html = client.get("/faq/", {"q": "ぺっと"}).content.decode()
    assert "&lt;b&gt;<mark>ペット</mark>&lt;/b&gt;の保険?" in html
    assert "<strong><mark>ペット</mark>保険</strong>" in html
    # Inside a link's text, never inside its address.
    assert '<a href="https://example.com/ペット" rel="noopener noreferrer"><mark>ペット</mark></a>' in html


def test_highlighting_never_marks_inside_a_tag_or_an_entity():
    terms = query_terms("amp title")
    out = highlight_html('<p title="amp title">a &amp; b &lt;title&gt;</p>', terms)
    assert out == '<p title="amp title">a &amp; b &lt;<mark>title</mark>&gt;</p>'


def test_half_width_kana_in_the_text_is_marked_whole(client, db):
    FaqEntryFactory(number=51, question="ﾍﾟｯﾄの質問", answer="答え")
    html = client.get("/faq/", {"q": "ペット"}).content.decode()
    assert "<mark>ﾍﾟｯﾄ</mark>の質問" in html


def test_a_particle_or_an_ending_beside_a_synonym_is_not_searched_for():
    assert [term.typed for term in query_terms("ダイレクトメールを止めたい")] == ["ダイレクトメール", "止め"]
    assert [term.typed for term in query_terms("保険の案内をやめたい")] == ["保険", "案内", "やめたい"]
    # Without a synonym a word stays whole: 「ぺっと保険」 is not 「保険」 alone.
    assert [term.typed for term in query_terms("ぺっと保険")] == ["ぺっと保険"]


def test_the_documents_an_answer_names_are_said_where_they_are(client, demo_content):
    html = client.get("/faq/").content.decode()
    q5 = html[html.index('id="q5"'):html.index('id="q6"')]
    assert (
        "「個人情報取扱い（楽天グループ各社への第三者提供、利用目的等）についてのご同意のお願いに関するご説明」は、"
        "このサイトには掲載していません。"
    ) in q5
    assert "「個人情報保護指針」は、このサイトには掲載していません。" in q5
    link = '<a href="/notices/shotan-group-joint-use/">楽天保険グループ各社との共同利用について</a>'
    assert f"関連する公表文：{link}" in q5
    q4 = html[html.index('id="q4"'):html.index('id="q5"')]
    assert "このサイトには掲載していません" not in q4  # Q4 names neither document


def test_the_faq_text_is_shown_word_for_word(client, demo_content):
    from demo.content import FAQ_ENTRIES

    html = client.get("/faq/").content.decode()
    for entry in FAQ_ENTRIES:
        assert entry["question"] in html.replace("&quot;", '"')
