"""The visitor's address behind the load balancer: ports are stripped, and a request whose address
cannot be read is refused rather than counted with every other such request under one name."""

import pytest
from django.test import Client, RequestFactory

from core.clientaddress import client_ip


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.9:51234", "203.0.113.9"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:DB8::7", "2001:db8::7"),
        ("198.51.100.1, 203.0.113.9:8080", "203.0.113.9"),
        ("[2001:db8::7]", "2001:db8::7"),
    ],
)
def test_an_address_with_a_port_is_read(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize("forwarded", ["unknown", "203.0.113.9:port", "[2001:db8::7", "203.0.113.9:1:2"])
def test_an_unreadable_address_is_none(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)) is None


def test_clients_with_ports_get_a_login_limit_each(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(20):
        Client().post("/login/", {"email": f"p{n}@example.com"}, HTTP_X_FORWARDED_FOR=f"203.0.113.9:{40000 + n}")
    over = Client().post("/login/", {"email": "x@example.com"}, HTTP_X_FORWARDED_FOR="203.0.113.9:50000")
    other = Client().post("/login/", {"email": "y@example.com"}, HTTP_X_FORWARDED_FOR="198.51.100.7:50000")
    assert (over.status_code, other.status_code) == (429, 302)


def test_a_request_without_a_readable_address_is_refused_not_pooled(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = Client().post("/login/", {"email": "a@example.com"}, HTTP_X_FORWARDED_FOR="garbage")
    assert response.status_code == 400
    assert "接続元" in response.content.decode()


def test_the_staff_login_is_refused_without_a_readable_address(db, settings, django_user_model):
    """Otherwise the lockout would key on the username alone: anyone could lock a colleague out."""
    settings.TRUSTED_PROXY_COUNT = 1
    django_user_model.objects.create_user("editor", password="right-password-1", is_staff=True)
    for _ in range(6):
        response = Client().post(
            "/admin/login/", {"username": "editor", "password": "wrong"}, HTTP_X_FORWARDED_FOR="nonsense"
        )
        assert response.status_code == 400
    ok = Client().post(
        "/admin/login/", {"username": "editor", "password": "right-password-1"}, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert ok.status_code == 302


def test_health_checks_need_no_address(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert Client().get("/healthz/", HTTP_X_FORWARDED_FOR="garbage").status_code == 200
