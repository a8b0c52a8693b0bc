"""Pages and in-place edits for milestones, tasks, risks, issues, comments, time and handoff."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory, ContactFactory, UserFactory
from projects import services
from projects.models import (
    Comment,
    HandoffReport,
    Issue,
    Phase,
    Risk,
    Task,
    TimeEntry,
)
from projects.tests.factories import (
    CommentFactory,
    HandoffReportFactory,
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.django_db
TODAY: datetime.date  # set for each test by `_today`


@pytest.fixture(autouse=True)
def _today():
    """Today as each test runs: read once at import, it is yesterday's for a test after midnight."""
    global TODAY
    TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def project(pm, sales_rep):
    return ProjectFactory(
        name="Acme payroll onboarding",
        pm=pm,
        client=ClientFactory(name="Acme Corp", sales_rep=sales_rep, industry="Logistics"),
    )


@pytest.fixture
def contact(project):
    return ContactFactory(client=project.client, name="Dana Client", email="dana@acme.example")


@pytest.fixture
def items(project, contact):
    """One of everything inside the project, for the access tests."""
    return {
        "project": project,
        "milestone": MilestoneFactory(project=project, name="Payroll configured"),
        "task": TaskFactory(project=project, title="Map earnings codes"),
        "risk": RiskFactory(project=project, title="Late census file"),
        "issue": IssueFactory(project=project, title="GL export fails"),
        "report": HandoffReportFactory(project=project, status=HandoffReport.Status.SENT),
    }


# Every view: its URL name, what its pk is, what kind of access it needs, and its method.
VIEWS = [
    ("milestone_create", "project", "edit", "GET"),
    ("milestone_edit", "milestone", "edit", "GET"),
    ("milestone_complete", "milestone", "edit", "POST"),
    ("milestone_reopen", "milestone", "edit", "POST"),
    ("milestone_sign_off", "milestone", "edit", "POST"),
    ("task_list", "project", "read", "GET"),
    ("task_create", "project", "edit", "GET"),
    ("task_detail", "task", "read", "GET"),
    ("task_edit", "task", "edit", "GET"),
    ("task_status", "task", "edit", "POST"),
    ("task_owner", "task", "edit", "POST"),
    ("task_comment", "task", "comment", "POST"),
    ("risk_create", "project", "edit", "GET"),
    ("risk_detail", "risk", "read", "GET"),
    ("risk_edit", "risk", "edit", "GET"),
    ("risk_status", "risk", "edit", "POST"),
    ("risk_comment", "risk", "comment", "POST"),
    ("issue_create", "project", "edit", "GET"),
    ("issue_detail", "issue", "read", "GET"),
    ("issue_edit", "issue", "edit", "GET"),
    ("issue_status", "issue", "edit", "POST"),
    ("issue_comment", "issue", "comment", "POST"),
    ("time_entry_create", "project", "edit", "GET"),
    ("handoff_report", "project", "read", "GET"),
    ("handoff_report_edit", "project", "edit", "GET"),
    ("handoff_report_pdf", "project", "read", "GET"),
    ("handoff_report_send", "project", "edit", "POST"),
    ("handoff_report_decide", "project", "decide", "POST"),
]
POST_DATA = {
    "task_status": {"status": "in_progress"},
    "task_owner": {"owner": ""},
    "task_comment": {"body": "Looks good."},
    "risk_status": {"status": "mitigating"},
    "risk_comment": {"body": "Looks good."},
    "issue_status": {"status": "in_progress"},
    "issue_comment": {"body": "Looks good."},
    "handoff_report_decide": {"decision": "return", "support_comment": "Which pay groups?"},
}
VIEW_IDS = [name for name, *_ in VIEWS]


def view_url(items, name: str, target: str) -> str:
    return reverse(f"projects:{name}", args=[items[target].pk])


def call(client, items, name, target, method):
    url = view_url(items, name, target)
    if method == "POST":
        return client.post(url, POST_DATA.get(name, {}))
    return client.get(url)


@pytest.mark.parametrize(("name", "target", "kind", "method"), VIEWS, ids=VIEW_IDS)
def test_anonymous_visitors_are_sent_to_the_login_page(client, items, name, target, kind, method):
    assert login_redirect(call(client, items, name, target, method))


# The account's own sales rep reads its handoff report (tested below); nothing else.
OUTSIDER_CASES = [
    (outsider, *view)
    for outsider in ["sales_rep", "other_sales_rep", "no_role_user"]
    for view in VIEWS
    # The account's sales rep reads its handoff report, and so its PDF.
    if (outsider, view[0])
    not in {("sales_rep", "handoff_report"), ("sales_rep", "handoff_report_pdf")}
]


@pytest.mark.parametrize(
    ("outsider", "name", "target", "kind", "method"),
    OUTSIDER_CASES,
    ids=[f"{case[1]}-{case[0]}" for case in OUTSIDER_CASES],
)
def test_sales_reps_and_users_without_a_role_do_not_know_the_page_exists(
    client_as, request, items, outsider, name, target, kind, method
):
    user = request.getfixturevalue(outsider)
    assert call(client_as(user), items, name, target, method).status_code == 404


EDITS = [view for view in VIEWS if view[2] == "edit"]
EDIT_IDS = [name for name, *_ in EDITS]


@pytest.mark.parametrize(("name", "target", "kind", "method"), EDITS, ids=EDIT_IDS)
def test_support_reads_but_cannot_change_anything(
    client_as, support, items, name, target, kind, method
):
    assert call(client_as(support), items, name, target, method).status_code == 403


@pytest.mark.parametrize(("name", "target", "kind", "method"), EDITS, ids=EDIT_IDS)
def test_a_pm_not_on_the_project_cannot_change_it(
    client_as, other_pm, items, name, target, kind, method
):
    assert call(client_as(other_pm), items, name, target, method).status_code == 403


READS = [view for view in VIEWS if view[2] == "read"]


@pytest.mark.parametrize(
    ("name", "target", "kind", "method"), READS, ids=[name for name, *_ in READS]
)
@pytest.mark.parametrize("reader", ["other_pm", "support", "manager", "admin_user"])
def test_every_staff_reader_can_open_the_pages(
    client_as, request, items, reader, name, target, kind, method
):
    user = request.getfixturevalue(reader)
    assert call(client_as(user), items, name, target, method).status_code == 200


