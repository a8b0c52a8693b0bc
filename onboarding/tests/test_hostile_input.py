"""No value a user can send makes a page fail: every query parameter and form field of every page.

The walk of test_security.py finds the pages; each page is opened as a role that may see it,
its HTML read for the forms it holds (their fields), the query parameters of its links (filters,
sorting, pages) and of its htmx requests, and each hostile value is then sent in each of them:
Unicode digits (which `str.isdigit()` accepts and `int()` may not), NUL (which PostgreSQL
refuses), numbers too large for any column or negative, and a megabyte of text. Whatever the
answer, it is never a server error. Run it on PostgreSQL too: NUL fails only there.
"""

import copy
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django import forms
from django.db import transaction
from django.test import Client as HttpClient
from django.urls import Resolver404, resolve
from django.utils.html import escape

from common.parsing import MULTI_LINE_MESSAGE, SINGLE_LINE_MESSAGE, PlainInputFormMixin
from onboarding.tests import test_security as walk
from onboarding.tests.access_table import ACCESS
from onboarding.tests.test_security import ROUTES, url_for

# The security walk's demo world, and its fast password hashing.
world = walk.world
_fast_hashing = walk._fast_hashing

HOSTILE_VALUES = {
    "superscript two": "\u00b2",
    "Arabic-Indic twelve": "\u0661\u0662",
    "NUL": "Acme\x00",
    "10**30": str(10**30),
    "-1": "-1",
}
MEGABYTE = "x" * 1_000_000
# Who opens each page: the first of these the access table lets see it.
READERS = ("admin", "manager", "pm", "support", "sales_rep")
SKIPPED_ACTIONS = {"logout"}  # ends the session the rest of the walk uses


class PageReader(HTMLParser):
    """What a page lets a browser send: its forms and their fields, links' and htmx's queries."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, dict[str, list[str]]]] = []  # (method, action, data)
        self.queries: list[tuple[str, set[str]]] = []  # (path, parameter names)
        self._ids: dict[str, str] = {}  # element id -> its name, for hx-include
        self._htmx: list[tuple[str, str | None, str]] = []  # (url, own name, hx-include)
        self._data: dict[str, list[str]] | None = None
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attr = {name: value or "" for name, value in attrs}
        name = attr.get("name")
        if attr.get("id") and name:
            self._ids[attr["id"]] = name
        if tag == "a" and "?" in attr.get("href", ""):
            url = urlsplit(attr["href"])
            self.queries.append((url.path, {key for key, _ in parse_qsl(url.query, True)}))
        for verb in ("hx-get", "hx-post", "data-hx-get", "data-hx-post"):
            if attr.get(verb):
                include = attr.get("hx-include") or attr.get("data-hx-include") or ""
                self._htmx.append((attr[verb], name, include))
        if tag == "form":
            self._data = {}
            method = (attr.get("method") or "get").lower()
            self.forms.append((method, attr.get("action", ""), self._data))
        elif self._data is None or not name and tag != "option":
            return
        elif tag == "input":
            kind = attr.get("type", "text")
            if kind in ("checkbox", "radio"):
                self._data.setdefault(name, [])
                if "checked" in attr:
                    self._data[name].append(attr.get("value") or "on")
            elif kind not in ("submit", "button", "image", "file", "reset"):
                self._data.setdefault(name, []).append(attr.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self._data.setdefault(name, []).append("")
        elif tag == "select":
            self._select, self._options = (name, "multiple" in attr), []
        elif tag == "option" and self._select:
            self._options.append((attr.get("value", ""), "selected" in attr))
        elif tag == "button" and attr.get("value"):
            self._data.setdefault(name, []).append(attr["value"])

    def handle_data(self, data):
        if self._textarea is not None and self._data is not None:
            self._data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._data = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._data is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self._data.setdefault(name, []).extend(chosen)
            self._select = None

    def htmx_queries(self) -> list[tuple[str, set[str]]]:
        found = []
        for url, name, include in self._htmx:
            names = {key for key, _ in parse_qsl(urlsplit(url).query, True)}
            names |= {name} if name else set()
            for selector in include.split(","):
                selector = selector.strip()
                if selector.startswith("#") and selector[1:] in self._ids:
                    names.add(self._ids[selector[1:]])
            found.append((urlsplit(url).path, names))
        return found


def url_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


@dataclass
class Target:
    """One place a browser sends values: a URL, the method, and what it sends by default."""

    method: str
    url: str
    data: dict[str, list[str]]
    fields: list[str]
    role: str


def pages_to_read() -> list[tuple[str, str]]:
    """(URL name, role) of every page, each with a role that may see it; not the Django admin."""
    pages = []
    for name, route in ACCESS.items():
        if name.startswith("admin:") or name not in ROUTES:
            continue
        role = next((role for role in READERS if route.get[role] == 200), None)
        if role:
            pages.append((name, role))
    return pages


def discover(world, browsers) -> list[Target]:
    """Every form and query each page offers, one of each kind (rows repeat their forms)."""
    targets: dict[tuple, Target] = {}
    for name, role in pages_to_read():
        page_url = url_for(name, world)
        response = browsers[role].get(page_url)
        assert response.status_code == 200, f"{name} as {role}: {response.status_code}"
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        reader = PageReader()
        reader.feed(response.content.decode())
        # The page's own query parameters are those its links and filter forms send to it.
        queries = [*reader.queries, *reader.htmx_queries(), (page_url, set())]
        for method, action, data in reader.forms:
            data.pop("csrfmiddlewaretoken", None)
            path = urlsplit(action).path or page_url
            if method == "get":
                queries.append((path, set(data)))
                continue
            action_name = url_name(path)
            if action_name is None or action_name in SKIPPED_ACTIONS:
                continue
            key = ("POST", action_name, tuple(sorted(data)))
            targets.setdefault(key, Target("POST", path, data, sorted(data), role))
        for path, names in queries:
            path = path or page_url
            query_name = url_name(path)
            if query_name is None or query_name.startswith("admin:"):
                continue
            key = ("GET", query_name)
            known = targets.setdefault(key, Target("GET", path, {}, [], role))
            known.fields = sorted(set(known.fields) | names | {"page"})
    return list(targets.values())


def send(browser: HttpClient, target: Target, values: dict[str, str]):
    """One request whose database writes and cookies are undone afterwards."""
    cookies = copy.deepcopy(browser.cookies)
    try:
        with transaction.atomic():
            if target.method == "GET":
                response = browser.get(target.url, values)
            else:
                data = {**target.data, **{field: [value] for field, value in values.items()}}
                response = browser.post(target.url, data)
            transaction.set_rollback(True)
    finally:
        browser.cookies = cookies
    return response


@pytest.fixture(scope="module")
def careless_browsers(world, django_db_blocker) -> dict[str, HttpClient]:
    """One client per role that answers a view's exception with the 500 page, as a server does."""
    clients = {}
    with django_db_blocker.unblock():
        for role, user in world.users.items():
            clients[role] = HttpClient(raise_request_exception=False)
            clients[role].force_login(user)
    return clients


