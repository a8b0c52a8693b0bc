"""`{% fixed_url 'name' %}`: the URL of a page that takes no arguments, reversed once.

The navigation links a dozen such pages from every page, and reverse() walks the URL
resolver each time: about half of what the base template cost to render. Such a URL changes
only with the URLconf and the script prefix the app is served under, so it is worked out once
for each of those and then read.
"""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

# (URLconf, script prefix, name) -> (the URL, the URL escaped for HTML)
_reversed: dict[tuple[str, str, str], tuple[str, str]] = {}


def fixed_url(name: str, *, escaped: bool = False) -> str:
    """reverse(name), with one walk of the resolver per URLconf and script prefix."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name)
    try:
        urls = _reversed[key]
    except KeyError:
        url = reverse(name)
        urls = _reversed[key] = (url, conditional_escape(url))
    return urls[escaped]


class FixedURLNode(template.Node):
    def __init__(self, name: str) -> None:
        self.name = name

    def render(self, context) -> str:
        return fixed_url(self.name, escaped=context.autoescape)


@register.tag("fixed_url")
def fixed_url_tag(parser, token) -> FixedURLNode:
    """`{% fixed_url 'projects:list' %}`: a URL name in quotes, no arguments, no `as`."""
    bits = token.split_contents()
    if len(bits) != 2 or len(bits[1]) < 3 or bits[1][0] not in "'\"" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes one URL name in quotes, e.g. {{% {bits[0]} 'home' %}}."
        )
    return FixedURLNode(bits[1][1:-1])
