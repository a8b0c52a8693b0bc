"""A contact marks their own tasks done and sends the files asked of them; the team is told."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clients.roles import Role
from clients.tests.factories import ContactFactory, UserFactory
from outbox.models import OutgoingEmail
from portal.models import TaskUpload
from portal.tests.helpers import sign_in
from projects.models import Task
from projects.tests.factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(pm, client):
    consultant = UserFactory(username="consultant", role=Role.PM)
    project = ProjectFactory(pm=pm, team=[consultant])
    contact = ContactFactory(client=project.client, name="Dana Client")
    task = TaskFactory(
        project=project, title="Send the census", visible_to_client=True, owner_contact=contact
    )
    sign_in(client, contact, project, user=pm)
    return {"project": project, "contact": contact, "task": task, "consultant": consultant}


def test_a_contact_marks_their_task_done_and_the_team_is_told_once(client, setup, pm):
    task = setup["task"]
    url = reverse("portal:task_done", args=[task.pk])
    assert client.post(url).status_code == 302
    client.post(url)
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    told = set(
        OutgoingEmail.objects.filter(kind="portal_activity").values_list("to_email", flat=True)
    )
    assert told == {pm.email, setup["consultant"].email}
    assert OutgoingEmail.objects.filter(kind="portal_activity").count() == 2


def test_a_contact_cannot_finish_a_task_of_someone_else(client, setup):
    colleague = ContactFactory(client=setup["project"].client)
    theirs = TaskFactory(project=setup["project"], visible_to_client=True, owner_contact=colleague)
    client.post(reverse("portal:task_done", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.status == Task.Status.NOT_STARTED
    page = client.get(reverse("portal:task", args=[theirs.pk])).content.decode()
    assert "Mark as done" not in page and "Send the file" not in page


def test_an_uploaded_file_is_listed_for_the_team_and_downloaded_by_who_may_see_the_task(
    client, setup, pm, sales_rep
):
    task = setup["task"]
    response = client.post(
        reverse("portal:task", args=[task.pk]),
        {"file": SimpleUploadedFile("census.csv", b"name,salary\nA,1\n", "text/csv")},
    )
    assert response.status_code == 302
    upload = TaskUpload.objects.get()
    assert upload.original_name == "census.csv" and upload.uploaded_by == setup["contact"]
    assert client.get(reverse("portal:task", args=[task.pk])).content.decode().count("census.csv")
    download = client.get(reverse("portal:download", args=[upload.pk]))
    assert b"".join(download.streaming_content) == b"name,salary\nA,1\n"
    assert "attachment" in download.headers["Content-Disposition"]

    staff = client.__class__()
    staff.force_login(pm)
    page = staff.get(reverse("projects:task_detail", args=[task.pk])).content.decode()
    assert reverse("portal_staff:task_files", args=[task.pk]) in page
    page = staff.get(reverse("portal_staff:task_files", args=[task.pk])).content.decode()
    file_url = reverse("portal_staff:task_file", args=[task.pk, upload.pk])
    assert file_url in page
    assert staff.get(file_url).status_code == 200
    staff.force_login(sales_rep)
    assert staff.get(file_url).status_code == 404
    assert OutgoingEmail.objects.filter(
        kind="portal_activity", subject__contains="uploaded"
    ).exists()


@pytest.mark.parametrize(
    "name, content, why",
    [
        ("payload.exe", b"MZ...", "cannot be uploaded"),
        ("script.html", b"<script>", "cannot be uploaded"),
        ("noextension", b"data", "cannot be uploaded"),
        ("empty.csv", b"", "empty"),
        ("big.csv", b"x" * (1024 * 1024 + 1), "too large"),
    ],
)
def test_refused_files_store_nothing_and_say_why(
    client, setup, settings, tmp_path, name, content, why
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.GOLIVE_PORTAL = {**settings.GOLIVE_PORTAL, "UPLOAD_MAX_MB": 1}
    response = client.post(
        reverse("portal:task", args=[setup["task"].pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert why in response.content.decode()
    assert TaskUpload.objects.count() == 0
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
    assert not OutgoingEmail.objects.filter(kind="portal_activity").exists()


def test_a_double_submitted_upload_stores_one_file(client, setup):
    url = reverse("portal:task", args=[setup["task"].pk])
    page = client.get(url).content.decode()
    key = page.split('name="submission_key" value="')[1].split('"')[0]
    for _ in range(2):
        client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF"), "submission_key": key})
    assert TaskUpload.objects.count() == 1


def test_an_overdue_task_says_so_in_words_not_in_red_alone(client, setup):
    task = setup["task"]
    task.due_date = timezone.localdate() - datetime.timedelta(days=1)
    task.save()
    TaskFactory(
        project=setup["project"],
        title="Sign the pay calendar",
        visible_to_client=True,
        owner_contact=setup["contact"],
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    page = client.get(reverse("portal:project", args=[setup["project"].pk])).content.decode()
    assert page.count("overdue: was due") == 1
    assert "overdue: was due " + task.due_date.strftime("%-d %b %Y") in page
