from consents.models import Channel

CHANGELIST = "/admin/consents/channel/"


def test_staff_may_rename_and_reorder_a_channel(client, admin_user):
    client.force_login(admin_user)
    email = Channel.objects.get(code="email")
    response = client.post(
        f"{CHANGELIST}{email.pk}/change/",
        {"name": "メールでのご案内", "display_order": 9, "code": "phone", "default_allowed": "on"},
    )
    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.name, email.display_order) == ("メールでのご案内", 9)
    assert (email.code, email.default_allowed) == ("email", False)  # not editable, whatever is posted


def test_channels_cannot_be_added_or_deleted(client, admin_user):
    client.force_login(admin_user)
    phone = Channel.objects.get(code="phone")
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.post(f"{CHANGELIST}{phone.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Channel.objects.count() == 4
