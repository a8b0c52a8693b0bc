from django import forms

from common.forms import form_helper
from common.parsing import PlainInputFormMixin


class ResolveForm(PlainInputFormMixin, forms.Form):
    note = forms.CharField(
        label="What was done (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(*self.fields)
