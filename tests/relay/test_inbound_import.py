"""The admin's CSV import of inbound changes: the policyholder import's encodings and refusals."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consents.models import ConsentEvent, Preference, Suppression
from relay.importing import COLUMNS
from relay.models import InboundChange
from tests.factories import PolicyholderFactory
from tests.personas import support

URL = "/admin/relay/inboundchange/import/"
HEADER = ",".join(COLUMNS)


@pytest.fixture
def staff_client(client, db):
    client.force_login(support())
    return client


def csv_file(*rows, encoding="utf-8"):
    return SimpleUploadedFile("changes.csv", ("\n".join([HEADER, *rows]) + "\n").encode(encoding), "text/csv")


def when(days=1):
    return (timezone.localtime() - datetime.timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


def test_an_email_platforms_unsubscribes_and_bounces_are_imported(staff_client, life):
    a, b = PolicyholderFactory(), PolicyholderFactory()
    rows = [
        f"u-1,{a.customer_number},楽天生命,email,受け取らない,,{when()},email_platform,配信システム,MSG-1,配信停止の返信",
        f"u-2,{b.customer_number},{life.legal_name},email,,hard_bounce,{when()},email_platform,配信システム,,550",
    ]
    response = staff_client.post(URL, {"file": csv_file(*rows, encoding="cp932")})
    assert response.status_code == 302, response.content.decode()
    assert InboundChange.objects.count() == 2
    assert Preference.objects.get(policyholder=a, company=life, channel__code="email").allowed is False
    event = ConsentEvent.objects.get(policyholder=a)
    assert (event.source, event.capture, event.evidence) == ("import", "email_platform", "MSG-1")
    assert Suppression.objects.get(policyholder=b).kind == "hard_bounce"
    # The same file again records nothing new.
    staff_client.post(URL, {"file": csv_file(*rows, encoding="cp932")})
    assert InboundChange.objects.count() == 2 and ConsentEvent.objects.count() == 1


def test_a_file_in_mixed_encodings_is_refused_and_nothing_is_written(staff_client, life):
    a = PolicyholderFactory()
    row1 = f"u-1,{a.customer_number},楽天生命,email,受け取らない,,{when()},paper,代理店,CARD-1,"
    row2 = f"u-2,{a.customer_number},楽天生命,phone,受け取らない,,{when()},paper,代理店,CARD-2,"
    data = (HEADER + "\n" + row1 + "\n").encode("utf-8") + (row2 + "\n").encode("cp932")
    response = staff_client.post(URL, {"file": SimpleUploadedFile("x.csv", data, "text/csv")})
    assert response.status_code == 400
    assert "3" in response.content.decode() and "文字コード" in response.content.decode()
    assert not InboundChange.objects.exists() and not ConsentEvent.objects.exists()


@pytest.mark.parametrize("row, message", [
    ("k,ZZ000000,楽天生命,email,false,,{at},paper,,,", "ZZ000000"),
    ("k,{number},楽天生命,fax,false,,{at},paper,,,", "fax"),
    ("k,{number},楽天生命,email,false,,2099-01-01 00:00,paper,,,", "occurred_at"),
    ("k,{number},どこかの会社,email,false,,{at},paper,,,", "どこかの会社"),
])
def test_a_bad_row_refuses_the_whole_file(staff_client, life, row, message):
    holder = PolicyholderFactory()
    good = f"ok,{holder.customer_number},楽天生命,phone,false,,{when()},paper,,,"
    bad = row.format(number=holder.customer_number, at=when())
    response = staff_client.post(URL, {"file": csv_file(good, bad)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InboundChange.objects.exists() and not ConsentEvent.objects.exists()


def test_a_wrong_header_is_refused(staff_client, life):
    response = staff_client.post(URL, {"file": SimpleUploadedFile("x.csv", b"customer,allowed\nA,1\n", "text/csv")})
    assert response.status_code == 400
    assert "key,customer_number" in response.content.decode()


def test_a_file_over_the_row_limit_is_refused(staff_client, life, settings, monkeypatch):
    monkeypatch.setattr("relay.importing.MAX_ROWS", 2)
    holder = PolicyholderFactory()
    rows = [f"k{n},{holder.customer_number},楽天生命,phone,false,,{when()},paper,,," for n in range(3)]
    response = staff_client.post(URL, {"file": csv_file(*rows)})
    assert response.status_code == 400 and "複数のファイルに分けて" in response.content.decode()
    assert not InboundChange.objects.exists()
