"""Form fields in the markup of crispy-forms' Bootstrap 5 pack, written without its templates.

crispy's field template costs about half a millisecond a field (a dozen filters, a tag that
rewrites the widget's attributes, nested includes), and Django's <select> a template per option:
the filter form above a list cost as much as its 25 rows. These tags write the same HTML as
`|as_crispy_field` and `|crispy` (projects/tests/test_form_tags.py compares them on every form
they render) for inputs, textareas, selects and checkboxes; any other widget is left to crispy.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.boundfield import BoundField
from django.template.defaultfilters import unordered_list
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from clients.widgets import QuickSelect

register = template.Library()

# Widgets crispy renders with templates of their own (fieldsets of choices, file inputs).
LEFT_TO_CRISPY = (
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


def _widget_classes(widget: forms.Widget, bootstrap_class: str) -> str:
    """The widget's classes as crispy's `crispy_field` tag makes them."""
    name = widget.__class__.__name__.lower()
    classes = widget.attrs.get("class", "")
    if not classes:
        classes = name
    elif name not in classes:
        classes += f" {name}"
    present = classes.split()
    for extra in bootstrap_class.split():
        if extra not in present:
            classes += f" {extra}"
            present.append(extra)
    return classes


def _widget(field: BoundField, bootstrap_class: str) -> SafeString:
    widget = field.field.widget
    if field.errors:
        bootstrap_class += " is-invalid"
    attrs = {"class": _widget_classes(widget, bootstrap_class)}
    if type(widget) is forms.Select:
        # The same <select>, its options written in Python rather than by a template each.
        fast = QuickSelect(attrs=widget.attrs, choices=widget.choices)
        fast.is_required = widget.is_required
        html = field.as_widget(widget=fast, attrs=attrs)
    else:
        html = field.as_widget(attrs=attrs)
    if field.field.show_hidden_initial:
        # What str(field) adds: a callable default's value, to tell whether it changed.
        html += field.as_hidden(only_initial=True)
    return html


def _help_and_errors(field: BoundField) -> SafeString:
    """bootstrap5/layout/help_text_and_errors.html with errors as blocks, help text below."""
    parts = []
    errors = field.errors
    if errors:
        parts.append(
            format_html(
                '<div id="{}_error" class="invalid-feedback">{}</div>',
                errors.field_id,
                format_html_join(
                    "",
                    '<p id="error_{}_{}"><strong>{}</strong></p>',
                    ((number, field.auto_id, error) for number, error in enumerate(errors, 1)),
                ),
            )
        )
    if field.help_text:
        # crispy marks help text safe: it is written by the code, never by users.
        help_text = mark_safe(field.help_text)  # noqa: S308  # nosec B308 B703
        helptext_id = format_html(' id="{}_helptext"', field.auto_id) if field.auto_id else ""
        parts.append(format_html('<div{} class="form-text">{}</div>', helptext_id, help_text))
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - format_html above


def _label_text(field: BoundField) -> SafeString:
    if field.field.required:
        return format_html('{}<span class="asteriskField">*</span>', field.label)
    return format_html("{}", field.label)


def _required_class(field: BoundField) -> str:
    return " requiredField" if field.field.required else ""


def _wrapper_classes(field: BoundField, base: str) -> str:
    extra = field.css_classes()
    return f"{base} {extra}" if extra else base


@register.simple_tag
def bootstrap_field(field: BoundField) -> SafeString:
    """One field as `{{ field|as_crispy_field }}` writes it: label, widget, errors, help text."""
    widget = field.field.widget
    if field.is_hidden:
        return format_html("{}", field)
    if isinstance(widget, LEFT_TO_CRISPY):
        return as_crispy_field(field)
    if isinstance(widget, forms.CheckboxInput):
        label = format_html(
            '<label for="{}" class="form-check-label{}">{}</label>',
            field.id_for_label,
            _required_class(field),
            _label_text(field),
        )
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="{}">{}{}{}</div></div>',
            field.auto_id,
            _wrapper_classes(field, "form-check"),
            _widget(field, "form-check-input"),
            label,
            _help_and_errors(field),
        )
    label = ""
    if field.label:
        label = format_html(
            '<label{} class="form-label{}">{}</label>',
            format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
            _required_class(field),
            _label_text(field),
        )
    bootstrap_class = "form-select" if isinstance(widget, forms.Select) else "form-control"
    return format_html(
        '<div id="div_{}" class="{}">{}{}{}</div>',
        field.auto_id,
        _wrapper_classes(field, "mb-3"),
        label,
        _widget(field, bootstrap_class),
        _help_and_errors(field),
    )


@register.simple_tag
def bootstrap_form(form: forms.Form) -> SafeString:
    """A whole form as `{{ form|crispy }}` writes it: its own errors, then every field."""
    parts = []
    if form.non_field_errors():
        parts.append(
            format_html(
                '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
                unordered_list(form.non_field_errors(), autoescape=True),
            )
        )
    parts.extend(bootstrap_field(field) for field in form)
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - each part is safe
