"""Each page's SQL queries and Django CPU time, measured in a fresh process of its own.

bench/run.py runs this with the benchmark's settings, the pages (name, path, the browser's
cookies) as JSON on stdin, and reads the figures as JSON from stdout. A fresh interpreter
measures a request as a web worker serves it, whatever the driver process did before (loading
data, timing jobs).
"""

import json
import sys
import time

SAMPLES = 20


def measure(path: str, cookies: dict[str, str]) -> tuple[int, float]:
    """Queries of one request after a warm-up one, and the CPU ms of each of SAMPLES more."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="127.0.0.1")
    for name, value in cookies.items():
        client.cookies[name] = value
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} to the test client.")
    # Read now: each request empties the connection's query log.
    queries = len(captured.captured_queries)
    started = time.process_time()
    for _ in range(SAMPLES):
        client.get(path)
    return queries, (time.process_time() - started) / SAMPLES * 1000


def main() -> None:
    import django

    django.setup()
    pages = json.load(sys.stdin)
    results = {}
    for page in pages:
        queries, cpu_ms = measure(page["path"], page["cookies"])
        results[page["name"]] = {"queries": queries, "cpu_ms": cpu_ms}
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
