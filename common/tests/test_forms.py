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
    agree = forms.BooleanField(label="I agree & sign", help_text="Ticked <b>once</b>.")
    kinds = forms.MultipleChoiceField(
        label="Kinds", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    level = forms.ChoiceField(label="Level", choices=[("1", "One")], widget=forms.RadioSelect)
    file = forms.FileField(label="File", required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def crispy_form(form: forms.Form, field_template: str) -> str:
    form.helper = form_helper(*form.fields)
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
        assert 'class="checkboxinput form-check-input is-invalid"' in ours


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


def test_a_widget_drawn_only_by_djangos_template_language_still_draws():
    """The admin's widgets have no Jinja2 template: the renderer falls back for them."""
    from django.contrib.admin.widgets import AdminDateWidget

    class WithAdminWidget(forms.Form):
        when = forms.DateField(widget=AdminDateWidget)
        name = forms.CharField()

    form = WithAdminWidget()
    assert 'class="vDateField"' in str(form["when"])
    assert '<input type="text" name="name"' in str(form["name"])


def test_a_filter_bars_field_is_markup_on_its_page_not_escaped_text():
    class Bar(FilterForm):
        size = forms.ChoiceField(label="Size & fit", choices=[("s", "S <small>")])

    page = engines["django"].from_string(
        "{% load crispy_forms_tags %}{{ form.size|as_crispy_field }}"
    )
    html = page.render({"form": Bar()})
    assert '<select name="size"' in html
    assert ">Size &amp; fit<" in html and ">S &lt;small&gt;</option>" in html


CHOICES = [
    ("", "Anyone"),
    ("a", "Ann & <Bob>"),
    ("Team", [("1", "One"), ("2", "Two")]),
    ("", [("3", "Three in a group with no name")]),
    (None, "None is no value"),
    ("a", "A second 'a'"),
]


@pytest.mark.parametrize(
    "widget_class, value",
    [
        (forms.Select, None),
        (forms.Select, "a"),
        (forms.Select, "2"),
        (forms.Select, ""),
        (forms.SelectMultiple, ["a", "3"]),
        (forms.SelectMultiple, []),
    ],
)
def test_a_select_draws_the_options_djangos_own_draws(widget_class, value):
    from common.forms import SelectMultiple

    ours_class = SelectMultiple if widget_class is forms.SelectMultiple else Select
    ours = ours_class(choices=CHOICES, attrs={"class": "form-select"})
    djangos = widget_class(choices=CHOICES, attrs={"class": "form-select"})

    drawn = ours.render("owner", value)
    # Jinja2 writes an apostrophe as &#39;, Django as &#x27;: the same character.
    theirs = djangos.render("owner", value).replace("&#39;", "&#x27;")
    assert same_markup(drawn) == same_markup(theirs)
    assert "Ann &amp; &lt;Bob&gt;" in drawn
