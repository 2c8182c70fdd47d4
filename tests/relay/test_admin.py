"""The relay admin's pages: each opens for the role that uses it; a subscriber's secret is shown once."""

import pytest

from consents.models import Channel
from relay.models import WebhookSubscriber
from tests.personas import approver, editor, support


@pytest.mark.parametrize("path", [
    "/admin/relay/inboundchange/", "/admin/relay/inboundchange/record/", "/admin/relay/inboundchange/import/",
    "/admin/consents/suppression/", "/admin/consents/staffconsentanswer/",
    "/admin/consents/staffconsentanswer/record/",
])
def test_support_opens_its_pages(client, demo_content, path):
    client.force_login(support())
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/admin/relay/webhooksubscriber/", "/admin/relay/webhookdelivery/",
                                  "/admin/relay/webhooksubscriber/add/"])
def test_an_approver_opens_the_webhook_pages_and_an_editor_does_not(client, demo_content, path):
    client.force_login(approver())
    assert client.get(path).status_code == 200
    client.force_login(editor())
    assert client.get(path).status_code == 403


def test_the_secret_is_shown_once_after_adding_a_subscriber(client, life):
    boss = approver()
    client.force_login(boss)
    response = client.post("/admin/relay/webhooksubscriber/add/", {
        "name": "DMベンダー", "url": "https://dm.example.com/hooks", "companies": [life.pk],
        "channels": [Channel.objects.get(code="direct_mail").pk], "owner": boss.pk, "active": "on",
    })
    assert response.status_code == 200
    subscriber = WebhookSubscriber.objects.get()
    assert subscriber.secret.startswith("whsec_") and subscriber.secret in response.content.decode()
    page = client.get(f"/admin/relay/webhooksubscriber/{subscriber.pk}/change/").content.decode()
    assert subscriber.secret not in page
