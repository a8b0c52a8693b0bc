"""Data already in the database when a migration adds to it."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _phase_gates_migration(executor) -> tuple[tuple[str, str], tuple[str, str]]:
    """The migration that gave milestones their phase, and the one before it (by name, since
    migrations are renumbered when branches merge)."""
    graph = executor.loader.graph
    ours = [(app, name) for app, name in graph.nodes if app == "projects"]
    (node,) = [key for key in ours if key[1].endswith("phase_gates")]
    (parent,) = [n.key for n in graph.node_map[node].parents if n.key[0] == "projects"]
    return node, parent


@pytest.mark.django_db(transaction=True)
def test_existing_milestones_get_the_phase_their_work_completes():
    executor = MigrationExecutor(connection)
    node, parent = _phase_gates_migration(executor)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([parent])
        # The accounts as they are now: only projects' migrations were rolled back.
        clients_now = [leaf for leaf in leaves if leaf[0] == "clients"]
        apps = executor.loader.project_state([parent, *clients_now]).apps
        client = apps.get_model("clients", "Client").objects.create(name="Acme")
        project = apps.get_model("projects", "ImplementationProject").objects.create(
            name="Acme payroll", client=client, forecast_go_live=datetime.date(2030, 6, 1)
        )
        Milestone = apps.get_model("projects", "Milestone")
        for name, due in [
            ("Kick-off complete", datetime.date(2030, 1, 10)),
            ("Configuration complete", datetime.date(2030, 3, 1)),
            ("Data conversion pass 2", datetime.date(2030, 4, 1)),
            ("Hypercare exit", datetime.date(2030, 7, 1)),
            ("Payroll parallel run", datetime.date(2030, 5, 1)),
            ("Optimisation review", datetime.date(2030, 8, 1)),
        ]:
            Milestone.objects.create(project=project, name=name, due_date=due)

        executor = MigrationExecutor(connection)
        executor.migrate([node])
        apps = executor.loader.project_state(node).apps
        phases = dict(apps.get_model("projects", "Milestone").objects.values_list("name", "phase"))
        assert phases == {
            "Kick-off complete": "kickoff",
            "Configuration complete": "configuration",
            "Data conversion pass 2": "data_conversion",
            "Hypercare exit": "hypercare",
            # Unknown ones: before go-live they gate go-live, as before; after it, hypercare.
            "Payroll parallel run": "testing",
            "Optimisation review": "hypercare",
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
