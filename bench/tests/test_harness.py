"""The benchmark's own arithmetic: limits, the floor page, the knee, the 10× comparison, Locust's
figures. Cheap: no server, no wrk, no data set."""

from collections import Counter
from types import SimpleNamespace

import pytest
from django.urls import reverse

from bench import inprocess, office, run
from bench.pages import FLOOR, PAGES


def test_the_office_is_60_percent_pms_10_managers_20_sales_reps_10_support():
    assert Counter(office.roles_for(500)) == {
        "pm": 300,
        "manager": 50,
        "sales": 100,
        "support": 50,
    }


def test_the_nth_person_is_the_same_in_every_size_of_office():
    assert office.roles_for(1000)[:500] == office.roles_for(500)


def test_the_floor_page_is_benchmarked_and_always_measured():
    assert PAGES[0] is FLOOR
    assert FLOOR.url_name == "floor"
    assert run.chosen_pages("task")[0] is FLOOR
    assert all("task" in page.name for page in run.chosen_pages("task")[1:])


@pytest.mark.parametrize(("text", "seconds"), [("3m", 180), ("90s", 90), ("45", 45), ("1h", 3600)])
def test_durations_are_read_in_seconds_minutes_or_hours(text, seconds):
    assert run.seconds(text) == seconds


def test_a_bad_duration_is_refused_with_its_reason(capsys):
    with pytest.raises(SystemExit):
        run.parse_args(["--office-duration", "three minutes"])
    assert "Not a duration: three minutes" in capsys.readouterr().err


