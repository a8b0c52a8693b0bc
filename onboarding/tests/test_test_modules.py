"""Checks on the test modules themselves: things that make a test pass or fail by accident."""

import ast
from pathlib import Path

from django.conf import settings

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
