"""No page puts a <form> inside another, on every page each role may open.

A browser ignores an inner <form> tag, and the inner </form> closes the outer form: whatever
follows, the Save button included, is then outside any form, and saving sends nothing. (crispy
writes a <form> of its own around a form without a helper saying `form_tag = False`.)

The walk is test_security's: every named URL, on the demo data, as every role that may open it.
"""

from html.parser import HTMLParser

import pytest

from onboarding.tests.access_table import ACCESS, ROLES
from onboarding.tests.test_security import (  # noqa: F401 (fixtures are found by name)
    _fast_hashing,
    browsers,
    url_for,
    visit,
    world,
)


class FormNesting(HTMLParser):
    """The line of every <form> that opens while another is still open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open_forms: list[int] = []
        self.nested: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            line = self.getpos()[0]
            if self.open_forms:
                self.nested.append(f"line {line} inside the form of line {self.open_forms[-1]}")
            self.open_forms.append(line)

    def handle_endtag(self, tag):
        if tag == "form" and self.open_forms:
            self.open_forms.pop()


def nested_forms(html: str) -> list[str]:
    reader = FormNesting()
    reader.feed(html)
    reader.close()
    return reader.nested


def test_the_checker_finds_a_form_inside_a_form():
    page = '<form method="post">\n<form method="post">\n</form>\n<button>Save</button></form>'
    assert nested_forms(page) == ["line 2 inside the form of line 1"]
    assert nested_forms('<form method="post"></form>\n<form method="get"></form>') == []


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_no_page_opens_a_form_inside_another(name, world, browsers, db):  # noqa: F811
    url = url_for(name, world)
    for role in ROLES:
        if ACCESS[name].get[role] != 200:
            continue
        response = visit(browsers[role], "GET", url)
        assert response.status_code == 200, f"GET {url} ({name}) as {role}"
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        found = nested_forms(response.content.decode())
        assert not found, f"{url} ({name}) as {role} nests a <form>: " + "; ".join(found)
