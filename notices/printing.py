"""The 新旧対照表 as a PDF, made with WeasyPrint (it needs Pango; the Japanese font is Noto CJK)."""

import weasyprint
from django.contrib.staticfiles import finders

STYLESHEET = "css/compare-print.css"


def _no_fetching(url: str, *args, **kwargs):
    # The document is self-contained: nothing is fetched while printing, from this server or any other.
    raise ValueError(f"not fetched while printing: {url}")


def comparison_pdf(html: str) -> bytes:
    stylesheet = weasyprint.CSS(filename=finders.find(STYLESHEET))
    document = weasyprint.HTML(string=html, url_fetcher=_no_fetching)
    return document.write_pdf(stylesheets=[stylesheet])
