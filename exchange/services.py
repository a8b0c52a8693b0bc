"""Imports: an uploaded file checked (the dry run), then written through the apps' services.

A run is claimed by a conditional update, so a job delivered twice does its work once; each
row is written by its CRM ids (account_id, contact_id, deal_id), so a row written twice (a job
retried after its worker died, the same file imported again) makes nothing twice.
"""

import logging
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from clients import services as client_services
from clients.models import Client, Contact
from exchange import imports
from exchange.models import ImportRun
from projects import services as project_services
from projects.models import ImplementationProject

logger = logging.getLogger(__name__)

NOTHING_TO_IMPORT = "No row of this file can be imported."
HAS_BAD_ROWS = (
    "{bad} of the file's rows cannot be imported: mend them and upload the file again, or "
    "import only the good rows."
)
NOT_CHECKED = "This file is not waiting to be imported (it is {status})."


def _enqueue(run_id: int) -> None:
    """Have a worker take the run once the transaction commits; a broker that is down is
    logged, and import_runs_recover enqueues the run again."""
    from exchange.tasks import process_import

    def hand_over() -> None:
        try:
            process_import.delay(run_id)
        except (BrokerError, OSError) as error:
            logger.error("Could not hand import %s to Celery (%s); it is stored.", run_id, error)

    transaction.on_commit(hand_over)


def _file_name(upload: UploadedFile) -> str:
    name = (upload.name or "import.csv").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:255] or "import.csv"


def _record_check(run: ImportRun, checked: imports.Checked) -> None:
    run.rows_total = checked.total
    run.rows_done = checked.total
    run.rows_bad = len(checked.problems)
    run.problems = [problem.as_dict() for problem in checked.problems]
    run.counts = {"ignored_columns": checked.ignored} if checked.ignored else {}


def import_run_create(*, user: User, upload: UploadedFile) -> ImportRun:
    """Store an uploaded file and check it: now when it is small, by a job when it is large.

    Raises ImportFileError, saying why, when the file cannot be read as a table at all.
    """
    imports.check_size(upload.size or 0)
    text = imports.decode(upload.read())
    table = imports.read_table(text)
    if not table.rows:
        raise imports.ImportFileError("The file has a header but no rows.")
    run = ImportRun(
        created_by=user,
        file_name=_file_name(upload),
        content=text,
        rows_total=len(table.rows),
    )
    if len(table.rows) <= settings.GOLIVE_IMPORTS["CHECK_NOW_ROWS"]:
        _record_check(run, imports.check(table))
        run.status = ImportRun.Status.CHECKED
        run.finished_at = timezone.now()
        run.save()
    else:
        run.status = ImportRun.Status.CHECK_QUEUED
        run.save()
        _enqueue(run.pk)
    return run


def import_run_start(*, run: ImportRun, mode: str) -> ImportRun:
    """Import a checked file: the whole of it (only when every row is good) or its good rows."""
    if run.status != ImportRun.Status.CHECKED:
        raise ValidationError(NOT_CHECKED.format(status=run.get_status_display().lower()))
    if mode == ImportRun.Mode.ALL and run.rows_bad:
        raise ValidationError(HAS_BAD_ROWS.format(bad=run.rows_bad))
    if run.rows_good == 0:
        raise ValidationError(NOTHING_TO_IMPORT)
    with transaction.atomic():
        # One start per file, however often the button is pressed.
        started = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.CHECKED).update(
            status=ImportRun.Status.QUEUED, mode=mode, rows_done=0, finished_at=None
        )
        if started:
            _enqueue(run.pk)
    run.refresh_from_db()
    return run


# The job


