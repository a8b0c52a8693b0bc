"""Each page's SQL queries and Django CPU time, measured in a fresh process of its own.

bench/run.py runs this with the benchmark's settings, the pages (name, path, the browser's
cookies) as JSON on stdin, and reads the figures as JSON from stdout. A fresh interpreter
measures a request as a web worker serves it, whatever the driver process did before (loading
data, timing jobs).
"""

import json
import statistics
import sys
import time

SAMPLES = 21


class QueryTimer:
    """The wall time (ms) and text of each SQL statement run on the connection, in order."""

    def __init__(self) -> None:
        self.durations: list[float] = []
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.durations.append((time.perf_counter() - started) * 1000)
            self.statements.append(sql)


def slowest_query(timers: list[QueryTimer]) -> tuple[float, str]:
    """The query with the highest median time over the requests, and that median (ms).

    Each request makes the same queries in the same order; should one make more, the requests
    with the most queries are compared.
    """
    most = max((len(timer.durations) for timer in timers), default=0)
    if not most:
        return 0.0, ""
    same = [timer for timer in timers if len(timer.durations) == most]
    medians = [statistics.median(timer.durations[i] for timer in same) for i in range(most)]
    slowest = max(range(most), key=medians.__getitem__)
    return medians[slowest], same[0].statements[slowest]


def read(response):
    """The response, its body read: a streamed download (CSV) runs its queries as it is read."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def client_for(cookies: dict[str, str], headers: dict[str, str] | None = None):
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1", headers=headers or {})
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def cpu_ms_of(client, path: str) -> float:
    """The CPU time of one request, its body read."""
    started = time.process_time()
    read(client.get(path))
    return (time.process_time() - started) * 1000


def measure(
    path: str,
    cookies: dict[str, str],
    headers: dict[str, str] | None = None,
    samples: int = SAMPLES,
    floor=None,
) -> dict:
    """One page's figures: a warm-up request, then `samples` timed ones.

    The CPU time is the median over the samples (a stray garbage collection or a neighbour's
    burst moves the mean, not the median). A page makes the same queries on every request; each
    query's time is its median over the samples too, and the slowest query is the one with the
    highest median: what it costs, not what the busiest moment of the machine made of it.

    `floor`, a function timing one request of the floor page, is called after each sample:
    the page's ratio to the floor is taken against the floor measured beside it, so that a
    virtual machine that slows down or speeds up during a run moves both alike.
    """
    from django.db import connection

    client = client_for(cookies, headers)
    response = read(client.get(path))
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} to the test client.")
    cpu_ms, timers, floor_ms = [], [], []
    for _ in range(samples):
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            started = time.process_time()
            response = read(client.get(path))
            cpu_ms.append((time.process_time() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} to the test client.")
        timers.append(timer)
        if floor is not None:
            floor_ms.append(floor())
    counts = sorted({len(timer.durations) for timer in timers})
    slowest_ms, slowest_sql = slowest_query(timers)
    return {
        "cpu_ms": statistics.median(cpu_ms),
        "cpu_ms_min": min(cpu_ms),
        "queries": counts[-1],
        "query_counts": counts,
        "db_ms": statistics.median(sum(timer.durations) for timer in timers),
        "slowest_query_ms": slowest_ms,
        "slowest_query_max_ms": max((max(t.durations, default=0) for t in timers), default=0),
        "slowest_query": slowest_sql[:300],
        "samples": samples,
        "floor_beside_ms": statistics.median(floor_ms) if floor_ms else None,
    }


def main() -> None:
    import gc

    import django

    django.setup()
    # As each gunicorn worker does once the app is loaded (onboarding/gunicorn.conf.py).
    gc.freeze()
    pages = json.load(sys.stdin)
    floor_page = next((page for page in pages if page.get("floor")), None)
    floor = None
    if floor_page is not None:
        floor_client = client_for(floor_page["cookies"], floor_page.get("headers"))

        def floor() -> float:
            return cpu_ms_of(floor_client, floor_page["path"])

    results = {
        page["name"]: measure(
            page["path"],
            page["cookies"],
            page.get("headers"),
            floor=None if page is floor_page else floor,
        )
        for page in pages
    }
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
