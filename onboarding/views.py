"""Views of the project itself, outside any app: the liveness check."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """A constant "ok": the process is up and answering through the whole middleware stack.

    No login and no database query, so a load balancer or supervisor can poll it cheaply; the
    performance benchmark (bench/) uses it as the bare view every page is compared against.
    """
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
