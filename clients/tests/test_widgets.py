"""QuickSelect writes exactly the <select> Django's templates write, only faster."""

import pytest
from django import forms
from django.contrib.auth.models import User
from django.utils.safestring import mark_safe

from clients.tests.factories import UserFactory
from clients.widgets import QuickSelect

CHOICES = [
    ("", "---------"),
    ("a<b", 'Smith & "Sons"'),
    ("Team", [("user:1", "Priya"), ("user:2", "O'Neil")]),
    (3, "three"),
    (None, "nothing"),
    ("user:2", "listed twice"),
    ("safe", mark_safe("<b>already safe</b>")),
    (None, [("x", "in a group without a name")]),
]


@pytest.mark.parametrize("value", ["user:2", "a<b", 3, None, "", "x", ["user:1"]])
@pytest.mark.parametrize(
    "attrs", [{}, {"class": "form-select", "id": "id_who", "required": True, "disabled": False}]
)
def test_the_html_is_the_same_as_djangos_select(value, attrs):
    expected = forms.Select(choices=CHOICES, attrs=attrs).render("who", value)
    assert QuickSelect(choices=CHOICES, attrs=attrs).render("who", value) == expected


@pytest.mark.django_db
def test_a_model_choice_field_renders_and_validates_as_before():
    people = [UserFactory(username=f"person{n}") for n in range(3)]

    class PersonForm(forms.Form):
        plain = forms.ModelChoiceField(queryset=User.objects.order_by("pk"))
        quick = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), widget=QuickSelect)

    form = PersonForm(initial={"plain": people[1].pk, "quick": people[1].pk})
    assert str(form["quick"]) == str(form["plain"]).replace("plain", "quick")
    bound = PersonForm({"plain": people[2].pk, "quick": people[2].pk})
    assert bound.is_valid() and bound.cleaned_data["quick"] == people[2]
    assert not PersonForm({"plain": people[0].pk, "quick": 999_999}).is_valid()
