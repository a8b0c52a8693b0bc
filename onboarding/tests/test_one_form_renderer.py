"""Forms are rendered one way: crispy-forms' Bootstrap 5 templates and Django's own widgets.

A second, hand-written copy of crispy's markup had to be kept in step with crispy by hand, and
a widget overriding Django's private `_render` could break on any Django upgrade.
"""

import importlib
import inspect
from pathlib import Path

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.apps import apps
from django.conf import settings

from clients.widgets import SearchableSelect

BASE_DIR = Path(settings.BASE_DIR)


def project_widgets() -> list[type[forms.Widget]]:
    for config in apps.get_app_configs():
        if Path(config.path).is_relative_to(BASE_DIR) and ".venv" not in Path(config.path).parts:
            for module in ("forms", "widgets", "filters", "item_filters"):
                try:
                    importlib.import_module(f"{config.name}.{module}")
                except ModuleNotFoundError as missing:
                    if missing.name != f"{config.name}.{module}":
                        raise
    found, todo = [], [forms.Widget]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in {config.name for config in apps.get_app_configs()}:
            if Path(inspect.getfile(cls)).is_relative_to(BASE_DIR / ".venv"):
                continue
            found.append(cls)
    return found


def test_no_template_uses_a_hand_written_copy_of_crispys_markup():
    templates = [
        path
        for path in BASE_DIR.glob("**/templates/**/*.html")
        if ".venv" not in path.relative_to(BASE_DIR).parts
    ]
    assert len(templates) > 50, "the templates were not found"
    loading = [
        str(path.relative_to(BASE_DIR))
        for path in templates
        if "golive_forms" in path.read_text() or "bootstrap_field" in path.read_text()
    ]
    assert loading == []


def test_no_widget_of_ours_overrides_a_private_method_of_djangos():
    widgets = project_widgets()
    assert SearchableSelect in widgets
    overriding = [
        f"{widget.__module__}.{widget.__name__}.{name}"
        for widget in widgets
        for name in vars(widget)
        if name.startswith("_")
        and not name.startswith("__")
        and any(
            name in vars(base)
            for base in widget.__mro__[1:]
            if base.__module__.startswith("django.")
        )
    ]
    assert overriding == []


@pytest.mark.parametrize("chosen", ["2", ""])
def test_the_account_picker_shows_its_search_box_above_a_bootstrap_select(chosen):
    class PickForm(forms.Form):
        client = forms.ChoiceField(
            choices=[("", "---------"), ("1", "Acme & Sons"), ("2", "Globex")],
            widget=SearchableSelect(
                options_url="/clients/options/", find_text="glo", find_label="Find a client"
            ),
        )

    html = str(as_crispy_field(PickForm(initial={"client": chosen})["client"]))
    box = html.index('<input type="search" name="client_find" id="id_client_find" value="glo"')
    select = html.index('<select name="client"')
    assert box < select
    assert 'hx-get="/clients/options/"' in html and 'hx-target="#id_client"' in html
    assert 'aria-label="Find a client"' in html
    assert (
        '<select name="client" class="searchableselect form-select" required id="id_client">'
        in html
    )
    assert "Acme &amp; Sons" in html
    if chosen:
        assert '<option value="2" selected>Globex</option>' in html
    else:
        assert '<option value="" selected>---------</option>' in html
