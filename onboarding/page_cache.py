"""A page cache that can never serve a page older than the data it shows.

Every logged-in GET of an HTML page is stored under a key made of what the page depends on:
who asks (their session and CSRF cookie), what they ask for (host and full path), the release of
the code, the current minute (pages say "overdue" and "due today"), and the database's
transaction snapshot (PostgreSQL's `pg_current_snapshot()`). The snapshot changes as soon as
any transaction that wrote anything commits, so any change of data, by a page, a job, the
admin or raw SQL, gives every page a new key: the next request renders afresh. Nothing has to
remember to invalidate anything, which is why this is honest: an answer from the cache is the
answer the view would give now, byte for byte, except for the per-response secrets below.

The CSP nonce and the masked CSRF token are per-response secrets. They are swapped for
placeholders before a page is stored and filled in fresh for each answer, so a cached page has a
new nonce (which the CSP header then carries) and a newly masked token, as a rendered one would.

A page is stored only when nothing was committed while it rendered (the snapshot after equals
the one before), so a view that writes on GET is never cached, and only when the view set no
cookie, no cache header and no message. The cache is off inside a transaction (the snapshot
cannot see the transaction's own writes) and on databases other than PostgreSQL.

A hit costs one query, the snapshot. A page is stored only for a session that was logged in,
under that session's key, and an unchanged snapshot means that session and its user are
unchanged since (a logout deletes the session, a deactivation writes the user: both commit).
What time alone ends, the session's expiry, is stored beside the page and checked on each hit.
"""

import hashlib
import os
import re
import time
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

# Characters autoescaping never lets through from data, so no stored text can fake them.
NONCE_PLACEHOLDER = b"<\x00golive:csp-nonce\x00>"
CSRF_PLACEHOLDER = b"<\x00golive:csrf-token\x00>"
MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# Headers a view may set on a page that is stored; any other (a download's
# Content-Disposition, never_cache's Cache-Control, htmx's HX-*) keeps the page out.
STORABLE_HEADERS = {"content-type", "content-length", "vary"}
HEADER_KEPT = "X-Page-Cache"


@cache
def code_release() -> str:
    """What identifies the running code, so that a deploy never serves a page of the last one.

    GOLIVE_RELEASE when set (a commit id, say); otherwise a digest of the size and modification
    time of every source file and template, which is the same in every worker of one install.
    """
    configured = settings.PAGE_CACHE.get("RELEASE")
    if configured:
        return configured
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    skipped = {".venv", "var", "staticfiles", "node_modules", ".git", "__pycache__"}
    for folder, subfolders, files in os.walk(base):
        subfolders[:] = sorted(name for name in subfolders if name not in skipped)
        for name in sorted(files):
            if name.endswith((".py", ".html", ".txt", ".json")):
                stat = os.stat(os.path.join(folder, name))
                relative = os.path.relpath(os.path.join(folder, name), base)
                digest.update(f"{relative}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def database_snapshot() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def page_cache_applies(request: HttpRequest) -> bool:
    """Whether the cache may answer: only what the request carries, without touching the database.

    A stored page was rendered for a session that was logged in and had no message waiting;
    while the snapshot is the same, that session and its user are unchanged, so a hit needs no
    session or user query.
    """
    return (
        settings.PAGE_CACHE["ENABLED"]
        and request.method == "GET"
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not getattr(request, "htmx", False)
        and bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        and settings.CSRF_COOKIE_NAME in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def renders_for_storing(request: HttpRequest) -> bool:
    """Whether the page about to be rendered is one a later hit may repeat."""
    return (
        request.user.is_authenticated
        and request.session.session_key == request.COOKIES[settings.SESSION_COOKIE_NAME]
        and hasattr(request.session, "get_model_class")
        and not len(messages.get_messages(request))
    )


def session_expiry(request: HttpRequest) -> datetime | None:
    """When the session ends in the database; a hit after that would outlive a logout."""
    model = request.session.get_model_class()
    return (
        model.objects.filter(session_key=request.session.session_key)
        .values_list("expire_date", flat=True)
        .first()
    )


def page_key(request: HttpRequest, snapshot: str) -> str:
    parts = [
        code_release(),
        str(int(time.time() // 60)),
        snapshot,
        request.COOKIES[settings.SESSION_COOKIE_NAME],
        request.COOKIES[settings.CSRF_COOKIE_NAME],
        request.scheme,
        request.get_host(),
        request.get_full_path(),
    ]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and {name.lower() for name in response.headers} <= STORABLE_HEADERS
        and not getattr(messages.get_messages(request), "added_new", False)
    )


def with_placeholders(request: HttpRequest, content: bytes) -> bytes:
    """The page with this response's nonce and masked CSRF tokens swapped for placeholders."""
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        content = content.replace(nonce.encode(), NONCE_PLACEHOLDER)
    secret = request.META.get("CSRF_COOKIE")
    if secret:
        from django.middleware.csrf import _unmask_cipher_token

        verdicts: dict[bytes, bytes] = {}

        def placeholder(match: re.Match) -> bytes:
            token = match.group(0)
            if token not in verdicts:
                mine = _unmask_cipher_token(token.decode()) == secret
                verdicts[token] = CSRF_PLACEHOLDER if mine else token
            return verdicts[token]

        content = MASKED_TOKEN.sub(placeholder, content)
    return content


def filled_in(request: HttpRequest, content: bytes) -> bytes:
    """A stored page with a fresh nonce and a fresh masked CSRF token, as a render would have.

    A render masks the token once for the whole page (the template context holds it), so one
    fresh token fills every placeholder.
    """
    if NONCE_PLACEHOLDER in content:
        content = content.replace(NONCE_PLACEHOLDER, str(request.csp_nonce).encode())
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    return content


class PageCacheMiddleware:
    """Answers a logged-in GET from the cache when data, user and minute are the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not page_cache_applies(request):
            return self.get_response(request)
        store = caches[settings.PAGE_CACHE["CACHE"]]
        snapshot = database_snapshot()
        key = page_key(request, snapshot)
        stored = store.get(key)
        if stored is not None:
            content, headers, session_ends = stored
            if session_ends > timezone.now():
                response = HttpResponse(filled_in(request, content), headers=headers)
                response[HEADER_KEPT] = "hit"
                return response
        keep = renders_for_storing(request)
        response = self.get_response(request)
        if keep and storable(request, response):
            session_ends = session_expiry(request)
            if session_ends is not None and database_snapshot() == snapshot:
                content = with_placeholders(request, response.content)
                seconds = settings.PAGE_CACHE["SECONDS"]
                store.set(key, (content, dict(response.headers), session_ends), seconds)
                response[HEADER_KEPT] = "miss"
        return response
