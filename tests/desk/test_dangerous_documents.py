"""An agent's documents are only what they claim: PDFs with scripts, launch actions or attached files, files
that are also a ZIP archive or a web page, and images staff's viewers would have to decompress into
hundreds of MB are refused in Japanese and nothing is stored; ordinary PDFs, JPEGs and PNGs pass."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from desk import documents
from desk.documents import detect_type
from desk.models import CustomerRequest, RequestDocument

from .test_agent_documents import agent_form, image_bytes, pdf_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def pdf_with(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action(**action):
    def change(writer):
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject(key): value for key, value in action.items()})
    return change


def page_action(writer):
    """A script that runs when the page is shown (the page's additional actions)."""
    script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")})
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): script})


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<p>second format</p>")
    return out.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def huge_png(side=13_000) -> bytes:
    """A valid 1-bit PNG of side × side pixels (169 million for 13,000): a few KB compressed."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def png_with_text(text: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


CORPUS = {
    "OpenAction JavaScript": (
        pdf_with(open_action(**{"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert(1)")})),
        "スクリプト、自動で実行される動作または添付ファイル"),
    "page-open JavaScript": (pdf_with(page_action), "スクリプト"),
    "Launch action": (
        pdf_with(open_action(**{"/S": NameObject("/Launch"), "/F": TextStringObject("calc.exe")})), "スクリプト"),
    "embedded file": (pdf_with(lambda w: w.add_attachment("setup.exe", b"MZ\x90\x00" * 64)), "添付ファイル"),
    "PDF + ZIP": (pdf_bytes() + zip_bytes(), "PDFまたは画像以外のデータ"),
    "PNG + HTML after IEND": (image_bytes("PNG") + b"<html><script>alert(1)</script></html>", "以外のデータ"),
    "PNG + HTML in a text chunk": (png_with_text("<script>alert(1)</script>"), "以外のデータ"),
    "JPEG + ZIP": (image_bytes("JPEG") + zip_bytes(), "以外のデータ"),
    "169 Mpx PNG": (huge_png(), "画素数が40,000,000画素を超える画像"),
}


@pytest.mark.parametrize("name", CORPUS)
def test_each_dangerous_file_is_refused_in_japanese(name):
    data, message = CORPUS[name]
    with pytest.raises(ValidationError) as refused:
        detect_type(data)
    assert message in " ".join(refused.value.messages), refused.value.messages


def test_ordinary_pdf_jpeg_and_png_pass():
    photo = io.BytesIO()
    Image.new("RGB", (4000, 3000), "white").save(photo, format="JPEG", quality=90)  # a 12 Mpx phone photo
    assert detect_type(pdf_bytes()) == "application/pdf"
    assert detect_type(pdf_with(lambda w: w.add_metadata({"/Title": "委任状"}))) == "application/pdf"
    assert detect_type(photo.getvalue()) == "image/jpeg"
    assert detect_type(image_bytes("PNG")) == "image/png"
    assert detect_type(png_with_text("スキャナーで読み取り")) == "image/png"


def test_a_dangerous_file_sent_with_the_form_is_refused_and_nothing_is_stored(customer, settings):
    data, message = CORPUS["Launch action"]
    response = customer.post("/my/requests/new/", agent_form(authority=upload("委任状.pdf", data)))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CustomerRequest.objects.exists() and stored_files(settings) == []


def test_a_customer_over_the_document_quota_is_refused_in_japanese(customer, settings, monkeypatch):
    monkeypatch.setattr(documents, "QUOTA_COUNT", 3)
    assert customer.post("/my/requests/new/", agent_form()).status_code == 302
    kept = stored_files(settings)
    response = customer.post("/my/requests/new/", agent_form())
    assert response.status_code == 400
    refusal = "お預かりしている書類が上限（3件または60MB）に達しているため、受け付けられません"
    assert refusal in response.content.decode()
    assert CustomerRequest.objects.count() == 1 and stored_files(settings) == kept
    # Documents deleted after their retention no longer count.
    RequestDocument.objects.update(deleted_at="2026-01-01T00:00:00Z")
    assert customer.post("/my/requests/new/", agent_form()).status_code == 302


def test_the_quota_counts_bytes_too(customer, settings, monkeypatch):
    monkeypatch.setattr(documents, "QUOTA_BYTES", len(pdf_bytes()) + len(image_bytes("JPEG")) + 10)
    assert customer.post("/my/requests/new/", agent_form()).status_code == 302
    response = customer.post("/my/requests/new/", agent_form())
    assert response.status_code == 400 and "お預かりしている書類が上限" in response.content.decode()
