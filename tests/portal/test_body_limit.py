"""core.bodylimit: a body larger than the visitor may send is refused with a Japanese 413 before anything
reads it (CSRF would parse a multipart body, writing its files to the temporary directory, first)."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import Client

from tests.consents.conftest import log_in, policyholder  # noqa: F401

MB = 1024 * 1024


@pytest.fixture
def uploads_written(settings, tmp_path):
    """Every file Django began to receive from a body, in memory or in the temporary directory."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    started = []
    for handler in (TemporaryFileUploadHandler, MemoryFileUploadHandler):
        original = handler.new_file

        def new_file(self, *args, _original=original, **kwargs):
            started.append(type(self).__name__)
            return _original(self, *args, **kwargs)

        patcher = mock.patch.object(handler, "new_file", new_file)
        patcher.start()
    yield started, tmp_path
    mock.patch.stopall()


def test_a_50_mb_anonymous_post_is_refused_before_anything_is_written(db, uploads_written):
    started, temporary = uploads_written
    client = Client(enforce_csrf_checks=True)
    response = client.post("/contact/form/", {"file": SimpleUploadedFile("big.bin", b"\0" * (50 * MB))})
    assert response.status_code == 413
    html = response.content.decode()
    assert "送信された内容が、このページで受け付けられる大きさを超えています" in html and '<html lang="ja">' in html
    assert started == [] and list(temporary.iterdir()) == []


def test_an_anonymous_post_is_capped_small_and_the_inquiry_form_fits(db, uploads_written):
    client = Client()
    assert client.post("/login/", {"email": "a" * (65 * 1024)}).status_code == 413
    # The longest inquiry the form accepts (4,000 characters of Japanese) is far below the cap.
    response = client.post("/contact/form/", {"name": "山田", "message": "あ" * 4000})
    assert response.status_code != 413


def test_a_logged_in_customer_may_send_documents_but_not_more(policyholder, uploads_written):  # noqa: F811
    customer = log_in(Client(), policyholder)
    started, _ = uploads_written
    assert customer.post("/my/preferences/", {"x": "a" * (2 * MB)}).status_code == 413
    too_large = {"document_identity": SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (32 * MB))}
    assert customer.post("/my/requests/new/", too_large).status_code == 413
    assert started == []
    # Three documents of up to 10 MB each reach the form, which judges them itself.
    fits = {"document_identity": SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (11 * MB))}
    response = customer.post("/my/requests/new/", fits)
    assert response.status_code == 400 and "ファイルが10 MBを超えています" in response.content.decode()


def test_a_content_length_that_is_not_a_number_is_a_400(db):
    response = Client().post("/login/", "x", content_type="text/plain", CONTENT_LENGTH="many")
    assert response.status_code == 400


def test_django_caps_the_fields_of_a_body_too(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1 * MB
