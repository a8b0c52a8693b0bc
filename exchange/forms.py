from django import forms
from django.conf import settings

from common.forms import form_helper
from common.parsing import PlainInputFormMixin
from common.submissions import add_submission_key


class ImportUploadForm(PlainInputFormMixin, forms.Form):
    file = forms.FileField(label="CSV file")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_submission_key(self)
        limits = settings.GOLIVE_IMPORTS
        self.fields["file"].help_text = (
            f"A CSV file in UTF-8 (Excel: “CSV UTF-8”), up to "
            f"{limits['MAX_BYTES'] // 1_000_000} MB and {limits['MAX_ROWS']:,} rows. "
            "Nothing is written until you have seen the check and chosen to import."
        )
        self.fields["file"].widget.attrs["accept"] = ".csv,text/csv"
        self.helper = form_helper("file")
