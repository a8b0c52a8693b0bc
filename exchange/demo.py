"""Demo import: the sample CRM file with two bad rows, checked and waiting for a decision.

`seed(result)` is called by `manage.py seed_demo`; the file is checked once, so a second run
changes nothing. Nothing is imported: the import page shows what a check finds.
"""

from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from exchange import services
from exchange.models import ImportRun

DEMO_FILE = "crm-export-november.csv"
SAMPLE = Path(__file__).parent / "static" / "exchange" / "import-sample.csv"
BAD_ROWS = (
    "CRM-ACC-1003,Lakeside Credit Union,Financial services,420,mid_market,America/Chicago,"
    "sales,54000,,,,,,,,CRM-DEAL-9004,Lakeside payroll,Payroll,03/11/2026,2027-02-01,,pm,,,,,,\n"
    "CRM-ACC-1004,Granite Works,Construction,75,smb,America/Denver,nobody,,,,,,,,,"
    "CRM-DEAL-9005,Granite Works time,Time clocks,2026-11-10,2027-01-18,,,,,,,,\n"
)


def seed(result) -> None:
    if ImportRun.objects.filter(file_name=DEMO_FILE).exists():
        return
    manager = User.objects.filter(username="manager").first()
    if manager is None:
        return
    content = SAMPLE.read_bytes() + BAD_ROWS.encode()
    services.import_run_create(
        user=manager, upload=SimpleUploadedFile(DEMO_FILE, content, "text/csv")
    )
