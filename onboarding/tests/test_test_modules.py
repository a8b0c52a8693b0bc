"""Checks on the test modules themselves: things that make a test pass or fail by accident."""

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from onboarding.tests import pages

BASE_DIR = Path(settings.BASE_DIR)
# What reads the clock: timezone.now(), timezone.localdate(), date.today(), datetime.now()…
CLOCK_CALLS = {"now", "today", "localdate", "localtime", "utcnow"}


def code_of_the_tests() -> list[Path]:
    modules = {*BASE_DIR.glob("*/tests/**/*.py"), *BASE_DIR.glob("conftest.py")}
    return sorted(path for path in modules if ".venv" not in path.parts)


class ImportTimeClock(ast.NodeVisitor):
    """The clock reads that run when a module is imported, not when a test runs.

    Function and lambda bodies run later; their decorators and default values run at import.
    """

    def __init__(self) -> None:
        self.lines: list[int] = []

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.visit(node.args)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit(node.args)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr in CLOCK_CALLS:
            self.lines.append(node.lineno)
        self.generic_visit(node)


def test_no_test_module_reads_the_clock_at_import():
    """A date taken at import is yesterday's for a test that runs after midnight.

    The suite takes minutes, so a run started before midnight compared "today" from import time
    with the today of the factories and the views, and failed. Read it in a fixture instead.
    """
    modules = code_of_the_tests()
    assert len(modules) > 20, "the test modules were not found"
    found = []
    for path in modules:
        finder = ImportTimeClock()
        finder.visit(ast.parse(path.read_text(), filename=str(path)))
        found += [f"{path.relative_to(BASE_DIR)}:{line}" for line in finder.lines]
    assert not found, "The clock is read at import time (read it in a fixture): " + ", ".join(found)


WITHOUT_CHROMIUM = """
from onboarding.tests import browser

browser.CHROMIUM = "/nonexistent/chromium"
"""
AFTER = """
from clients.models import Client
from projects.models import ImplementationProject


def test_the_next_test_finds_an_empty_database(db):
    assert not Client.objects.exists()
    assert not ImplementationProject.objects.exists()
"""


def test_a_browser_module_that_fails_to_set_up_leaves_no_data_behind(tmp_path):
    """On a machine without Chromium, the accessibility module loads the demo data, then fails
    to start the browser: the data must be gone before the next test, which would fail with it.
    """
    (tmp_path / "golive_without_chromium.py").write_text(WITHOUT_CHROMIUM)
    (tmp_path / "test_after_the_browser_module.py").write_text(AFTER)
    first_page = pages.PAGES[0].name
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        # SQLite in memory: a database of its own, whatever this run uses.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "golive_without_chromium",
            "-c",
            str(BASE_DIR / "pytest.ini"),
            "--rootdir",
            str(BASE_DIR),
            "-rA",
            "-q",
            "onboarding/tests/test_accessibility.py::"
            f"test_page_has_no_serious_accessibility_violations[{first_page}]",
            str(tmp_path / "test_after_the_browser_module.py"),
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "needs Debian's Chromium" in output or "need Debian's Chromium" in output, output
    assert "1 passed, 1 error" in output, output
    assert "PASSED " in output and "test_the_next_test_finds_an_empty_database" in output, output
