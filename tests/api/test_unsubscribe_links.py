"""POST /api/v1/unsubscribe-links: a one-click unsubscribe link for an email campaign."""

import json

from django.conf import settings

from tests.factories import PolicyholderFactory

URL = "/api/v1/unsubscribe-links"


def mint(call, body):
    return call("post", URL, data=json.dumps(body), content_type="application/json")


def test_it_mints_a_link_that_unsubscribes_without_login(call, client, life):
    holder = PolicyholderFactory()
    response = mint(call, {"customer": holder.customer_number, "company": life.pk, "campaign": "2026-autumn"})
    assert response.status_code == 200
    data = response.json()
    assert data["url"].startswith(settings.SITE_URL + "/unsubscribe/")
    assert data["list_unsubscribe"] == f"<{data['url']}>"
    assert data["list_unsubscribe_post"] == "List-Unsubscribe=One-Click"
    # The link does not carry the customer number (personal data) in readable form.
    assert holder.customer_number not in data["url"]
    path = data["url"].removeprefix(settings.SITE_URL)
    page = client.get(path)
    assert page.status_code == 200
    assert life.legal_name in page.content.decode()


def test_each_campaign_gets_its_own_link(call, life):
    holder = PolicyholderFactory()
    body = {"customer": holder.customer_number, "company": life.pk}
    first = mint(call, {**body, "campaign": "spring"}).json()["url"]
    second = mint(call, {**body, "campaign": "autumn"}).json()["url"]
    assert first != second


def test_an_unknown_customer_gets_404(call, life):
    response = mint(call, {"customer": "NOSUCH0001", "company": life.pk, "campaign": "spring"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_another_companys_link_gets_403(call, nonlife):
    holder = PolicyholderFactory()
    response = mint(call, {"customer": holder.customer_number, "company": nonlife.pk, "campaign": "spring"})
    assert response.status_code == 403


def test_a_bad_campaign_code_gets_422(call, life):
    holder = PolicyholderFactory()
    response = mint(call, {"customer": holder.customer_number, "company": life.pk, "campaign": "秋の/キャンペーン"})
    assert response.status_code == 422
    assert "body.campaign" in response.json()["detail"]
