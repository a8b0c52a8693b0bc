"""Views of the project itself, outside any app: the liveness check, the favicon, the floor."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
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


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon.

    Temporary, so a new release's icon (its file name carries a hash) is found again.
    """
    response = HttpResponseRedirect(static("favicon.svg"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


@login_required
@require_safe
def floor(request: HttpRequest) -> HttpResponse:
    """The base template with no content, for the logged-in user: navigation, alert count, all.

    What every page pays before it shows anything of its own. The benchmark (bench/) compares
    each page's CPU time with this one's, so the ratio says how much a page adds.
    """
    return render(request, "floor.html")
