from crispy_forms.layout import Column, Row
from django import forms

from acceptance.models import TestCase
from acceptance.services import attachment_problem
from clients.models import Contact, Product
from common.forms import form_helper
from common.parsing import PlainInputFormMixin
from common.submissions import add_submission_key
from projects.models import ImplementationProject, Issue
from projects.selectors import owner_candidates


def tester_choices(project: ImplementationProject) -> list[tuple[str, list[tuple[str, str]]]]:
    """The project's team and its client's contacts, as one grouped list."""
    users = owner_candidates(project).order_by("first_name", "last_name", "username")
    contacts = Contact.objects.filter(client_id=project.client_id).order_by("name")
    return [
        ("", [("", "Nobody yet")]),
        (
            "Team",
            [
                (f"u{u.pk}", u.get_full_name() or u.username)
                for u in users.only("first_name", "last_name", "username")
            ],
        ),
        ("Client", [(f"c{c.pk}", c.name) for c in contacts.only("name")]),
    ]


class TestCaseForm(PlainInputFormMixin, forms.ModelForm):
    __test__ = False

    tester = forms.ChoiceField(required=False, help_text="A team member or a client contact.")

    class Meta:
        model = TestCase
        fields = ["title", "steps", "expected_result", "product", "is_critical"]
        widgets = {
            "steps": forms.Textarea(attrs={"rows": 4}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, project: ImplementationProject, **kwargs):
        super().__init__(*args, **kwargs)
        add_submission_key(self)
        self.project = project
        self.fields["product"].queryset = Product.objects.filter(projects=project).only("name")
        self.fields["product"].empty_label = "No product in particular"
        self.fields["tester"].choices = tester_choices(project)
        self.helper = form_helper(
            "title",
            "steps",
            "expected_result",
            Row(Column("product"), Column("tester")),
            "is_critical",
        )

    def clean_tester(self):
        value = self.cleaned_data["tester"]
        self.tester_user = self.tester_contact = None
        if value.startswith("u"):
            self.tester_user = owner_candidates(self.project).filter(pk=value[1:]).first()
        elif value.startswith("c"):
            self.tester_contact = Contact.objects.filter(
                client_id=self.project.client_id, pk=value[1:]
            ).first()
        return value


class TestRunForm(PlainInputFormMixin, forms.Form):
    __test__ = False

    outcome = forms.ChoiceField(
        choices=[("pass", "Passed"), ("fail", "Failed")], widget=forms.RadioSelect
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text="What you saw; for a failure, what went wrong.",
    )
    attachment = forms.FileField(required=False, help_text="A screenshot or a file (optional).")
    severity = forms.ChoiceField(
        choices=Issue.Severity.choices,
        initial=Issue.Severity.MEDIUM,
        label="Defect severity",
        help_text="A failure raises a defect of this severity (unless its defect is still open).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_submission_key(self)
        self.helper = form_helper(Row(Column("outcome"), Column("severity")), "notes", "attachment")

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        problem = attachment_problem(upload)
        if problem:
            raise forms.ValidationError(problem)
        return upload
