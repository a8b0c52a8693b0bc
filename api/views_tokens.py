"""The "API tokens" page of a person's account: make a token (its secret shown once), revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from api import services
from api.forms import ApiTokenForm
from api.models import ApiToken
from common.forms import add_service_errors
from common.submissions import create_once

# Where a new token's secret waits, in the server-side session, for the one page that shows it.
MADE = "api_token_made"


def _page(request: HttpRequest, form: ApiTokenForm):
    made = request.session.pop(MADE, None) if request.method != "POST" else None
    tokens = ApiToken.objects.filter(user=request.user).only(
        "digest", "token_key", "name", "created", "expiry", "last_used_at", "user_id"
    )
    response = render(
        request,
        "api/tokens.html",
        {
            "nav": "api_tokens",
            "form": form,
            "tokens": tokens,
            "made": made,
            "base_url": request.build_absolute_uri(reverse("api:project-list")),
        },
    )
    # The secret is in this page once: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = create_once(
                request,
                data["submission_key"],
                lambda: services.api_token_create(
                    user=request.user, name=data["name"], lifetime=data["lifetime"]
                ),
                lambda made: reverse("api:tokens"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(
                    request,
                    "That form had already been sent: the token was made once, and its secret "
                    "was shown then. If you did not copy it, revoke it and make another.",
                )
                return redirect(outcome.url)
            token, secret = outcome.created
            request.session[MADE] = {"name": token.name, "secret": secret}
            return redirect("api:tokens")
    return _page(request, form)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    token = services.api_token_revoke(user=request.user, digest=request.POST.get("token", ""))
    if token is None:
        messages.error(request, "That token is not one of yours, or it was already revoked.")
    else:
        messages.success(
            request, f"Token “{token.name}” revoked: calls that use it are refused from now on."
        )
    return redirect("api:tokens")
