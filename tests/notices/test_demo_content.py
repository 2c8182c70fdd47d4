"""The demo pages reproduce the source text word for word (whitespace aside)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command

from faq.models import FaqEntry
from notices.models import Company, Notice, NoticeVersion

SOURCE = Path(__file__).resolve().parents[1] / "fixtures" / "source_text.txt"
PAGES = [
    "/notices/group-joint-use/",
    "/notices/shotan-group-joint-use/",
    "/faq/",
]
LIST_MARKER = re.compile(r"^\s*\d+\.\s+")


class TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def without_whitespace(text: str) -> str:
    return "".join(text.split())


def source_lines() -> list[str]:
    """Every paragraph, list item, heading, question and answer of the source, one line each."""
    lines = []
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            # Numbered list items render as <ol> items: the number is the list's, not the text's.
            lines.append(LIST_MARKER.sub("", line) if line.startswith("  ") else line)
    return lines


def rendered_text(client) -> str:
    text = []
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        parser = TextExtractor()
        parser.feed(response.content.decode())
        text.append("".join(parser.parts))
    return without_whitespace("\n".join(text))


@pytest.mark.django_db
def test_it_renders_every_line_of_the_source(client, demo_content):
    text = rendered_text(client)
    lines = source_lines()
    assert len(lines) == 72  # the source's non-empty lines; a changed fixture must be looked at
    missing = [line for line in lines if without_whitespace(line) not in text]
    assert missing == []


@pytest.mark.django_db
def test_it_notices_a_missing_line(client, demo_content, monkeypatch):
    # The published rows cannot be changed (a database trigger refuses), so the page is shown one line short.
    shown = NoticeVersion.content.fget

    def one_purpose_short(version):
        content = dict(shown(version))
        if version.notice.slug == "group-joint-use":
            content["purposes"] = content["purposes"][:-1]
        return content

    monkeypatch.setattr(NoticeVersion, "content", property(one_purpose_short))
    text = rendered_text(client)
    assert without_whitespace("その他上記に関連・付随する業務") not in text


@pytest.mark.django_db
def test_it_links_both_kochira_to_the_company_list(client, demo_content):
    for url in ("/notices/group-joint-use/", "/notices/shotan-group-joint-use/"):
        html = client.get(url).content.decode()
        assert re.search(r'<a href="/companies/"[^>]*>こちら</a>', html), url


@pytest.mark.django_db
def test_it_is_idempotent(demo_content):
    counts = (Company.objects.count(), Notice.objects.count(), NoticeVersion.objects.count(), FaqEntry.objects.count())
    call_command("load_demo_content", "--no-accounts", verbosity=0)
    after = (Company.objects.count(), Notice.objects.count(), NoticeVersion.objects.count(), FaqEntry.objects.count())
    # 2 notices of the group's source pages and 6 pages of items on retained personal data (written for the
    # demo), one version each; 7 FAQ entries of the source and 1 written for the demo.
    assert counts == after == (5, 8, 8, 8)


@pytest.mark.django_db
def test_it_publishes_the_2019_versions(demo_content):
    versions = NoticeVersion.objects.published().exclude(notice__kind=Notice.Kind.RETAINED_DATA)
    assert [v.effective_date.isoformat() for v in versions] == ["2019-06-03", "2019-06-03"]
    assert all(v.snapshot and v.published_at for v in versions)
