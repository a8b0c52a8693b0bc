from datetime import timedelta

from crispy_forms.layout import Column, Row
from django import forms
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from clients.models import Contact
from common.forms import DateInput, DateTimeInput, Select, form_helper
from common.parsing import PlainInputFormMixin
from common.submissions import add_submission_key
from common.versions import VersionedFormMixin, add_version_field
from meetings.models import Decision, Meeting
from projects.forms import NamedChoiceField, UserChoiceField
from projects.models import ImplementationProject, ProjectMembership
from projects.selectors import owner_candidates


def _team(project: ImplementationProject, meeting: Meeting | None = None):
    """The project's PM and team, and whoever already attends the meeting."""
    # Subqueries rather than joins: joining both many-to-many tables needs a DISTINCT over
    # every membership and attendance row of the user table, which took PostgreSQL 45 ms.
    people = Q(pk=project.pm_id) | Q(
        pk__in=ProjectMembership.objects.filter(project=project).values("user_id")
    )
    if meeting is not None and meeting.pk:
        people |= Q(
            pk__in=Meeting.attendee_users.through.objects.filter(meeting=meeting).values("user_id")
        )
    return User.objects.filter(people).order_by("first_name", "last_name", "username")


class PeopleChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        if isinstance(obj, User):
            return obj.get_full_name() or obj.username
        return f"{obj.name} ({obj.get_role_display()})"


class MeetingForm(PlainInputFormMixin, VersionedFormMixin, forms.ModelForm):
    """New (a submission key) or edited (the version it was opened at) meeting."""

    attendee_users = PeopleChoices(
        queryset=User.objects.none(), required=False, label="Attendees (team)"
    )
    attendee_contacts = PeopleChoices(
        queryset=Contact.objects.none(), required=False, label="Attendees (client)"
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "starts_at",
            "duration_minutes",
            "attendee_users",
            "attendee_contacts",
            "agenda",
            "minutes",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, project: ImplementationProject, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance if self.instance.pk else None
        self.fields["attendee_users"].queryset = _team(project, meeting)
        self.fields["attendee_contacts"].queryset = Contact.objects.filter(
            client_id=project.client_id
        ).order_by("name")
        self.fields["starts_at"].help_text = f"Time zone: {timezone.get_current_timezone_name()}."
        if meeting is None:
            add_submission_key(self)
        else:
            add_version_field(self, meeting.version)
        self.helper = form_helper(
            Row(Column("kind"), Column("title")),
            Row(Column("starts_at"), Column("duration_minutes")),
            Row(Column("attendee_users"), Column("attendee_contacts")),
            "agenda",
            "minutes",
        )


class ActionItemForm(PlainInputFormMixin, forms.Form):
    title = forms.CharField(max_length=200, label="What needs doing")
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    # Both lists are read as (id, name) and their options joined in Python: a project's
    # people and its client's contacts, not a User or a Contact made and drawn per option.
    owner_user = UserChoiceField(
        queryset=User.objects.none(), required=False, label="Owner (team)", widget=Select
    )
    owner_contact = NamedChoiceField(
        queryset=Contact.objects.none(),
        required=False,
        label="Owner (client)",
        widget=Select,
        empty_label="Nobody",
    )
    due_date = forms.DateField(widget=DateInput())

    def __init__(self, *args, meeting: Meeting, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        project = meeting.project
        # The project's people, as a task of the project may be owned by (not all the staff).
        team = owner_candidates(project).order_by("first_name", "last_name", "username")
        self.fields["owner_user"].queryset = team
        self.fields["owner_contact"].queryset = Contact.objects.filter(
            client_id=project.client_id
        ).order_by("name")
        if user.pk == project.pm_id or team.filter(pk=user.pk).exists():
            self.fields["owner_user"].initial = user.pk
        self.fields["due_date"].initial = timezone.localdate() + timedelta(days=7)
        self.helper = form_helper(
            "title",
            "notes",
            Row(Column("owner_user"), Column("owner_contact")),
            "due_date",
        )
        add_submission_key(self)

    def clean(self):
        data = super().clean()
        if bool(data.get("owner_user")) == bool(data.get("owner_contact")):
            self.add_error(
                "owner_user", "Give the action item one owner: a team member or a client contact."
            )
        return data


class DecisionForm(PlainInputFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "decided_on", "decided_by"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "decided_on": DateInput(),
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localtime(meeting.starts_at).date()
        self.helper = form_helper("text", Row(Column("decided_on"), Column("decided_by")))
        add_submission_key(self)
