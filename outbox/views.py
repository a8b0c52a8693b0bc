"""The outbox pages: every email the app sent or tried to send, for admins and managers."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from clients import roles
from common.links import pk_link
from common.pagination import page_without_total
from common.parsing import parse_id
from common.queries import get_or_404
from outbox import services
from outbox.filters import OutgoingEmailFilter
from outbox.models import OutgoingEmail

# The bodies are long and only the detail page shows them.
LIST_FIELDS = (
    "pk",
    "kind",
    "to_email",
    "subject",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "next_attempt_at",
    "sent_at",
)


def require_outbox_reader(user) -> None:
    """Admins and implementation managers read the outbox; nobody else does."""
    if not roles.is_manager(user):
        raise PermissionDenied("The outbox is for admins and implementation managers.")


@login_required
@require_safe
def email_list(request: HttpRequest) -> HttpResponse:
    require_outbox_reader(request.user)
    kinds = OutgoingEmail.objects.kinds()
    filterset = OutgoingEmailFilter(
        request.GET, queryset=OutgoingEmail.objects.only(*LIST_FIELDS), kinds=kinds
    )
    # Newer and older pages without a total: counting every email ever sent, on every view,
    # would cost more the longer the app runs.
    page_obj = page_without_total(
        filterset.qs, parse_id(request.GET.get("page")), settings.PAGE_SIZE
    )
    email_url = pk_link("outbox:detail")  # one reverse() for the page, not one per row
    for email in page_obj:
        email.url = email_url(email.pk)
    return render(
        request,
        "outbox/email_list.html",
        {
            "nav": "outbox",
            "filter": filterset,
            "page_obj": page_obj,
            "emails": page_obj.object_list,
            "is_filtered": filterset.is_filtered,
        },
    )


def _about_object(email: OutgoingEmail):
    """The object a message is about, or None when it has none or it was deleted since.

    Read through the content type loaded with the message, so it costs one query at most.
    """
    about_type = email.about_type
    if about_type is None or email.about_id is None or about_type.model_class() is None:
        return None
    try:
        return about_type.get_object_for_this_type(pk=email.about_id)
    except ObjectDoesNotExist:
        return None


@login_required
@require_safe
def email_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_outbox_reader(request.user)
    email = get_or_404(OutgoingEmail.objects.select_related("about_type"), pk=pk)
    about = _about_object(email)
    return render(
        request,
        "outbox/email_detail.html",
        {
            "nav": "outbox",
            "email": email,
            "about": about,
            "about_url": about.get_absolute_url() if hasattr(about, "get_absolute_url") else "",
            "about_kind": email.about_type.name if email.about_type else "",
        },
    )


@login_required
@require_POST
def email_retry(request: HttpRequest, pk: int) -> HttpResponse:
    require_outbox_reader(request.user)
    email = get_or_404(OutgoingEmail, pk=pk)
    if services.email_retry(email=email):
        messages.success(request, f"The message to {email.to_email} is queued to be sent again.")
    else:
        status = email.get_status_display().lower()
        messages.error(request, f"Only a failed message can be retried; this one is {status}.")
    return redirect("outbox:detail", pk=email.pk)
