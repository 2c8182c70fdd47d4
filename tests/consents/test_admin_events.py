import csv
import io
import uuid

import pytest

from consents.models import ConsentEvent, Source
from consents.services import preferences_update
from tests.factories import PolicyholderFactory

CHANGELIST = "/admin/consents/consentevent/"


@pytest.fixture
def events(policyholder, life, django_user_model):
    staff = django_user_model.objects.create_user("operator", password="x" * 12)
    preferences_update(
        policyholder=policyholder, changes={(life.pk, "direct_mail"): False}, source=Source.PORTAL,
        idempotency_key=uuid.uuid4().hex,
    )
    preferences_update(
        policyholder=policyholder, changes={(life.pk, "email"): True}, source=Source.STAFF, actor=staff,
        reason="=HYPERLINK(\"http://evil.example\")", idempotency_key=uuid.uuid4().hex,
    )
    other = PolicyholderFactory(customer_number="C999999999")
    preferences_update(
        policyholder=other, changes={(life.pk, "phone"): False}, source=Source.PORTAL, idempotency_key=uuid.uuid4().hex
    )
    return list(ConsentEvent.objects.order_by("id"))


def test_nobody_may_add_change_or_delete_an_event(client, admin_user, events):
    client.force_login(admin_user)
    event = events[0]
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{event.pk}/change/", {"reason": "edited"}).status_code == 403
    assert client.post(f"{CHANGELIST}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.reason == "" and ConsentEvent.objects.count() == 3
    response = client.get(f"{CHANGELIST}{event.pk}/change/")
    assert response.status_code == 200  # viewable, read-only
    assert 'name="_save"' not in response.content.decode()


def test_the_filtered_list_exports_as_csv_with_a_bom(client, support_staff, events, policyholder):
    client.force_login(support_staff)
    changelist = client.get(CHANGELIST, {"q": policyholder.customer_number}).content.decode()
    assert f"export/?q={policyholder.customer_number}" in changelist
    response = client.get(f"{CHANGELIST}export/", {"q": policyholder.customer_number})
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["記録ID", "日時", "受付番号", "お客さま番号"]
    assert [row[3] for row in rows[1:]] == [policyholder.customer_number] * 2
    assert rows[1][6:9] == ["DM（ダイレクトメール）", "受け取る", "受け取らない"]
    assert rows[2][11] == "'=HYPERLINK(\"http://evil.example\")"  # Excel shows it as text, never runs it


def test_the_export_follows_list_filters(client, support_staff, events):
    client.force_login(support_staff)
    response = client.get(f"{CHANGELIST}export/", {"source__exact": "staff"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][9] == "担当者による代理登録"


def test_a_bad_filter_gets_a_japanese_400(client, support_staff, events):
    client.force_login(support_staff)
    response = client.get(f"{CHANGELIST}export/", {"created_at__gte": "not-a-date"})
    assert response.status_code == 400
    assert "条件" in response.content.decode()


def test_staff_without_the_role_cannot_export(client, plain_staff, events):
    client.force_login(plain_staff)
    assert client.get(f"{CHANGELIST}export/").status_code == 403
    assert client.get(CHANGELIST).status_code == 403


def test_staff_see_the_signed_checkpoints_read_only(client, admin_user, events, settings):
    from django.core.management import call_command

    call_command("consent_checkpoint", "--settle-seconds", "0")
    client.force_login(admin_user)
    assert "署名付きチェックポイント" in client.get(CHANGELIST).content.decode()
    html = client.get(f"{CHANGELIST}checkpoints/").content.decode()
    assert "同意履歴の署名付きチェックポイント" in html and "有効 (dev)" in html
    assert "<form" not in html.split('id="content-main"')[1]
    assert len(list(settings.CONSENT_CHECKPOINT_DIR.iterdir())) == 1


def test_every_text_cell_is_neutralised_half_or_full_width(client, support_staff, events, life):
    from consents.models import Channel

    life.legal_name = "=HYPERLINK(\"http://evil.example\",\"楽天生命\")"
    life.save()
    Channel.objects.filter(code="direct_mail").update(name="＠SUM(1+1)")
    ConsentEvent.objects.filter(pk=events[0].pk).update(user_agent="＝cmd|' /C calc'!A0", reason="－1+1")
    client.force_login(support_staff)
    body = b"".join(client.get(f"{CHANGELIST}export/").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    first = rows[1]
    assert first[5] == "'=HYPERLINK(\"http://evil.example\",\"楽天生命\")"
    assert first[6] == "'＠SUM(1+1)"
    assert first[11] == "'－1+1" and first[14] == "'＝cmd|' /C calc'!A0"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r")), cell
