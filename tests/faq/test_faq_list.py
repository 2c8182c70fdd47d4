import pytest

from tests.factories import FaqEntryFactory


def test_every_entry_has_an_anchor(client, demo_content):
    html = client.get("/faq/").content.decode()
    for number in range(1, 8):
        assert f'id="q{number}"' in html


def test_search_filters_questions_and_answers(client, demo_content):
    html = client.get("/faq/", {"q": "ペット保険"}).content.decode()
    assert 'id="q1"' in html and 'id="q2"' in html  # both answers mention ペット保険
    assert 'id="q5"' not in html
    assert "「ペット保険」を含む質問は2件です。" in html


def test_search_finds_question_text(client, demo_content):
    html = client.get("/faq/", {"q": "業務委託先"}).content.decode()
    assert 'id="q6"' in html and 'id="q1"' not in html


def test_search_folds_full_width_letters(client, demo_content):
    FaqEntryFactory(question="DMは止められますか?", answer="止められます。")
    assert "DMは止められますか?" in client.get("/faq/", {"q": "ＤＭ"}).content.decode()


def test_no_match_says_so(client, demo_content):
    html = client.get("/faq/", {"q": "存在しない言葉"}).content.decode()
    assert "該当する質問はありません。" in html


@pytest.mark.parametrize("query", ["あ" * 10_000, "ペット\x00", "\x1b[31m"])
def test_bad_search_is_a_japanese_400(client, demo_content, query):
    response = client.get("/faq/", {"q": query})
    assert response.status_code == 400
    assert "文字" in response.content.decode()  # 100文字以内 / 使用できない文字 / ヌル文字


def test_unpublished_entries_are_hidden(client, demo_content):
    FaqEntryFactory(question="非公開の質問ですか?", published=False)
    assert "非公開の質問" not in client.get("/faq/").content.decode()


def test_answers_cannot_inject_script(client, db):
    FaqEntryFactory(answer='<script>alert(1)</script>[x](javascript:alert(2)) <img src=x onerror=alert(3)>**太字**')
    html = client.get("/faq/").content.decode()
    assert "<script>alert" not in html and "javascript:" not in html and "onerror" not in html
    assert "<strong>太字</strong>" in html


def test_a_query_that_normalisation_expands_past_the_limit_is_refused(db, client):
    # U+FDFA is one character that NFKC turns into 18 (four words): 100 of them would search 400 words.
    response = client.get("/faq/", {"q": "\ufdfa" * 100})
    assert response.status_code == 400
    assert "100文字以内" in response.content.decode()


@pytest.mark.parametrize("query", ["ぺっと保険", "ﾍﾟｯﾄ保険", "ペット保険"])
def test_search_folds_hiragana_katakana_and_half_width(client, demo_content, query):
    html = client.get("/faq/", {"q": query}).content.decode()
    assert 'id="q1"' in html and 'id="q2"' in html and 'id="q5"' not in html


@pytest.mark.parametrize("query", ["Q4", "ｑ４"])
def test_search_finds_an_entry_by_its_number(client, demo_content, query):
    html = client.get("/faq/", {"q": query}).content.decode()
    assert 'id="q4"' in html and "機微情報は共同利用いたしません" in html
    assert 'id="q1"' not in html


def test_a_search_for_kaiji_finds_how_to_make_a_request_and_links_the_page(client, demo_content):
    html = client.get("/faq/", {"q": "開示"}).content.decode()
    assert 'id="q8"' in html
    assert "自分の個人情報の開示や訂正、利用停止を請求するにはどうすればよいですか？" in html
    assert "「開示」を含む質問は1件です。" in html
    answer = html[html.index('id="q8"'):]
    assert '<a href="/privacy/"' in answer
