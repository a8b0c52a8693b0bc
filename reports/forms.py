from django import forms

from common.forms import form_helper
from common.parsing import PlainInputFormMixin
from reports.models import StatusReportSettings


class ScheduleForm(PlainInputFormMixin, forms.ModelForm):
    """A project's report cadence and day, who at the client gets the client version, and the
    PM's notes for the next report."""

    class Meta:
        model = StatusReportSettings
        fields = ["cadence", "weekday", "client_recipients", "next_notes"]
        widgets = {
            "cadence": forms.RadioSelect,
            "client_recipients": forms.CheckboxSelectMultiple,
            "next_notes": forms.Textarea(attrs={"rows": 8}),
        }
        labels = {
            "cadence": "How often",
            "weekday": "Day of the week",
            "client_recipients": "Client contacts who receive the client version",
        }
        help_texts = {
            "weekday": "Every-two-weeks reports go out in the project's kick-off week and every "
            "second week after it.",
            "client_recipients": "They get the client version: phase, progress, milestones, "
            "their open tasks and sign-offs, and the risks and issues flagged client-visible. "
            "Never the budget, internal risks, comments or your notes.",
            "next_notes": "Shown in the next report's internal version (never the client's), "
            "scheduled or sent now, then cleared.",
        }

    def __init__(self, *args, contacts=None, default_contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["client_recipients"]
        # Only this client's contacts, listed from what the view read already.
        field.queryset = field.queryset.filter(pk__in=[c.pk for c in contacts or []])
        field.choices = [(c.pk, f"{c.name} ({c.email})") for c in contacts or []]
        if not self.instance.client_recipients_chosen:
            self.initial["client_recipients"] = [c.pk for c in default_contacts]
        self.helper = form_helper(*self.fields)


class SendForm(PlainInputFormMixin, forms.Form):
    """Who at the client gets the client version of the report about to be sent."""

    client_recipients = forms.TypedMultipleChoiceField(
        label="Client contacts who receive the client version",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For this report only; the project's choice is kept for the next ones.",
    )
    # Tells a send with no contact ticked (the PM chose nobody) from one without the form.
    client_recipients_shown = forms.CharField(widget=forms.HiddenInput, initial="1")

    def __init__(self, *args, contacts=(), chosen=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["client_recipients"]
        field.choices = [(c.pk, f"{c.name} ({c.email})") for c in contacts]
        field.initial = [c.pk for c in chosen]
        self.helper = form_helper(*self.fields)
