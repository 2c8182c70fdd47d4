"""Two tabs, or a change by staff or an unsubscribe link since the page was opened: the customer is told what
changed and what the setting is now; an old page never undoes the newer change nor claims "no change"."""

import uuid

from consents.models import ConsentEvent, Preference, Receipt, Source
from consents.services import preferences_update

from .test_preferences import matrix_post


def as_shown(life, **overrides):
    """What a tab that was opened on the defaults posts: every cell, and the value it showed."""
    data = matrix_post(life, **overrides)
    data.update({f"initial-{name}": value for name, value in matrix_post(life).items() if name.startswith("pref-")})
    return data


def turn_off_phone_elsewhere(policyholder, life):
    preferences_update(
        policyholder=policyholder, changes={(life.pk, "phone"): False}, source=Source.PORTAL,
        idempotency_key=uuid.uuid4().hex,
    )


def test_saving_an_old_tab_unchanged_says_what_changed_elsewhere(customer, policyholder, life):
    customer.get("/my/preferences/")
    turn_off_phone_elsewhere(policyholder, life)  # tab 1
    response = customer.post("/my/preferences/", as_shown(life), follow=True)  # tab 2, still showing 受け取る
    html = response.content.decode()
    assert response.redirect_chain == [("/my/preferences/", 302)]
    assert "変更はありませんでした" not in html
    assert "別の場所" in html and "楽天生命／電話：受け取らない" in html
    assert f'name="pref-{life.pk}-phone" value="off" checked' in html  # the page now shows the current state
    assert Preference.objects.get(company=life, channel__code="phone").allowed is False
    assert ConsentEvent.objects.count() == 1


def test_an_old_tab_saves_its_own_change_and_names_the_one_made_since(customer, policyholder, life):
    customer.get("/my/preferences/")
    turn_off_phone_elsewhere(policyholder, life)
    response = customer.post("/my/preferences/", as_shown(life, direct_mail="off"), follow=True)
    html = response.content.decode()
    receipt = Receipt.objects.order_by("-id").first()
    assert response.redirect_chain == [(f"/my/receipts/{receipt.number}/", 302)]
    assert "変更を保存しました" in html and "楽天生命／電話：受け取らない" in html
    current = {p.channel.code: p.allowed for p in Preference.objects.filter(company=life)}
    assert current == {"phone": False, "direct_mail": False}


def test_stop_all_from_an_old_tab_stops_everything_without_a_warning(customer, policyholder, life):
    turn_off_phone_elsewhere(policyholder, life)
    response = customer.post("/my/preferences/", {**as_shown(life), "stop_all": "on"}, follow=True)
    assert "別の場所" not in response.content.decode()
    assert not Preference.objects.filter(allowed=True).exists()
