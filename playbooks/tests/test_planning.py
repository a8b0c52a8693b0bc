"""Stitching templates and scheduling the result: pure rules on small known plans."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from playbooks.planning import (
    MilestoneSpec,
    TaskSpec,
    TemplateSpec,
    check_no_cycle,
    find_cycle,
    schedule,
    stitch,
)


def _template(name: str, work: str) -> TemplateSpec:
    return TemplateSpec(
        name=name,
        milestones=[
            MilestoneSpec("Kick-off", 1, 0, 3, is_key=True),
            MilestoneSpec(f"{name} configured", 2, 3, 10),
            MilestoneSpec("Go-live", 3, 20, 1, is_golive_critical=True),
        ],
        tasks=[
            TaskSpec(1, "Hold kick-off meeting", "Kick-off", 0, 1, "pm"),
            TaskSpec(2, f"Send {name} data", f"{name} configured", 1, 3, "client", depends_on={1}),
            TaskSpec(3, work, f"{name} configured", 3, 6, "consultant", depends_on={2}),
            TaskSpec(4, "Go/no-go", "go-live", 20, 1, "pm", depends_on={3}),
        ],
    )


def test_stitching_two_templates_merges_shared_milestones_and_keeps_every_dependency():
    plan = stitch([_template("Payroll", "Build pay codes"), _template("Time", "Set clocks")])

    assert [m.name for m in plan.milestones] == [
        "Kick-off",
        "Payroll configured",
        "Time configured",
        "Go-live",
    ]
    titles = sorted(t.title for t in plan.tasks)
    assert titles == sorted(
        [
            "Hold kick-off meeting",
            "Send Payroll data",
            "Build pay codes",
            "Send Time data",
            "Set clocks",
            "Go/no-go",
        ]
    )
    waits = {t.title: sorted(plan_title(plan, d) for d in t.depends_on) for t in plan.tasks}
    assert waits == {
        "Hold kick-off meeting": [],
        "Send Payroll data": ["Hold kick-off meeting"],
        "Send Time data": ["Hold kick-off meeting"],
        "Build pay codes": ["Send Payroll data"],
        "Set clocks": ["Send Time data"],
        # The shared go/no-go waits on both templates' work.
        "Go/no-go": ["Build pay codes", "Set clocks"],
    }
    assert plan.dependency_count == 6


def plan_title(plan, key):
    return next(t.title for t in plan.tasks if t.key == key)


def test_the_schedule_follows_dependencies_in_business_days():
    plan = stitch([_template("Payroll", "Build pay codes")])
    kickoff = date(2026, 12, 4)  # a Friday
    schedule(plan, kickoff, holidays={date(2026, 12, 7)})  # the Monday off
    dates = {t.title: (t.start_date, t.due_date) for t in plan.tasks}
    assert dates["Hold kick-off meeting"] == (kickoff, kickoff)
    # Offset 1 is the next business day: Tuesday, the Monday being a holiday.
    assert dates["Send Payroll data"] == (date(2026, 12, 8), date(2026, 12, 10))
    # Waits on the data (due Thursday): starts Friday, not at its offset of 3 (Thursday).
    assert dates["Build pay codes"] == (date(2026, 12, 11), date(2026, 12, 18))
    go_live = next(m for m in plan.milestones if m.name == "Go-live")
    # Business day 20 after the first Friday, the holiday Monday not counted.
    assert plan.go_live() == go_live.due_date == date(2027, 1, 4)


def test_a_loop_across_templates_is_refused_and_named():
    one = TemplateSpec(
        "One",
        [],
        [TaskSpec(1, "A", None, 0, 1, "pm"), TaskSpec(2, "B", None, 0, 1, "pm", depends_on={1})],
    )
    two = TemplateSpec(
        "Two",
        [],
        [TaskSpec(1, "B", None, 0, 1, "pm"), TaskSpec(2, "A", None, 0, 1, "pm", depends_on={1})],
    )
    with pytest.raises(ValidationError) as refused:
        stitch([one, two])
    assert "A → B → A" in str(refused.value) or "B → A → B" in str(refused.value)


def test_find_cycle_names_the_loop_in_the_order_the_work_would_run():
    # C waits on B, B on A, A on C.
    edges = {"A": {"C"}, "B": {"A"}, "C": {"B"}, "D": {"A"}}
    assert find_cycle(edges) == ["A", "C", "B", "A"]
    with pytest.raises(ValidationError) as refused:
        check_no_cycle(edges, {k: k for k in edges})
    assert "A → B → C → A" in refused.value.message_dict["depends_on"][0]
    assert find_cycle({"A": {"B"}, "B": set(), "C": {"A", "B"}}) is None
