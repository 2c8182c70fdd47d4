"""Agents' documents: their type read from the bytes (Pillow parses images, pypdf parses PDFs; the file's
name and the browser's Content-Type are ignored), kept in a private directory outside every URL
(REQUEST_DOCUMENT_DIR: on several app servers, one volume they all mount), read back only by the admin
view that checks the permission, and deleted REQUEST_DOCUMENT_RETENTION_DAYS after the request closed."""

import contextvars
import datetime
import functools
import hashlib
import io
import logging
import re
import secrets
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from .models import CompanyRecordFile, RequestDocument

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
# A file in REQUEST_DOCUMENT_DIR that no row names and is this old is left over from a request whose
# transaction failed (a commit whose answer was lost, a process killed between the write and the commit).
ORPHAN_AGE = datetime.timedelta(hours=1)

# The names written by the service call in progress (documents_removed_unless_committed).
_written: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("request_documents_written", default=None)
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
# Staff's viewers decompress the whole image: a 13,000 × 13,000 PNG of a few KB takes hundreds of MB.
MAX_PIXELS = 40_000_000
# What a PDF may not hold: scripts, actions that run or submit something, attached or embedded files
# and rich media. Names anywhere in the objects reachable from the trailer (compressed ones included).
PDF_ACTIVE_NAMES = frozenset({
    "/JavaScript", "/JS", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR", "/EmbeddedFile",
    "/EmbeddedFiles", "/EF", "/FileAttachment", "/RichMedia", "/XFA", "/Sound", "/Movie",
})
# More objects than a scanned or printed document has: refused rather than walked.
PDF_MAX_OBJECTS = 200_000
# Markup that makes a file a web page too, if a browser or a viewer were led to read it as one.
MARKUP = re.compile(rb"<\s*(?:script|html|!doctype|body|iframe|svg|object|embed|meta)\b", re.IGNORECASE)
# A per-customer cap on the documents kept (the requests' retention keeps them until 30 days after each
# request closes): two agents' requests of three full-size documents, or many of ordinary scans.
QUOTA_COUNT = 10
QUOTA_BYTES = 60 * 1024 * 1024


def storage() -> FileSystemStorage:
    # base_url=None: the storage has no URL, so nothing in it can be linked to or served by a web server.
    return FileSystemStorage(location=settings.REQUEST_DOCUMENT_DIR, base_url=None,
                             directory_permissions_mode=0o700, file_permissions_mode=0o600)


def _refused() -> ValidationError:
    return ValidationError(_("Upload a PDF, JPEG or PNG file. The file's content is none of these."), code="type")


def _second_format() -> ValidationError:
    return ValidationError(
        _("The file holds data of another kind besides the PDF or image. Upload a file made again from the "
          "original document."), code="polyglot")


def _pdf_active_content(reader: PdfReader) -> bool:
    """Whether any object reachable from the trailer names a script, an action that runs or submits
    something, or an attached file."""
    pending, seen = [reader.trailer], set()
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            if len(seen) > PDF_MAX_OBJECTS:
                return True
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in PDF_ACTIVE_NAMES or (isinstance(value, NameObject) and value in PDF_ACTIVE_NAMES):
                    return True
                pending.append(value)
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return False


def _png_ends_at_iend(data: bytes) -> bool:
    end = data.rfind(b"IEND")
    # The IEND chunk: its type, then a 4-byte CRC, and nothing after it.
    return end != -1 and len(data) == end + 8


def detect_type(data: bytes) -> str:
    """The file's type from its content: application/pdf, image/jpeg or image/png; ValidationError otherwise,
    and for a file that is also something else (a ZIP archive, a web page), a PDF that holds scripts,
    actions or attached files, and an image of more than MAX_PIXELS."""
    # A ZIP's directory is found from the end, whatever precedes it: a PDF or image that is also an archive.
    if zipfile.is_zipfile(io.BytesIO(data)) or MARKUP.search(data):
        raise _second_format()
    if data.startswith(b"%PDF-"):
        try:
            reader = PdfReader(io.BytesIO(data))
            if len(reader.pages) < 1:
                raise _refused()
            active = _pdf_active_content(reader)
        except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
            raise _refused() from error
        if active:
            raise ValidationError(
                _("The PDF contains scripts, actions or attached files. Upload a PDF without them (for example, "
                  "one saved again with the print dialog's Save as PDF)."), code="active")
        return "application/pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = IMAGE_TYPES.get(image.format or "")
            if kind is None:
                raise _refused()
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The image has more than %(pixels)s pixels. Upload a smaller image.")
                    % {"pixels": f"{MAX_PIXELS:,}"}, code="pixels")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise _refused() from error
    if kind == "image/png" and not _png_ends_at_iend(data):
        raise _second_format()
    return kind


