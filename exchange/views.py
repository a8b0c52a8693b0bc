"""The import page and a run's check and progress; the plan, RAID and portfolio downloads."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients import roles
from common.parsing import parse_id
from common.queries import get_or_404
from common.submissions import REPEATED, create_once
from exchange import exports, imports, services
from exchange.forms import ImportUploadForm
from exchange.models import ImportRun
from projects.access import get_project_for_view
from projects.filters import ProjectFilter
from projects.models import ImplementationProject

RECENT_RUNS = 10
SAMPLE = "exchange/import-sample.csv"
NOT_YOURS_TO_IMPORT = "Only implementation managers and admins import accounts and projects."


def _check_may_import(user) -> None:
    if not roles.is_manager(user):
        raise PermissionDenied(NOT_YOURS_TO_IMPORT)


# Imports


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    """Upload a CRM's CSV file; what its columns mean; the latest imports."""
    _check_may_import(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: services.import_run_create(user=request.user, upload=upload),
                ImportRun.get_absolute_url,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            return redirect(outcome.url)
    runs = ImportRun.objects.select_related("created_by").defer("content", "problems")
    return render(
        request,
        "exchange/import_page.html",
        {
            "nav": "clients",
            "form": form,
            "columns": imports.COLUMNS,
            "sample": SAMPLE,
            "runs": runs[:RECENT_RUNS],
            "limits": settings.GOLIVE_IMPORTS,
        },
    )


@login_required
@require_GET
def import_detail(request, pk: int):
    """A file's check (every bad row and why), the choice to import it, then its progress."""
    _check_may_import(request.user)
    # The file's text stays in the database: the page shows what was found in it.
    runs = ImportRun.objects.select_related("created_by").defer("content")
    polled = request.htmx and request.GET.get("fragment") == "progress"
    run = get_or_404(runs.defer("problems") if polled else runs, pk=pk)
    context = {"nav": "clients", "run": run}
    if polled:
        response = render(request, "exchange/_import_status.html", context)
        if not run.is_working:
            # Finished: the whole page, with the rows the job could not import.
            response["HX-Refresh"] = "true"
        return response
    context["problems"] = Paginator(run.problems, settings.PAGE_SIZE * 4).get_page(
        parse_id(request.GET.get("page"))
    )
    return render(request, "exchange/import_detail.html", context)


@login_required
@require_POST
def import_start(request, pk: int):
    _check_may_import(request.user)
    run = get_or_404(ImportRun.objects.defer("content", "problems"), pk=pk)
    mode = request.POST.get("mode", "")
    if mode not in ImportRun.Mode.values:
        messages.error(request, "Choose whether to import the whole file or only its good rows.")
        return redirect(run)
    try:
        services.import_run_start(run=run, mode=mode)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The import has started; this page shows how far it has got.")
    return redirect(run)


# Exports


def _format(request) -> str:
    fmt = request.GET.get("format", exports.CSV)
    return fmt if fmt in exports.FORMATS else exports.CSV


def _download(sheet: exports.Sheet, fmt: str, filename: str):
    if fmt == exports.XLSX:
        response = HttpResponse(exports.xlsx_bytes(sheet), content_type=exports.CONTENT_TYPES[fmt])
    else:
        response = StreamingHttpResponse(
            exports.csv_lines(sheet), content_type=exports.CONTENT_TYPES[fmt]
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def plan_export(request, pk: int):
    """The project's milestones and tasks, for whoever may read the project."""
    project = get_project_for_view(request, pk, ImplementationProject.objects.only("name"))
    fmt = _format(request)
    return _download(
        exports.plan_sheet(project), fmt, exports.safe_filename(project.name, "plan", fmt)
    )


@login_required
@require_GET
def raid_export(request, pk: int):
    """The project's risks and issues, for whoever may read the project."""
    project = get_project_for_view(request, pk, ImplementationProject.objects.only("name"))
    fmt = _format(request)
    return _download(
        exports.raid_sheet(project), fmt, exports.safe_filename(project.name, "RAID log", fmt)
    )


@login_required
@require_GET
def portfolio_export(request):
    """The project list with the filters and order it was showing."""
    if not roles.is_staff_reader(request.user):
        raise PermissionDenied("Project pages are for the implementation team.")
    queryset = ImplementationProject.objects.visible_to(request.user).order_by(
        "forecast_go_live", "pk"
    )
    projects = ProjectFilter(request.GET, queryset=queryset).qs
    fmt = _format(request)
    return _download(
        exports.portfolio_sheet(projects), fmt, exports.safe_filename("Golive", "portfolio", fmt)
    )
