"""bootstrap_field and bootstrap_form write the markup crispy-forms writes, only faster.

Each form a page renders with these tags is compared with crispy's rendering of it, unbound and
bound with errors. Whitespace between tags is all that may differ: browsers ignore it there.
"""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms

from clients.tests.factories import ContactFactory, ProductFactory
from projects.filters import ProjectFilter
from projects.forms import (
    CommentForm,
    HealthOverrideForm,
    MembershipForm,
    TimeEntryForm,
    owner_choices,
)
from projects.item_filters import TaskFilter
from projects.models import ImplementationProject, Task
from projects.templatetags.golive_forms import bootstrap_field, bootstrap_form
from projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


def normalized(html: str) -> str:
    """The HTML with runs of whitespace made one space, and none beside a tag's brackets."""
    return re.sub(r" ?([<>]) ?", r"\1", re.sub(r"\s+", " ", str(html))).strip()


def assert_fields_render_as_crispy(form: forms.Form) -> None:
    for field in form:
        assert normalized(bootstrap_field(field)) == normalized(as_crispy_field(field)), field.name


@pytest.fixture
def project(pm):
    project = ProjectFactory(pm=pm)
    MilestoneFactory(project=project, name="Design <signed>")
    MilestoneFactory(project=project, name="Parallel run")
    ContactFactory(client=project.client, name="Dana O'Neil")
    TaskFactory(project=project, title="Send the census file", owner_user=pm)
    return project


def task_filter(project, data) -> TaskFilter:
    return TaskFilter(
        data,
        queryset=project.tasks.all(),
        project=project,
        owner_choices=owner_choices(project),
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q": "payroll", "phase": "configuration", "health": "red", "sort": "-go_live"},
        {"phase": "no-such-phase", "product": "999999", "pm": "nobody"},
    ],
)
def test_the_project_filter_renders_as_crispy_renders_it(pm, data):
    ProductFactory(name="Payroll")
    form = ProjectFilter(data, queryset=ImplementationProject.objects.all()).form
    assert_fields_render_as_crispy(form)


def test_the_task_filter_renders_as_crispy_renders_it(project, pm):
    milestone = project.milestones.first()
    for data in (
        {},
        {"q": "census", "status": "blocked", "owner": f"user:{pm.pk}", "overdue": "on"},
        {"milestone": str(milestone.pk), "sort": "-due"},
        {"status": "lost", "owner": "user:0", "milestone": "0", "sort": "sideways"},
    ):
        assert_fields_render_as_crispy(task_filter(project, data).form)


def test_the_project_page_forms_render_as_crispy_renders_them(project, other_pm):
    time_form = TimeEntryForm(project=project, initial={"spent_on": "2026-11-02"})
    for form in (HealthOverrideForm(), time_form, MembershipForm(), CommentForm()):
        assert_fields_render_as_crispy(form)
        assert normalized(bootstrap_form(form)) == normalized(as_crispy_form(form))


def test_forms_bound_with_errors_render_as_crispy_renders_them(project):
    task = Task.objects.get(project=project)
    bad = [
        HealthOverrideForm({"health": "purple", "until": "not a date"}),
        TimeEntryForm({"hours": "-1", "task": str(task.pk + 1000)}, project=project),
        MembershipForm({"user": "0", "role": "juggler"}),
        CommentForm({"body": "x" * 6000}),
    ]
    for form in bad:
        assert not form.is_valid()
        # Without a FormHelper: the way `|crispy` and these tags write errors.
        form.helper = None
        assert_fields_render_as_crispy(form)
        assert normalized(bootstrap_form(form)) == normalized(as_crispy_form(form))


def test_form_errors_that_belong_to_no_field_are_shown_above_the_fields():
    form = CommentForm({"body": "Looks good"})
    assert form.is_valid()
    form.add_error(None, "The project was cancelled <today>.")
    html = str(bootstrap_form(form))
    assert normalized(html) == normalized(as_crispy_form(form))
    assert "The project was cancelled &lt;today&gt;." in html


class EveryKindOfField(forms.Form):
    """Hidden, optional, helped, initial-tracked and pre-classed fields, each as crispy has them."""

    token = forms.CharField(widget=forms.HiddenInput, initial="abc")
    since = forms.DateField(required=False, show_hidden_initial=True, initial="2026-01-05")
    note = forms.CharField(required=False, help_text="Shown to <em>support</em> only.")
    kind = forms.ChoiceField(
        choices=[("a", "A & B"), ("c", "C")],
        widget=forms.Select(attrs={"class": "form-select-sm", "data-x": "1"}),
    )
    agree = forms.BooleanField(help_text="Required to go on.")


@pytest.mark.parametrize("data", [None, {"kind": "zzz", "since": "never", "note": "x"}])
def test_every_kind_of_field_renders_as_crispy_renders_it(data):
    form = EveryKindOfField(data)
    assert_fields_render_as_crispy(form)
    assert normalized(bootstrap_form(form)) == normalized(as_crispy_form(form))
