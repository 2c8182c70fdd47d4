"""Customer pages on a 375 px phone read as Japanese should: no line breaks inside a policy number or a
word like スーパー医療保険, no line starting with ー, and every standalone link or button at least 44 px tall
(WCAG 2.5.5)."""

import datetime
import re

import pytest
from django.core.management import call_command

from customers.models import Policyholder
from desk.services import request_submit
from disclosure.services import disclosure_package_request
from tests import personas
from tests.conftest import run_due_jobs
from tests.factories import announced_group_version

from .test_preference_center import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/notices/group-joint-use/",
    "/notices/shotan-group-joint-use/",
    "/notices/group-joint-use/versions/",
    "/notices/group-joint-use/2019-06-03/",
    "/companies/",
    "/privacy/",
    "/privacy/request-form/",
    "/faq/",
    "/faq/?q=DM 止める",
    "/faq/?q=存在しない言葉",
    "/contact/",
    "/contact/form/",
    "/login/",
    "/login/sent/",
    "/no-such-page/",
]
MY_PAGES = ["/my/", "/my/preferences/", "/my/history/", "/my/requests/", "/my/requests/new/", "/my/disclosures/"]

# Words that must stay on one line, and patterns of numbers that must.
KEPT_WHOLE = ["スーパー医療保険", "プライバシーポータル", "変更前", "変更後", "改定前", "改定後", "お客さま番号"]
NUMBER_PATTERNS = [r"[A-Z]-\d{4}-\d{6}", r"C\d{9}", r"\d{8}-[0-9A-F]{8}"]

LINE_BREAKS = """([words, patterns]) => {
  const problems = [];
  const regexes = patterns.map((p) => new RegExp(p, "g"));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data;
    const parent = node.parentElement;
    if (!text.trim() || !parent || !parent.getClientRects().length) continue;
    const style = getComputedStyle(parent);
    if (style.visibility === "hidden" || parent.closest(".visually-hidden, [hidden], script, style")) continue;
    // The line of each character: a new line starts where a character's box is lower than the one before.
    const lineStarts = new Set();
    let previousBottom = null;
    for (let i = 0; i < text.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rects = range.getClientRects();
      if (!rects.length || /\\s/.test(text[i])) continue;
      const rect = rects[rects.length - 1];
      if (previousBottom !== null && rects[0].top >= previousBottom - 1) lineStarts.add(i);
      previousBottom = rect.bottom;
    }
    for (const i of lineStarts) {
      if ("ーぁぃぅぇぉっゃゅょァィゥェォッャュョ、。）」".includes(text[i])) {
        problems.push(`line starts with ${text[i]}: …${text.slice(Math.max(0, i - 8), i)}／${text.slice(i, i + 8)}…`);
      }
    }
    const spans = [];
    for (const word of words) {
      for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) spans.push([at, at + word.length]);
    }
    for (const regex of regexes) {
      for (const match of text.matchAll(regex)) spans.push([match.index, match.index + match[0].length]);
    }
    for (const [start, end] of spans) {
      for (let i = start + 1; i < end; i++) {
        if (lineStarts.has(i)) problems.push(`broken: ${text.slice(start, i)}／${text.slice(i, end)}`);
      }
    }
  }
  return problems;
}"""

# A link or button is standalone unless it sits inside a sentence: its block holds other text than the links'
# own, besides separators (「変更履歴 ／ 配信設定の変更」 are two standalone links).
SMALL_TARGETS = """() => {
  const separators = /[\\s／/|・、—–-]/g;
  const problems = [];
  for (const element of document.querySelectorAll("a[href], button, input[type=submit]")) {
    const rect = element.getBoundingClientRect();
    if (!rect.width || rect.right < 0 || element.closest(".visually-hidden, [hidden]")) continue;
    let block = element.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    const own = (element.innerText || element.value || "").replace(separators, "");
    let around = block ? block.innerText : "";
    for (const link of block ? block.querySelectorAll("a, button") : []) around = around.replace(link.innerText, "");
    const inSentence = around.replace(separators, "") !== "" && !element.matches("button, input, .button");
    if (inSentence) continue;
    if (rect.height < 44 || rect.width < 44) {
      problems.push(`${Math.round(rect.width)}×${Math.round(rect.height)} ${element.tagName} 「${own.slice(0, 30)}」`);
    }
  }
  return problems;
}"""


@pytest.fixture
def demo_customer(demo_content):
    call_command("load_demo_policyholders", verbosity=0)


def check(page, path):
    problems = page.evaluate(LINE_BREAKS, [KEPT_WHOLE, NUMBER_PATTERNS])
    problems += page.evaluate(SMALL_TARGETS)
    return [f"{path}: {problem}" for problem in problems]


def test_public_pages_keep_words_and_numbers_whole_and_targets_large(live_server, demo_customer, page_at):
    page = page_at(375)
    problems = []
    for path in PUBLIC_PAGES:
        page.goto(live_server.url + path)
        problems += check(page, path)
    assert problems == [], "\n".join(problems)


def test_the_customers_pages_keep_words_and_numbers_whole_and_targets_large(live_server, demo_customer, page_at):
    page = page_at(375)
    log_in(page, live_server)
    page.goto(live_server.url + "/my/preferences/")
    page.get_by_role("radio", name=re.compile(r"^楽天生命／メールマガジン：\s*受け取る")).check()
    page.get_by_role("button", name="保存する").click()
    page.wait_for_url("**/my/receipts/*/")
    problems = check(page, "/my/receipts/…/")
    hanako = Policyholder.objects.get(email="hanako@example.com")
    request = request_submit(policyholder=hanako, kind="purpose", idempotency_key="a" * 32, details="利用目的")
    disclosure_package_request(hanako)
    run_due_jobs()
    announced = announced_group_version(editor=personas.editor(), effective_date=datetime.date(2030, 4, 1))
    for path in [*MY_PAGES, f"/my/requests/{request.number}/", f"/my/joint-use/{announced.pk}/",
                 "/notices/group-joint-use/compare/2019-06-03/2030-04-01/", "/"]:
        page.goto(live_server.url + path)
        problems += check(page, path)
    assert problems == [], "\n".join(problems)
