"""The pages of what lives in a project read a fixed number of rows sets, whatever its size.

Each page is opened on a small project and on one ten times bigger (tasks and their links,
milestones, risks, issues, comments, history, people); both must take the same queries.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.roles import Role
from clients.tests.factories import ContactFactory, UserFactory
from projects import services
from projects.models import Phase
from projects.tests.factories import (
    CommentFactory,
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    RiskFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

# The queries of each page (at most 12 each): session, user and roles, the page's rows.
EXPECTED = {
    "task list": 6,
    "task detail": 9,
    "risk detail": 7,
    "issue detail": 7,
    "new task": 9,
    "edit task": 10,
    "new milestone": 5,
    "edit milestone": 5,
    "new risk": 6,
    "edit risk": 6,
    "new issue": 6,
    "edit issue": 6,
    "UAT sign-off": 9,  # one of them what testing has open (acceptance)
    "task done: what moves": 9,
}


def build(pm, size: int) -> dict:
    today = timezone.localdate()
    project = ProjectFactory(pm=pm, phase=Phase.TESTING)
    for _ in range(size):
        ProjectMembershipFactory(project=project, user=UserFactory(role=Role.PM))
        ContactFactory(client=project.client)
    milestones = [MilestoneFactory(project=project) for _ in range(size)]
    tasks = []
    for i in range(size * 3):
        task = TaskFactory(
            project=project,
            milestone=milestones[i % size],
            start_date=today + datetime.timedelta(days=i),
            due_date=today + datetime.timedelta(days=i + 1),
            depends_on=tasks[-2:],
        )
        tasks.append(task)
    hub = tasks[len(tasks) // 2]
    for _ in range(size):
        CommentFactory(project=project, task=hub, author=pm)
        services.task_save(
            project=project, user=pm, task=hub, data={"title": f"{hub.title}."}, version=None
        )
    risks = [RiskFactory(project=project, owner=pm) for _ in range(size)]
    issues = [IssueFactory(project=project, owner=pm) for _ in range(size)]
    for _ in range(size):
        CommentFactory(project=project, risk=risks[0], author=pm)
        CommentFactory(project=project, issue=issues[0], author=pm)
    return {
        "project": project,
        "task": hub,
        "milestone": milestones[0],
        "risk": risks[0],
        "issue": issues[0],
    }


PAGES = {
    "task list": ("projects:task_list", "project", ""),
    "task detail": ("projects:task_detail", "task", ""),
    "risk detail": ("projects:risk_detail", "risk", ""),
    "issue detail": ("projects:issue_detail", "issue", ""),
    "new task": ("projects:task_create", "project", ""),
    "edit task": ("projects:task_edit", "task", ""),
    "new milestone": ("projects:milestone_create", "project", ""),
    "edit milestone": ("projects:milestone_edit", "milestone", ""),
    "new risk": ("projects:risk_create", "project", ""),
    "edit risk": ("projects:risk_edit", "risk", ""),
    "new issue": ("projects:issue_create", "project", ""),
    "edit issue": ("projects:issue_edit", "issue", ""),
    "UAT sign-off": ("projects:uat_signoff", "project", ""),
    "task done: what moves": ("projects:task_reschedule", "task", "?done=1"),
}


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_reads_the_same_number_of_queries_at_any_size(
    client, pm, django_assert_num_queries, name, size
):
    objects = build(pm, size)
    url_name, kind, query = PAGES[name]
    url = reverse(url_name, args=[objects[kind].pk]) + query
    client.force_login(pm)
    client.get(url)  # the session's first read is not what a page costs
    with django_assert_num_queries(EXPECTED[name]):
        response = client.get(url)
    assert response.status_code == 200
    assert EXPECTED[name] <= 12
