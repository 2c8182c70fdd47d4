"""PDFs made with WeasyPrint: the 新旧対照表 and other printable documents (it needs Pango; the Japanese
font is Noto CJK).

A machine without Pango still runs the site (`make run` on a fresh laptop): only the PDF is unavailable,
and the page says so and offers the browser's own printing (the page has A4 landscape print styles)."""

import functools
import logging

from django.contrib.staticfiles import finders

logger = logging.getLogger(__name__)

STYLESHEET = "css/compare-print.css"


@functools.cache
def _weasyprint():
    """WeasyPrint, or None on a machine without Pango (asked once per process, warned once)."""
    # Imported here, not at the top: its import costs seconds and most processes never print.
    try:
        import weasyprint
    except OSError as error:  # Pango or its libraries are missing: WeasyPrint loads them when imported
        logger.warning("The 新旧対照表 PDF is unavailable: WeasyPrint cannot load Pango (%s)", error)
        return None
    return weasyprint


def can_print() -> bool:
    """Whether this server can make PDFs; it loads WeasyPrint, so ask it only where a PDF may be made."""
    return _weasyprint() is not None


def _no_fetching(url: str, *args, **kwargs):
    # The document is self-contained: nothing is fetched while printing, from this server or any other.
    raise ValueError(f"not fetched while printing: {url}")


class PdfUnavailable(Exception):
    """This server cannot make PDFs (no Pango)."""


def comparison_pdf(html: str) -> bytes:
    weasyprint = _weasyprint()
    if weasyprint is None:
        raise PdfUnavailable
    stylesheet = weasyprint.CSS(filename=finders.find(STYLESHEET))
    document = weasyprint.HTML(string=html, url_fetcher=_no_fetching)
    return document.write_pdf(stylesheets=[stylesheet])


def html_pdf(html: str, *, stylesheet: str = "") -> bytes:
    """A self-contained page (its styles in the page, or in `stylesheet`, a static file's path) as a PDF; other
    apps' printable documents use this."""
    weasyprint = _weasyprint()
    if weasyprint is None:
        raise PdfUnavailable
    stylesheets = [weasyprint.CSS(filename=finders.find(stylesheet))] if stylesheet else []
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf(stylesheets=stylesheets)
