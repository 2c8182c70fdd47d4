from tests.commands import PRODUCTION, last_line, manage


def test_it_answers_without_the_database_or_a_cookie(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert b"OK" in response.content
    assert not response.cookies


def test_it_is_not_redirected_to_https_in_production():
    code = (
        "from django.test import Client; r = Client().get('/healthz/', HTTP_HOST='portal.example.com'); "
        "print(r.status_code)"
    )
    assert last_line(manage("shell", "-c", code, **PRODUCTION)) == "200"
