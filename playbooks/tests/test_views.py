"""Template pages and a project's plan from templates, as each role meets them."""

import re
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from clients.tests.factories import ProductFactory
from playbooks.models import (
    ProjectTemplate,
    ProjectTemplateUse,
    TemplateMilestone,
    TemplateTask,
)
from playbooks.tests.factories import (
    ProjectTemplateFactory,
    TemplateMilestoneFactory,
    TemplateTaskFactory,
    payroll_and_time,
)
from projects.tests.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

KICKOFF = date(2027, 3, 1)


@pytest.fixture
def products():
    return ProductFactory(name="Payroll"), ProductFactory(name="Time & Attendance")


@pytest.fixture
def templates(products):
    return payroll_and_time(*products)


# The list and the detail


def test_anonymous_visitors_are_sent_to_log_in(client, templates):
    for url in (reverse("playbooks:list"), reverse("playbooks:detail", args=[templates[0].pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_pm_reads_templates_but_is_offered_no_edit(client_as, pm, templates):
    page = client_as(pm).get(reverse("playbooks:list")).content.decode()
    assert "Payroll" in page and "Time &amp; Attendance" in page
    assert "New template" not in page
    detail = client_as(pm).get(reverse("playbooks:detail", args=[templates[0].pk]))
    assert "Build pay codes" in detail.content.decode()
    assert "Edit template" not in detail.content.decode()
    assert client_as(pm).get(reverse("playbooks:create")).status_code == 403
    assert client_as(pm).get(reverse("playbooks:edit", args=[templates[0].pk])).status_code == 403


@pytest.mark.parametrize("role", ["sales_rep", "support", "no_role_user"])
def test_other_roles_get_no_template(request, client_as, role, templates):
    user = request.getfixturevalue(role)
    assert client_as(user).get(reverse("playbooks:list")).status_code == 403
    detail = reverse("playbooks:detail", args=[templates[0].pk])
    assert client_as(user).get(detail).status_code == 404


def test_the_detail_shows_each_tasks_dependencies(client_as, manager, templates):
    page = client_as(manager).get(reverse("playbooks:detail", args=[templates[0].pk]))
    text = page.content.decode()
    assert "Edit template" in text
    assert "Send Payroll data" in text and "Hold kick-off meeting" in text


def test_list_query_count_does_not_grow_with_templates(
    client_as, manager, products, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            template = ProjectTemplateFactory(product=products[0])
            TemplateMilestoneFactory(template=template)
            TemplateTaskFactory(template=template)

    logged_in = client_as(manager)
    add(2)
    logged_in.get(reverse("playbooks:list"))
    # Session, user, roles, the open-alerts badge, the product filter, the count, the rows.
    with django_assert_num_queries(7):
        logged_in.get(reverse("playbooks:list"))
    add(6)
    with django_assert_num_queries(7):
        logged_in.get(reverse("playbooks:list"))


def test_detail_query_count_does_not_grow_with_milestones_and_tasks(
    client_as, manager, django_assert_num_queries
):
    template = ProjectTemplateFactory()
    url = reverse("playbooks:detail", args=[template.pk])

    def add(n):
        for _ in range(n):
            milestone = TemplateMilestoneFactory(template=template)
            first = TemplateTaskFactory(template=template, milestone=milestone)
            TemplateTaskFactory(template=template, milestone=milestone, depends_on=[first])
        TemplateTaskFactory(template=template)

    logged_in = client_as(manager)
    add(2)
    logged_in.get(url)
    # Session, user, roles, the alerts badge; the template, its tasks, their dependencies and
    # its milestones.
    with django_assert_num_queries(8):
        logged_in.get(url)
    add(8)
    with django_assert_num_queries(8):
        logged_in.get(url)


# Editing


def test_a_manager_makes_a_template_and_sees_it(client_as, manager, products):
    response = client_as(manager).post(
        reverse("playbooks:create"),
        {"name": "Payroll for hospitals", "product": products[0].pk, "is_active": "on"},
        follow=True,
    )
    assert "Payroll for hospitals" in response.content.decode()
    assert ProjectTemplate.objects.get(name="Payroll for hospitals").product == products[0]


def test_a_template_without_a_name_is_refused_with_a_reason(client_as, manager, products):
    response = client_as(manager).post(reverse("playbooks:create"), {"product": products[0].pk})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ProjectTemplate.objects.exists()


def test_a_stale_edit_changes_nothing_and_says_why(client_as, manager, templates):
    payroll = templates[0]
    response = client_as(manager).post(
        reverse("playbooks:edit", args=[payroll.pk]),
        {
            "name": "Renamed",
            "product": payroll.product_id,
            "version": payroll.version - 1,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "changed this template after you opened it" in response.content.decode()
    payroll.refresh_from_db()
    assert payroll.name == "Payroll"


def _sent_again(response) -> dict:
    """What a browser sends when the user saves the refused form again, unchanged."""
    return dict(response.context["form"].data.lists())


def test_a_template_edit_opened_before_a_colleagues_save_says_who_changed_what(
    client_as, manager, admin_user, templates
):
    payroll = templates[0]
    edit = reverse("playbooks:edit", args=[payroll.pk])
    manager.first_name, manager.last_name = "Mia", "Manager"
    manager.save(update_fields=["first_name", "last_name"])
    opened = client_as(admin_user).get(edit).context["form"]["version"].value()
    mine = {"name": "Payroll (admin)", "product": payroll.product_id, "version": opened}
    theirs = {**mine, "name": "Payroll (Mia)", "is_active": "on"}
    assert client_as(manager).post(edit, theirs).status_code == 302

    response = client_as(admin_user).post(edit, mine)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Mia Manager changed this template" in text and "nothing was saved" in text
    assert "Name" in text and "Payroll (admin)" in text  # what differs; the input kept
    payroll.refresh_from_db()
    assert payroll.name == "Payroll (Mia)" and payroll.is_active

    # Having read it, the admin saves again on purpose: now their change is kept.
    assert client_as(admin_user).post(edit, _sent_again(response)).status_code == 302
    payroll.refresh_from_db()
    assert payroll.name == "Payroll (admin)" and not payroll.is_active


def test_a_stale_milestone_edit_changes_nothing_and_says_what_differs(
    client_as, manager, templates
):
    payroll = templates[0]
    kickoff = payroll.milestones.get(name="Kick-off")
    edit = reverse("playbooks:milestone_edit", args=[kickoff.pk])
    opened = client_as(manager).get(edit).context["form"]["version"].value()
    data = {"name": "Kick-off", "order": 1, "offset_days": 0, "duration_days": 3,
            "version": opened}  # fmt: skip
    assert client_as(manager).post(edit, {**data, "duration_days": 5}).status_code == 302

    response = client_as(manager).post(edit, {**data, "name": "Start"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "changed this template after you opened it" in text and "Duration" in text
    kickoff.refresh_from_db()
    assert (kickoff.name, kickoff.duration_days) == ("Kick-off", 5)


def test_a_stale_task_edit_changes_nothing_and_says_what_differs(client_as, manager, templates):
    payroll = templates[0]
    task = payroll.tasks.get(title="Go/no-go")
    edit = reverse("playbooks:task_edit", args=[task.pk])
    opened = client_as(manager).get(edit).context["form"]["version"].value()
    data = {"title": "Go/no-go", "owner_role": "pm", "offset_days": 20, "duration_days": 1,
            "version": opened}  # fmt: skip
    assert client_as(manager).post(edit, {**data, "title": "Go-live call"}).status_code == 302

    response = client_as(manager).post(edit, {**data, "duration_days": 2})
    text = response.content.decode()
    assert response.status_code == 200
    assert "changed this template after you opened it" in text and "Title" in text
    task.refresh_from_db()
    assert (task.title, task.duration_days) == ("Go-live call", 1)


def test_removing_a_task_from_a_stale_page_removes_nothing(client_as, manager, templates):
    payroll = templates[0]
    task = payroll.tasks.get(title="Go/no-go")
    browser = client_as(manager)
    opened = payroll.version  # the template page is read, then a colleague adds a milestone
    milestone = {"name": "Parallel run", "order": 4, "offset_days": 12, "duration_days": 2}
    browser.post(reverse("playbooks:milestone_create", args=[payroll.pk]), milestone)
    response = browser.post(reverse("playbooks:task_delete", args=[task.pk]), {"version": opened})
    assert response.status_code == 302
    assert "changed this template" in str(list(get_messages(response.wsgi_request))[-1])
    assert TemplateTask.objects.filter(pk=task.pk).exists()


def _submitted_twice(browser, url: str, data: dict):
    """Open the form, fill it in, and send it twice (a double click): the second response."""
    form_page = browser.get(url)
    key = form_page.context["form"]["submission_key"].value()
    assert f'name="submission_key" value="{key}"' in form_page.content.decode()
    first = browser.post(url, {**data, "submission_key": key})
    assert first.status_code == 302
    again = browser.post(url, {**data, "submission_key": key})
    assert again.status_code == 302 and again.url == first.url
    assert "already been sent" in str(list(get_messages(again.wsgi_request))[-1])
    return again


def test_a_new_template_sent_twice_is_made_once(client_as, manager, products):
    data = {"name": "Payroll for hospitals", "product": products[0].pk, "is_active": "on"}
    _submitted_twice(client_as(manager), reverse("playbooks:create"), data)
    assert ProjectTemplate.objects.filter(name="Payroll for hospitals").count() == 1


def test_a_new_milestone_sent_twice_is_added_once(client_as, manager, templates):
    payroll = templates[0]
    data = {"name": "Parallel run", "order": 3, "offset_days": 12, "duration_days": 4}
    url = reverse("playbooks:milestone_create", args=[payroll.pk])
    _submitted_twice(client_as(manager), url, data)
    assert payroll.milestones.filter(name="Parallel run").count() == 1


def test_a_new_task_sent_twice_is_added_once(client_as, manager, templates):
    payroll = templates[0]
    data = {"title": "Train payroll clerks", "owner_role": "consultant", "offset_days": 15,
            "duration_days": 2}  # fmt: skip
    url = reverse("playbooks:task_create", args=[payroll.pk])
    _submitted_twice(client_as(manager), url, data)
    assert payroll.tasks.filter(title="Train payroll clerks").count() == 1


def test_a_dependency_loop_is_named_on_the_task_form(client_as, manager, templates):
    payroll = templates[0]
    meeting = payroll.tasks.get(title="Hold kick-off meeting")
    build = payroll.tasks.get(title="Build pay codes")
    response = client_as(manager).post(
        reverse("playbooks:task_edit", args=[meeting.pk]),
        {
            "title": meeting.title,
            "owner_role": "pm",
            "offset_days": 0,
            "duration_days": 1,
            "version": payroll.version,
            "depends_on": [build.pk],
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert (
        "Hold kick-off meeting → Send Payroll data → Build pay codes → Hold kick-off meeting"
    ) in text
    assert not meeting.depends_on.exists()


def test_a_manager_adds_a_milestone_and_removes_it(client_as, manager, templates):
    payroll = templates[0]
    logged_in = client_as(manager)
    response = logged_in.post(
        reverse("playbooks:milestone_create", args=[payroll.pk]),
        {"name": "Parallel run", "order": 3, "offset_days": 12, "duration_days": 4,
         "version": payroll.version},
        follow=True,
    )  # fmt: skip
    assert "Parallel run" in response.content.decode()
    milestone = TemplateMilestone.objects.get(template=payroll, name="Parallel run")
    delete = reverse("playbooks:milestone_delete", args=[milestone.pk])
    assert logged_in.get(delete).status_code == 405
    payroll.refresh_from_db()
    logged_in.post(delete, {"version": payroll.version})
    assert not TemplateMilestone.objects.filter(pk=milestone.pk).exists()


def test_a_pm_cannot_remove_a_templates_task(client_as, pm, templates):
    task = templates[0].tasks.first()
    response = client_as(pm).post(
        reverse("playbooks:task_delete", args=[task.pk]), {"version": templates[0].version}
    )
    assert response.status_code == 403
    assert templates[0].tasks.filter(pk=task.pk).exists()


# A project's plan from templates


def test_the_pm_is_offered_the_templates_of_the_projects_products_with_a_preview(
    client_as, pm, products, templates
):
    ProjectTemplateFactory(name="Recruiting", product=ProductFactory(name="Recruiting"))
    project = ProjectFactory(pm=pm, products=products, kickoff_date=KICKOFF)
    page = client_as(pm).get(reverse("playbooks:project_templates", args=[project.pk]))
    form = page.context["apply_form"]
    assert set(form.initial["templates"]) == {t.pk for t in templates}
    text = page.content.decode()
    assert "Preview:" in text and "4 milestones, 6 tasks" in text and "29 Mar 2027" in text


def test_the_pm_makes_the_plan_from_two_templates_and_a_second_submit_adds_nothing(
    client_as, pm, products, templates
):
    project = ProjectFactory(pm=pm, products=products, kickoff_date=KICKOFF)
    url = reverse("playbooks:apply", args=[project.pk])
    data = {"templates": [t.pk for t in templates], "kickoff": "2027-03-01", "apply": "1"}
    response = client_as(pm).post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == project.get_absolute_url()
    assert "4 milestones, 6 tasks, go-live 29 Mar 2027" in response.content.decode()
    assert project.tasks.count() == 6

    again = client_as(pm).post(url, data)
    assert again.status_code == 200
    assert "already has a plan" in again.content.decode()
    assert project.tasks.count() == 6
    assert ProjectTemplateUse.objects.filter(project=project).count() == 2


def test_preview_writes_nothing(client_as, pm, products, templates):
    project = ProjectFactory(pm=pm, products=products, kickoff_date=KICKOFF)
    response = client_as(pm).post(
        reverse("playbooks:apply", args=[project.pk]),
        {"templates": [templates[0].pk], "kickoff": "2027-03-01", "preview": "1"},
    )
    assert "Preview:" in response.content.decode()
    assert not project.tasks.exists() and not project.milestones.exists()


def test_another_pm_reads_the_page_but_cannot_make_the_plan(client_as, other_pm, pm, templates):
    project = ProjectFactory(pm=pm, kickoff_date=KICKOFF)
    page = client_as(other_pm).get(reverse("playbooks:project_templates", args=[project.pk]))
    assert page.status_code == 200 and page.context["apply_form"] is None
    response = client_as(other_pm).post(
        reverse("playbooks:apply", args=[project.pk]),
        {"templates": [templates[0].pk], "kickoff": "2027-03-01"},
    )
    assert response.status_code == 403
    assert not project.tasks.exists()


def test_a_sales_rep_does_not_find_the_page(client_as, sales_rep, templates):
    project = ProjectFactory(kickoff_date=KICKOFF)
    url = reverse("playbooks:project_templates", args=[project.pk])
    assert client_as(sales_rep).get(url).status_code == 404


def test_a_manager_saves_a_projects_plan_as_a_template(client_as, manager, pm, products):
    project = ProjectFactory(pm=pm, products=products, kickoff_date=KICKOFF)
    MilestoneFactory(project=project, name="Kick-off", due_date=date(2027, 3, 5))
    response = client_as(manager).post(
        reverse("playbooks:save_as_template", args=[project.pk]),
        {"name": "Lean payroll", "product": products[0].pk},
        follow=True,
    )
    assert "Lean payroll" in response.content.decode()
    template = ProjectTemplate.objects.get(name="Lean payroll")
    milestone = template.milestones.get()
    assert (milestone.name, milestone.offset_days + milestone.duration_days) == ("Kick-off", 5)


def test_a_project_saved_as_a_template_twice_by_a_double_click_makes_one(
    client_as, manager, pm, products
):
    project = ProjectFactory(pm=pm, products=products, kickoff_date=KICKOFF)
    MilestoneFactory(project=project, name="Kick-off", due_date=date(2027, 3, 5))
    browser = client_as(manager)
    page = browser.get(reverse("playbooks:project_templates", args=[project.pk]))
    key = page.context["save_form"]["submission_key"].value()
    assert f'value="{key}"' in page.content.decode()
    data = {"name": "Lean payroll", "product": products[0].pk, "submission_key": key}
    url = reverse("playbooks:save_as_template", args=[project.pk])
    first = browser.post(url, data)
    again = browser.post(url, data)
    assert again.status_code == 302 and again.url == first.url
    assert "already been sent" in str(list(get_messages(again.wsgi_request))[-1])
    assert ProjectTemplate.objects.filter(name="Lean payroll").count() == 1


def test_a_pm_cannot_save_a_project_as_a_template(client_as, pm, products):
    project = ProjectFactory(pm=pm, products=products)
    MilestoneFactory(project=project)
    response = client_as(pm).post(
        reverse("playbooks:save_as_template", args=[project.pk]),
        {"name": "Mine", "product": products[0].pk},
    )
    assert response.status_code == 403
    assert not ProjectTemplate.objects.exists()


def test_plan_templates_page_query_count_does_not_grow_with_templates(
    client_as, pm, products, django_assert_num_queries
):
    project = ProjectFactory(pm=pm, products=products, kickoff_date=KICKOFF)
    url = reverse("playbooks:project_templates", args=[project.pk])
    logged_in = client_as(pm)

    def add(n):
        for _ in range(n):
            template = ProjectTemplateFactory(product=products[0])
            milestone = TemplateMilestoneFactory(template=template, name="Kick-off")
            first = TemplateTaskFactory(template=template, milestone=milestone, title="Meet")
            TemplateTaskFactory(template=template, milestone=milestone, depends_on=[first])

    add(1)
    logged_in.get(url)
    with django_assert_num_queries(15):
        page = logged_in.get(url)
    assert "Preview:" in page.content.decode()
    add(4)
    with django_assert_num_queries(15):
        logged_in.get(url)


def test_the_remove_buttons_send_the_pages_one_form_with_the_version_it_was_read_at(
    client_as, manager, templates
):
    payroll = templates[0]
    task = payroll.tasks.get(title="Go/no-go")
    browser = client_as(manager)
    page = browser.get(payroll.get_absolute_url()).content.decode()
    form = re.search(
        r'<form method="post" id="remove-template-item" hidden>(.*?)</form>', page, re.S
    )
    removes = re.findall(r'form="remove-template-item" formaction="([^"]+)"', page)

    assert 'name="csrfmiddlewaretoken"' in form[1]
    assert f'name="version" value="{payroll.version}"' in form[1]
    assert reverse("playbooks:task_delete", args=[task.pk]) in removes
    assert {
        reverse("playbooks:milestone_delete", args=[m.pk]) for m in payroll.milestones.all()
    } <= set(removes)
    browser.post(reverse("playbooks:task_delete", args=[task.pk]), {"version": payroll.version})
    assert not TemplateTask.objects.filter(pk=task.pk).exists()