def _claim(run_id: int) -> ImportRun | None:
    """Take the run for this worker: one waiting for its job, or one whose worker died."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.GOLIVE_IMPORTS["STALE_SECONDS"])
    for waiting, working in (
        (ImportRun.Status.CHECK_QUEUED, ImportRun.Status.CHECKING),
        (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING),
    ):
        claimed = (
            ImportRun.objects.filter(pk=run_id)
            .filter(Q(status=waiting) | Q(status=working, claimed_at__lt=stale))
            .update(status=working, claimed_at=now, attempts=F("attempts") + 1, last_error="")
        )
        if claimed:
            return ImportRun.objects.get(pk=run_id)
    return None


def _progress(run_id: int) -> Callable[[int], None]:
    def report(done: int) -> None:
        # Also keeps the claim fresh: a run that reports is not stalled.
        ImportRun.objects.filter(pk=run_id).update(rows_done=done, claimed_at=timezone.now())

    return report


def import_run_process(*, run_id: int) -> str | None:
    """The job: check a large file, or import a checked one. None when another job has it."""
    run = _claim(run_id)
    if run is None:
        return None
    table = imports.read_table(run.content)
    if run.status == ImportRun.Status.CHECKING:
        _record_check(run, imports.check(table, progress=_progress(run.pk)))
        run.status = ImportRun.Status.CHECKED
    else:
        _import(run, table)
    run.finished_at = timezone.now()
    run.save(
        update_fields=[
            "status",
            "rows_total",
            "rows_done",
            "rows_bad",
            "problems",
            "counts",
            "finished_at",
        ]
    )
    return run.status


def import_run_fail(*, run_id: int, error: str, retrying: bool) -> None:
    """Record a job's failure; a run to be retried waits for its job again."""
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    if retrying:
        waiting = (
            ImportRun.Status.CHECK_QUEUED
            if run.status == ImportRun.Status.CHECKING
            else ImportRun.Status.QUEUED
        )
        ImportRun.objects.filter(pk=run_id, status=run.status).update(
            status=waiting, last_error=error[:2000]
        )
    else:
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.FAILED, last_error=error[:2000], finished_at=timezone.now()
        )


