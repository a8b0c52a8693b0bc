"""Form widgets shared by the apps."""

from html import escape

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _text(value) -> str:
    """conditional_escape, without its overhead: this runs once per option."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def _attrs(attrs: dict) -> SafeString:
    """What django/forms/widgets/attrs.html writes: ` name="value"`, ` name` for True."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', str(value)))
            for name, value in attrs.items()
            if value is not False
        ),
    )


class QuickSelect(forms.Select):
    """A single <select> whose options are written in Python rather than by a template each.

    The HTML is exactly what Django's select.html and select_option.html write, and the same
    option is selected. Django renders a template per option, about 0.2 ms each: a list of the
    company's hundreds of people made a page a hundred milliseconds slower.
    """

    def get_context(self, name, value, attrs):
        # Everything but the options, which _render writes straight from self.choices.
        return forms.Widget.get_context(self, name, value, attrs)

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        selected = set(widget["value"])
        has_selected = False

        def option(value, label) -> str:
            nonlocal has_selected
            value = str(value)
            is_selected = not has_selected and value in selected
            has_selected |= is_selected
            return (
                f'\n  <option value="{escape(value)}"{" selected" if is_selected else ""}>'
                f"{_text(label)}</option>\n"
            )

        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for value, label in self.choices:
            if isinstance(label, list | tuple):
                if value:
                    parts.append(format_html('\n  <optgroup label="{}">', value))
                parts.extend(option(subvalue, sublabel) for subvalue, sublabel in label)
                if value:
                    parts.append("\n  </optgroup>")
            else:
                parts.append(option("" if value is None else value, label))
        parts.append("\n</select>")
        # Safe: every value and label above went through escape() or format_html().
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


class SearchableSelect(QuickSelect):
    """A <select> of a few of many choices, with a search box above it that narrows them.

    For lists of thousands (every account of the company): the form gives it the first few
    choices and the chosen one, not a 400 kB list nobody scrolls. Typing in the box asks
    `options_url` (htmx) for the options whose name contains the text, and swaps them in,
    keeping the chosen one. The box's own name is `<field>_find`: posted with the form (Enter,
    without JavaScript), the form shows again with the options it finds.
    """

    def __init__(self, *args, options_url="", find_text="", find_label="Find by name", **kwargs):
        super().__init__(*args, **kwargs)
        self.options_url = options_url
        self.find_text = find_text
        self.find_label = find_label

    def _render(self, template_name, context, renderer=None):
        select = super()._render(template_name, context, renderer)
        widget = context["widget"]
        select_id = widget["attrs"].get("id") or f"id_{widget['name']}"
        finder = format_html(
            '<input type="search" name="{name}_find" id="{id}_find" value="{text}" '
            'class="form-control form-control-sm mb-1" placeholder="Type part of a name" '
            'aria-label="{label}" aria-controls="{id}" autocomplete="off" '
            'hx-get="{url}" hx-trigger="input changed delay:250ms, search" '
            'hx-target="#{id}" hx-swap="innerHTML" hx-include="#{id}" hx-sync="this:replace">',
            name=widget["name"],
            id=select_id,
            text=self.find_text,
            label=self.find_label,
            url=self.options_url,
        )
        return finder + select


def options_html(choices, selected: str = "") -> SafeString:
    """The <option>s of a select, as SearchableSelect's search swaps them in."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>\n',
        (
            (value, mark_safe(" selected") if str(value) == selected else "", label)  # noqa: S308  # nosec B308 B703
            for value, label in choices
        ),
    )
