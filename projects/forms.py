import uuid
from decimal import Decimal

from crispy_forms.layout import Column, Row
from django import forms
from django.contrib.auth.models import User
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from clients.forms import ACCOUNT_BLANK_LABEL
from clients.models import Contact, SalesHandoff
from clients.roles import Role
from clients.widgets import SearchableSelect
from common.forms import DateInput, Select, SelectMultiple, form_helper
from common.parsing import PlainInputFormMixin, parse_id, search_text
from common.submissions import add_submission_key
from common.versions import VersionedFormMixin, add_version_field
from projects.models import (
    RAG_CHOICES,
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    ProjectMembership,
    Risk,
    Task,
    TimeEntry,
)
from projects.selectors import owner_candidates


def _user_choices(*role_names: str):
    users = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
    if role_names:
        users = users.filter(groups__name__in=role_names).distinct()
    return users


def _people(users) -> list[tuple[int, str]]:
    """(id, full name or username) of each user, read without making a User of each."""
    return [
        (pk, f"{first_name} {last_name}".strip() or username)
        for pk, first_name, last_name, username in users.values_list(
            "pk", "first_name", "last_name", "username"
        )
    ]


def _guard(form: forms.ModelForm) -> None:
    """An edit form carries its row's version; a create form a one-time submission key."""
    if form.instance.pk:
        add_version_field(form, form.instance.version)
    else:
        add_submission_key(form)


def _owners(project: ImplementationProject, current_pk: int | None):
    """The project's possible owners (one rule, owner_candidates), and the current owner."""
    people = Q(pk__in=owner_candidates(project).values("pk"))
    if current_pk:
        people |= Q(pk=current_pk)
    return User.objects.filter(people).order_by("first_name", "last_name", "username")


class UserChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices as (id, name) read straight from the database, without a User per person."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, label in _people(self.queryset):
            yield (forms.models.ModelChoiceIteratorValue(pk, None), label)


class UserChoiceField(forms.ModelChoiceField):
    iterator = UserChoiceIterator

    def __init__(self, *args, required=True, empty_label=None, **kwargs):
        # Django's "---------" says nothing: an optional owner may be nobody, and a required
        # person is to be chosen.
        if empty_label is None:
            empty_label = "Choose someone" if required else "Nobody"
        super().__init__(*args, required=required, empty_label=empty_label, **kwargs)

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class NameChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices as (id, name) read straight from the database, without an object each.

    The field's `name_field` is the column that labels a choice (what the model's __str__ shows).
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name in self.queryset.values_list("pk", self.field.name_field):
            yield (forms.models.ModelChoiceIteratorValue(pk, None), name)


class ClientChoiceField(forms.ModelChoiceField):
    """Any account may be chosen; the page lists a few, and a search box finds the others.

    A company has thousands of accounts: all of them made the project form a 400 kB page.
    """

    widget = SearchableSelect
    shown = 50

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.empty_label is not None:
            self.empty_label = ACCOUNT_BLANK_LABEL

    def offer(self, text: str, chosen) -> None:
        """List the first accounts whose name contains `text`, and the chosen one."""
        self.widget.find_text = text
        self.widget.find_label = "Find a client by name"
        self.widget.options_url = reverse("clients:options")
        self.widget.choices = [
            ("", self.empty_label),
            *self.queryset.name_choices(text, chosen, limit=self.shown),
        ]


def person_choices(users, text: str, chosen=None, *, limit: int) -> list[tuple[int, str]]:
    """(id, name) of the first `limit` of `users` whose name holds every word of `text`, the
    chosen one first: what a searchable person field offers, in one query."""
    matching = Q()
    for word in text.split():
        matching &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    chosen = parse_id(getattr(chosen, "pk", chosen))
    if chosen:
        users = users.filter(matching | Q(pk=chosen)).annotate(
            later=Case(When(pk=chosen, then=Value(0)), default=Value(1))
        )
        users = users.order_by("later", *users.query.order_by)
    else:
        users = users.filter(matching)
    return _people(users[:limit])


