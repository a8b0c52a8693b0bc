from django import forms

from common.forms import form_helper
from common.parsing import PlainInputFormMixin
from common.submissions import add_submission_key
from common.versions import VersionedFormMixin, add_version_field
from webhooks import network
from webhooks.events import Event


class EndpointForm(PlainInputFormMixin, VersionedFormMixin, forms.Form):
    """Where events go, and which; an edit carries the version, a create a one-time key."""

    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="Golive POSTs each event here as signed JSON. It must be reachable on the "
        "internet: addresses of Golive's own network are refused.",
    )
    description = forms.CharField(
        max_length=200,
        required=False,
        help_text="What receives these events (“CRM deal sync”), for the next admin.",
    )
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )
    active = forms.BooleanField(
        required=False, initial=True, help_text="Paused endpoints are sent nothing."
    )

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if version is None:
            add_submission_key(self)
        else:
            add_version_field(self, version)
        self.helper = form_helper("url", "description", "events", "active")

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            network.check_url(url)
        except network.AddressRefused as error:
            raise forms.ValidationError(str(error), code="refused") from error
        return url