def import_runs_recover() -> int:
    """Enqueue again the runs whose job was lost (the broker was down, a worker died)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.GOLIVE_IMPORTS["STALE_SECONDS"])
    waiting = ImportRun.objects.filter(
        Q(status__in=[ImportRun.Status.CHECK_QUEUED, ImportRun.Status.QUEUED])
        & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - timedelta(minutes=1)))
        & Q(created_at__lt=now - timedelta(minutes=1))
    )
    ids = sorted(
        {
            *waiting.values_list("pk", flat=True),
            *ImportRun.objects.stalled(stale).values_list("pk", flat=True),
        }
    )
    for run_id in ids:
        _enqueue(run_id)
    return len(ids)


def _import(run: ImportRun, table: imports.Table) -> None:
    # Checked again: what Golive holds may have changed since the dry run.
    checked = imports.check(table)
    problems = [problem.as_dict() for problem in checked.problems]
    counts: Counter = Counter()
    report = _progress(run.pk)
    if run.mode == ImportRun.Mode.ALL and problems:
        run.status = ImportRun.Status.FAILED
    elif run.mode == ImportRun.Mode.ALL:
        try:
            with transaction.atomic():
                for done, row in enumerate(checked.rows, start=1):
                    try:
                        _write_row(row, user=run.created_by, counts=counts)
                    except ValidationError as error:
                        problems.append(_row_problem(row, error))
                        raise
                    if done % 100 == 0:
                        report(done)
        except ValidationError:
            counts.clear()
            run.status = ImportRun.Status.FAILED
        else:
            run.status = ImportRun.Status.DONE
    else:
        for done, row in enumerate(checked.rows, start=1):
            try:
                with transaction.atomic():
                    _write_row(row, user=run.created_by, counts=counts)
            except ValidationError as error:
                problems.append(_row_problem(row, error))
            if done % 100 == 0:
                report(done)
        run.status = ImportRun.Status.DONE
    problems.sort(key=lambda problem: problem["row"])
    run.problems = problems
    run.rows_bad = len(problems)
    run.rows_done = run.rows_total
    run.counts = {**({"ignored_columns": checked.ignored} if checked.ignored else {}), **counts}


def _row_problem(row: imports.Row, error: ValidationError) -> dict:
    return {"row": row.line, "account": row.account.external_id, "problems": error.messages}


def _write_row(row: imports.Row, *, user: User, counts: Counter) -> None:
    client = _write_account(row, counts)
    if row.contact is not None:
        _write_contact(row.contact, client, counts)
    if row.deal is not None:
        _write_deal(row, client, user, counts)


def _write_account(row: imports.Row, counts: Counter) -> Client:
    values = row.account
    products = row.deal.products if row.deal else []
    client = Client.objects.filter(external_id=values.external_id).first()
    if client is None:
        client = Client.objects.filter(name__iexact=values.name, external_id="").first()
        if client is not None:
            client_services.client_link_external_id(client=client, external_id=values.external_id)
    if client is None:
        counts["clients_created"] += 1
        return client_services.client_create(
            external_id=values.external_id,
            name=values.name,
            industry=values.industry,
            employee_count=values.employee_count,
            segment=values.segment or Client.Segment.MID_MARKET,
            time_zone=values.time_zone or "UTC",
            sales_rep=values.sales_rep,
            products=products,
            contract_value=values.contract_value,
        )
    # An empty cell leaves what Golive holds; a filled one is what the CRM says now.
    wanted = {
        name: getattr(client, name)
        if getattr(values, name) in (None, "")
        else getattr(values, name)
        for name in imports.ACCOUNT_FIELDS
    }
    held = set(client.products.all())
    if all(wanted[name] == getattr(client, name) for name in wanted) and held >= set(products):
        counts["clients_unchanged"] += 1
        return client
    counts["clients_updated"] += 1
    return client_services.client_update(
        client=client,
        account_status=client.account_status,
        notes=client.notes,
        products=held | set(products),
        **wanted,
    )


def _write_contact(values: imports.ContactValues, client: Client, counts: Counter) -> Contact:
    contact = None
    if values.external_id:
        contact = Contact.objects.filter(external_id=values.external_id).first()
    if contact is None:
        contact = Contact.objects.filter(client=client, email__iexact=values.email).first()
        if contact is not None and values.external_id:
            client_services.contact_link_external_id(
                contact=contact, external_id=values.external_id
            )
    if contact is None:
        counts["contacts_created"] += 1
        return client_services.contact_create(
            client=client,
            external_id=values.external_id,
            name=values.name,
            email=values.email,
            role=values.role or Contact.ContactRole.OTHER,
            phone=values.phone,
            receives_status_reports=values.receives_status_reports,
            is_primary=values.is_primary,
        )
    wanted = {
        "name": values.name,
        "email": values.email,
        "role": values.role or contact.role,
        "phone": values.phone or contact.phone,
        "receives_status_reports": values.receives_status_reports,
        "is_primary": values.is_primary,
    }
    if all(getattr(contact, name) == value for name, value in wanted.items()):
        counts["contacts_unchanged"] += 1
        return contact
    counts["contacts_updated"] += 1
    return client_services.contact_update(contact=contact, **wanted)


def _write_deal(row: imports.Row, client: Client, user: User, counts: Counter) -> None:
    deal = row.deal
    if ImplementationProject.objects.filter(external_id=deal.external_id).exists():
        # Imported before: the project is its PM's now, and the CRM does not change it.
        counts["projects_unchanged"] += 1
        return
    handoff = client_services.sales_handoff_create(
        client=client,
        submitted_by=row.account.sales_rep or client.sales_rep or user,
        products=deal.products,
        contract_signed_on=deal.contract_signed_on,
        target_go_live=deal.target_go_live,
        commitments=deal.commitments,
        special_terms=deal.special_terms,
        pain_points=deal.pain_points,
        stakeholders=deal.stakeholders,
        # A project opened with its PM asks that PM to acknowledge the handoff; only one with
        # no PM yet is the managers' to hear of (else a large file mails them once a deal).
        notify_managers=deal.pm is None,
    )
    project_services.project_create(
        user=user,
        data={
            "external_id": deal.external_id,
            "name": deal.name,
            "client": client,
            "sales_handoff": handoff,
            "pm": deal.pm,
            "kickoff_date": deal.kickoff_date,
            "baseline_go_live": deal.target_go_live,
            "budget_hours": deal.budget_hours,
            "budget_amount": deal.budget_amount,
            "products": deal.products,
        },
    )
    counts["projects_created"] += 1
