from django.contrib.staticfiles import finders


def test_the_top_page_leads_to_the_preferences(client, demo_content):
    html = client.get("/").content.decode()
    assert "配信設定（ご案内の受け取り）" in html
    assert '<a class="button" href="/my/preferences/">配信設定を変更する</a>' in html


def test_every_page_links_a_favicon_that_exists(client, demo_content):
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get("/faq/").content.decode()
    assert finders.find("favicon.svg")


def test_an_error_page_leads_on(client, demo_content):
    response = client.get("/notices/no-such-notice/")
    html = response.content.decode()
    assert response.status_code == 404
    for link in ('href="/"', 'href="/faq/"', 'href="/login/"'):
        assert link in html.split("<main", 1)[1], link
