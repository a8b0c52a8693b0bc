"""gunicorn's settings for Golive: `gunicorn -c onboarding/gunicorn.conf.py onboarding.wsgi`.

Options given on the command line (`--bind`, `--workers`) take precedence over these.
"""

import gc
import os

# Two workers per core, and one more to take a request while another waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))


def post_worker_init(worker) -> None:
    """Keep the loaded application out of the garbage collector's full passes.

    Django, its apps and their modules make up most of a worker's objects and live as long as
    the worker. Left to the collector, every full pass walks them all: a pause of tens of
    milliseconds in the middle of some request. Frozen, a pass walks only what requests made.
    """
    gc.freeze()
