"""A save after the 30-minute idle timeout: nothing is written, the choices are kept server-side (never in a
URL), and after logging in again the customer is back on the preferences page with them, unsaved."""

from django.core import mail
from django.test import Client

from consents.models import ConsentEvent, Preference

from .conftest import emailed_link
from .test_preferences_two_tabs import as_shown


def log_in_by_link(client):
    client.post("/login/", {"email": "hanako@example.com"})
    return client.post(emailed_link(mail.outbox[-1]))


def test_choices_saved_after_the_session_ended_come_back_after_login(policyholder, life):
    browser = Client()  # the session cookie has expired: the browser no longer sends it
    response = browser.post("/my/preferences/", as_shown(life, direct_mail="off", email="on"))
    assert response.status_code == 302 and response["Location"] == "/login/?required=1"
    assert "off" not in response["Location"] and not ConsentEvent.objects.exists()

    login_page = browser.get(response["Location"]).content.decode()
    assert "選んだ配信設定はまだ保存されていません" in login_page

    response = log_in_by_link(browser)
    assert response.status_code == 302 and response["Location"] == "/my/preferences/"
    html = browser.get("/my/preferences/").content.decode()
    assert "ログインの有効期限が切れていたため、保存されていません" in html
    assert f'name="pref-{life.pk}-direct_mail" value="off" checked' in html
    assert f'name="pref-{life.pk}-email" value="on" checked' in html
    assert f'name="initial-pref-{life.pk}-direct_mail" value="on"' in html  # still the stored value
    assert html.count("未保存") >= 2
    assert not Preference.objects.exists()  # shown, not saved

    # Saving the page as shown writes exactly the kept choices.
    data = as_shown(life, direct_mail="off", email="on")
    data["idempotency_key"] = "f" * 32
    browser.post("/my/preferences/", data)
    current = {p.channel.code: p.allowed for p in Preference.objects.filter(company=life)}
    assert current == {"direct_mail": False, "email": True}

    # Once put back, they are not put back again.
    assert "未保存" not in browser.get("/my/preferences/").content.decode()


def test_a_login_after_opening_a_customer_page_returns_to_it(policyholder):
    browser = Client()
    assert browser.get("/my/history/")["Location"] == "/login/?required=1"
    assert log_in_by_link(browser)["Location"] == "/my/history/"


def test_a_login_without_a_page_to_return_to_goes_to_my_page(policyholder):
    assert log_in_by_link(Client())["Location"] == "/my/"


def test_a_form_with_nothing_changed_keeps_nothing(policyholder, life):
    browser = Client()
    browser.post("/my/preferences/", as_shown(life))
    assert "選んだ配信設定はまだ保存されていません" not in browser.get("/login/?required=1").content.decode()
    log_in_by_link(browser)
    assert "保存されていません" not in browser.get("/my/preferences/").content.decode()