@pytest.mark.parametrize("editor", ["pm", "manager", "admin_user", "team_member"])
def test_the_pm_their_team_managers_and_admins_can_open_the_edit_pages(
    client_as, request, items, editor
):
    if editor == "team_member":
        user = UserFactory(username="consultant", role="Implementation PM")
        items["project"].team.add(user)
    else:
        user = request.getfixturevalue(editor)
    logged_in = client_as(user)
    for name, target, _, method in EDITS:
        if method == "GET":
            assert call(logged_in, items, name, target, method).status_code == 200, name


@pytest.mark.parametrize(("name", "target", "kind", "method"), VIEWS, ids=VIEW_IDS)
def test_the_wrong_method_is_refused(client_as, pm, items, name, target, kind, method):
    url = view_url(items, name, target)
    logged_in = client_as(pm)
    if method == "POST":
        assert logged_in.get(url).status_code == 405
    elif kind == "read":
        assert logged_in.post(url).status_code == 405
    else:
        assert logged_in.delete(url).status_code == 405


# Milestones


def test_pm_adds_a_milestone_and_sees_it_on_the_project_page(client_as, pm, project):
    response = client_as(pm).post(
        reverse("projects:milestone_create", args=[project.pk]),
        {"name": "Parallel run passed", "order": 3, "due_date": days(20).isoformat()},
    )
    assert response.status_code == 302
    assert response.url == reverse("projects:detail", args=[project.pk]) + "#milestones"
    milestone = project.milestones.get()
    assert milestone.name == "Parallel run passed"
    assert milestone.baseline_date == days(20)
    assert "Milestone “Parallel run passed” added." in message_texts(response)