class PersonSearchField(UserChoiceField):
    """Any of many people may be chosen; the page lists a few, and a search box finds the others.

    A large team has hundreds of PMs: listing all of them was most of the project form's time.
    """

    widget = SearchableSelect
    shown = 50

    def offer(self, text: str, chosen, options_url: str) -> None:
        """List the first people whose name holds `text`, and the chosen one."""
        self.widget.find_text = text
        self.widget.find_label = f"Find a {self.label.lower()} by name"
        self.widget.options_url = options_url
        self.widget.choices = [
            ("", self.empty_label),
            *person_choices(self.queryset, text, chosen, limit=self.shown),
        ]


class TaskChoiceField(forms.ModelChoiceField):
    iterator = NameChoiceIterator
    name_field = "title"


class TasksChoiceField(forms.ModelMultipleChoiceField):
    """Tasks to pick several of (a task's predecessors): a plan's tasks are a long list."""

    iterator = NameChoiceIterator
    name_field = "title"


class NamedChoiceField(forms.ModelChoiceField):
    """A milestone or a contact, listed by its name."""

    iterator = NameChoiceIterator
    name_field = "name"


class HandoffChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices as (id, "client — signed date") read as values, without a handoff and a
    client made for each."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = self.queryset.values_list("pk", "client__name", "contract_signed_on")
        for pk, client_name, signed_on in rows:
            yield (
                forms.models.ModelChoiceIteratorValue(pk, None),
                f"{client_name} — signed {signed_on:%d %b %Y}",
            )


class HandoffChoiceField(forms.ModelChoiceField):
    iterator = HandoffChoiceIterator
    widget = Select


