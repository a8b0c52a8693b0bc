"""The parts a page loads with it (htmx) make a fixed number of queries, whatever the data
holds, as the pages themselves do: the project page's lower part, its recent history and its
client portal card, a task's baseline and its client files, a client's satisfaction card.
`make bench` times each of them beside its page (bench/pages.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients.tests.factories import ContactFactory
from portal import services as portal_services
from portal.models import Survey
from projects.baselines import take_baseline
from projects.tests.factories import (
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(pm):
    """A project whose task belongs to a client contact, with a first baseline, and a way to
    give it `n` more of everything its parts list."""
    project = ProjectFactory(pm=pm)
    owner = ContactFactory(client=project.client)
    portal_services.portal_access_grant(contact=owner, project=project, user=pm)
    task = TaskFactory(project=project, visible_to_client=True, owner_contact=owner)
    take_baseline(project=project, user=pm, reason="", first=True)

    grown = []

    def grow(n: int) -> None:
        for index in range(len(grown), len(grown) + n):
            grown.append(index)
            MilestoneFactory(project=project)
            RiskFactory(project=project)
            IssueFactory(project=project)
            other = TaskFactory(project=project, visible_to_client=True)
            other.title = f"{other.title} (renamed)"
            other.save()
            portal_services.portal_upload_add(
                task=task,
                contact=owner,
                uploaded=SimpleUploadedFile(f"file {index}.csv", b"a,b\n1,2\n", "text/csv"),
            )
            # Each answered survey is of another project of the same client.
            contact = ContactFactory(client=project.client)
            survey = portal_services.send_survey(
                ProjectFactory(client=project.client, pm=pm), contact, Survey.Reason.GO_LIVE
            )
            portal_services.survey_answer(
                survey=survey, contact=contact, csat=4, nps=8, comment="Good team."
            )

    return {"project": project, "task": task, "grow": grow}


def _parts(world) -> dict[str, str]:
    project, task = world["project"], world["task"]
    detail = reverse("projects:detail", args=[project.pk])
    return {
        "lower part": f"{detail}?fragment=more",
        "recent history": f"{detail}?fragment=history",
        "client portal card": reverse("portal_staff:project_card", args=[project.pk]),
        "task baseline": reverse("projects:task_baseline", args=[task.pk]),
        "task files": reverse("portal_staff:task_files", args=[task.pk]),
        "client satisfaction": reverse("portal_staff:client_surveys", args=[project.client_id]),
    }


# The session and the user first, then what each part reads.
PINNED = {
    "lower part": 9,
    "recent history": 9,
    "client portal card": 4,
    "task baseline": 5,
    "task files": 7,
    "client satisfaction": 5,
}


@pytest.mark.parametrize("part", PINNED)
def test_a_part_makes_the_same_queries_however_much_it_shows(
    part, world, client_as, pm, django_assert_num_queries
):
    browser = client_as(pm)
    url = _parts(world)[part]
    world["grow"](2)
    assert browser.get(url, **HTMX).status_code == 200
    with django_assert_num_queries(PINNED[part]):
        assert browser.get(url, **HTMX).status_code == 200
    world["grow"](6)
    with django_assert_num_queries(PINNED[part]):
        response = browser.get(url, **HTMX)
    assert response.status_code == 200
    assert SHOWN_AFTER_GROWING[part] in response.content.decode()


# What each part shows once the data has grown: the queries above read it.
SHOWN_AFTER_GROWING = {
    "lower part": "Meetings and decisions",
    "recent history": "(renamed)",
    "client portal card": "Access, sign-offs and surveys",
    "task baseline": "Baseline",
    "task files": "file 7.csv",
    "client satisfaction": "Good team.",
}