def test_a_milestone_without_a_name_is_refused_and_nothing_is_added(client_as, pm, project):
    response = client_as(pm).post(
        reverse("projects:milestone_create", args=[project.pk]), {"name": "", "order": 1}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not project.milestones.exists()


def test_pm_renames_a_milestone_and_the_change_is_recorded(client_as, pm, project):
    milestone = MilestoneFactory(project=project, name="UAT", due_date=days(5))
    response = client_as(pm).post(
        reverse("projects:milestone_edit", args=[milestone.pk]),
        {"name": "UAT signed", "order": 2, "due_date": days(9).isoformat(), "version": 0},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.name, milestone.due_date) == ("UAT signed", days(9))
    latest = milestone.history.first()
    assert latest.history_user == pm and latest.history_type == "~"


def test_editing_a_milestone_with_a_bad_date_changes_nothing(client_as, pm, project):
    milestone = MilestoneFactory(project=project, name="UAT", due_date=days(5))
    response = client_as(pm).post(
        reverse("projects:milestone_edit", args=[milestone.pk]),
        {"name": "Renamed", "order": 2, "due_date": "not a date"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"]
    milestone.refresh_from_db()
    assert milestone.name == "UAT"


def test_completing_and_reopening_a_milestone(client_as, pm, project, contact):
    milestone = MilestoneFactory(project=project)
    logged_in = client_as(pm)
    response = logged_in.post(reverse("projects:milestone_complete", args=[milestone.pk]))
    assert response.url.endswith("#milestones")
    milestone.refresh_from_db()
    assert milestone.completed_on == TODAY
    services.milestone_sign_off(milestone=milestone, user=pm, contact=contact)
    logged_in.post(reverse("projects:milestone_reopen", args=[milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.completed_on is None and milestone.signed_off_at is None


def test_sign_off_of_an_unfinished_milestone_is_refused_with_a_reason(
    client_as, pm, project, contact
):
    milestone = MilestoneFactory(project=project)
    response = client_as(pm).post(
        reverse("projects:milestone_sign_off", args=[milestone.pk]), {"contact": contact.pk}
    )
    assert response.status_code == 302
    assert message_texts(response) == [
        "Complete the milestone before recording the client's sign-off."
    ]
    milestone.refresh_from_db()
    assert milestone.signed_off_at is None


def test_sign_off_by_a_contact_of_another_client_is_refused(client_as, pm, project):
    milestone = MilestoneFactory(project=project, completed_on=TODAY)
    stranger = ContactFactory()
    response = client_as(pm).post(
        reverse("projects:milestone_sign_off", args=[milestone.pk]), {"contact": stranger.pk}
    )
    assert "Choose the client contact who signed the milestone off." in message_texts(response)
    milestone.refresh_from_db()
    assert milestone.signed_off_by is None


def test_pm_records_the_clients_sign_off(client_as, pm, project, contact):
    milestone = MilestoneFactory(project=project, name="Config done", completed_on=TODAY)
    response = client_as(pm).post(
        reverse("projects:milestone_sign_off", args=[milestone.pk]), {"contact": contact.pk}
    )
    milestone.refresh_from_db()
    assert milestone.signed_off_by == contact and milestone.signed_off_at is not None
    assert "Sign-off of “Config done” by Dana Client recorded." in message_texts(response)


# Task list


def test_task_list_shows_the_projects_tasks_with_in_place_controls_for_its_pm(
    client_as, pm, project
):
    task = TaskFactory(project=project, title="Load balances", owner_user=pm)
    TaskFactory(title="Another project's task")
    url = reverse("projects:task_list", args=[project.pk])
    logged_in = client_as(pm)
    html = page(logged_in.get(url))
    assert "Load balances" in html and "Another project" not in html
    # Each row offers "Change"; its editors load when opened, not with the page.
    assert 'Change<span class="visually-hidden"> status or owner of Load balances' in html
    assert f'href="/tasks/{task.pk}/edit/"' in html and f'id="task-{task.pk}-status"' not in html
    row = page(
        logged_in.get(url, {"fragment": "task-row", "task": task.pk}, HTTP_HX_REQUEST="true")
    )
    assert f'id="task-{task.pk}-status"' in row and "autofocus" in row
    assert 'hx-post="' in row and "<noscript>" in row
    assert f'<option value="user:{pm.pk}" selected>' in row


def test_a_task_row_opens_for_change_only_for_those_who_may_edit_and_only_its_projects_tasks(
    client_as, other_pm, pm, project
):
    task = TaskFactory(project=project)
    elsewhere = TaskFactory(title="Another project's task", owner_user=pm)
    url = reverse("projects:task_list", args=[project.pk])

    def opened(user, task_id):
        return client_as(user).get(
            url, {"fragment": "task-row", "task": task_id}, HTTP_HX_REQUEST="true"
        )

    assert opened(other_pm, task.pk).status_code == 403
    assert opened(pm, elsewhere.pk).status_code == 404
    assert opened(pm, "x").status_code == 404


def test_task_list_is_plain_text_for_a_pm_who_cannot_edit(client_as, other_pm, project):
    task = TaskFactory(project=project, title="Load balances")
    html = page(client_as(other_pm).get(reverse("projects:task_list", args=[project.pk])))
    assert "Load balances" in html and "Not started" in html
    assert f'id="task-{task.pk}-status"' not in html and "hx-post" not in html


def test_task_list_filters_by_status_owner_milestone_and_overdue(client_as, pm, project, contact):
    milestone = MilestoneFactory(project=project, name="Config")
    TaskFactory(project=project, title="Done one", status=Task.Status.DONE)
    TaskFactory(project=project, title="Mine", owner_user=pm)
    TaskFactory(project=project, title="Client's", owner_contact=contact)
    TaskFactory(project=project, title="In config", milestone=milestone)
    TaskFactory(project=project, title="Late", start_date=days(-9), due_date=days(-2))
    url = reverse("projects:task_list", args=[project.pk])
    logged_in = client_as(pm)

    def titles(**params):
        response = logged_in.get(url, params)
        return sorted(t["title"] for t in response.context["tasks"])

    assert titles(status="done") == ["Done one"]
    assert titles(owner=f"user:{pm.pk}") == ["Mine"]
    assert titles(owner=f"contact:{contact.pk}") == ["Client's"]
    assert titles(owner="none") == ["Done one", "In config", "Late"]
    assert titles(milestone=milestone.pk) == ["In config"]
    assert titles(overdue="on") == ["Late"]
    assert titles(q="conf") == ["In config"]
    assert len(titles()) == 5


def test_task_list_sorts_and_paginates(client_as, pm, project, settings):
    settings.PAGE_SIZE = 2
    TaskFactory(project=project, title="B", priority=Task.Priority.LOW, due_date=days(1))
    TaskFactory(project=project, title="A", priority=Task.Priority.URGENT, due_date=days(3))
    TaskFactory(project=project, title="C", priority=Task.Priority.HIGH, due_date=days(2))
    url = reverse("projects:task_list", args=[project.pk])
    logged_in = client_as(pm)
    first = logged_in.get(url)
    assert [t["title"] for t in first.context["tasks"]] == ["B", "C"]
    assert "Page 1 of 2" in page(first)
    second = logged_in.get(url, {"page": 2})
    assert [t["title"] for t in second.context["tasks"]] == ["A"]
    by_priority = logged_in.get(url, {"sort": "priority"})
    assert [t["title"] for t in by_priority.context["tasks"]] == ["A", "C"]


def test_task_list_with_an_unknown_filter_value_shows_an_error_not_a_crash(client_as, pm, project):
    TaskFactory(project=project)
    response = client_as(pm).get(
        reverse("projects:task_list", args=[project.pk]), {"milestone": "999999"}
    )
    assert response.status_code == 200
    assert response.context["filter"].form.errors["milestone"]


def test_task_list_query_count_does_not_grow_with_tasks(
    client_as, pm, project, contact, django_assert_num_queries
):
    milestone = MilestoneFactory(project=project)

    def add(n):
        for i in range(n):
            TaskFactory(
                project=project,
                milestone=milestone,
                owner_user=pm if i % 2 else None,
                owner_contact=None if i % 2 else contact,
            )

    logged_in = client_as(pm)
    url = reverse("projects:task_list", args=[project.pk])
    add(3)
    logged_in.get(url)
    # Session, user, groups, alert count; the project and the page of tasks. The filters (their
    # owner and milestone choices) load when opened.
    with django_assert_num_queries(6):
        assert len(logged_in.get(url).context["tasks"]) == 3
    add(7)
    with django_assert_num_queries(6):
        assert len(logged_in.get(url).context["tasks"]) == 10


def test_task_list_filters_load_when_opened_and_show_when_applied(client_as, pm, project):
    TaskFactory(project=project, title="Load pay codes", owner_user=pm)
    url = reverse("projects:task_list", args=[project.pk])
    page = client_as(pm).get(url, {"sort": "priority"}).content.decode()
    assert 'hx-get="' + url + '?fragment=filters&amp;sort=priority"' in page
    assert 'name="owner"' not in page
    filters = (
        client_as(pm)
        .get(url, {"fragment": "filters", "sort": "priority"}, HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'name="owner"' in filters and pm.get_full_name() in filters
    assert '<option value="priority" selected>' in filters
    filtered = client_as(pm).get(url, {"owner": f"user:{pm.pk}"}).content.decode()
    assert 'name="owner"' in filtered and "Clear filters" in filtered
    assert "Load pay codes" in filtered


# Task detail, create and edit


def test_task_detail_shows_dependencies_comments_and_history(client_as, pm, project, support):
    before = TaskFactory(project=project, title="Collect census", status=Task.Status.DONE)
    task = TaskFactory(project=project, title="Load employees", depends_on=[before])
    TaskFactory(project=project, title="Run parallel payroll", depends_on=[task])
    CommentFactory(task=task, author=support, body="Census arrived on Monday.")
    services.task_set_status(task=task, user=pm, status=Task.Status.IN_PROGRESS)
    response = client_as(pm).get(reverse("projects:task_detail", args=[task.pk]))
    html = page(response)
    assert [t.title for t in response.context["predecessors"]] == ["Collect census"]
    assert [t.title for t in response.context["successors"]] == ["Run parallel payroll"]
    assert "Census arrived on Monday." in html
    change = response.context["history"][0]
    assert change["who"] == pm.get_full_name() and change["kind"] == "changed"
    assert ("Status", "Not started", "In progress") in change["changes"]
    assert "Not started → In progress" in html


def test_task_history_names_the_old_and_new_owner(client_as, pm, project, contact):
    task = TaskFactory(project=project, owner_user=pm)
    services.task_set_owner(task=task, user=pm, owner_user=None, owner_contact=contact)
    response = client_as(pm).get(reverse("projects:task_detail", args=[task.pk]))
    changes = response.context["history"][0]["changes"]
    assert ("Owner", pm.get_full_name(), None) in changes
    assert ("Client-side owner", None, "Dana Client") in changes


def test_a_task_saved_with_nothing_changed_adds_nothing_to_its_history(client_as, pm, project):
    task = TaskFactory(project=project, title="Load employees")
    task.title = "Load employees and managers"
    task.save()
    task.save()  # a save with nothing changed but the version, as a form saved as it was
    task.version += 1
    task.save()
    response = client_as(pm).get(reverse("projects:task_detail", args=[task.pk]))
    kinds = [(entry["kind"], entry["changes"]) for entry in response.context["history"]]
    assert kinds == [
        ("changed", [("Title", "Load employees", "Load employees and managers")]),
        ("created", []),
    ]


def test_pm_adds_a_task_and_lands_on_its_page(client_as, pm, project, contact):
    first = TaskFactory(project=project, title="Collect census")
    response = client_as(pm).post(
        reverse("projects:task_create", args=[project.pk]),
        {
            "title": "Load employees",
            "status": "not_started",
            "priority": "high",
            "owner_contact": contact.pk,
            "start_date": days(1).isoformat(),
            "due_date": days(4).isoformat(),
            "depends_on": [first.pk],
        },
    )
    task = project.tasks.get(title="Load employees")
    assert response.url == task.get_absolute_url()
    assert task.owner_contact == contact and list(task.depends_on.all()) == [first]
    assert "Task “Load employees” added." in message_texts(response)


def test_a_task_due_before_it_starts_is_refused_and_not_added(client_as, pm, project):
    response = client_as(pm).post(
        reverse("projects:task_create", args=[project.pk]),
        {
            "title": "Backwards",
            "status": "not_started",
            "priority": "normal",
            "start_date": days(5).isoformat(),
            "due_date": days(1).isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_date"] == [
        "The due date cannot be before the start date."
    ]
    assert not project.tasks.exists()


def test_a_new_task_cannot_start_done_before_what_it_depends_on(client_as, pm, project):
    first = TaskFactory(project=project, title="Collect census")
    response = client_as(pm).post(
        reverse("projects:task_create", args=[project.pk]),
        {"title": "Load", "status": "done", "priority": "normal", "depends_on": [first.pk]},
    )
    assert response.status_code == 200
    assert "Waiting on unfinished tasks: Collect census." in page(response)
    assert project.tasks.count() == 1


def task_form_data(task: Task, **changes) -> dict:
    data = {
        "title": task.title,
        "status": task.status,
        "priority": task.priority,
        "start_date": task.start_date.isoformat() if task.start_date else "",
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "depends_on": [t.pk for t in task.depends_on.all()],
        "version": task.version,
    }
    data.update(changes)
    return data


def test_pm_edits_a_task_and_sees_the_change(client_as, pm, project):
    task = TaskFactory(project=project, title="Load employees")
    logged_in = client_as(pm)
    response = logged_in.post(
        reverse("projects:task_edit", args=[task.pk]),
        task_form_data(task, title="Load all employees", due_date=days(12).isoformat()),
    )
    assert response.url == task.get_absolute_url()
    detail = logged_in.get(response.url)
    assert "Load all employees" in page(detail)
    assert ("Title", "Load employees", "Load all employees") in detail.context["history"][0][
        "changes"
    ]


def test_a_dependency_loop_is_refused_and_nothing_changes(client_as, pm, project):
    first = TaskFactory(project=project, title="First")
    second = TaskFactory(project=project, title="Second", depends_on=[first])
    response = client_as(pm).post(
        reverse("projects:task_edit", args=[first.pk]),
        task_form_data(first, title="First renamed", depends_on=[second.pk]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["depends_on"] == [
        "These dependencies would make a loop."
    ]
    first.refresh_from_db()
    assert first.title == "First" and not first.depends_on.exists()


# In-place status and owner changes


def test_htmx_status_change_returns_the_row_with_the_new_status_and_tells_the_page(
    client_as, pm, project
):
    task = TaskFactory(project=project, title="Map earnings codes")
    response = client_as(pm).post(
        reverse("projects:task_status", args=[task.pk]),
        {"status": "in_progress", "next": "/projects/"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "project-progress-changed"
    html = page(response)
    assert html.strip().startswith("<tr") and f'id="task-{task.pk}"' in html
    assert '<option value="in_progress" selected>' in html
    assert 'name="next" value="/projects/"' in html
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS
    assert message_texts(response) == []


def test_htmx_status_change_brings_the_project_pages_open_task_count_along(client_as, pm, project):
    task = TaskFactory(project=project, title="Map earnings codes")
    TaskFactory(project=project, title="Load the census")
    TaskFactory(project=project, title="Done already", status=Task.Status.DONE)
    detail = page(client_as(pm).get(project.get_absolute_url()))
    assert '<span id="open-task-count" class="badge text-bg-light border">2</span>' in detail

    response = client_as(pm).post(
        reverse("projects:task_status", args=[task.pk]),
        {"status": "done"},
        HTTP_HX_REQUEST="true",
    )

    assert (
        '<template><span id="open-task-count" class="badge text-bg-light border" '
        'hx-swap-oob="true">1</span></template>' in page(response)
    )


def test_status_change_without_javascript_goes_back_to_the_page_it_came_from(
    client_as, pm, project
):
    task = TaskFactory(project=project, title="Map earnings codes")
    back = reverse("projects:task_list", args=[project.pk]) + "?status=not_started"
    response = client_as(pm).post(
        reverse("projects:task_status", args=[task.pk]), {"status": "done", "next": back}
    )
    assert response.status_code == 302 and response.url == back
    assert message_texts(response) == ["“Map earnings codes” is now done."]
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.completed_at is not None


def test_status_change_never_redirects_to_another_site(client_as, pm, project):
    task = TaskFactory(project=project)
    response = client_as(pm).post(
        reverse("projects:task_status", args=[task.pk]),
        {"status": "done", "next": "https://evil.example/"},
    )
    assert response.url == reverse("projects:detail", args=[project.pk]) + "#tasks"


def test_htmx_status_change_waiting_on_a_predecessor_shows_why_in_the_row(client_as, pm, project):
    before = TaskFactory(project=project, title="Collect census")
    task = TaskFactory(project=project, title="Load employees", depends_on=[before])
    response = client_as(pm).post(
        reverse("projects:task_status", args=[task.pk]),
        {"status": "done"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "HX-Trigger" not in response
    html = page(response)
    assert 'role="alert"' in html and "Waiting on unfinished tasks: Collect census." in html
    assert '<option value="not_started" selected>' in html
    task.refresh_from_db()
    assert task.status == Task.Status.NOT_STARTED


def test_status_change_waiting_on_a_predecessor_without_javascript(client_as, pm, project):
    before = TaskFactory(project=project, title="Collect census")
    task = TaskFactory(project=project, title="Load employees", depends_on=[before])
    response = client_as(pm).post(
        reverse("projects:task_status", args=[task.pk]), {"status": "in_progress"}
    )
    assert response.status_code == 302
    assert message_texts(response) == [
        "“Load employees” cannot change status. Waiting on unfinished tasks: Collect census."
    ]
    task.refresh_from_db()
    assert task.status == Task.Status.NOT_STARTED


def test_an_unknown_status_is_refused(client_as, pm, project):
    task = TaskFactory(project=project)
    response = client_as(pm).post(
        reverse("projects:task_status", args=[task.pk]),
        {"status": "finished-ish"},
        HTTP_HX_REQUEST="true",
    )
    assert "Choose one of the listed statuses." in page(response)
    task.refresh_from_db()
    assert task.status == Task.Status.NOT_STARTED


def test_htmx_owner_change_to_a_client_contact(client_as, pm, project, contact):
    task = TaskFactory(project=project, owner_user=pm)
    response = client_as(pm).post(
        reverse("projects:task_owner", args=[task.pk]),
        {"owner": f"contact:{contact.pk}"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'<option value="contact:{contact.pk}" selected>' in page(response)
    task.refresh_from_db()
    assert task.owner_contact == contact and task.owner_user is None


def test_owner_change_without_javascript(client_as, pm, manager, project):
    project.memberships.create(user=manager)
    task = TaskFactory(project=project, title="Map earnings codes")
    response = client_as(pm).post(
        reverse("projects:task_owner", args=[task.pk]), {"owner": f"user:{manager.pk}"}
    )
    assert response.status_code == 302
    assert message_texts(response) == [
        f"“Map earnings codes” is now owned by {manager.get_full_name()}."
    ]
    task.refresh_from_db()
    assert task.owner_user == manager


def test_owner_from_another_client_is_refused(client_as, pm, project):
    task = TaskFactory(project=project, owner_user=pm)
    stranger = ContactFactory()
    response = client_as(pm).post(
        reverse("projects:task_owner", args=[task.pk]),
        {"owner": f"contact:{stranger.pk}"},
        HTTP_HX_REQUEST="true",
    )
    assert "Choose one of the listed owners." in page(response)
    task.refresh_from_db()
    assert task.owner_user == pm and task.owner_contact is None


# Comments


def test_support_comments_on_a_task_although_it_cannot_edit_it(client_as, support, project):
    task = TaskFactory(project=project)
    response = client_as(support).post(
        reverse("projects:task_comment", args=[task.pk]), {"body": "Ticket #442 is related."}
    )
    assert response.url == task.get_absolute_url() + "#comments"
    comment = Comment.objects.get()
    assert (comment.task, comment.author, comment.project) == (task, support, project)


@pytest.mark.parametrize(
    ("name", "factory", "field"),
    [
        ("task_comment", TaskFactory, "task"),
        ("risk_comment", RiskFactory, "risk"),
        ("issue_comment", IssueFactory, "issue"),
    ],
)
def test_an_empty_comment_is_refused_on_the_items_page(
    client_as, pm, project, name, factory, field
):
    item = factory(project=project)
    response = client_as(pm).post(reverse(f"projects:{name}", args=[item.pk]), {"body": "   "})
    assert response.status_code == 200
    assert response.context["comment_form"].errors["body"]
    assert "This field is required." in page(response)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("name", "factory", "field"),
    [("risk_comment", RiskFactory, "risk"), ("issue_comment", IssueFactory, "issue")],
)
def test_comments_on_risks_and_issues_show_on_their_pages(
    client_as, other_pm, project, name, factory, field
):
    item = factory(project=project)
    logged_in = client_as(other_pm)
    response = logged_in.post(reverse(f"projects:{name}", args=[item.pk]), {"body": "Noted."})
    assert response.url == item.get_absolute_url() + "#comments"
    assert "Noted." in page(logged_in.get(item.get_absolute_url()))
    assert getattr(Comment.objects.get(), field) == item


# Risks


def risk_data(**changes) -> dict:
    data = {
        "title": "Census file late",
        "probability": 4,
        "impact": 5,
        "status": "open",
        "mitigation_plan": "",
    }
    data.update(changes)
    return data


def test_pm_adds_a_risk_and_sees_its_score(client_as, pm, project):
    logged_in = client_as(pm)
    response = logged_in.post(reverse("projects:risk_create", args=[project.pk]), risk_data())
    risk = project.risks.get()
    assert response.url == risk.get_absolute_url()
    html = page(logged_in.get(response.url))
    assert "Score 20" in html and "No mitigation plan yet." in html


def test_a_risk_with_an_impossible_probability_is_refused(client_as, pm, project):
    response = client_as(pm).post(
        reverse("projects:risk_create", args=[project.pk]), risk_data(probability=9)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["probability"]
    assert not project.risks.exists()


def test_pm_edits_a_risk(client_as, pm, project):
    risk = RiskFactory(project=project, title="Census file late", probability=2, impact=2)
    response = client_as(pm).post(
        reverse("projects:risk_edit", args=[risk.pk]),
        risk_data(mitigation_plan="Chase weekly.", impact=3, probability=2, version=0),
    )
    assert response.url == risk.get_absolute_url()
    risk.refresh_from_db()
    assert (risk.score, risk.mitigation_plan) == (6, "Chase weekly.")


def test_pm_shares_a_risk_and_an_issue_with_the_client_and_takes_it_back(client_as, pm, project):
    risk = RiskFactory(project=project, title="Census file late")
    issue = IssueFactory(project=project, title="Pay codes do not map")
    logged_in = client_as(pm)
    edit_risk = reverse("projects:risk_edit", args=[risk.pk])
    assert "Shared with the client" in page(logged_in.get(edit_risk))
    logged_in.post(edit_risk, risk_data(visible_to_client="on", version=0))
    logged_in.post(
        reverse("projects:issue_edit", args=[issue.pk]),
        issue_data(visible_to_client="on", version=0),
    )
    risk.refresh_from_db()
    issue.refresh_from_db()
    assert risk.visible_to_client and issue.visible_to_client
    logged_in.post(edit_risk, risk_data(version=risk.version))
    risk.refresh_from_db()
    assert not risk.visible_to_client


def test_a_risk_that_occurred_raises_an_issue_shown_on_the_risk_page(client_as, pm, project):
    risk = RiskFactory(project=project, title="Census file late", impact=5)
    logged_in = client_as(pm)
    response = logged_in.post(
        reverse("projects:risk_status", args=[risk.pk]), {"status": "occurred"}
    )
    assert response.url == risk.get_absolute_url()
    assert message_texts(response) == [
        "Risk “Census file late” is now occurred. An issue was raised for it."
    ]
    issue = Issue.objects.get(from_risk=risk)
    assert issue.severity == Issue.Severity.CRITICAL
    html = page(logged_in.get(risk.get_absolute_url()))
    assert issue.get_absolute_url() in html


def test_an_unknown_risk_status_is_refused(client_as, pm, project):
    risk = RiskFactory(project=project)
    response = client_as(pm).post(
        reverse("projects:risk_status", args=[risk.pk]), {"status": "gone"}
    )
    assert message_texts(response) == ["Choose one of the listed statuses."]
    risk.refresh_from_db()
    assert risk.status == Risk.Status.OPEN


def test_risk_and_issue_pages_show_who_changed_what(client_as, pm, support, project):
    risk = RiskFactory(project=project)
    services.risk_set_status(risk=risk, user=pm, status=Risk.Status.MITIGATING)
    response = client_as(support).get(risk.get_absolute_url())
    assert ("Status", "Open", "Mitigating") in response.context["history"][0]["changes"]
    assert "Open → Mitigating" in page(response)


# Issues


def issue_data(**changes) -> dict:
    data = {"title": "GL export fails", "severity": "high", "status": "open", "resolution": ""}
    data.update(changes)
    return data


def test_pm_raises_an_issue(client_as, pm, project):
    response = client_as(pm).post(
        reverse("projects:issue_create", args=[project.pk]), issue_data(owner=pm.pk)
    )
    issue = project.issues.get()
    assert response.url == issue.get_absolute_url()
    assert (issue.severity, issue.owner) == ("high", pm)


def test_an_issue_without_a_title_is_refused(client_as, pm, project):
    response = client_as(pm).post(
        reverse("projects:issue_create", args=[project.pk]), issue_data(title="")
    )
    assert response.status_code == 200 and response.context["form"].errors["title"]
    assert not project.issues.exists()


def test_an_issues_owner_is_chosen_from_the_projects_people_not_the_whole_company(
    client_as, pm, other_pm, project
):
    logged_in = client_as(pm)
    form_page = page(logged_in.get(reverse("projects:issue_create", args=[project.pk])))
    assert f'<option value="{pm.pk}">' in form_page
    assert f'<option value="{other_pm.pk}">' not in form_page
    response = logged_in.post(
        reverse("projects:issue_create", args=[project.pk]), issue_data(owner=other_pm.pk)
    )
    assert response.status_code == 200 and response.context["form"].errors["owner"]
    assert not project.issues.exists()


def test_resolving_an_issue_from_its_edit_page_keeps_the_resolution(client_as, pm, project):
    issue = IssueFactory(project=project, title="GL export fails")
    client_as(pm).post(
        reverse("projects:issue_edit", args=[issue.pk]),
        issue_data(status="resolved", resolution="Patched the export mapping.", version=0),
    )
    issue.refresh_from_db()
    assert issue.status == Issue.Status.RESOLVED
    assert issue.resolution == "Patched the export mapping."
    assert issue.resolved_at is not None


def test_issue_status_change_with_a_resolution(client_as, pm, project):
    issue = IssueFactory(project=project, title="GL export fails")
    response = client_as(pm).post(
        reverse("projects:issue_status", args=[issue.pk]),
        {"status": "closed", "resolution": "Client accepted the workaround."},
    )
    assert message_texts(response) == ["Issue “GL export fails” is now closed."]
    issue.refresh_from_db()
    assert (issue.status, issue.resolution) == ("closed", "Client accepted the workaround.")


def test_an_unknown_issue_status_is_refused(client_as, pm, project):
    issue = IssueFactory(project=project)
    response = client_as(pm).post(
        reverse("projects:issue_status", args=[issue.pk]), {"status": "whatever"}
    )
    assert message_texts(response) == ["Choose one of the listed statuses."]
    issue.refresh_from_db()
    assert issue.status == Issue.Status.OPEN


def test_an_issue_raised_by_a_risk_links_back_to_it(client_as, pm, project):
    risk = RiskFactory(project=project, title="Census file late")
    services.risk_set_status(risk=risk, user=pm, status=Risk.Status.OCCURRED)
    issue = Issue.objects.get(from_risk=risk)
    html = page(client_as(pm).get(issue.get_absolute_url()))
    assert risk.get_absolute_url() in html and "occurred" in html


# Detail pages: query counts


def grow_task(task, pm, support, n):
    for i in range(n):
        task.depends_on.add(TaskFactory(project=task.project, status=Task.Status.DONE))
        TaskFactory(project=task.project).depends_on.add(task)
        CommentFactory(task=task, author=support if i % 2 else pm)
        status = Task.Status.IN_PROGRESS if i % 2 else Task.Status.BLOCKED
        services.task_set_status(task=task, user=pm, status=status)
        services.task_set_owner(
            task=task, user=pm, owner_user=pm if i % 2 else support, owner_contact=None
        )


def test_task_detail_query_count_does_not_grow(
    client_as, pm, support, project, django_assert_num_queries
):
    project.memberships.create(user=support)
    task = TaskFactory(project=project, milestone=MilestoneFactory(project=project))
    url = task.get_absolute_url()
    logged_in = client_as(pm)
    grow_task(task, pm, support, 3)
    logged_in.get(url)
    # Session, user, groups, alert count; the task, its predecessors, successors, comments and
    # history. The owner's choices load with its editor, when opened.
    with django_assert_num_queries(10):
        assert len(logged_in.get(url).context["comments"]) == 3
    grow_task(task, pm, support, 7)
    with django_assert_num_queries(10):
        assert len(logged_in.get(url).context["comments"]) == 10


def test_task_owner_editor_loads_when_opened(client_as, pm, support, project):
    task = TaskFactory(project=project, owner_user=pm)
    url = task.get_absolute_url()
    page = client_as(pm).get(url).content.decode()
    assert 'hx-get="' + url + '?fragment=owner-form"' in page
    assert 'name="owner"' not in page
    editor = client_as(pm).get(url, {"fragment": "owner-form"}, HTTP_HX_REQUEST="true")
    html = editor.content.decode()
    assert 'action="' + reverse("projects:task_owner", args=[task.pk]) + '"' in html
    assert f'value="{url}"' in html
    assert pm.get_full_name() in html
    refused = client_as(support).get(url, {"fragment": "owner-form"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 403


def test_risk_detail_query_count_does_not_grow(
    client_as, pm, support, project, django_assert_num_queries
):
    project.memberships.create(user=support)
    risk = RiskFactory(project=project, owner=pm)

    def grow(n):
        for i in range(n):
            CommentFactory(risk=risk, author=support if i % 2 else pm)
            services.risk_save(
                project=project,
                user=pm,
                risk=risk,
                data={"owner": support if i % 2 else pm, "probability": 1 + i % 5},
            )

    url = risk.get_absolute_url()
    logged_in = client_as(pm)
    grow(3)
    logged_in.get(url)
    with django_assert_num_queries(8):
        assert len(logged_in.get(url).context["comments"]) == 3
    grow(7)
    with django_assert_num_queries(8):
        assert len(logged_in.get(url).context["comments"]) == 10


def test_issue_detail_query_count_does_not_grow(
    client_as, pm, support, project, django_assert_num_queries
):
    issue = IssueFactory(project=project, owner=pm)

    def grow(n):
        for i in range(n):
            CommentFactory(issue=issue, author=support if i % 2 else pm)
            services.issue_save(
                project=project,
                user=pm,
                issue=issue,
                data={"owner": support if i % 2 else pm, "severity": "high" if i % 2 else "low"},
            )

    url = issue.get_absolute_url()
    logged_in = client_as(pm)
    grow(3)
    logged_in.get(url)
    with django_assert_num_queries(8):
        assert len(logged_in.get(url).context["comments"]) == 3
    grow(7)
    with django_assert_num_queries(8):
        assert len(logged_in.get(url).context["comments"]) == 10


# Time


def test_time_entry_form_page_and_logging_time(client_as, pm, project):
    task = TaskFactory(project=project, title="Configure pay groups")
    logged_in = client_as(pm)
    url = reverse("projects:time_entry_create", args=[project.pk])
    form_page = logged_in.get(url)
    assert form_page.context["form"]["spent_on"].value() == TODAY
    response = logged_in.post(
        url,
        {"spent_on": TODAY.isoformat(), "hours": "2.5", "task": task.pk, "billable": "on"},
    )
    assert response.url == reverse("projects:detail", args=[project.pk])
    entry = TimeEntry.objects.get()
    assert (entry.user, entry.hours, entry.task) == (pm, Decimal("2.5"), task)
    assert message_texts(response) == [f"Logged 2.5 h on {TODAY:%d %b %Y}."]


@pytest.mark.parametrize("hours", ["0", "25", ""])
def test_impossible_hours_are_refused_and_nothing_is_logged(client_as, pm, project, hours):
    response = client_as(pm).post(
        reverse("projects:time_entry_create", args=[project.pk]),
        {"spent_on": TODAY.isoformat(), "hours": hours},
    )
    assert response.status_code == 200 and response.context["form"].errors["hours"]
    assert not TimeEntry.objects.exists()


def test_time_cannot_be_logged_against_another_projects_task(client_as, pm, project):
    elsewhere = TaskFactory()
    response = client_as(pm).post(
        reverse("projects:time_entry_create", args=[project.pk]),
        {"spent_on": TODAY.isoformat(), "hours": "1", "task": elsewhere.pk},
    )
    assert response.status_code == 200 and response.context["form"].errors["task"]
    assert not TimeEntry.objects.exists()


# Handoff report


@pytest.fixture
def live_project(project):
    project.phase = Phase.GO_LIVE
    project.actual_go_live = TODAY
    project.save(update_fields=["phase", "actual_go_live"])
    return project


def test_handoff_report_is_built_from_the_project(client_as, support, live_project, contact):
    project = live_project
    MilestoneFactory(
        project=project,
        name="Parallel run",
        completed_on=TODAY,
        signed_off_by=contact,
        signed_off_at=timezone.now(),
    )
    IssueFactory(project=project, title="Retro pay wrong", severity=Issue.Severity.CRITICAL)
    IssueFactory(project=project, title="Fixed already", status=Issue.Status.RESOLVED)
    RiskFactory(project=project, title="Year-end volume")
    TimeEntryFactory(project=project, hours=Decimal("30"))
    TimeEntryFactory(project=project, hours=Decimal("20"), billable=False)
    HandoffReportFactory(project=project, training="Two admin sessions, recorded.")
    response = client_as(support).get(reverse("projects:handoff_report", args=[project.pk]))
    html = page(response)
    for text in [
        "Acme Corp",
        "Logistics",
        "America/Chicago",
        "Payroll",
        "Dana Client",
        "dana@acme.example",
        "Parallel run",
        "Retro pay wrong",
        "Year-end volume",
        "Two admin sessions, recorded.",
        "50 h of 200 h budgeted (25%)",
        "30 h billable",
    ]:
        assert text in html, text
    assert "Fixed already" not in html
    assert response.context["hours_used"] == Decimal("50")


def test_handoff_report_before_anyone_wrote_it(client_as, pm, project):
    response = client_as(pm).get(reverse("projects:handoff_report", args=[project.pk]))
    html = page(response)
    assert "Not started" in html and "Write the report" in html
    assert "Send to support" not in html
    assert not HandoffReport.objects.exists()


def test_pm_writes_the_handoff_report(client_as, pm, project):
    response = client_as(pm).post(
        reverse("projects:handoff_report_edit", args=[project.pk]),
        {"configuration_summary": "Three pay groups.", "training": "Admin course.", "version": 0},
    )
    assert response.url == reverse("projects:handoff_report", args=[project.pk])
    report = HandoffReport.objects.get(project=project)
    assert (report.configuration_summary, report.training) == ("Three pay groups.", "Admin course.")
    assert report.status == HandoffReport.Status.DRAFT


def test_edit_page_shows_what_was_written(client_as, pm, project):
    HandoffReportFactory(project=project, decisions="Bi-weekly pay.")
    response = client_as(pm).get(reverse("projects:handoff_report_edit", args=[project.pk]))
    assert response.context["form"]["decisions"].value() == "Bi-weekly pay."


def test_an_accepted_report_can_no_longer_be_changed(client_as, pm, project):
    report = HandoffReportFactory(
        project=project, status=HandoffReport.Status.ACCEPTED, training="Done."
    )
    response = client_as(pm).post(
        reverse("projects:handoff_report_edit", args=[project.pk]),
        {"training": "Changed.", "version": HandoffReport.objects.get(project=project).version},
    )
    assert response.status_code == 200
    assert "Support has accepted this report; it can no longer change." in page(response)
    report.refresh_from_db()
    assert report.training == "Done."


def test_the_report_cannot_go_to_support_before_go_live(client_as, pm, project):
    report = HandoffReportFactory(project=project)
    response = client_as(pm).post(reverse("projects:handoff_report_send", args=[project.pk]))
    assert message_texts(response) == ["The handoff report goes to support at go-live."]
    report.refresh_from_db()
    assert report.status == HandoffReport.Status.DRAFT


def test_an_unwritten_report_cannot_be_sent(client_as, pm, live_project):
    response = client_as(pm).post(reverse("projects:handoff_report_send", args=[live_project.pk]))
    assert message_texts(response) == ["Write the handoff report before sending it to support."]
    assert not HandoffReport.objects.exists()


def test_pm_sends_the_report_at_go_live_and_support_sees_the_decision_form(
    client_as, pm, support, live_project
):
    report = HandoffReportFactory(project=live_project)
    response = client_as(pm).post(reverse("projects:handoff_report_send", args=[live_project.pk]))
    assert message_texts(response) == ["Handoff report sent to support."]
    report.refresh_from_db()
    assert (report.status, report.sent_by) == (HandoffReport.Status.SENT, pm)
    html = page(client_as(support).get(response.url))
    assert "Sent to support" in html and "Accept the handoff" in html


def test_support_accepts_the_report(client_as, support, live_project):
    report = HandoffReportFactory(project=live_project, status=HandoffReport.Status.SENT)
    logged_in = client_as(support)
    response = logged_in.post(
        reverse("projects:handoff_report_decide", args=[live_project.pk]), {"decision": "accept"}
    )
    assert message_texts(response) == ["Handoff report accepted."]
    report.refresh_from_db()
    assert (report.status, report.decided_by) == (HandoffReport.Status.ACCEPTED, support)
    assert "Accept the handoff" not in page(logged_in.get(response.url))


def test_support_returns_the_report_with_questions(client_as, pm, support, live_project):
    report = HandoffReportFactory(project=live_project, status=HandoffReport.Status.SENT)
    response = client_as(support).post(
        reverse("projects:handoff_report_decide", args=[live_project.pk]),
        {"decision": "return", "support_comment": "Which pay groups are weekly?"},
    )
    report.refresh_from_db()
    assert report.status == HandoffReport.Status.RETURNED
    html = page(client_as(pm).get(response.url))
    assert "Which pay groups are weekly?" in html and "Send again to support" in html


def test_returning_without_questions_is_refused(client_as, support, live_project):
    report = HandoffReportFactory(project=live_project, status=HandoffReport.Status.SENT)
    response = client_as(support).post(
        reverse("projects:handoff_report_decide", args=[live_project.pk]),
        {"decision": "return", "support_comment": " "},
    )
    assert response.status_code == 200
    assert "Say what support needs before it can accept." in page(response)
    report.refresh_from_db()
    assert report.status == HandoffReport.Status.SENT


def test_a_draft_cannot_be_decided(client_as, support, live_project):
    report = HandoffReportFactory(project=live_project)
    response = client_as(support).post(
        reverse("projects:handoff_report_decide", args=[live_project.pk]), {"decision": "accept"}
    )
    assert message_texts(response) == [
        "Only a report that has been sent to support can be decided."
    ]
    report.refresh_from_db()
    assert report.status == HandoffReport.Status.DRAFT


@pytest.mark.parametrize("who", ["pm", "manager"])
def test_only_support_decides_not_even_the_projects_own_pm(client_as, request, who, live_project):
    report = HandoffReportFactory(project=live_project, status=HandoffReport.Status.SENT)
    user = request.getfixturevalue(who)
    response = client_as(user).post(
        reverse("projects:handoff_report_decide", args=[live_project.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == HandoffReport.Status.SENT


def test_an_admin_may_decide(client_as, admin_user, live_project):
    report = HandoffReportFactory(project=live_project, status=HandoffReport.Status.SENT)
    client_as(admin_user).post(
        reverse("projects:handoff_report_decide", args=[live_project.pk]), {"decision": "accept"}
    )
    report.refresh_from_db()
    assert report.status == HandoffReport.Status.ACCEPTED


def test_handoff_report_query_count_does_not_grow(
    client_as, support, pm, live_project, django_assert_num_queries
):
    project = live_project
    HandoffReportFactory(project=project, status=HandoffReport.Status.SENT, sent_by=pm)

    def grow(n):
        for _ in range(n):
            contact = ContactFactory(client=project.client)
            MilestoneFactory(
                project=project,
                completed_on=TODAY,
                signed_off_by=contact,
                signed_off_at=timezone.now(),
            )
            IssueFactory(project=project, owner=pm)
            RiskFactory(project=project, owner=pm)
            TimeEntryFactory(project=project)
            project.team.add(UserFactory(role="Implementation PM"))

    url = reverse("projects:handoff_report", args=[project.pk])
    logged_in = client_as(support)
    grow(3)
    logged_in.get(url)
    # The hours are summed with the project row.
    with django_assert_num_queries(12):
        assert len(logged_in.get(url).context["milestones"]) == 3
    grow(7)
    with django_assert_num_queries(12):
        assert len(logged_in.get(url).context["milestones"]) == 10


def test_sales_rep_reads_the_handoff_report_of_their_own_account_only(
    client_as, sales_rep, other_sales_rep
):
    report = HandoffReportFactory(
        project__client=ClientFactory(sales_rep=sales_rep),
        configuration_summary="Two pay groups and a GL export.",
    )
    url = reverse("projects:handoff_report", args=[report.project_id])
    page = client_as(sales_rep).get(url).content.decode()
    assert "Two pay groups and a GL export." in page
    assert "Accept" not in page
    assert client_as(other_sales_rep).get(url).status_code == 404


def test_sales_rep_gets_404_where_no_handoff_report_was_written(client_as, sales_rep):
    project = ProjectFactory(client=ClientFactory(sales_rep=sales_rep))
    url = reverse("projects:handoff_report", args=[project.pk])
    assert client_as(sales_rep).get(url).status_code == 404
