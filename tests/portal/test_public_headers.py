"""Public pages are cacheable by a CDN: no cookie, no Vary: Cookie, validators and 304s."""

import pytest

PUBLIC_URLS = [
    "/",
    "/notices/group-joint-use/",
    "/notices/shotan-group-joint-use/",
    "/notices/group-joint-use/versions/",
    "/notices/group-joint-use/2019-06-03/",
    "/companies/",
    "/faq/",
    "/faq/?q=ペット",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_it_sets_no_cookie_and_does_not_vary_on_cookie(client, demo_content, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_conditional_get_is_answered_with_304(client, demo_content, url):
    first = client.get(url)
    etag = first["ETag"]
    second = client.get(url, headers={"If-None-Match": etag})
    assert second.status_code == 304
    assert second.content == b""


def test_it_sends_security_headers(client, demo_content):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp and "script-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_page_is_japanese(client, demo_content):
    html = client.get("/").content.decode()
    assert '<html lang="ja">' in html


def test_home_links_each_notice_the_faq_and_the_companies(client, demo_content):
    html = client.get("/").content.decode()
    for href in ("/notices/group-joint-use/", "/notices/shotan-group-joint-use/", "/faq/", "/companies/"):
        assert f'href="{href}"' in html


def test_every_page_has_a_footer_link_to_the_notices(client, demo_content):
    for url in ("/companies/", "/faq/", "/notices/no-such/"):
        html = client.get(url).content.decode()
        footer = html[html.index('<footer'):]
        assert 'href="/#notices"' in footer
