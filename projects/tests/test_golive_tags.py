"""The app's own template tags write what Django's would."""

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

# Every URL the pages link to with pk_url.
PK_URLS = [
    "projects:detail",
    "projects:task_detail",
    "projects:task_status",
    "projects:task_owner",
    "projects:milestone_complete",
    "projects:milestone_sign_off",
    "projects:milestone_edit",
    "projects:risk_detail",
    "projects:issue_detail",
    "acceptance:testing",
    "clients:detail",
    "exchange:plan_export",
    "exchange:raid_export",
    "golive:readiness",
    "meetings:decision_list",
    "meetings:meeting_list",
    "playbooks:project_templates",
    "projects:baseline_list",
    "projects:edit",
    "projects:handoff_report",
    "projects:health_override_clear",
    "projects:history",
    "projects:issue_create",
    "projects:milestone_create",
    "projects:phase",
    "projects:risk_create",
    "projects:task_create",
    "projects:task_list",
    "projects:time_entry_create",
    "projects:timeline",
    "projects:uat_signoff",
    "reports:project_reports",
]


def pk_url(name: str, pk) -> str:
    return Template("{% load golive %}{% pk_url name pk %}").render(
        Context({"name": name, "pk": pk})
    )


@pytest.mark.parametrize("name", PK_URLS)
def test_pk_url_writes_the_url_the_url_tag_writes(name):
    for pk in (1, 42, 987_654, 9_876_543_210):
        assert pk_url(name, pk) == reverse(name, args=[pk])


def test_pk_url_follows_the_script_prefix_of_the_request():
    set_script_prefix("/golive/")
    try:
        assert pk_url("projects:task_detail", 7) == "/golive/tasks/7/"
    finally:
        set_script_prefix("/")
    assert pk_url("projects:task_detail", 7) == "/tasks/7/"
