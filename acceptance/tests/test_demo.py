from io import StringIO

import pytest
from django.core.management import call_command

from acceptance import services
from acceptance.models import TestCase, TestRun
from projects.models import ImplementationProject, Phase

pytestmark = pytest.mark.django_db


def test_seed_demo_tests_the_projects_in_testing_once_and_leaves_uat_open_to_sign_off():
    call_command("seed_demo", stdout=StringIO())
    testing = ImplementationProject.objects.filter(phase=Phase.TESTING, pm__isnull=False)
    assert testing.exists()
    for project in testing:
        progress = services.progress(project)
        assert progress["total"].passed and progress["total"].failed, project
        if not project.uat_signed_off_at:
            assert services.uat_signoff_allowed(project), services.uat_signoff_refusal(project)
    # A retest after a fixed defect is there to see.
    assert TestRun.objects.filter(passed=True, defect__status="resolved").exists()
    counts = (TestCase.objects.count(), TestRun.objects.count())

    call_command("seed_demo", stdout=StringIO())
    assert (TestCase.objects.count(), TestRun.objects.count()) == counts
