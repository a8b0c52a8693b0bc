from onboarding.schedules import beat_schedule


def test_the_beat_schedule_runs_the_go_live_jobs(settings):
    schedule = beat_schedule()
    assert schedule["handoff-reminders"]["task"] == "golive.handoff_reminders"
    assert schedule["sales-digest"]["task"] == "golive.sales_digest"
    assert (
        schedule["sales-digest"]["schedule"].total_seconds()
        == (settings.GOLIVE_SCHEDULES["SALES_DIGEST_TICK_SECONDS"])
    )
