"""The critical path: the tasks whose slip would move the plan's end, on known graphs."""

from datetime import date

from projects.scheduling import PlannedTask as T
from projects.scheduling import critical_path

# Mondays to Fridays of December 2026.
D = {n: date(2026, 12, n) for n in range(1, 32)}


def test_a_diamond_follows_its_longer_branch():
    tasks = [
        T(1, D[1], D[2]),
        T(2, D[3], D[10], (1,)),  # the long branch
        T(3, D[3], D[4], (1,)),  # finishes early: float until the 10th
        T(4, D[11], D[14], (2, 3)),
    ]
    assert critical_path(tasks) == [1, 2, 4]


def test_of_two_parallel_chains_the_one_ending_last_decides():
    tasks = [
        T(1, D[1], D[4]),
        T(2, D[7], D[11], (1,)),
        T(3, D[1], D[2]),
        T(4, D[3], D[8], (3,)),
    ]
    assert critical_path(tasks) == [1, 2]


def test_tied_chains_are_both_critical():
    tasks = [
        T(1, D[1], D[2]),
        T(2, D[1], D[2]),
        T(3, D[3], D[4], (1, 2)),
    ]
    assert critical_path(tasks) == [1, 2, 3]


def test_without_dependencies_only_the_last_to_finish_is_critical():
    tasks = [T(1, D[1], D[4]), T(2, D[1], D[9]), T(3, D[2], D[3])]
    assert critical_path(tasks) == [2]


def test_a_gap_before_a_successor_is_float():
    # The successor starts a week after its predecessor ends, so that predecessor may slip.
    tasks = [T(1, D[1], D[2]), T(2, D[10], D[11], (1,))]
    assert critical_path(tasks) == [2]


def test_the_weekend_is_no_float():
    # Friday to Monday is the next business day: no slack in between.
    tasks = [T(1, D[1], D[4]), T(2, D[7], D[8], (1,))]
    assert critical_path(tasks) == [1, 2]


def test_a_holiday_is_no_float():
    holidays = {D[7]}
    tasks = [T(1, D[1], D[4]), T(2, D[8], D[9], (1,))]
    assert critical_path(tasks, holidays) == [1, 2]
    assert critical_path(tasks) == [2]


def test_a_task_with_no_dates_is_left_out_and_breaks_no_chain():
    tasks = [
        T(1, D[1], D[2]),
        T(2, None, None, (1,)),
        T(3, D[3], D[4], (1, 2)),
        T(4, D[3], None),
    ]
    assert critical_path(tasks) == [1, 3]


def test_a_task_with_only_a_due_date_is_a_one_day_task():
    tasks = [T(1, D[1], D[2]), T(2, None, D[3], (1,))]
    assert critical_path(tasks) == [1, 2]


def test_no_tasks_no_path():
    assert critical_path([]) == []
    assert critical_path([T(1, None, None)]) == []


def test_work_after_the_go_live_does_not_decide_it():
    tasks = [
        T(1, D[1], D[4]),
        T(2, D[7], D[9], (1,)),
        T(3, D[14], D[31]),  # hypercare, after the go-live on the 10th
    ]
    assert critical_path(tasks) == [3]
    assert critical_path(tasks, until=D[10]) == [1, 2]
