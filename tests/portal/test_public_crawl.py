"""A crawl of every public page, from the top page through every link the site shows, plus the forms and an error
page no link leads to: each links 保有個人データに関する事項 (APPI Art. 32(1): readily accessible) from its footer,
and each form that collects personal data states its purpose of use beside its submit button (Art. 21(2))."""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

pytestmark = pytest.mark.django_db

FOOTER_LINK = '<a href="/privacy/">保有個人データに関する事項・開示等のご請求</a>'
# Pages a visitor reaches without a link from the crawl: the forms and a page that does not exist.
ALSO_VISITED = ["/contact/form/", "/login/", "/faq/?q=開示", "/no-such-page/"]


def _footer(html: str) -> str:
    start = html.index('<footer class="site-footer">')
    return html[start:html.index("</footer>", start)]


def _links(html: str) -> list[str]:
    paths = []
    for href in re.findall(r'href="([^"]+)"', html):
        href = urldefrag(href.replace("&amp;", "&")).url
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue  # another site, mailto:
        if href.startswith(("/static/", "/admin/")) or href.endswith("/pdf/"):
            continue
        paths.append(href)
    return paths


def _crawl(client) -> dict[str, str]:
    """{path: html} of every public HTML page the crawl reaches."""
    queue, seen, pages = deque(["/", *ALSO_VISITED]), set(), {}
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code in (301, 302) or "text/html" not in response["Content-Type"]:
            continue  # a page behind the login; its login page is crawled itself
        pages[path] = html = response.content.decode()
        queue.extend(link for link in _links(html) if link not in seen)
    return pages


def test_every_public_page_links_the_retained_data_page_from_its_footer(client, demo_content):
    pages = _crawl(client)
    for path, html in pages.items():
        assert FOOTER_LINK in _footer(html), path
    checked = list(pages)
    # The crawl reached the pages that matter, not just the top page.
    for path in ("/", "/privacy/", "/notices/retained-data-life/", "/privacy/request-form/", "/faq/", "/companies/",
                 "/contact/", "/notices/group-joint-use/", "/notices/group-joint-use/versions/", "/no-such-page/"):
        assert path in checked, path
    assert len(checked) >= 20


def test_the_top_page_leads_to_the_procedure_in_one_tap(client, demo_content):
    html = client.get("/").content.decode()
    main = html[html.index("<main"):html.index("</main>")]
    assert 'href="/privacy/"' in main
    page = client.get("/privacy/").content.decode()
    assert "開示等のご請求の手続" in page and "手数料とお支払方法" in page and "本人確認書類" in page


def test_every_public_form_that_collects_personal_data_states_its_purpose_beside_its_button(client, demo_content):
    collecting = []
    for path, html in _crawl(client).items():
        for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
            if 'method="post"' not in form or not re.search(r'<input type="(text|email|tel|file)"|<textarea', form):
                continue
            collecting.append(path)
            purpose = re.search(r'<p class="purpose-of-use">(.*?)</p>\s*<p><button type="submit"', form, flags=re.S)
            assert purpose, f"{path}: no purpose of use beside the submit button"
            sentence = re.sub(r"<a .*?</a>", "", purpose.group(1), flags=re.S).strip()
            assert sentence.endswith("。") and '<a href="/privacy/">' in purpose.group(1), path
    assert {"/contact/form/", "/login/"} <= set(collecting)
