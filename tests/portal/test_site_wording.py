"""Every customer page and email of the demo, read as a Japanese customer reads them: inside the site's own
Japanese text no half-width 「:」「?」「(」「)」, no ISO date (2018-01-01) in a sentence and no 西暦 date without its
和暦. The group's published
notice and FAQ texts are left out of the check (they keep their half-width 「?」) and still read word for word."""

import datetime
import html
import re
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.management import call_command

from campaigns.services import campaign_prepare, campaign_start
from consents.models import Source
from consents.services import preferences_update
from customers.models import Policyholder
from demo import content as demo
from desk.services import inquiry_submit, reply_send, reply_write, request_submit
from disclosure.services import disclosure_package_request
from notices.models import Company
from tests import personas
from tests.conftest import run_due_jobs
from tests.consents.conftest import emailed_link
from tests.factories import announced_group_version

pytestmark = pytest.mark.django_db

JAPANESE = r"[\u3005\u3040-\u30ff\u4e00-\u9fff」』】）]"
HALF_WIDTH_AFTER_JAPANESE = re.compile(rf"{JAPANESE}[:?()]|[\u3040-\u30ff\u4e00-\u9fff]\)")
# A date in 西暦 is followed by its 和暦: 2019年6月3日（令和元年6月3日）; a day that does not exist has none.
SEIREKI_WITHOUT_WAREKI = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日(?!（(?:令和|平成|昭和)|という日付はありません)")
ISO_DATE_IN_A_SENTENCE = re.compile(rf"{JAPANESE}\s?\d{{4}}-\d{{2}}-\d{{2}}|\d{{4}}-\d{{2}}-\d{{2}}\s?{JAPANESE}")


def published_words() -> str:
    """The notice and FAQ texts as the group published them (demo/content.py), one string."""
    found = []

    def collect(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list | tuple):
            for item in value:
                collect(item)

    for name in ("GROUP_VERSION", "SHOTAN_VERSION", "FAQ_ENTRIES", "GROUP_NOTICE", "SHOTAN_NOTICE", "FAQ_CATEGORY"):
        collect(getattr(demo, name))
    return "\n".join(found)


