"""Template context that belongs to the project as a whole, not to one app."""

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict:
    """The request's Content-Security-Policy nonce, as `{{ csp_nonce }}` for inline scripts.

    django-htmx's {% htmx_script %} reads this name too. The nonce is made, and put into the
    header, only when a template uses it; a request that bypassed the middleware has none.
    """
    return {"csp_nonce": getattr(request, "csp_nonce", None)}
