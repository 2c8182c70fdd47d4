import uuid

from consents.models import Source
from consents.services import preferences_update
from tests.factories import PolicyholderFactory


def test_it_needs_a_login(client, db):
    response = client.get("/my/")
    assert response.status_code == 302 and response["Location"] == "/login/?required=1"
    assert "配信設定の確認・変更には、ログインが必要です" in client.get(response["Location"]).content.decode()


def test_it_shows_the_policies_and_a_summary(customer, policyholder, life):
    preferences_update(
        policyholder=policyholder, changes={(life.pk, "direct_mail"): False}, source=Source.PORTAL,
        idempotency_key=uuid.uuid4().hex,
    )
    response = customer.get("/my/")
    html = response.content.decode()
    assert "楽天 花子 様" in html and "終身医療保険" in html and "L-0001" in html
    life_card = html[html.index("<h3>楽天生命保険株式会社</h3>"):]
    life_card = life_card[: life_card.index("</li>")]
    assert "<dd>ウェブ広告、電話</dd>" in life_card
    assert "<dd>DM（ダイレクトメール）、メールマガジン</dd>" in life_card
    assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_it_shows_nothing_of_another_policyholder(customer, life):
    other = PolicyholderFactory(name="別人 太郎")
    other.policies.create(company=life, policy_number="L-9999", product="別の保険")
    html = customer.get("/my/").content.decode()
    assert "別人 太郎" not in html and "L-9999" not in html
