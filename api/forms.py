from django import forms

from common.forms import form_helper
from common.parsing import PlainInputFormMixin
from common.submissions import add_submission_key

LIFETIME_CHOICES = [
    ("90", "90 days"),
    ("30", "30 days"),
    ("365", "1 year"),
    ("never", "Never expires"),
]


class ApiTokenForm(PlainInputFormMixin, forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What will use it, e.g. “CRM sync”: you will see this name in the list below.",
    )
    lifetime = forms.ChoiceField(
        choices=LIFETIME_CHOICES,
        initial="90",
        label="Expires after",
        help_text="A token that expires limits the harm if it leaks.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_submission_key(self)
        self.helper = form_helper(*self.fields)