def documents_quota_check(*, policyholder, adding: list[int]) -> None:
    """Refuse documents that would take the customer's kept documents (not yet deleted) past QUOTA_COUNT
    files or QUOTA_BYTES. The caller holds the policyholder's row lock, so two requests at once cannot
    both pass."""
    kept = RequestDocument.objects.filter(request__policyholder=policyholder, deleted_at__isnull=True).aggregate(
        count=models.Count("pk"), size=models.Sum("size"))
    if kept["count"] + len(adding) > QUOTA_COUNT or (kept["size"] or 0) + sum(adding) > QUOTA_BYTES:
        raise ValidationError(
            _("We are already keeping as many of your documents as we can (%(count)s files or %(megabytes)s MB). "
              "Please send these again once a request in progress has been completed.")
            % {"count": QUOTA_COUNT, "megabytes": QUOTA_BYTES // (1024 * 1024)}, code="quota")


def check_upload(upload) -> tuple[bytes, str]:
    """The upload's bytes and their type, once they pass the size and type checks."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB. Upload a smaller file."), code="size")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB. Upload a smaller file."), code="size")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return data, detect_type(data)


def document_store(data: bytes, content_type: str) -> tuple[str, str]:
    """Write the bytes under a random name; (that name, their SHA-256)."""
    name = storage().save(f"{secrets.token_hex(16)}.{EXTENSIONS[content_type]}", ContentFile(data))
    written = _written.get()
    if written is not None:
        written.append(name)
    return name, hashlib.sha256(data).hexdigest()


def document_discard(name: str) -> None:
    storage().delete(name)


def documents_removed_unless_committed(service):
    """Decorates a transactional service (above its @transaction.atomic) that writes documents: when the
    service fails, its COMMIT included, the files it wrote that no committed row names are deleted at once.

    A COMMIT that fails may still have committed (its answer was lost), so the rows are looked up first;
    if the database cannot say, the files are left to documents_sweep_orphans."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        written: list[str] = []
        token = _written.set(written)
        try:
            return service(*args, **kwargs)
        except BaseException:
            _discard_unnamed(written)
            raise
        finally:
            _written.reset(token)

    return wrapper


def _named(names) -> set[str]:
    """Which of `names` a row names: an agent's or postal document, or a file of a company's records (both are
    kept in REQUEST_DOCUMENT_DIR)."""
    return {
        name
        for model in (RequestDocument, CompanyRecordFile)
        for name in model.objects.filter(stored_name__in=names).values_list("stored_name", flat=True)
    }


def _discard_unnamed(names: list[str]) -> None:
    if not names:
        return
    try:
        named = _named(names)
    except Exception as error:  # the database is gone, or the caller's transaction is broken
        logger.warning("Left %s documents of a failed request to the sweep: %s", len(names), type(error).__name__)
        return
    for name in names:
        if name not in named:
            document_discard(name)


def documents_sweep_orphans(*, now: datetime.datetime | None = None) -> int:
    """Delete files in REQUEST_DOCUMENT_DIR that no row names and that are older than ORPHAN_AGE (younger
    ones may belong to a request whose transaction has not committed yet). Returns how many went."""
    directory = Path(settings.REQUEST_DOCUMENT_DIR)
    if not directory.is_dir():
        return 0
    cutoff = (now or timezone.now()).timestamp() - ORPHAN_AGE.total_seconds()
    old = {path.name: path for path in directory.iterdir() if path.is_file() and path.stat().st_mtime < cutoff}
    named = _named(old)
    deleted = 0
    for name, path in old.items():
        if name not in named:
            path.unlink(missing_ok=True)
            deleted += 1
    if deleted:
        logger.warning("Deleted %s files in the document directory that no request names", deleted)
    return deleted


def stored_files_delete(due: models.QuerySet, *, now: datetime.datetime) -> int:
    """Delete the files of the rows `due` (of a model with stored_name and deleted_at); the rows stay, marked with
    when. Returns how many files went."""
    deleted = 0
    for row in due.filter(deleted_at__isnull=True).iterator():
        document_discard(row.stored_name)
        due.model.objects.filter(pk=row.pk).update(deleted_at=now)
        deleted += 1
    return deleted


def documents_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of requests closed more than REQUEST_DOCUMENT_RETENTION_DAYS ago; their rows stay,
    marked with when. Returns how many files went."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REQUEST_DOCUMENT_RETENTION_DAYS)
    deleted = stored_files_delete(RequestDocument.objects.filter(request__closed_at__lte=cutoff), now=now)
    if deleted:
        logger.info("Deleted %s agents' documents past their retention", deleted)
    return deleted
