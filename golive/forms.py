from django import forms
from django.contrib.auth.models import User

from common.forms import form_helper
from common.parsing import PlainInputFormMixin
from common.submissions import add_submission_key
from common.versions import VersionedFormMixin, add_version_field
from golive.models import CutoverStep
from projects.forms import UserChoiceField
from projects.models import ImplementationProject
from projects.selectors import owner_candidates


class CutoverStepForm(PlainInputFormMixin, VersionedFormMixin, forms.ModelForm):
    """A step of the go-live checklist: what, who, and where it stands."""

    owner = UserChoiceField(queryset=User.objects.none(), required=False, label="Owner")

    class Meta:
        model = CutoverStep
        fields = ["title", "owner", "state"]
        labels = {"title": "Step"}
        help_texts = {"title": "A cut-over step, e.g. “Freeze payroll changes in the old system”."}

    def __init__(self, *args, project: ImplementationProject, **kwargs):
        super().__init__(*args, **kwargs)
        # The project's people only: a short list, and the rule the service checks.
        self.fields["owner"].queryset = owner_candidates(project).order_by(
            "first_name", "last_name", "username"
        )
        if self.instance.pk:
            add_version_field(self, self.instance.version)
        else:
            add_submission_key(self)
        self.helper = form_helper(*self.fields)


class StepStateForm(PlainInputFormMixin, forms.Form):
    state = forms.ChoiceField(choices=CutoverStep.State.choices)


class StepMoveForm(PlainInputFormMixin, forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class GoLiveForm(PlainInputFormMixin, forms.Form):
    """The move into Go-live; with checklist steps open, an explicit yes to going live anyway."""

    confirm = forms.BooleanField(
        required=False, label="Go live with the checklist steps listed above still open"
    )

    def __init__(self, *args, open_steps: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if not open_steps:
            del self.fields["confirm"]
        self.helper = form_helper(*self.fields)


class HandoffMessageForm(PlainInputFormMixin, forms.Form):
    body = forms.CharField(
        label="Your message", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_submission_key(self)
        self.helper = form_helper(*self.fields)
