from notices.models import Notice


def test_a_published_notice_keeps_its_slug_and_kind(admin_client, demo_content):
    notice = Notice.objects.get(slug="group-joint-use")
    response = admin_client.post(
        f"/admin/notices/notice/{notice.pk}/change/",
        {"title": "個人データの共同利用について（改）", "slug": "renamed", "kind": "explanation", "display_order": 1},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.slug, notice.kind) == ("group-joint-use", "joint_use")
    assert notice.title == "個人データの共同利用について（改）"


def test_a_notice_without_a_published_version_can_still_be_renamed(admin_client, db):
    notice = Notice.objects.create(slug="draft-notice", title="下書きの公表文")
    admin_client.post(
        f"/admin/notices/notice/{notice.pk}/change/",
        {"title": "下書きの公表文", "slug": "draft-notice-2", "kind": "joint_use", "display_order": 0},
    )
    notice.refresh_from_db()
    assert notice.slug == "draft-notice-2"
