from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from exchange import services


@shared_task(bind=True, name="exchange.process_import", max_retries=None)
def process_import(self, run_id: int) -> str | None:
    """Check or import one uploaded file; after a database failure, try again with back-off."""
    try:
        return services.import_run_process(run_id=run_id)
    except DatabaseError as error:
        retries = self.request.retries
        limit = settings.GOLIVE_IMPORTS["MAX_ATTEMPTS"]
        services.import_run_fail(
            run_id=run_id, error=f"{type(error).__name__}: {error}", retrying=retries < limit
        )
        if retries >= limit:
            raise
        raise self.retry(countdown=min(30 * 2**retries, 3600), exc=error) from error
    except Exception as error:
        # A fault in the file's handling rather than the database's: retrying will not mend
        # it. Recorded, so the page says the import stopped, then raised for the logs.
        services.import_run_fail(
            run_id=run_id, error=f"{type(error).__name__}: {error}", retrying=False
        )
        raise


@shared_task(name="exchange.recover")
def recover_imports() -> int:
    return services.import_runs_recover()
