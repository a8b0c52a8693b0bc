"""What the app's Celery tasks share."""

# Back-off for a job that failed on something passing (the database restarting, a lock): 30 s,
# then doubling, at most 30 minutes apart.
RETRY = {"autoretry_for": (Exception,), "retry_backoff": 30, "retry_backoff_max": 1800}
