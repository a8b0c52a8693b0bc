"""A slip moves exactly the work that must move, by the business days it must; nothing else."""

from datetime import date

from projects.scheduling import ScheduledMilestone as M
from projects.scheduling import ScheduledTask as T
from projects.scheduling import ripple

# December 2026: the 1st is a Tuesday; 5–6, 12–13, 19–20 and 26–27 are weekends.
D = {n: date(2026, 12, n) for n in range(1, 32)}


def task(pk, start, due, deps=(), milestone=None, *, done=False, finish=None, started=False):
    return T(pk, f"T{pk}", start, due, finish or due, tuple(deps), milestone, done, started)


def moved(result):
    return {(m.kind, m.id): (m.new_start, m.new_due, m.days) for m in result.moves}


def test_a_chain_moves_by_the_slip_across_the_weekend():
    tasks = [task(1, D[1], D[2]), task(2, D[3], D[4], [1]), task(3, D[7], D[8], [2])]
    # 1 now finishes Thursday the 3rd: 2 starts Friday, runs to Monday; 3 follows on Tuesday.
    result = ripple(tasks, [], {1: D[3]})
    assert moved(result) == {
        ("task", 2): (D[4], D[7], 1),
        ("task", 3): (D[8], D[9], 1),
    }


def test_only_the_successors_that_must_move_do():
    tasks = [
        task(1, D[1], D[2]),
        task(2, D[3], D[4], [1]),
        task(3, D[10], D[11], [1]),  # a week of slack: a two-day slip leaves it alone
        task(4, D[1], D[2]),  # not linked at all
    ]
    result = ripple(tasks, [], {1: D[4]})
    assert moved(result) == {("task", 2): (D[7], D[8], 2)}


def test_slack_absorbs_part_of_a_slip():
    tasks = [task(1, D[1], D[2]), task(2, D[7], D[8], [1])]  # starts 2 business days late
    result = ripple(tasks, [], {1: D[8]})  # 4 business days later
    assert moved(result) == {("task", 2): (D[9], D[10], 2)}


def test_a_diamond_waits_for_its_later_branch():
    tasks = [
        task(1, D[1], D[1]),
        task(2, D[2], D[3], [1]),
        task(3, D[2], D[8], [1]),  # the long branch: 4 waits for it anyway
        task(4, D[9], D[10], [2, 3]),
    ]
    # 2 slips to the 4th: 4 still starts after 3 (the 8th), so it does not move.
    assert moved(ripple(tasks, [], {2: D[4]})) == {}
    # 2 slips to the 9th: 4 must wait one more business day.
    assert moved(ripple(tasks, [], {2: D[9]})) == {("task", 4): (D[10], D[11], 1)}


def test_holidays_are_skipped_and_keep_the_length_in_business_days():
    holidays = {D[24], D[25]}
    tasks = [task(1, D[21], D[22]), task(2, D[23], D[28], [1])]  # Wed + Mon: two days of work
    result = ripple(tasks, [], {1: D[23]}, holidays)
    assert moved(result) == {("task", 2): (D[28], D[29], 1)}


def test_done_tasks_never_move():
    tasks = [task(1, D[1], D[2]), task(2, D[3], D[3], [1], done=True)]
    assert moved(ripple(tasks, [], {1: D[7]})) == {}


def test_a_milestone_moves_when_its_tasks_would_finish_after_it_and_the_go_live_follows():
    milestones = [M(10, "Configuration", D[4]), M(11, "Go-live", D[8])]
    tasks = [
        task(1, D[1], D[4], milestone=10),
        task(2, D[7], D[8], [1], milestone=11),
    ]
    result = ripple(tasks, milestones, {1: D[7]}, forecast=D[8])
    assert moved(result) == {
        ("task", 2): (D[8], D[9], 1),
        ("milestone", 10): (None, D[7], 1),
        ("milestone", 11): (None, D[9], 1),
    }
    assert (result.go_live_before, result.go_live_after) == (D[8], D[9])


def test_a_milestone_the_plan_already_put_before_a_task_stays():
    # Hypercare work runs past the go-live milestone by design: it does not move it.
    milestones = [M(11, "Go-live", D[8])]
    tasks = [task(1, D[9], D[15], milestone=11)]
    result = ripple(tasks, milestones, {1: D[18]}, forecast=D[8])
    assert moved(result) == {}
    assert not result


def test_a_forecast_already_later_than_the_go_live_milestone_takes_up_the_slip():
    milestones = [M(11, "Go-live", D[8])]
    tasks = [task(1, D[7], D[8], milestone=11)]
    result = ripple(tasks, milestones, {1: D[9]}, forecast=D[11])
    assert result.go_live_after == D[11]


def test_pulling_forward_moves_only_successors_without_slack_and_not_before_tomorrow():
    tasks = [
        task(1, D[1], D[8]),
        task(2, D[9], D[10], [1]),  # no slack: pulled
        task(3, D[14], D[15], [1]),  # slack: stays
        task(4, D[11], D[11], [2]),  # follows 2
    ]
    result = ripple(tasks, [], {1: D[2]}, earlier=True, today=D[2])
    assert moved(result) == {
        ("task", 2): (D[3], D[4], -4),
        ("task", 4): (D[7], D[7], -4),
    }
    # Finished on the 2nd but seen on the 4th: nothing is pulled into the past.
    result = ripple(tasks, [], {1: D[2]}, earlier=True, today=D[4])
    assert moved(result)[("task", 2)] == (D[7], D[8], -2)


def test_pulling_forward_leaves_work_under_way():
    tasks = [task(1, D[1], D[8]), task(2, D[9], D[10], [1], started=True)]
    assert moved(ripple(tasks, [], {1: D[2]}, earlier=True, today=D[2])) == {}


def test_pulling_forward_brings_a_tight_go_live_with_it():
    milestones = [M(11, "Go-live", D[10])]
    tasks = [task(1, D[1], D[8]), task(2, D[9], D[10], [1], milestone=11)]
    result = ripple(tasks, milestones, {1: D[2]}, forecast=D[10], earlier=True, today=D[1])
    assert moved(result)[("milestone", 11)] == (None, D[4], -4)
    assert result.go_live_after == D[4]
