"""The benchmark's list of pages keeps up with the app's URLs."""

from django.urls import URLPattern, URLResolver, get_resolver

from bench.pages import BARE, PAGES
from onboarding.tests.pages import NOT_PAGES


def url_names(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own admin site, not Golive's pages
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else f"(unnamed) {pattern.pattern}"


def test_every_page_of_the_app_is_benchmarked():
    """A page added later is timed by `make bench` once it has its line in bench/pages.py."""
    benched = {page.url_name for page in [BARE, *PAGES]}
    unbenched = sorted(set(url_names(get_resolver())) - benched - set(NOT_PAGES))
    assert not unbenched, (
        "These URLs are pages (not actions named in onboarding/tests/pages.py NOT_PAGES) that "
        f"bench/pages.py does not drive: {unbenched}"
    )
    stale = sorted(benched - set(url_names(get_resolver())))
    assert not stale, f"bench/pages.py names URLs that no longer exist: {stale}"


def test_each_benchmarked_page_has_its_own_name():
    names = [page.name for page in PAGES]
    assert len(names) == len(set(names))
