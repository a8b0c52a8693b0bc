"""Reports already sent when a migration adds to them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _migration_named(executor, suffix: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """The reports migration whose name ends with `suffix`, and the one before it (by name,
    since migrations are renumbered when branches merge)."""
    graph = executor.loader.graph
    (node,) = [key for key in graph.nodes if key[0] == "reports" and key[1].endswith(suffix)]
    (parent,) = [n.key for n in graph.node_map[node].parents if n.key[0] == "reports"]
    return node, parent


@pytest.mark.django_db(transaction=True)
def test_reports_sent_before_keep_the_contacts_their_client_version_went_to():
    executor = MigrationExecutor(connection)
    node, parent = _migration_named(executor, "report_document_contacts")
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([parent])
        others_now = [leaf for leaf in leaves if leaf[0] != "reports"]
        apps = executor.loader.project_state([parent, *others_now]).apps
        client = apps.get_model("clients", "Client").objects.create(name="Acme")
        Contact = apps.get_model("clients", "Contact")
        Contact.objects.create(client=client, name="Dana", email="Dana@Acme.example")
        Contact.objects.create(client=client, name="Lee", email="lee@acme.example")
        elsewhere = apps.get_model("clients", "Client").objects.create(name="Other")
        Contact.objects.create(client=elsewhere, name="Dana too", email="dana@acme.example")
        project = apps.get_model("projects", "ImplementationProject").objects.create(
            name="Acme payroll", client=client, forecast_go_live=datetime.date(2030, 6, 1)
        )
        report = apps.get_model("reports", "StatusReport").objects.create(
            project=project,
            kind="manual",
            key="manual:1:203001010900",
            period_start=datetime.date(2030, 1, 1),
            recipients=[
                {"email": "dana@acme.example", "kind": "client", "version": "client"},
                {"email": "lee@acme.example", "kind": "team", "version": "internal"},
            ],
        )
        ReportDocument = apps.get_model("reports", "ReportDocument")
        for audience in ("internal", "client"):
            ReportDocument.objects.create(report=report, audience=audience, subject=audience)

        executor = MigrationExecutor(connection)
        executor.migrate([node])
        apps = executor.loader.project_state(node).apps
        documents = apps.get_model("reports", "ReportDocument").objects
        readers = {
            document.audience: [contact.name for contact in document.contacts.all()]
            for document in documents.filter(report_id=report.pk)
        }
        assert readers == {"client": ["Dana"], "internal": []}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
