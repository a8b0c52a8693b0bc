"""Pieces of views that every app's pages share."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from common.forms import with_helper


def render_form_page(
    request: HttpRequest,
    form,
    *,
    nav: str,
    title: str,
    cancel_url: str,
    breadcrumbs,
    submit_label: str = "Save",
) -> HttpResponse:
    """A page holding one form and nothing else (`_form_page.html`), under the nav item `nav`."""
    return render(
        request,
        "_form_page.html",
        {
            "nav": nav,
            "form": with_helper(form),
            "title": title,
            "cancel_url": cancel_url,
            "breadcrumbs": list(breadcrumbs),
            "submit_label": submit_label,
        },
    )