def test_pages_wait_for_the_load_left_by_the_jobs_to_settle_but_not_for_ever(monkeypatch):
    loads = iter([2.5, 1.8, 1.2, 0.9, 0.5])
    monkeypatch.setattr(run.os, "getloadavg", lambda: (next(loads), 0.0, 0.0))
    slept = []
    monkeypatch.setattr(run.time, "sleep", slept.append)
    monkeypatch.setattr(run, "say", lambda text: None)
    assert run.settle(limit=60, every=5) == 0.9
    assert slept == [5, 5, 5]

    clock = iter(range(0, 1000, 30))
    monkeypatch.setattr(run.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(run.os, "getloadavg", lambda: (3.0, 0.0, 0.0))
    assert run.settle(limit=60, every=5) == 3.0


def test_each_scale_has_its_own_database(monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    assert run.database_url(1).endswith("/golive_bench")
    assert run.database_url(10).endswith("/golive_bench_x10")


def page_figures(cpu_ms, queries=5, slowest=1.0, counts=None):
    return {
        "cpu_ms": cpu_ms,
        "queries": queries,
        "query_counts": counts or [queries],
        "db_ms": 3.0,
        "slowest_query_ms": slowest,
    }


def test_a_page_is_held_to_10_ms_3_times_the_floor_12_queries_and_5_ms_a_query(monkeypatch):
    pages = [
        FLOOR,
        SimpleNamespace(name="cheap", login="pm", headers=dict),
        SimpleNamespace(name="over 3 × floor", login="pm", headers=dict),
        SimpleNamespace(name="over 10 ms", login="pm", headers=dict),
        SimpleNamespace(name="13 queries", login="pm", headers=dict),
        SimpleNamespace(name="slow query", login="pm", headers=dict),
        SimpleNamespace(name="queries vary", login="pm", headers=dict),
    ]
    measured = {
        FLOOR.name: page_figures(2.0),
        "cheap": page_figures(5.9),
        "over 3 × floor": page_figures(6.1),
        "over 10 ms": page_figures(10.5),
        "13 queries": page_figures(3.0, queries=13),
        "slow query": page_figures(3.0, slowest=5.5),
        "queries vary": page_figures(3.0, counts=[5, 6]),
    }
    monkeypatch.setattr(run, "in_process", lambda env, pages: measured)
    result = run.rendered({}, pages, {page.name: "/" for page in pages}, {})
    verdicts = {row["name"]: row["ok"] for row in result["pages"]}
    assert verdicts == {
        FLOOR.name: True,
        "cheap": True,
        "over 3 × floor": False,
        "over 10 ms": False,
        "13 queries": False,
        "slow query": False,
        "queries vary": False,
    }
    table = run.rendered_table(result)
    assert "| over 10 ms | pm | 10.5 | 5.25 | 5 | 1.0 | 3.0 | **MISSED** (CPU) |" in table
    assert "| queries vary | pm | 3.0 | 1.50 | 5/6 | 1.0 | 3.0 | **MISSED** (queries) |" in table


def test_a_pages_ratio_is_against_the_floor_measured_beside_it(monkeypatch):
    """A machine that slows down halfway through a run slows a page and its floor alike."""
    pages = [FLOOR, SimpleNamespace(name="measured while slow", login="pm", headers=dict)]
    slow = page_figures(7.5)
    slow["floor_beside_ms"] = 3.0
    measured = {FLOOR.name: page_figures(2.0), "measured while slow": slow}
    monkeypatch.setattr(run, "in_process", lambda env, pages: measured)

    result = run.rendered({}, pages, {page.name: "/" for page in pages}, {})

    row = result["pages"][1]
    assert row["floor_ratio"] == 2.5 and row["ok"]
    assert result["floor_cpu_ms"] == 2.0


def test_measuring_a_page_times_the_floor_after_each_of_its_requests(db, pm, client):
    client.force_login(pm)
    floor_calls = []

    def floor() -> float:
        floor_calls.append(1)
        return 1.0

    figures = inprocess.measure(
        reverse("floor"), {"sessionid": client.cookies["sessionid"].value}, floor=floor
    )

    assert len(floor_calls) == inprocess.SAMPLES
    assert figures["floor_beside_ms"] == 1.0 and figures["cpu_ms"] > 0


def test_the_slowest_query_is_the_one_slowest_on_most_requests():
    timers = []
    for first, second in ((1.0, 2.0), (9.0, 2.0), (1.2, 2.1)):
        timer = inprocess.QueryTimer()
        timer.durations, timer.statements = [first, second], ["SELECT 1", "SELECT 2"]
        timers.append(timer)
    slowest, statement = inprocess.slowest_query(timers)
    assert (slowest, statement) == (2.0, "SELECT 2")


def test_the_knee_lies_between_the_last_size_under_500_ms_and_the_first_over():
    def p95_for(people):  # p95 passes 500 ms at 1,300 people
        return {"people": people, "p95_ms": 100 if people < 1300 else 900, "failures": 0}

    tried = []

    def run_size(people):
        tried.append(people)
        return {**p95_for(people), "requests": 100, "rps": 1.0}

    first = {**p95_for(500), "requests": 100, "rps": 1.0}
    knee = office.find_knee(run_size, first, most=4000, say=lambda text: None)
    assert tried == [1000, 2000, 1500, 1250]
    assert (knee["last_under"], knee["first_over"]) == (1250, 1500)


def test_the_knee_search_goes_down_when_the_first_office_is_over_the_line():
    def run_size(people):
        return {"people": people, "p95_ms": 900 if people > 100 else 80, "failures": 0,
                "requests": 10, "rps": 1.0}  # fmt: skip

    knee = office.find_knee(run_size, run_size(500), most=4000, say=lambda text: None)
    assert knee["last_under"] <= 100 < knee["first_over"]


def test_a_size_at_which_no_request_finishes_is_over_the_line():
    def run_size(people):
        requests = 0 if people > 400 else 10
        return {"people": people, "p95_ms": 0 if people > 400 else 80, "failures": 0,
                "requests": requests, "rps": 1.0}  # fmt: skip

    knee = office.find_knee(run_size, run_size(500), most=4000, say=lambda text: None)
    assert knee["last_under"] <= 400 < knee["first_over"]


def page_row(name: str, queries: int, cpu_ms: float, floor_beside_ms: float | None) -> dict:
    """A page's row as bench_pages() records it; None for the floor page (measured alone)."""
    row = {"name": name, "queries": queries, "cpu_ms": cpu_ms, "floor_beside_ms": None}
    if floor_beside_ms is None:
        row["floor_ratio"] = 1.0
    else:
        row.update(floor_beside_ms=floor_beside_ms, floor_ratio=cpu_ms / floor_beside_ms)
    return row


def test_10x_keeps_query_counts_and_cpu_within_20_percent_and_job_costs_per_item():
    reference = {
        "rendered": {
            "pages": [
                page_row("floor", 4, 2.0, None),
                page_row("a", 5, 4.0, 2.0),
                page_row("b", 5, 4.0, 2.0),
                page_row("c", 5, 4.0, 2.0),
                page_row("slower machine", 5, 4.0, 2.0),
                page_row("faster machine", 5, 4.0, 2.0),
            ]
        },
        "jobs": {
            "rows": [
                {"key": "reports", "job": "reports", "seconds": 10.0, "items": 1000},
                {"key": "delivery", "job": "delivery", "seconds": 20.0, "items": 10_000},
                {"key": "sweep-first", "job": "sweep", "seconds": 2.0, "items": 100},
            ]
        },
    }
    report = {
        "rendered": {
            "pages": [
                page_row("floor", 4, 2.6, None),
                page_row("a", 5, 4.7, 2.0),
                page_row("b", 5, 5.0, 2.0),
                page_row("c", 6, 4.0, 2.0),
                # The machine half as fast again: the page and the floor beside it alike.
                page_row("slower machine", 5, 6.0, 3.0),
                # A faster machine hides no growth: the floor beside it is faster too.
                page_row("faster machine", 5, 4.0, 1.5),
            ]
        },
        "jobs": {
            "rows": [
                {"key": "reports", "job": "reports", "seconds": 130.0, "items": 10_000},
                {"key": "delivery", "job": "delivery", "seconds": 21.0, "items": 10_000},
                {"key": "sweep-first", "job": "sweep", "seconds": 50.0, "items": 1000},
            ]
        },
    }
    scaled = run.compare_scale(report, reference)
    assert {row["name"]: row["ok"] for row in scaled["pages"]} == {
        # The floor page, the yardstick, is held to its own CPU ms.
        "floor": False,
        "a": True,
        "b": False,
        "c": False,
        "slower machine": True,
        "faster machine": False,
    }
    # The sweep is held to a minute at 10×, not to its cost per item.
    assert {row["job"]: row["ok"] for row in scaled["jobs"]} == {
        "reports": False,
        "delivery": True,
    }
    table = run.scale_tables(scaled, 10, "x.json")
    assert "| a | 5 | 5 | 4.0 | 4.7 | 2.00 | 2.35 | +18% | ok |" in table
    assert "| faster machine | 5 | 5 | 4.0 | 4.0 | 2.00 | 2.67 | +33% | **MISSED** |" in table


def test_locust_figures_are_read_per_page_kind_and_in_all(tmp_path):
    header = (
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
        "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
        "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
    )
    stats = tmp_path / "office_stats.csv"
    stats.write_text(
        header
        + "\nGET,home,90,0,40,45,10,300,1000,0.5,0,40,45,50,55,70,120,150,200,290,300,300"
        + "\nPOST,comment (change),10,1,60,65,20,400,0,0.05,0,60,62,64,66,80,140,190,390,400,"
        + "400,400"
        + "\n,Aggregated,100,1,41,47,10,400,900,0.55,0,41,46,52,56,72,125,155,210,390,400,400\n"
    )
    figures = office.parse_stats(stats)
    assert figures["total"]["requests"] == 100
    assert figures["total"]["p95_ms"] == 125
    assert [kind["kind"] for kind in figures["kinds"]] == ["home", "comment (change)"]
    assert figures["kinds"][1]["failures"] == 1


def test_the_stress_figures_are_set_beside_the_bare_view_without_a_target():
    def wrk_row(name, rps, login=""):
        return {"name": name, "login": login, "rps": rps, "p50_ms": 4.0, "p95_ms": 9.0,
                "p99_ms": 20.0, "non_2xx_3xx": 0, "socket_errors": 0}  # fmt: skip

    results = {
        "bare": [wrk_row("bare view, first", 3000), wrk_row("bare view, last", 3000)],
        "pages": [{**wrk_row("home (PM)", 150, "pm"), "ratio": 0.05}],
        "bare_rps": 3000,
    }
    table = run.stress_table(results)
    assert "| bare view, first | – | 3,000 | 1.00 | 4.0 | 9.0 | 20.0 | 0 |" in table
    assert "| home (PM) | pm | 150 | 0.05 | 4.0 | 9.0 | 20.0 | 0 |" in table
    assert "MISSED" not in table
