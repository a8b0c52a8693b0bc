"""Every API list makes the same number of queries whatever the number of rows it holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts.tests.factories import AlertFactory
from clients.tests.factories import ClientFactory, ContactFactory, ProductFactory
from projects.tests.factories import (
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
)

LISTS = [
    "/api/v1/clients/",
    "/api/v1/contacts/",
    "/api/v1/projects/",
    "/api/v1/milestones/",
    "/api/v1/tasks/",
    "/api/v1/risks/",
    "/api/v1/issues/",
    "/api/v1/alerts/",
]
# A list answer: the token with its user, the user's expired tokens (knox removes them), the role
# groups, the count, the page, and what the rows refer to (products, links) in one query each.
# The token's "last used" is written at most every few minutes, so a burst of calls writes it once.
QUERIES = {
    "/api/v1/clients/": 6,
    "/api/v1/contacts/": 5,
    "/api/v1/projects/": 6,
    "/api/v1/milestones/": 5,
    "/api/v1/tasks/": 6,
    "/api/v1/risks/": 5,
    "/api/v1/issues/": 5,
    "/api/v1/alerts/": 5,
}


def add_rows(pm, sales_rep, n: int) -> None:
    products = [ProductFactory(name="Payroll"), ProductFactory(name="Time")]
    for i in range(n):
        client = ClientFactory(sales_rep=sales_rep)
        client.products.set(products)
        ContactFactory(client=client)
        project = ProjectFactory(client=client, pm=pm, products=products)
        milestone = MilestoneFactory(project=project)
        first = TaskFactory(project=project, milestone=milestone, owner_user=pm)
        TaskFactory(project=project, depends_on=[first])
        RiskFactory(project=project, owner=pm)
        IssueFactory(project=project, owner=pm)
        AlertFactory(project=project, task=first)
        del i


def count(api, url) -> int:
    api.get(url)  # the token's "last used" is written on the first call
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", LISTS)
def test_a_list_costs_the_same_few_queries_for_two_rows_or_twelve(url, token_for, pm, sales_rep):
    api = token_for(pm)
    add_rows(pm, sales_rep, 2)
    few = count(api, url)
    add_rows(pm, sales_rep, 10)
    many = count(api, url)
    assert few == many == QUERIES[url], f"{url}: {few} queries for 2 rows, {many} for 12"


def test_the_sales_reps_account_status_is_a_fixed_number_of_queries(token_for, pm, sales_rep):
    client = ClientFactory(sales_rep=sales_rep)
    url = f"/api/v1/clients/{client.pk}/account-status/"
    api = token_for(sales_rep)

    def add_project():
        project = ProjectFactory(client=client, pm=pm)
        MilestoneFactory(project=project)
        IssueFactory(project=project, severity="critical")

    add_project()
    few = count(api, url)
    for _ in range(4):
        add_project()
    assert count(api, url) == few