class TextChunks(HTMLParser):
    """The text a page shows, chunk by chunk (never across a tag), without scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip and data.strip():
            if self.chunks and data[0] in ":?()":
                # Where a tag ends and the text goes on with a colon (「<strong>改定理由</strong>:」): read as one.
                self.chunks.append(self.chunks[-1][-12:] + data[:1])
            self.chunks.append(data)


def problems_in(where: str, chunks: list[str], published: str) -> list[str]:
    found = []
    for chunk in chunks:
        for pattern, what in (
            (HALF_WIDTH_AFTER_JAPANESE, "half-width"), (ISO_DATE_IN_A_SENTENCE, "ISO date"),
            (SEIREKI_WITHOUT_WAREKI, "西暦 without 和暦"),
        ):
            for match in pattern.finditer(chunk):
                # The group's own words are quoted as published: a match inside them is theirs, not the site's.
                context = chunk[max(0, match.start() - 10):match.end() + 1]
                if what == "ISO date" and re.search(r"例：\d{4}-\d{2}-\d{2}", chunk[match.start() - 3:match.end() + 1]):
                    continue  # an example of the form to type (例：2019-06-03) is not a date said in a sentence
                if context.strip() and context.strip() in published:
                    continue
                found.append(f"{where}: {what}: …{chunk[max(0, match.start() - 20):match.end() + 20]}…")
    return found


@pytest.fixture
def demo_site(demo_content):
    call_command("load_demo_policyholders", verbosity=0)
    return Policyholder.objects.get(email="hanako@example.com")


def test_no_half_width_punctuation_or_iso_date_in_the_sites_own_japanese(client, demo_site, settings):
    hanako = demo_site
    published = published_words()
    announced = announced_group_version(editor=personas.editor(), effective_date=datetime.date(2030, 4, 1))
    pages = {
        path: client.get(path)
        for path in [
            "/", "/notices/group-joint-use/", "/notices/shotan-group-joint-use/", "/notices/group-joint-use/versions/",
            "/notices/group-joint-use/2019-06-03/", "/notices/group-joint-use/2030-04-01/",
            "/notices/group-joint-use/compare/2019-06-03/2030-04-01/", "/companies/", "/privacy/",
            "/privacy/request-form/", "/faq/", "/faq/?q=DM 止める",
            "/faq/?q=存在しない言葉", "/contact/", "/contact/form/", "/login/", "/no-such-page/",
            "/notices/group-joint-use/?as_of=2018-01-01", "/notices/group-joint-use/?as_of=2029-01-01",
            "/notices/group-joint-use/?as_of=2027-02-30", "/notices/group-joint-use/?as_of=abc",
        ]
    }
    client.post("/login/", {"email": "hanako@example.com"})
    pages["/login/sent/"] = client.get("/login/sent/")
    link = emailed_link(mail.outbox[-1])
    pages["login link"] = client.get(link)
    client.post(link)
    life = Company.objects.get(short_name="楽天生命")
    change = preferences_update(
        policyholder=hanako, changes={(life.pk, "email"): True}, source=Source.PORTAL, idempotency_key="c" * 32
    )
    pages["receipt"] = client.get(f"/my/receipts/{change.receipt.number}/")
    request = request_submit(
        policyholder=hanako, kind="purpose", idempotency_key="a" * 32, details="利用目的を知りたい"
    )
    writer = personas.support()
    reply_send(reply=reply_write(request=request, author=writer, body="ご請求の利用目的は公表文のとおりです。"),
               actor=writer)
    inquiry_submit(name="楽天 花子", email="hanako@example.com", message="質問です", idempotency_key="b" * 32)
    disclosure_package_request(hanako)
    run_due_jobs()
    for path in ["/my/", "/my/preferences/", "/my/history/", "/my/requests/", "/my/requests/new/",
                 f"/my/requests/{request.number}/", "/my/disclosures/", f"/my/joint-use/{announced.pk}/"]:
        pages[path] = client.get(path)
    campaign = campaign_prepare(user=personas.editor("editor2"), notice_version=announced, by_email=True, by_post=False)
    campaign_start(campaign=campaign, user=personas.approver())
    run_due_jobs()

    problems = []
    for where, response in pages.items():
        assert response.status_code < 500, where
        parser = TextChunks()
        parser.feed(response.content.decode())
        problems += problems_in(where, parser.chunks, published)
    kinds = set()
    for message in mail.outbox:
        kinds.add(message.subject)
        lines = [message.subject, *message.body.splitlines()]
        problems += problems_in(f"email 「{message.subject}」", lines, published)
    assert problems == [], "\n".join(problems)
    # The login link, the receipt, the request's and the inquiry's acknowledgments, the answer, the package, the
    # campaign's notice of a change.
    assert len(kinds) == 7, kinds


def test_the_published_texts_still_read_word_for_word(client, demo_content):
    faq = html.unescape(client.get("/faq/").content.decode())
    for entry in demo.FAQ_ENTRIES:
        assert entry["question"] in faq
        for line in entry["answer"].splitlines():
            assert re.sub(r"^\d+\. ", "", line) in re.sub(r"<[^>]+>", "", faq)
    notice = html.unescape(client.get("/notices/shotan-group-joint-use/").content.decode())
    for section in demo.SHOTAN_VERSION["sections"]:
        assert section["heading"] in notice
    assert "「改定適用日：" not in notice  # the site's own label is full-width, the published text untouched


def test_the_admins_lists_write_dates_in_one_style(client, demo_site):
    """The desk's list wrote its due dates 2026-12-20 beside Django's 2026年12月6日."""
    request_submit(policyholder=demo_site, kind="purpose", idempotency_key="d" * 32, details="利用目的を知りたい")
    client.force_login(personas.support())
    page = client.get("/admin/desk/customerrequest/").content.decode()
    parser = TextChunks()
    parser.feed(page)
    text = "".join(parser.chunks)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), re.findall(r".{20}\d{4}-\d{2}-\d{2}.{5}", text)
