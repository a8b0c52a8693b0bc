"""PDF documents made from HTML by WeasyPrint, for the reports the app sends.

A PDF is made once from the document as it was sent, and stored: a download serves those bytes,
so what someone downloads later is what went out, whatever changed since.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string


def html_to_pdf(*, title: str, body_html: str, lang: str = "en") -> bytes:
    """A PDF of an HTML fragment, laid out for A4 paper by templates/pdf/document.html."""
    # Imported here: WeasyPrint loads Pango when imported, which pages that never make a PDF
    # need not pay for.
    from weasyprint import HTML

    html = render_to_string(
        "pdf/document.html", {"title": title, "body_html": body_html, "lang": lang}
    )
    # No base URL: the documents are self-contained (inline styles and SVG), so nothing is
    # fetched from the network or the disk while rendering.
    return HTML(string=html).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A stored PDF as a download named `filename`."""
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
