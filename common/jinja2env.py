"""The Jinja2 environment of the templates drawn many times over: crispy's field template, the
form widgets, and the status reports.

A page is drawn by Django's template language; the field template (named by every form's
crispy helper) and the widgets are drawn by Jinja2, which Django supports as a second engine,
at about a fifth of the cost per field. A form of twelve fields paid more for its fields'
markup than for the rest of its page. The weekly reports tick draws six versions of each of
thousands of reports (reports/jinja2/reports/), which drawn by Django's template language were
about half of its time. The filters and functions below are Django's and the apps' own, so a
template says what it did in Django's template language.
"""

import jinja2
from crispy_forms.templatetags.crispy_forms_field import CrispyFieldNode
from django import forms
from django.forms.renderers import DjangoTemplates as DjangoTemplatesRenderer
from django.forms.renderers import Jinja2 as Jinja2Renderer
from django.template import Context, TemplateDoesNotExist, defaultfilters
from django.template.loader import get_template
from django.utils.safestring import SafeString
from jinja2 import pass_context

from common.dates import short_date
from projects.templatetags import timeline_chart
from reports.templatetags import reports_tags

# Widgets whose markup differs from a label, a control and its help (radio buttons, lists of
# check boxes, files, fieldsets): crispy-bootstrap5's own field.html draws them. A single
# check box is drawn by the field template too, as crispy draws it (check_box_class).
_DRAWN_BY_CRISPY = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
)

# crispy's {% crispy_field field 'class' control_class %}: it adds the widget's own class
# name and the Bootstrap classes to the widget's class attribute.
_CRISPY_FIELD = CrispyFieldNode("field", {"'class'": "control_class"})


def plain_control_class(field) -> str:
    """The Bootstrap class crispy gives a plain field's control, or "" when it is not plain.

    Plain: shown, one label above one input, select or textarea, not in a fieldset.
    """
    widget = field.field.widget
    if field.is_hidden or field.use_fieldset or isinstance(widget, _DRAWN_BY_CRISPY):
        return ""
    control = "form-select" if isinstance(widget, forms.Select) else "form-control"
    return f"{control} is-invalid" if field.errors else control


def check_box_class(field) -> str:
    """The Bootstrap class crispy gives a single check box, or "" when the field is not one."""
    widget = field.field.widget
    if field.is_hidden or field.use_fieldset or type(widget) is not forms.CheckboxInput:
        return ""
    return "form-check-input is-invalid" if field.errors else "form-check-input"


def crispy_field(field, control_class: str) -> SafeString:
    """The field's control, with the classes crispy's own tag gives it."""
    # Safe: crispy's tag gives the widget's own markup, drawn by the form renderer.
    return SafeString(  # nosec B703
        _CRISPY_FIELD.render(Context({"field": field, "control_class": control_class}))
    )


@pass_context
def crispy_bootstrap5_field(context) -> SafeString:
    """crispy-bootstrap5's own field.html, for a field that is not plain."""
    # Safe: drawn by Django's template language, which escapes as it draws.
    html = get_template("bootstrap5/field.html").render(context.get_all())
    return SafeString(html)  # nosec B703


class _Template(jinja2.Template):
    """A template whose markup Django's template language includes as it is.

    Jinja2 escaped every value as it drew (autoescape), but gives a plain string, which a
    page would escape again: crispy's `{{ field|as_crispy_field }}` returns what the field
    template gives.
    """

    def render(self, *args, **kwargs) -> SafeString:
        # Safe: drawn with autoescape on (environment() below).
        return SafeString(super().render(*args, **kwargs))  # nosec B703


class _Environment(jinja2.Environment):
    template_class = _Template


def environment(**options) -> jinja2.Environment:
    # Django's backend asks for escaping already; said here too, so that no caller can forget.
    options.pop("autoescape", None)
    env = _Environment(autoescape=True, **options)
    env.globals.update(
        plain_control_class=plain_control_class,
        check_box_class=check_box_class,
        crispy_field=crispy_field,
        crispy_bootstrap5_field=crispy_bootstrap5_field,
        report_task_rows=reports_tags.report_task_rows,
        timeline_rows=reports_tags.timeline_rows,
        timeline_defs=timeline_chart.timeline_defs,
        timeline_grid=timeline_chart.timeline_grid,
        timeline_chart_rows=timeline_chart.timeline_chart_rows,
        timeline_go_live=timeline_chart.timeline_go_live,
        timeline_today=timeline_chart.timeline_today,
    )
    env.filters.update(
        # Django's, as its template language has them (Jinja2's `default` is kept: a template
        # writes `default("…", true)` for Django's).
        date=defaultfilters.date,
        pluralize=defaultfilters.pluralize,
        floatformat=defaultfilters.floatformat,
        linebreaksbr=defaultfilters.linebreaksbr,
        truncatechars=defaultfilters.truncatechars,
        capfirst=defaultfilters.capfirst,
        short_date=short_date,
        bar_width=reports_tags.bar_width,
        health_style=reports_tags.health_style,
        severity_style=reports_tags.severity_style,
        risk_style=reports_tags.risk_style,
        variance_words=reports_tags.variance_words,
    )
    return env


class FormRenderer(Jinja2Renderer):
    """Widgets drawn by Jinja2 from Django's own Jinja2 widget templates (and ours, in each
    app's jinja2/); a widget whose template exists only in Django's template language (the
    admin's, django-filter's) is drawn as before."""

    fallback = DjangoTemplatesRenderer()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
