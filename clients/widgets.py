"""Form widgets shared by the apps."""

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from common.forms import Select


class SearchableSelect(Select):
    """A <select> of a few of many choices, with a search box above it that narrows them.

    For lists of thousands (every account of the company): the form gives it the first few
    choices and the chosen one, not a 400 kB list nobody scrolls. Typing in the box asks
    `options_url` (htmx) for the options whose name contains the text, and swaps them in,
    keeping the chosen one. The box's own name is `<field>_find`: posted with the form (Enter,
    without JavaScript), the form shows again with the options it finds. Its fifty options are
    joined in Python (common.forms.Select), not drawn by a template each.
    """

    template_name = "clients/widgets/searchable_select.html"

    def __init__(self, *args, options_url="", find_text="", find_label="Find by name", **kwargs):
        super().__init__(*args, **kwargs)
        self.options_url = options_url
        self.find_text = find_text
        self.find_label = find_label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["select_id"] = widget["attrs"].get("id") or f"id_{name}"
        widget["find_text"] = self.find_text
        widget["find_label"] = self.find_label
        widget["options_url"] = self.options_url
        return context


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
