"""Schemathesis sends what the OpenAPI schema allows, and what it does not, to every API
operation, reads and writes, as an admin (who may do everything): none may answer with a
server error, and every answer is one the schema documents, in the shape it documents.

In-process against the WSGI app, on the test database: generated ids mostly miss, but small
ones hit the world's objects, so updates, phase changes and deals reach their services.
"""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from api.models import ApiToken


def _openapi() -> dict:
    # What /api/schema/ serves, made without a request (the endpoint itself needs a login).
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(_openapi())
schema.app = WSGIHandler()


@pytest.fixture
def admin_token(world, admin_user) -> str:
    _, secret = ApiToken.objects.create(user=admin_user, expiry=None, name="Schemathesis")
    return secret


@pytest.fixture
def _requests_keep_the_test_transaction():
    # The handler's request signals close the connection, and with it the test's transaction,
    # as the test client avoids for its own requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=8,  # about a minute for all operations
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(
    case, admin_token, _requests_keep_the_test_transaction
):
    case.call_and_validate(
        headers={"Authorization": f"Token {admin_token}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
