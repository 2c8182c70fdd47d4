"""API clients in the admin: the token is shown once, kept as a hash, and can be revoked."""

import re

from api.models import ApiClient, token_hash
from tests.factories import ApiClientFactory, PolicyholderFactory

CHANGELIST = "/admin/api/apiclient/"


def test_creating_a_client_shows_its_token_once_and_stores_only_the_hash(admin_client, client, life):
    response = admin_client.post(CHANGELIST + "add/", {"name": "DM発送（A社）", "companies": [life.pk]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "トークンが表示されるのはこの一度だけです" in page
    token = re.search(r'<code class="api-token">([^<]+)</code>', page).group(1)

    created = ApiClient.objects.get(name="DM発送（A社）")
    assert created.token_hash == token_hash(token) and token not in created.token_hash
    assert list(created.companies.all()) == [life]
    # The change page shows only the prefix, never the token again.
    change_page = admin_client.get(f"{CHANGELIST}{created.pk}/change/").content.decode()
    assert token not in change_page and f"pp_{created.token_prefix}_" in change_page
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]

    holder = PolicyholderFactory()
    answer = client.get(
        "/api/v1/contact-permission",
        {"customer": holder.customer_number, "company": life.pk, "channel": "phone"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200


def test_the_revoke_action_stops_the_token(admin_client, client, life):
    vendor = ApiClientFactory(companies=[life])
    response = admin_client.post(CHANGELIST, {"action": "revoke", "_selected_action": [vendor.pk]}, follow=True)
    assert "1件のトークンを失効させました" in response.content.decode()
    vendor.refresh_from_db()
    assert vendor.revoked_at is not None
    answer = client.get(
        "/api/v1/contact-permission",
        {"customer": PolicyholderFactory().customer_number, "company": life.pk, "channel": "phone"},
        headers={"Authorization": f"Bearer {vendor.token}"},
    )
    assert answer.status_code == 401


def test_a_client_cannot_be_deleted(admin_client, life):
    vendor = ApiClientFactory(companies=[life])
    assert admin_client.get(f"{CHANGELIST}{vendor.pk}/delete/").status_code == 403
    assert ApiClient.objects.filter(pk=vendor.pk).exists()


def test_only_marketing_companies_can_be_chosen(admin_client, demo_content):
    from notices.models import Company

    holding = Company.objects.get(markets_to_customers=False)
    choices = admin_client.get(CHANGELIST + "add/").context["adminform"].form.fields["companies"].queryset
    assert holding not in choices
    assert set(choices) == set(Company.objects.filter(markets_to_customers=True))