class ProjectForm(PlainInputFormMixin, VersionedFormMixin, forms.ModelForm):
    pm = PersonSearchField(
        queryset=_user_choices(Role.PM),
        required=False,
        label="Project manager",
        empty_label="Not assigned yet",
    )

    class Meta:
        model = ImplementationProject
        fields = [
            "name",
            "client",
            "products",
            "sales_handoff",
            "pm",
            "status",
            "kickoff_date",
            "baseline_go_live",
            "forecast_go_live",
            "budget_hours",
            "budget_amount",
        ]
        field_classes = {"client": ClientChoiceField, "sales_handoff": HandoffChoiceField}
        widgets = {
            "products": forms.CheckboxSelectMultiple,
            "kickoff_date": DateInput(),
            "baseline_go_live": DateInput(),
            "forecast_go_live": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _guard(self)
        self.fields["products"].required = True
        if self.is_bound:
            find, chosen = search_text(self.data.get("client_find")), self.data.get("client")
        else:
            find, chosen = "", self.initial.get("client", self.instance.client_id)
        self.fields["client"].offer(find, getattr(chosen, "pk", chosen))
        if self.is_bound:
            find, chosen = search_text(self.data.get("pm_find")), self.data.get("pm")
        else:
            find, chosen = "", self.initial.get("pm", self.instance.pm_id)
        self.fields["pm"].offer(find, chosen, reverse("projects:pm_options"))
        # The handoffs no project took yet, and this project's: their ids first, joined by
        # UNION, so that PostgreSQL reads two indexes rather than every handoff and client.
        linked = ImplementationProject.objects.filter(sales_handoff=OuterRef("pk"))
        handoffs = SalesHandoff.objects.filter(~Exists(linked)).values("pk").order_by()
        if self.instance.pk and self.instance.sales_handoff_id:
            mine = SalesHandoff.objects.filter(pk=self.instance.sales_handoff_id)
            handoffs = handoffs.union(mine.values("pk").order_by())
        self.fields["sales_handoff"].queryset = SalesHandoff.objects.filter(pk__in=handoffs)
        self.helper = form_helper(
            "name",
            Row(Column("client"), Column("sales_handoff")),
            "products",
            Row(Column("pm"), Column("status")),
            Row(Column("kickoff_date"), Column("baseline_go_live"), Column("forecast_go_live")),
            Row(Column("budget_hours"), Column("budget_amount")),
        )

    def clean(self):
        data = super().clean()
        client, handoff = data.get("client"), data.get("sales_handoff")
        if client and handoff and handoff.client_id != client.pk:
            self.add_error("sales_handoff", "This sales handoff belongs to another client.")
        kickoff, baseline = data.get("kickoff_date"), data.get("baseline_go_live")
        if kickoff and baseline and baseline < kickoff:
            self.add_error("baseline_go_live", "Go-live cannot be before kick-off.")
        forecast = data.get("forecast_go_live")
        if kickoff and forecast and forecast < kickoff:
            self.add_error("forecast_go_live", "Go-live cannot be before kick-off.")
        return data


class PhaseChangeForm(PlainInputFormMixin, forms.Form):
    to_phase = forms.ChoiceField(choices=Phase.choices, label="Move to phase")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # A manager's written reason to pass a gate that is not met.
    override_reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class HealthOverrideForm(PlainInputFormMixin, forms.Form):
    health = forms.ChoiceField(choices=RAG_CHOICES)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    until = forms.DateField(widget=DateInput(), help_text="The computed health returns after it.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Row(Column("health"), Column("until")), "reason")

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise forms.ValidationError("The override must last until today or later.")
        return until


class ContactChoiceForm(PlainInputFormMixin, forms.Form):
    """Pick a contact of the project's client: for UAT and milestone sign-offs."""

    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), label="Signed off by")

    def __init__(self, *args, project: ImplementationProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(client_id=project.client_id)


class UatSignoffForm(ContactChoiceForm):
    """The client's UAT sign-off recorded by the PM on their behalf: an exception, with a reason,
    once the PM has seen what is still open (the client signs off in the portal as a rule)."""

    reason = forms.CharField(
        label="Why the client cannot sign off themselves",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why the client cannot sign off UAT themselves."},
    )
    confirm = forms.BooleanField(
        label="I have checked what is still open and record the client's UAT sign-off "
        "as an exception.",
        error_messages={"required": "Tick the box to confirm the sign-off."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(*self.fields)


class ConfirmForm(PlainInputFormMixin, forms.Form):
    """An explicit yes to an irreversible step taken while something is still open."""

    confirm = forms.BooleanField(error_messages={"required": "Tick the box to confirm."})


class MembershipForm(PlainInputFormMixin, forms.ModelForm):
    user = UserChoiceField(
        queryset=_user_choices(Role.PM, Role.MANAGER, Role.SUPPORT), label="Person"
    )

    class Meta:
        model = ProjectMembership
        fields = ["user", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_submission_key(self)
        self.helper = form_helper(*self.fields)


class MilestoneForm(PlainInputFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = [
            "name",
            "order",
            "phase",
            "baseline_date",
            "due_date",
            "is_key",
            "is_golive_critical",
            "visible_to_client",
        ]
        widgets = {"baseline_date": DateInput(), "due_date": DateInput(), "phase": Select()}
        help_texts = {
            "phase": "The phase whose work it completes: a key milestone must be complete "
            "before the project leaves that phase."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _guard(self)
        self.helper = form_helper(
            Row(Column("name", css_class="col-md-9"), Column("order", css_class="col-md-3")),
            "phase",
            Row(Column("baseline_date"), Column("due_date")),
            Row(Column("is_key"), Column("is_golive_critical"), Column("visible_to_client")),
        )
        # A post without it (an older page, a script) keeps the phase the form started with.
        self.fields["phase"].required = False

    def clean_phase(self):
        return self.cleaned_data.get("phase") or self.initial.get("phase") or self.instance.phase


class TaskForm(PlainInputFormMixin, VersionedFormMixin, forms.ModelForm):
    owner_user = UserChoiceField(
        queryset=User.objects.none(), required=False, label="Owner (team)", widget=Select
    )

    class Meta:
        model = Task
        fields = [
            "title",
            "description",
            "milestone",
            "status",
            "priority",
            "owner_user",
            "owner_contact",
            "start_date",
            "due_date",
            "estimate_hours",
            "depends_on",
            "visible_to_client",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "start_date": DateInput(),
            "due_date": DateInput(),
            "depends_on": SelectMultiple(attrs={"size": 10}),
            "milestone": Select(),
            "status": Select(),
            "priority": Select(),
            "owner_contact": Select(),
        }
        help_texts = {
            # A plain click in a multiple select drops what was chosen before.
            "depends_on": "Tasks that must finish before this one can start. Hold Ctrl (⌘ on "
            "a Mac) while you click to choose more than one, or to unchoose one.",
        }
        field_classes = {
            "milestone": NamedChoiceField,
            "owner_contact": NamedChoiceField,
            "depends_on": TasksChoiceField,
        }

    def __init__(self, *args, project: ImplementationProject, **kwargs):
        super().__init__(*args, **kwargs)
        _guard(self)
        self.fields["owner_user"].queryset = _owners(project, self.instance.owner_user_id)
        # Choices are read as (id, name) rows; a chosen one is fetched with .only() on a post.
        self.fields["milestone"].queryset = project.milestones.only("pk", "name", "project")
        self.fields["milestone"].empty_label = "No milestone"
        self.fields["owner_contact"].queryset = Contact.objects.filter(
            client_id=project.client_id
        ).only("pk", "name", "client_id")
        self.fields["owner_contact"].empty_label = "Nobody"
        others = project.tasks.only("pk", "title", "project")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["depends_on"].queryset = others.order_by("title")
        self.fields["depends_on"].label = "Depends on (finish-to-start)"
        self.helper = form_helper(
            "title",
            "description",
            Row(Column("milestone"), Column("status"), Column("priority")),
            Row(Column("owner_user"), Column("owner_contact")),
            Row(Column("start_date"), Column("due_date"), Column("estimate_hours")),
            "depends_on",
            "visible_to_client",
        )

    def clean(self):
        data = super().clean()
        if data.get("owner_user") and data.get("owner_contact"):
            self.add_error(
                "owner_contact", "A task has one owner: a team member or a client contact."
            )
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", "The due date cannot be before the start date.")
        return data


class TaskStatusForm(PlainInputFormMixin, forms.Form):
    status = forms.ChoiceField(choices=Task.Status.choices)


class TaskOwnerForm(PlainInputFormMixin, forms.Form):
    """In-place owner change: value "user:<id>", "contact:<id>" or "" for unassigned."""

    owner = forms.ChoiceField(required=False)

    def __init__(self, *args, project: ImplementationProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["owner"].choices = owner_choices(project)

    def clean_owner(self) -> tuple[User | None, Contact | None]:
        value = self.cleaned_data["owner"]
        if not value:
            return None, None
        kind, _, pk = value.partition(":")
        if kind == "user":
            return User.objects.get(pk=pk), None
        return None, Contact.objects.get(pk=pk, client_id=self.project.client_id)


def owner_choices(project: ImplementationProject) -> list[tuple[str, object]]:
    """Owner choices for a project's tasks: the team, then the client's contacts.

    The team is who may own a task (owner_candidates: the PM and the members), and whoever
    owns one of the project's tasks now, so every task's <select> holds its owner. Every task
    row carries these options, so they are never everyone in the company.
    """
    current = project.tasks.filter(owner_user__isnull=False).values("owner_user_id")
    users = User.objects.filter(
        Q(pk__in=owner_candidates(project).values("pk")) | Q(pk__in=current)
    ).order_by("first_name", "last_name", "username")
    team = [(f"user:{pk}", label) for pk, label in _people(users)]
    contacts = [
        (f"contact:{pk}", f"{name} (client)")
        for pk, name in Contact.objects.filter(client_id=project.client_id)
        .order_by("name")
        .values_list("pk", "name")
    ]
    return [("", "Unassigned"), ("Team", team), ("Client", contacts)]


CLIENT_VISIBLE_HELP = (
    "Listed, by its title and status, in the client version of status reports. Its "
    "description, plan and comments never are."
)


class RiskForm(PlainInputFormMixin, VersionedFormMixin, forms.ModelForm):
    owner = UserChoiceField(queryset=User.objects.none(), required=False, widget=Select)

    class Meta:
        model = Risk
        fields = [
            "title",
            "description",
            "probability",
            "impact",
            "owner",
            "status",
            "mitigation_plan",
            "visible_to_client",
        ]
        labels = {"visible_to_client": "Shared with the client"}
        help_texts = {"visible_to_client": CLIENT_VISIBLE_HELP}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "mitigation_plan": forms.Textarea(attrs={"rows": 3}),
            "probability": Select(choices=[(i, str(i)) for i in range(1, 6)]),
            "impact": Select(choices=[(i, str(i)) for i in range(1, 6)]),
            "status": Select(),
        }

    def __init__(self, *args, project: ImplementationProject, **kwargs):
        super().__init__(*args, **kwargs)
        _guard(self)
        self.fields["owner"].queryset = _owners(project, self.instance.owner_id)
        self.helper = form_helper(
            "title",
            "description",
            Row(Column("probability"), Column("impact"), Column("status")),
            "owner",
            "mitigation_plan",
            "visible_to_client",
        )


class IssueForm(PlainInputFormMixin, VersionedFormMixin, forms.ModelForm):
    owner = UserChoiceField(queryset=User.objects.none(), required=False, widget=Select)

    class Meta:
        model = Issue
        fields = [
            "title",
            "description",
            "severity",
            "status",
            "owner",
            "resolution",
            "visible_to_client",
        ]
        labels = {"visible_to_client": "Shared with the client"}
        help_texts = {"visible_to_client": CLIENT_VISIBLE_HELP}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "resolution": forms.Textarea(attrs={"rows": 2}),
            "severity": Select(),
            "status": Select(),
        }

    def __init__(self, *args, project: ImplementationProject, **kwargs):
        super().__init__(*args, **kwargs)
        _guard(self)
        # The project's people, as for a risk: not every user of the company, each an <option>.
        self.fields["owner"].queryset = _owners(project, self.instance.owner_id)
        self.helper = form_helper(
            "title",
            "description",
            Row(Column("severity"), Column("status"), Column("owner")),
            "resolution",
            "visible_to_client",
        )


class CommentForm(PlainInputFormMixin, forms.Form):
    body = forms.CharField(
        label="Add a comment", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_submission_key(self)
        self.helper = form_helper(*self.fields)


class TimeEntryForm(PlainInputFormMixin, forms.ModelForm):
    class Meta:
        model = TimeEntry
        fields = ["spent_on", "hours", "task", "billable", "note"]
        field_classes = {"task": TaskChoiceField}
        widgets = {"spent_on": DateInput()}

    def __init__(self, *args, project: ImplementationProject, **kwargs):
        super().__init__(*args, **kwargs)
        add_submission_key(self)
        self.fields["task"].queryset = project.tasks.order_by("title")
        self.helper = form_helper(
            Row(Column("spent_on"), Column("hours"), Column("task")), "billable", "note"
        )


class HandoffReportForm(PlainInputFormMixin, VersionedFormMixin, forms.Form):
    configuration_summary = forms.CharField(
        label="What was configured", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    decisions = forms.CharField(
        label="Decisions made", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    training = forms.CharField(
        label="Training done", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    open_items = forms.CharField(
        label="Notes for support", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, version: int, **kwargs):
        """`version` is the report's, or 0 when there is no report yet."""
        super().__init__(*args, **kwargs)
        add_version_field(self, version)
        # Fields only, as every form of _form_page.html: crispy's own <form> tag would nest.
        self.helper = form_helper(*self.fields)


class HandoffDecisionForm(PlainInputFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("return", "Return with questions")]
    )
    support_comment = forms.CharField(
        label="Questions or comments", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("support_comment", "").strip():
            self.add_error("support_comment", "Say what support needs before it can accept.")
        return data


class TimesheetForm(PlainInputFormMixin, forms.Form):
    """A week of hours: one number per task and day, and the state of the week it was opened at."""

    # A digest (selectors.timesheet_state), not text anyone types.
    state = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(self, *args, tasks: list[Task], days: list, stored: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = tasks
        self.days = days
        # A week is hundreds of cells: each day's part of a name and of a label is formatted
        # once, not once per cell.
        day_keys = {day: day.strftime("%Y%m%d") for day in days}
        day_labels = {day: day.strftime("%A %d %B") for day in days}
        self.names = {
            (task.pk, day): f"h-{task.pk}-{day_keys[day]}" for task in tasks for day in days
        }
        self.labels = {
            (task.pk, day): f"Hours on {task.title} on {day_labels[day]}"
            for task in tasks
            for day in days
        }
        self.initials = {key: value.normalize() for key, value in stored.items() if value}
        if not self.is_bound:
            # Only a submitted week is validated: the page writes each cell from rows().
            return
        for key, name in self.names.items():
            self.fields[name] = forms.DecimalField(
                label=self.labels[key],
                required=False,
                min_value=0,
                max_value=24,
                max_digits=4,
                decimal_places=2,
            )

    def rows(self) -> list[tuple[Task, list[dict]]]:
        """Each task with its cells, as the page writes them: plain values read once, since a
        week of tasks is hundreds of cells and a BoundField's lookups were most of the page."""
        errors = self.errors if self.is_bound else {}
        rows = []
        for task in self.tasks:
            cells = []
            for day in self.days:
                key = (task.pk, day)
                name = self.add_prefix(self.names[key])
                value = self.data.get(name) if self.is_bound else self.initials.get(key)
                cells.append(
                    {
                        "name": name,
                        "id": self.auto_id % name,
                        "label": self.labels[key],
                        "value": "" if value is None else value,
                        "errors": errors.get(self.names[key], []),
                    }
                )
            rows.append((task, cells))
        return rows

    def hours(self) -> dict:
        """Every cell's hours, a blank cell as 0 (it clears that day)."""
        return {key: self.cleaned_data.get(name) or Decimal(0) for key, name in self.names.items()}


class BaselineForm(PlainInputFormMixin, forms.Form):
    """Take (or retake, with a reason) the baseline the plan's variance is measured against."""

    reason = forms.CharField(max_length=500, required=False, label="Why (kept with the baseline)")

    def __init__(self, *args, retake: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if retake:
            self.fields["reason"].label = "Re-baseline: why"
        add_submission_key(self)
        self.helper = form_helper(*self.fields)


class RescheduleForm(PlainInputFormMixin, forms.Form):
    """A task's new due date, its completion, or a pull forward of what waits on it.

    The in-place due date is the only field a person fills in; the others are carried hidden
    by the preview page to its confirmation.
    """

    due = forms.DateField(required=False, widget=DateInput(), label="Due")
    done = forms.BooleanField(required=False, widget=forms.HiddenInput)
    pull = forms.BooleanField(required=False, widget=forms.HiddenInput)
    since = forms.DateField(required=False, widget=forms.HiddenInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20000)
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, confirming: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if confirming:
            self.fields["due"].widget = forms.HiddenInput()
            add_submission_key(self)
        self.helper = form_helper(*self.fields)

    def clean(self):
        data = super().clean()
        if not (data.get("due") or data.get("done") or data.get("pull")):
            self.add_error("due", "Give the new due date.")
        return data


def hidden_copy(form: forms.Form, *, token: str) -> forms.Form:
    """The bound form again, every field hidden, with the preview's token and a one-time key:
    what a preview page sends back when its change is confirmed."""
    for bound in form:
        multiple = isinstance(bound.field.widget, forms.SelectMultiple)
        bound.field.widget = forms.MultipleHiddenInput() if multiple else forms.HiddenInput()
    form.fields["slip_token"] = forms.CharField(
        widget=forms.HiddenInput, initial=token, required=False
    )
    add_submission_key(form)
    data = form.data.copy()
    data["slip_token"] = token
    data["submission_key"] = str(uuid.uuid4())
    form.data = data
    form.helper = form_helper(*form.fields)
    return form
