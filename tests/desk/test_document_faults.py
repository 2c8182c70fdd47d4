"""desk.documents when things fail: a request whose COMMIT fails leaves no file behind, and the hourly sweep
deletes files no request names (an hour old) while it keeps every file a request names."""

import datetime
import os
import time
from unittest import mock

import pytest
from django.db import OperationalError, connection

from desk.documents import documents_sweep_orphans
from desk.models import CustomerRequest, RequestDocument

from .test_agent_documents import agent_form, stored_files


@pytest.mark.django_db(transaction=True)  # real commits
def test_a_request_whose_commit_fails_leaves_no_file(customer, settings):
    customer.raise_request_exception = False
    with mock.patch.object(connection, "commit", side_effect=OperationalError("server closed the connection")):
        response = customer.post("/my/requests/new/", agent_form())
    assert response.status_code == 503
    assert not CustomerRequest.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db(transaction=True)
def test_a_commit_whose_answer_was_lost_keeps_the_files_its_rows_name(customer, settings):
    customer.raise_request_exception = False
    commit = connection.commit

    def commit_then_fail():
        commit()
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(connection, "commit", side_effect=commit_then_fail):
        response = customer.post("/my/requests/new/", agent_form())
    assert response.status_code == 503
    assert "確認できませんでした" in response.content.decode()
    names = sorted(RequestDocument.objects.values_list("stored_name", flat=True))
    assert len(names) == 2 and stored_files(settings) == names


def test_the_sweep_deletes_old_orphans_and_keeps_files_with_rows(customer, settings):
    assert customer.post("/my/requests/new/", agent_form()).status_code == 302
    named = sorted(RequestDocument.objects.values_list("stored_name", flat=True))
    folder = settings.REQUEST_DOCUMENT_DIR
    orphan, young_orphan = folder / "0123456789abcdef0123456789abcdef.pdf", folder / "fedcba9876543210.pdf"
    orphan.write_bytes(b"%PDF-1.7 left behind")
    young_orphan.write_bytes(b"%PDF-1.7 a request still committing")
    two_hours_ago = time.time() - 2 * 3600
    for path in [orphan, *(folder / name for name in named)]:
        os.utime(path, (two_hours_ago, two_hours_ago))

    assert documents_sweep_orphans() == 1
    assert stored_files(settings) == sorted([*named, young_orphan.name])
    # An hour later the younger one goes too; the files with rows never do.
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1, minutes=1)
    assert documents_sweep_orphans(now=later) == 1
    assert stored_files(settings) == named


def test_the_periodic_job_runs_the_sweep(customer, settings):
    settings.REQUEST_DOCUMENT_DIR.mkdir(parents=True, exist_ok=True)
    orphan = settings.REQUEST_DOCUMENT_DIR / "0123456789abcdef0123456789abcdef.png"
    orphan.write_bytes(b"\x89PNG")
    os.utime(orphan, (time.time() - 7200, time.time() - 7200))
    from desk.tasks import request_documents_delete

    assert request_documents_delete.call() == 1
    assert not orphan.exists()
