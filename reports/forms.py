from crispy_forms.helper import FormHelper
from django import forms

from common.parsing import PlainInputFormMixin
from reports.models import StatusReportSettings


class ScheduleForm(PlainInputFormMixin, forms.ModelForm):
    """A project's report cadence and day, and the PM's notes for the next report."""

    class Meta:
        model = StatusReportSettings
        fields = ["cadence", "weekday", "next_notes"]
        widgets = {
            "cadence": forms.RadioSelect,
            "next_notes": forms.Textarea(attrs={"rows": 8}),
        }
        labels = {"cadence": "How often", "weekday": "Day of the week"}
        help_texts = {
            "weekday": "Every-two-weeks reports go out in the project's kick-off week and every "
            "second week after it.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
