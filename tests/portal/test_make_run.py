"""`make run` as a newcomer meets it: the site's own Japanese 404, another port on request, every demo account
the README lists, the demo API client's token working."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from demo.management.commands.load_demo_content import DEMO_API_TOKEN, DEMO_PASSWORD
from tests.commands import ROOT, UNSET, last_line, manage


def make_dry_run(*arguments: str) -> str:
    return subprocess.run(
        ["make", "-n", "run", *arguments], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def run_environment(dry_run: str) -> dict[str, str]:
    """The variables `make run` gives the server, read from its runserver line."""
    line = next(line for line in dry_run.splitlines() if "manage.py runserver" in line)
    return dict(re.findall(r"\b([A-Z_]+)=(\S+)", line.split("manage.py")[0]))


def test_make_run_serves_the_sites_own_error_pages_unless_asked_for_djangos():
    environment = run_environment(make_dry_run())
    assert environment["DEBUG_PAGES"] == "false"
    code = "from django.conf import settings; print(settings.DEBUG)"
    assert last_line(manage("shell", "-c", code, **environment)) == "False"
    assert last_line(manage("shell", "-c", code, **{**environment, "DEBUG_PAGES": "true"})) == "True"
    assert run_environment(make_dry_run("DEBUG_PAGES=true"))["DEBUG_PAGES"] == "true"


def test_make_run_takes_another_port_and_the_emails_links_follow_it():
    dry_run = make_dry_run("PORT=8001")
    assert "manage.py runserver 127.0.0.1:8001" in dry_run
    assert run_environment(dry_run)["SITE_URL"] == "http://127.0.0.1:8001"
    assert "http://127.0.0.1:8001/admin/" in dry_run and ":8000" not in dry_run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_server_started_as_make_run_starts_it_answers_a_missing_page_with_the_japanese_404(tmp_path):
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if key not in UNSET}
    environment.update(run_environment(make_dry_run(f"PORT={port}")))
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page/", timeout=5)
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert status == 404
        assert '<html lang="ja">' in body and "ページが見つかりません" in body
        assert "Page not found" not in body and "URLconf" not in body  # not Django's debug page
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.django_db
def test_the_demo_has_two_support_staff_and_an_api_client_whose_printed_token_works(client, capsys):
    call_command("load_demo_content", verbosity=1)
    call_command("load_demo_policyholders", verbosity=0)
    request = RequestFactory().post("/admin/login/")
    for username in ("support", "support2"):
        user = authenticate(request, username=username, password=DEMO_PASSWORD)
        assert user.is_staff and list(user.groups.values_list("name", flat=True)) == ["顧客対応"]
    output = capsys.readouterr().out
    assert "user support," in output and "user support2," in output
    assert f"Bearer {DEMO_API_TOKEN}" in output
    from notices.models import Company

    life = Company.objects.get(short_name="楽天生命")
    response = client.get(
        "/api/v1/contact-permission", {"customer": "C000000101", "company": life.pk, "channel": "email"},
        headers={"authorization": f"Bearer {DEMO_API_TOKEN}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["customer"] == "C000000101"
    # Running the loader again keeps the accounts as they are.
    call_command("load_demo_content", verbosity=0)
    assert get_user_model().objects.filter(username__startswith="support").count() == 2


def test_the_readme_lists_every_demo_account():
    from demo.management.commands.load_demo_content import DEMO_API_CLIENT, DEMO_STAFF

    readme = (ROOT / "README.md").read_text()
    for username, role in [("admin", "superuser"), *DEMO_STAFF]:
        assert f"| `{username}` ({role})" in readme
    assert DEMO_API_TOKEN in readme and DEMO_API_CLIENT in readme and "hanako@example.com" in readme
