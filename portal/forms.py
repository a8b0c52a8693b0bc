from crispy_forms.layout import Column, Row
from django import forms

from clients.models import Contact
from common.forms import form_helper
from common.parsing import PlainInputFormMixin
from common.submissions import add_submission_key
from portal.models import SignOffRequest
from portal.services import UploadLimits
from projects.models import Milestone, Phase


class UploadForm(PlainInputFormMixin, forms.Form):
    file = forms.FileField(label="Your file")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_submission_key(self)
        limits = UploadLimits.from_settings()
        self.fields["file"].help_text = limits.describe()
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{extension}" for extension in sorted(limits.extensions)
        )
        self.helper = form_helper("file")


class SurveyForm(PlainInputFormMixin, forms.Form):
    csat = forms.TypedChoiceField(
        label="How satisfied are you with your implementation?",
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 = very dissatisfied, 5 = very satisfied",
    )
    nps = forms.TypedChoiceField(
        label="How likely are you to recommend us to a colleague?",
        choices=[(n, str(n)) for n in range(0, 11)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text="0 = not at all likely, 10 = extremely likely",
    )
    comment = forms.CharField(
        label="Anything you would like to tell us?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("csat", "nps", "comment")
        self.helper.form_show_labels = True


class SignOffForm(PlainInputFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label="I have reviewed this milestone and sign it off on behalf of my organisation.",
        required=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("confirm")


class UatSignOffForm(PlainInputFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label="We have tested the system and accept it on behalf of my organisation.",
        required=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("confirm")


def uat_open(project) -> bool:
    """The project is in Testing or later and its UAT is not signed off."""
    return not project.uat_signed_off_at and Phase(project.phase).index >= Phase.TESTING.index


class _ContactChoiceMixin:
    def _contacts(self, project) -> None:
        self.fields["contact"].queryset = (
            Contact.objects.filter(client_id=project.client_id).exclude(email="").order_by("name")
        )


class InviteForm(_ContactChoiceMixin, PlainInputFormMixin, forms.Form):
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), label="Contact")

    def __init__(self, *args, project, **kwargs):
        # Its page shows another form with a contact field: ids must differ.
        super().__init__(*args, auto_id="invite_%s", **kwargs)
        self._contacts(project)
        add_submission_key(self)
        self.helper = form_helper("contact")


class SignOffRequestForm(_ContactChoiceMixin, PlainInputFormMixin, forms.Form):
    milestone = forms.ModelChoiceField(queryset=Milestone.objects.none(), label="Milestone")
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), label="Ask")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, auto_id="signoff_%s", **kwargs)
        self._contacts(project)
        self.fields["milestone"].queryset = Milestone.objects.filter(
            project=project,
            completed_on__isnull=False,
            signed_off_at__isnull=True,
            visible_to_client=True,
        )
        # A milestone waits on one contact at a time: those asked already are listed above.
        self.fields["milestone"].queryset = (
            self.fields["milestone"]
            .queryset.exclude(
                pk__in=SignOffRequest.objects.filter(
                    signed_at__isnull=True, milestone__isnull=False
                ).values("milestone_id")
            )
            .only("name")
        )
        self.fields[
            "milestone"
        ].help_text = "Completed, client-visible milestones that are not signed off yet."
        if uat_open(project):
            # The blank choice stands for the project's UAT, which the client signs off too.
            field = self.fields["milestone"]
            field.required = False
            field.empty_label = "User acceptance testing (UAT)"
            field.help_text = "UAT, or a completed, client-visible milestone not signed off yet."
        self.helper = form_helper(Row(Column("milestone"), Column("contact")))
