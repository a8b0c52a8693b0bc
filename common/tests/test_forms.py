"""The field template every form's helper names draws what crispy-bootstrap5 draws, faster."""

import re

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.template import engines

from common.forms import FIELD_TEMPLATE, FilterForm, Select, form_helper


def same_markup(html: str) -> str:
    """Markup without the whitespace between and inside tags, which no reader sees."""
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


class EveryKind(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the contract.", max_length=20)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
    size = forms.ChoiceField(label="Size", choices=[("s", "Small"), ("l", "Large & wide")])
    starts = forms.DateField(label="Starts", required=False)
    count = forms.IntegerField(label="Count", required=False, help_text="")
    active = forms.BooleanField(label="Active", required=False)
    kinds = forms.MultipleChoiceField(
        label="Kinds", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    level = forms.ChoiceField(label="Level", choices=[("1", "One")], widget=forms.RadioSelect)
    file = forms.FileField(label="File", required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def crispy_form(form: forms.Form, field_template: str) -> str:
    form.helper = form_helper()
    form.helper.field_template = field_template
    template = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
    return template.render({"form": form})


@pytest.mark.parametrize(
    "data",
    [None, {"name": "", "size": "x", "count": "many", "kinds": ["z"]}],
    ids=["unbound", "with errors"],
)
def test_a_form_draws_as_with_crispys_own_field_template(data):
    ours = crispy_form(EveryKind(data), FIELD_TEMPLATE)
    crispys = crispy_form(EveryKind(data), "bootstrap5/field.html")

    assert same_markup(ours) == same_markup(crispys)
    assert 'id="id_name_helptext"' in ours
    if data:
        assert 'class="textinput form-control is-invalid"' in ours


@pytest.mark.parametrize(
    "data", [None, {"size": "x", "count": "many"}], ids=["unbound", "with errors"]
)
def test_a_filter_bars_field_draws_as_for_a_form_without_a_helper(data):
    class Bar(FilterForm):
        name = forms.CharField(label="Name", required=False, help_text="Any part of it.")
        size = forms.ChoiceField(label="Size", required=False, choices=[("", "Any"), ("s", "S")])
        count = forms.IntegerField(label="Count", required=False)

    class Plain(forms.Form):
        name = forms.CharField(label="Name", required=False, help_text="Any part of it.")
        size = forms.ChoiceField(label="Size", required=False, choices=[("", "Any"), ("s", "S")])
        count = forms.IntegerField(label="Count", required=False)

    bar, plain = Bar(data), Plain(data)
    assert isinstance(bar.helper, FormHelper) and isinstance(bar.fields["size"].widget, Select)

    for name in ("name", "size", "count"):
        ours = str(as_crispy_field(bar[name]))
        crispys = str(as_crispy_field(plain[name]))
        assert same_markup(ours) == same_markup(crispys)
    if data:
        assert '<p id="error_1_id_size"><strong>' in str(as_crispy_field(bar["size"]))
