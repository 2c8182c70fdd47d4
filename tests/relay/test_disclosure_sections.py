"""The disclosure package lists the customer's suppressions and the changes they made elsewhere."""

import datetime

from django.utils import timezone

from consents.suppressions import suppression_lift, suppression_place
from disclosure.services import disclosure_package_request
from relay.inbound import InboundItem, inbound_record
from tests.disclosure.conftest import opened
from tests.factories import PolicyholderFactory
from tests.personas import approver


def test_suppressions_and_inbound_changes_are_in_the_package(life):
    holder = PolicyholderFactory(email="hanako@example.com")
    said = timezone.now() - datetime.timedelta(days=5)
    inbound_record(origin="api", sender="api:1", items=[InboundItem(
        key="card-1", customer=holder.customer_number, company=life.pk, channel="direct_mail", occurred_at=said,
        capture="paper", allowed=False, evidence="SCAN-77",
    )])
    placed = suppression_place(policyholder=holder, kind="complaint", reason="迷惑メール報告", source="api")
    suppression_lift(suppression=placed.suppression, actor=approver(), reason="お客さまのご希望で再開")
    package = opened(disclosure_package_request(holder))
    rows = package.csv("suppressions")
    assert [row["記録"] for row in rows] == ["停止", "解除"]
    assert rows[0]["種類"] == "迷惑メールとしてのご申告" and rows[1]["理由"] == "お客さまのご希望で再開"
    inbound = package.csv("inbound_changes")
    assert len(inbound) == 1
    assert inbound[0]["お申出の窓口"] == "書面" and inbound[0]["証跡の番号"] == "SCAN-77"
    assert inbound[0]["お申出の内容"] == "受け取らない" and inbound[0]["結果"] == "反映"
    assert "ご連絡の停止" in package.text("report.html")
