"""The pages of 保有個人データに関する事項 (APPI Art. 32(1)) as a customer, an editor and an approver meet them: the
group's page at /privacy/ with every statutory item and a link to each company's page, versioned and published by
two people like every notice, with its 新旧対照表 and PDF, and refused while an item is missing."""

import re

import pytest
from django.db import DatabaseError, transaction

from core.dates import today_in_tokyo
from notices.models import Notice, NoticeVersion, Section
from notices.rules import check_publication
from notices.services import notice_version_create_draft
from tests import personas
from tests.notices.admin_forms import publish_after_review, version_form_data

LIFE = "retained-data-life"
STATUTORY_HEADINGS = (
    "名称・住所・代表者", "利用目的", "開示等のご請求の手続", "安全管理措置", "苦情の申出先", "認定個人情報保護団体",
)


def _text(html: str) -> str:
    main = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", main))


@pytest.mark.django_db
def test_the_group_page_gives_every_statutory_item_and_links_each_company(client, demo_content):
    response = client.get("/privacy/")
    assert response.status_code == 200
    text = _text(response.content.decode())
    for heading in STATUTORY_HEADINGS:
        assert heading in text
    # What a person without a login needs: the postal route, what to black out, agents' papers, fees, delivery.
    for words in ("マイナンバーカード（表面のみ", "QRコードを黒塗り", "委任状", "印鑑証明書（発行日から3か月以内",
                  "登記事項証明書", "1件につき1,000円", "定額小為替", "簡易書留", "電磁的記録", "外的環境の把握",
                  "一般社団法人生命保険協会", "一般社団法人日本損害保険協会", "一般社団法人日本少額短期保険協会",
                  "（デモ用の値）", "デモのために作成した文章です"):
        assert words in text, words
    html = response.content.decode()
    assert 'href="/privacy/request-form/pdf/"' in html
    assert 'href="/my/requests/new/"' in html
    for slug in ("retained-data-holdings", LIFE, "retained-data-general", "retained-data-shotan",
                 "retained-data-planning"):
        assert f'href="/notices/{slug}/"' in html


@pytest.mark.django_db
def test_a_company_page_names_the_company_its_body_and_links_the_common_items(client, demo_content):
    response = client.get(f"/notices/{LIFE}/")
    text = _text(response.content.decode())
    assert "保有個人データに関する事項（楽天生命保険株式会社）" in text
    assert "当社は、一般社団法人生命保険協会の対象事業者です。" in text
    assert "日本損害保険協会" not in text
    assert 'href="/privacy/"' in response.content.decode()


@pytest.mark.django_db
def test_without_a_page_in_force_the_address_answers_a_japanese_404(client):
    response = client.get("/privacy/")
    assert response.status_code == 404
    assert "このページの適用中の版はまだありません。" in response.content.decode()


