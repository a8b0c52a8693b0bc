import factory

from acceptance.models import TestCase
from projects.tests.factories import ProjectFactory


class TestCaseFactory(factory.django.DjangoModelFactory):
    __test__ = False

    class Meta:
        model = TestCase

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Test case {n}")
    steps = "1. Open the pay run.\n2. Calculate."
    expected_result = "Net pay matches the parallel run."