def test_no_hostile_value_in_any_field_or_parameter_of_any_page_is_a_server_error(
    world, careless_browsers, db
):
    browsers = careless_browsers
    targets = discover(world, browsers)
    posts = [target for target in targets if target.method == "POST"]
    gets = [target for target in targets if target.method == "GET"]
    # The walk must have found the forms and filters it is meant to try.
    assert len(posts) >= 25 and len(gets) >= 10, (len(posts), len(gets))
    assert any("client_find" in target.fields for target in gets)

    failures = []

    def attempt(target: Target, values: dict[str, str], what: str) -> None:
        response = send(browsers[target.role], target, values)
        if response.status_code >= 500:
            shown = {field: value[:20] for field, value in values.items()}
            error = getattr(response, "exc_info", None)
            cause = repr(error[1])[:120] if error else response.status_code
            failures.append(f"{target.method} {target.url} {what} {shown}: {cause}")

    for target in targets:
        for what, value in HOSTILE_VALUES.items():
            # Every field at once. Then each field of a form alone, the others as the page left
            # them, so that a value the field lets through reaches what lies behind the form
            # (a query's filters each apply alone already). A negative number takes the path
            # of one too large: sent with the others it suffices.
            attempt(target, dict.fromkeys(target.fields, value), f"all fields {what}")
            if target.method == "POST" and what != "-1":
                for field in target.fields:
                    attempt(target, {field: value}, what)
        # A form post may carry 2.5 MB (DATA_UPLOAD_MAX_MEMORY_SIZE): two fields at a time.
        size = 2 if target.method == "POST" else len(target.fields)
        for start in range(0, len(target.fields), size):
            chunk = target.fields[start : start + size]
            attempt(target, dict.fromkeys(chunk, MEGABYTE), "a megabyte")

    # An id in the address too large for any column finds nothing rather than failing.
    for name, role in pages_to_read():
        url = url_for(name, world)
        huge = "/".join(
            str(10**30) if part.isascii() and part.isdigit() else part for part in url.split("/")
        )
        if huge != url:
            response = browsers[role].get(huge)
            if response.status_code >= 500:
                failures.append(f"GET {huge}: {response.status_code}")

    assert not failures, "Server errors:\n" + "\n".join(failures)


# Text: one-line fields take one line; multi-line text keeps its line breaks


def widget_of(text_field: walk.TextField) -> forms.Widget:
    form_name, field_name = text_field.field.split(".")
    form_class = next(form for form in walk.project_forms() if form.__name__ == form_name)
    return form_class.base_fields[field_name].widget


def test_every_form_of_the_project_refuses_what_plain_input_refuses():
    missing = [
        form.__name__
        for form in walk.project_forms()
        if not issubclass(form, PlainInputFormMixin) and form is not PlainInputFormMixin
    ]
    assert not missing, f"Give these forms PlainInputFormMixin (clients/parsing.py): {missing}"


@pytest.mark.parametrize("text_field", walk.TEXT_FIELDS, ids=lambda text_field: text_field.field)
def test_a_line_break_or_control_character_in_a_one_line_field_is_refused_with_a_message(
    text_field, world, db
):
    browser = walk.browser_for(text_field.role, world)
    multi_line = isinstance(widget_of(text_field), forms.Textarea)
    before = text_field.stored(world)

    for value in ("Acme\nBcc: victim@example.com", "Acme\r\nCorp", "Acme\x1b[31m", "Ac\x85me"):
        response, stored, _ = walk.typed_and_undone(browser, text_field, world, value)
        if (
            multi_line
            and value.isprintable() is False
            and "\x1b" not in value
            and "\x85" not in value
        ):
            assert stored == value, f"{text_field.field}: a line break was not kept"
        else:
            assert stored == before, f"{text_field.field}: {value!r} was stored"
            # A form page shows the form again; an action goes back to its page and says why.
            assert text_field.action or not response.redirect_chain, text_field.field
            message = SINGLE_LINE_MESSAGE if not multi_line else MULTI_LINE_MESSAGE
            assert escape(message).encode() in response.content, text_field.field

    response, stored, _ = walk.typed_and_undone(browser, text_field, world, "Acme\x00Corp")
    assert stored != "Acme\x00Corp", f"{text_field.field}: NUL was stored"
