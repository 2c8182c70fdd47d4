def test_it_answers_without_the_database_or_a_cookie(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert b"OK" in response.content
    assert not response.cookies


def test_it_is_not_redirected_to_https_in_production():
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from django.test import Client; r = Client().get('/healthz/', HTTP_HOST='portal.example.com'); "
        "print(r.status_code)"
    )
    env = {**os.environ, "DJANGO_ENV": "production", "SECRET_KEY": "k" * 64, "ALLOWED_HOSTS": "portal.example.com",
           "CACHE_URL": "redis://127.0.0.1:6379/1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=Path(__file__).resolve().parents[2], env=env,
        capture_output=True, text=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "200", result.stderr
