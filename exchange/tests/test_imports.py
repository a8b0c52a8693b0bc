"""Importing a CRM's CSV: the dry run's bad rows, the whole file or its good rows, re-imports."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients.models import Client, Contact, SalesHandoff
from clients.tests.factories import ClientFactory, ContactFactory, ProductFactory
from exchange import services
from exchange.imports import ImportFileError
from exchange.models import ImportRun
from exchange.tasks import process_import
from outbox.models import OutgoingEmail
from projects.models import ImplementationProject
from projects.tests.factories import ProjectFactory

HEADER = [
    "account_id",
    "account_name",
    "segment",
    "sales_rep",
    "contact_id",
    "contact_name",
    "contact_email",
    "contact_primary",
    "deal_id",
    "project_name",
    "products",
    "contract_signed_on",
    "target_go_live",
    "pm",
]


def row(n: int, **changes) -> dict[str, str]:
    values = {
        "account_id": f"ACC-{n}",
        "account_name": f"Account {n}",
        "segment": "smb",
        "sales_rep": "sales_user",
        "contact_id": f"CON-{n}",
        "contact_name": f"Person {n}",
        "contact_email": f"person{n}@account.example",
        "contact_primary": "yes",
        "deal_id": f"DEAL-{n}",
        "project_name": f"Account {n} onboarding",
        "products": "Payroll; Time",
        "contract_signed_on": "2026-11-02",
        "target_go_live": "2027-03-01",
        "pm": "pm_user",
    }
    values.update(changes)
    return values


def csv_file(rows: list[dict[str, str]], *, name="deals.csv", bom=False) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data, "text/csv")


@pytest.fixture
def products(db):
    return [ProductFactory(name="Payroll"), ProductFactory(name="Time")]


@pytest.fixture
def world(products, pm, sales_rep, manager):
    return manager


def check(user, rows, **kw) -> ImportRun:
    return services.import_run_create(user=user, upload=csv_file(rows, **kw))


def run_job(run: ImportRun) -> ImportRun:
    process_import.run(run.pk)
    run.refresh_from_db()
    return run


def problems_of(run: ImportRun) -> dict[int, str]:
    return {problem["row"]: " ".join(problem["problems"]) for problem in run.problems}


def test_the_dry_run_lists_every_bad_row_and_why_and_writes_nothing(world):
    ClientFactory(name="Taken Ltd", external_id="OTHER-CRM-ID")
    rows = [
        row(1),
        row(2, contract_signed_on="02/11/2026"),
        row(3, sales_rep="nobody"),
        row(4, products="Payroll; Spaceships"),
        row(5, account_name=""),
        row(6, deal_id="DEAL-1"),
        row(
            7,
            account_id="ACC-1",
            account_name="Account 1",
            segment="enterprise",
            contact_id="CON-7",
            contact_email="p7@account.example",
            contact_primary="no",
            deal_id="DEAL-7",
        ),  # fmt: skip
        row(8, account_name="Taken Ltd"),
        row(9, target_go_live="2026-01-01"),
        row(10, pm="sales_user"),
        row(11, contact_email="not an email"),
    ]
    before = (
        Client.objects.count(),
        Contact.objects.count(),
        ImplementationProject.objects.count(),
    )

    run = check(world, rows)

    assert run.status == ImportRun.Status.CHECKED
    assert run.rows_total == 11 and run.rows_bad == 10
    found = problems_of(run)
    # Line numbers of the file: the header is line 1.
    assert set(found) == set(range(3, 13))
    assert "not a date written YYYY-MM-DD" in found[3]
    assert "Sales rep “nobody” is not a sales rep" in found[4]
    assert "Product “Spaceships” is not one Golive knows" in found[5]
    assert "account_name must be filled in" in found[6]
    assert "Deal DEAL-1 is also on row 2" in found[7]
    assert "Account ACC-1 has segment “smb” on row 2 and “enterprise” here" in found[8]
    assert "already in Golive with another CRM id" in found[9]
    assert "target go-live is before the contract was signed" in found[10]
    assert "PM “sales_user” is not an implementation PM" in found[11]
    assert "is not an email address" in found[12]
    after = (Client.objects.count(), Contact.objects.count(), ImplementationProject.objects.count())
    assert after == before


def test_a_whole_valid_file_is_imported_through_the_services(world, pm, sales_rep, products):
    run = check(world, [row(1), row(2, contact_primary="no")], bom=True)
    assert run.rows_bad == 0

    services.import_run_start(run=run, mode=ImportRun.Mode.ALL)
    run = run_job(run)

    assert run.status == ImportRun.Status.DONE
    assert run.counts["clients_created"] == 2 and run.counts["projects_created"] == 2
    client = Client.objects.get(external_id="ACC-1")
    assert client.name == "Account 1" and client.sales_rep == sales_rep
    # project_create made the prospect an onboarding account.
    assert client.account_status == Client.AccountStatus.ONBOARDING
    contact = Contact.objects.get(external_id="CON-1")
    assert contact.client == client and contact.is_primary
    project = ImplementationProject.objects.get(external_id="DEAL-1")
    assert project.pm == pm and project.client == client
    assert str(project.baseline_go_live) == "2027-03-01"
    assert set(project.products.all()) == set(products)
    handoff = SalesHandoff.objects.get(project=project)
    assert handoff.submitted_by == sales_rep and str(handoff.contract_signed_on) == "2026-11-02"


def test_imported_deals_ask_their_pm_and_only_deals_without_one_tell_the_managers(
    world, pm, manager
):
    run = check(world, [row(1), row(2), row(3, pm="")])
    services.import_run_start(run=run, mode=ImportRun.Mode.ALL)
    run_job(run)

    handoff_mail = OutgoingEmail.objects.filter(kind__contains="handoff")
    assert handoff_mail.filter(to_email=pm.email).count() == 2  # the two deals with a PM
    assert handoff_mail.filter(to_email=manager.email).count() == 1  # the one without


def test_a_file_with_bad_rows_is_not_imported_whole(world):
    run = check(world, [row(1), row(2, products="Nothing")])
    with pytest.raises(Exception, match="cannot be imported"):
        services.import_run_start(run=run, mode=ImportRun.Mode.ALL)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED
    assert not Client.objects.filter(external_id__startswith="ACC-").exists()


def test_only_the_good_rows_are_imported_when_the_user_says_so(world):
    run = check(world, [row(1), row(2, products="Nothing"), row(3)])

    services.import_run_start(run=run, mode=ImportRun.Mode.GOOD_ROWS)
    run = run_job(run)

    assert run.status == ImportRun.Status.DONE
    assert set(Client.objects.values_list("external_id", flat=True)) == {"ACC-1", "ACC-3"}
    assert list(problems_of(run)) == [3]


def test_importing_the_same_file_again_creates_no_duplicates(world):
    rows = [row(1), row(2), row(1, contact_id="CON-1b", contact_email="b@account.example",
                                 contact_primary="no", deal_id="DEAL-1b")]  # fmt: skip
    first = check(world, rows)
    services.import_run_start(run=first, mode=ImportRun.Mode.ALL)
    run_job(first)
    counts = (
        Client.objects.count(),
        Contact.objects.count(),
        ImplementationProject.objects.count(),
    )
    assert counts == (2, 3, 3)

    again = check(world, rows)
    assert again.rows_bad == 0
    services.import_run_start(run=again, mode=ImportRun.Mode.ALL)
    again = run_job(again)

    assert again.status == ImportRun.Status.DONE
    assert (
        Client.objects.count(),
        Contact.objects.count(),
        ImplementationProject.objects.count(),
    ) == counts
    assert again.counts.get("clients_created", 0) == 0
    assert again.counts["projects_unchanged"] == 3
    assert SalesHandoff.objects.count() == 3


def test_an_account_already_in_golive_is_matched_by_name_and_updated(world, sales_rep):
    client = ClientFactory(name="Account 1", segment="enterprise")
    ContactFactory(client=client, email="person1@account.example", is_primary=False)

    run = check(world, [row(1)])
    services.import_run_start(run=run, mode=ImportRun.Mode.ALL)
    run = run_job(run)

    client.refresh_from_db()
    assert client.external_id == "ACC-1" and client.segment == "smb"
    assert client.contacts.get().external_id == "CON-1"
    assert run.counts["clients_updated"] == 1 and run.counts["contacts_updated"] == 1


def test_rows_that_became_bad_since_the_dry_run_stop_an_all_or_nothing_import(world):
    run = check(world, [row(1), row(2)])
    services.import_run_start(run=run, mode=ImportRun.Mode.ALL)
    # Meanwhile someone opens a project with deal 2's CRM id for another account.
    ProjectFactory(external_id="DEAL-2")

    run = run_job(run)

    assert run.status == ImportRun.Status.FAILED
    assert "already a project of another account" in problems_of(run)[3]
    assert not Client.objects.filter(external_id="ACC-1").exists()


def test_a_large_file_is_checked_by_the_job_with_its_progress_recorded(world, settings):
    settings.GOLIVE_IMPORTS = {**settings.GOLIVE_IMPORTS, "CHECK_NOW_ROWS": 2}
    run = check(world, [row(n) for n in range(1, 6)])
    assert run.status == ImportRun.Status.CHECK_QUEUED and run.rows_done == 0

    run = run_job(run)

    assert run.status == ImportRun.Status.CHECKED
    assert (run.rows_total, run.rows_done, run.rows_bad, run.attempts) == (5, 5, 0, 1)
    # Delivered twice, the job does nothing the second time.
    assert services.import_run_process(run_id=run.pk) is None


def test_the_job_claims_a_run_once(world):
    run = check(world, [row(1)])
    services.import_run_start(run=run, mode=ImportRun.Mode.ALL)
    # A second press of the button starts nothing more.
    with pytest.raises(Exception, match="not waiting to be imported"):
        services.import_run_start(run=ImportRun.objects.get(pk=run.pk), mode=ImportRun.Mode.ALL)
    assert services.import_run_process(run_id=run.pk) == ImportRun.Status.DONE
    assert services.import_run_process(run_id=run.pk) is None
    assert Client.objects.filter(external_id="ACC-1").count() == 1


def test_a_database_failure_is_retried_and_recorded(world, monkeypatch):
    from django.db import OperationalError

    run = check(world, [row(1)])
    services.import_run_start(run=run, mode=ImportRun.Mode.ALL)

    def broken(**kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(services.client_services, "client_create", broken)
    retried = []
    monkeypatch.setattr(
        process_import, "retry", lambda **kw: retried.append(kw["countdown"]) or RuntimeError()
    )
    with pytest.raises(RuntimeError):
        process_import.run(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED
    assert "server closed the connection" in run.last_error
    assert retried == [30]
    monkeypatch.undo()
    assert run_job(run).status == ImportRun.Status.DONE


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "The file is empty"),
        (b"PK\x03\x04binary", "Excel workbook"),
        (b"account_id,account_name\nA-1,Caf\xe9\n", "not UTF-8"),
        (b"name,email\nAcme,a@b.example\n", "account_id and account_name are not among them"),
        (b"account_id,account_name\n", "no rows"),
        (b"\x00\x01\x02 stuff", "binary data"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(world, content, said):
    with pytest.raises(ImportFileError, match=said):
        services.import_run_create(
            user=world, upload=SimpleUploadedFile("x.csv", content, "text/csv")
        )


def test_a_huge_file_is_refused(world, settings):
    settings.GOLIVE_IMPORTS = {**settings.GOLIVE_IMPORTS, "MAX_BYTES": 100}
    with pytest.raises(ImportFileError, match="up to"):
        check(world, [row(n) for n in range(5)])


def test_excel_semicolons_and_byte_order_mark_are_read(world):
    data = "\ufeffaccount_id;account_name\nACC-9;Semicolon Ltd\n".encode()
    run = services.import_run_create(user=world, upload=SimpleUploadedFile("x.csv", data))
    assert run.rows_bad == 0 and run.rows_total == 1


# The pages


def test_only_managers_and_admins_import(client_as, pm, support, sales_rep, admin_user, world):
    url = reverse("exchange:import")
    for user in (pm, support, sales_rep):
        assert client_as(user).get(url).status_code == 403
    for user in (world, admin_user):
        response = client_as(user).get(url)
        assert response.status_code == 200
        assert b"account_id" in response.content and b"import-sample.csv" in response.content


def test_uploading_shows_the_bad_rows_then_imports_the_good_ones(client_as, world):
    browser = client_as(world)
    response = browser.post(
        reverse("exchange:import"), {"file": csv_file([row(1), row(2, pm="ghost")])}, follow=True
    )
    assert response.status_code == 200
    assert "PM “ghost” is not an implementation PM" in response.content.decode()
    run = ImportRun.objects.get()
    assert "Import only the 1 good row" in response.content.decode()

    response = browser.post(
        reverse("exchange:import_start", args=[run.pk]), {"mode": "good_rows"}, follow=True
    )
    assert "The import has started" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED


def test_a_bad_file_gets_a_message_not_an_error_page(client_as, world):
    response = client_as(world).post(
        reverse("exchange:import"),
        {"file": SimpleUploadedFile("book.xlsx", b"PK\x03\x04....", "application/zip")},
    )
    assert response.status_code == 200
    assert "Excel workbook" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_progress_fragment_asks_for_a_reload_when_the_job_is_done(client_as, world):
    run = check(world, [row(1)])
    services.import_run_start(run=run, mode=ImportRun.Mode.ALL)
    url = reverse("exchange:import_detail", args=[run.pk]) + "?fragment=progress"
    working = client_as(world).get(url, HTTP_HX_REQUEST="true")
    assert "every 2s" in working.content.decode() and "HX-Refresh" not in working.headers
    run_job(run)
    done = client_as(world).get(url, HTTP_HX_REQUEST="true")
    assert done.headers["HX-Refresh"] == "true"


@pytest.mark.parametrize("runs", [1, 6])
def test_the_import_pages_read_a_fixed_number_of_queries(
    client_as, world, runs, django_assert_num_queries
):
    browser = client_as(world)
    for n in range(runs):
        last = check(world, [row(k, pm="ghost") for k in range(n + 1)])
    # The session, the user, their roles, the open alerts of the menu, then the runs.
    with django_assert_num_queries(5):
        assert browser.get(reverse("exchange:import")).status_code == 200
    with django_assert_num_queries(5):
        response = browser.get(reverse("exchange:import_detail", args=[last.pk]))
    assert response.content.decode().count("is not an implementation PM") == runs


def test_a_line_break_in_a_name_and_markup_in_a_cell_are_handled(client_as, world):
    run = check(world, [row(1, account_name="Acme\nLtd"), row(2, project_name="<b>Bold</b>")])
    assert list(problems_of(run)) == [2]
    assert "account_name holds a line break" in problems_of(run)[2]
    page = client_as(world).get(reverse("exchange:import_detail", args=[run.pk])).content
    assert b"<b>Bold</b>" not in page


def test_runs_whose_job_was_lost_are_enqueued_again(world, monkeypatch, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.GOLIVE_IMPORTS = {**settings.GOLIVE_IMPORTS, "CHECK_NOW_ROWS": 0}
    waiting = check(world, [row(1)])
    stalled = check(world, [row(2)])
    long_ago = timezone.now() - timedelta(hours=3)
    ImportRun.objects.filter(pk=waiting.pk).update(created_at=long_ago)
    ImportRun.objects.filter(pk=stalled.pk).update(
        status=ImportRun.Status.CHECKING, claimed_at=long_ago, created_at=long_ago
    )
    fresh = check(world, [row(3)])
    enqueued = []
    monkeypatch.setattr(services, "_enqueue", enqueued.append)

    assert services.import_runs_recover() == 2

    assert sorted(enqueued) == sorted([waiting.pk, stalled.pk]) and fresh.pk not in enqueued
    # The stalled one is taken over by the next job, which checks the file to the end.
    assert run_job(stalled).status == ImportRun.Status.CHECKED


def test_renaming_an_account_to_another_ones_name_is_a_conflict(world):
    ClientFactory(name="Account 1", external_id="ACC-1")
    ClientFactory(name="Someone Else Ltd")
    no_deal = dict.fromkeys(
        ["deal_id", "project_name", "products", "contract_signed_on", "target_go_live", "pm"], ""
    )
    run = check(world, [row(1, account_name="Someone Else Ltd", **no_deal)])
    assert "Another account in Golive is named “Someone Else Ltd”" in problems_of(run)[2]