def _draft_with_new_fee(client, editor) -> NoticeVersion:
    """The editor drafts a new version of 楽天生命's page in the admin and changes its procedure section."""
    notice = Notice.objects.get(slug=LIFE)
    draft = notice_version_create_draft(notice=notice, user=editor)
    procedure = draft.sections.get(topic=Section.Topic.PROCEDURE)
    data = version_form_data(draft, change_summary="郵送での開示の手数料を改めました。")
    index = list(draft.sections.all()).index(procedure)
    data[f"sections-{index}-body"] = procedure.body + "\r\n郵送での開示の手数料は、1件につき500円です。"
    client.force_login(editor)
    response = client.post(f"/admin/notices/noticeversion/{draft.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    draft.refresh_from_db()
    assert draft.sections.get(topic=Section.Topic.PROCEDURE).body.endswith("1件につき500円です。")
    return draft


@pytest.mark.django_db
def test_an_editor_drafts_another_person_publishes_and_customers_get_the_versions_and_their_comparison(
    client, demo_content
):
    editor = personas.editor()
    draft = _draft_with_new_fee(client, editor)

    # The editor may not publish; an approver who edited the draft last may not either.
    client.force_login(editor)
    assert client.get(f"/admin/notices/noticeversion/{draft.pk}/publish/").status_code == 403
    both = personas.approver("both")
    both.groups.add(*editor.groups.all())
    client.force_login(both)
    client.post(f"/admin/notices/noticeversion/{draft.pk}/change/",
                version_form_data(draft, change_summary=draft.change_summary))
    response = publish_after_review(client, draft)
    assert response.status_code == 400 and "二者確認" in response.content.decode()
    assert NoticeVersion.objects.get(pk=draft.pk).is_draft

    # A second person publishes it.
    client.force_login(personas.approver())
    assert publish_after_review(client, draft).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.snapshot["kind"] == "retained_data"
    client.logout()

    old, new = "2022-04-01", draft.effective_date.isoformat()
    versions = client.get(f"/notices/{LIFE}/versions/").content.decode()
    assert f'href="/notices/{LIFE}/compare/{old}/{new}/"' in versions
    compare = client.get(f"/notices/{LIFE}/compare/{old}/{new}/")
    changed = compare.content.decode()
    changed = changed[changed.index('<table class="compare">'):]
    assert "開示等のご請求の手続" in changed and "500円" in changed
    pdf = client.get(f"/notices/{LIFE}/compare/{old}/{new}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_version_missing_a_statutory_item_is_refused_citing_article_32(client, demo_content):
    editor = personas.editor()
    draft = notice_version_create_draft(notice=Notice.objects.get(slug=LIFE), user=editor)
    draft.sections.filter(topic=Section.Topic.SECURITY).delete()
    draft.responsible_party_representative = ""
    draft.save()
    client.force_login(personas.approver())
    response = publish_after_review(client, draft)
    html = response.content.decode()
    assert response.status_code == 400
    assert "個人情報保護法第32条第1項により" in html
    assert "次の事項の項目を本文とともに追加してください：安全管理措置。" in html
    assert "事業者の名称・住所・代表者" in html
    assert NoticeVersion.objects.get(pk=draft.pk).is_draft


@pytest.mark.django_db
def test_the_joint_use_rules_do_not_apply_to_these_pages(demo_content):
    editor = personas.editor()
    draft = notice_version_create_draft(notice=Notice.objects.get(slug=LIFE), user=editor)
    assert draft.effective_date > today_in_tokyo()
    # A joint-use notice without data items or joint users would fail rule 1 (Art. 27(5)(iii)).
    assert check_publication(draft, user=personas.approver(), today=today_in_tokyo()) == []


@pytest.mark.django_db
def test_a_published_section_is_immutable_below_the_orm(demo_content):
    # Adding Section.topic rebuilt the table on SQLite; its migration made the immutability triggers again.
    section = Section.objects.filter(version__notice__slug=LIFE, topic=Section.Topic.COMPLAINTS).get()
    with pytest.raises(DatabaseError), transaction.atomic():
        Section.objects.filter(pk=section.pk).update(body="苦情はお受けしません。")
    with pytest.raises(DatabaseError), transaction.atomic():
        Section.objects.filter(pk=section.pk).delete()
    section.refresh_from_db()
    assert "お問合せ窓口" in section.body


@pytest.mark.django_db
def test_the_company_list_links_each_companys_page(client, demo_content):
    html = client.get("/companies/").content.decode()
    assert "各社の保有個人データに関する事項" in html
    assert f'href="/notices/{LIFE}/">保有個人データに関する事項（楽天生命保険株式会社）</a>' in html


@pytest.mark.django_db
def test_the_admin_form_of_a_draft_asks_for_these_items_only(client, demo_content):
    editor = personas.editor()
    draft = notice_version_create_draft(notice=Notice.objects.get(slug=LIFE), user=editor)
    client.force_login(editor)
    html = client.get(f"/admin/notices/noticeversion/{draft.pk}/change/").content.decode()
    assert "名称・住所・代表者" in html and "法定の事項" in html and 'name="purposes-TOTAL_FORMS"' in html
    assert 'name="data_items-TOTAL_FORMS"' not in html and 'name="joint_users-TOTAL_FORMS"' not in html
    assert 'name="joint_users_scope"' not in html
