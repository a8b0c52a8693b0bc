"""A person's API tokens, the OpenAPI schema and its documentation page."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken


def api_with(secret: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api


def make_token(browser, name="CRM sync", lifetime="90") -> str:
    page = browser.post(reverse("api:tokens"), {"name": name, "lifetime": lifetime}, follow=True)
    assert page.redirect_chain and page.status_code == 200
    html = page.content.decode()
    start = html.index('id="new-token"')
    return html[start:].split('value="', 1)[1].split('"', 1)[0]


def test_a_person_makes_a_token_sees_it_once_and_the_api_knows_them(client_as, pm, world):
    browser = client_as(pm)
    secret = make_token(browser)
    assert secret.startswith("golive_")
    token = ApiToken.objects.get(user=pm)
    # Only a digest and the first characters are kept, never the secret.
    assert token.name == "CRM sync" and secret not in (token.digest, token.token_key)
    assert secret.startswith(token.token_key)
    assert (token.expiry - timezone.now()).days in (89, 90)
    page = browser.get(reverse("api:tokens")).content.decode()
    assert "CRM sync" in page and secret not in page
    response = api_with(secret).get("/api/v1/projects/")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == ["Acme payroll"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoking_a_token_shuts_it_out(client_as, pm, world):
    browser = client_as(pm)
    secret = make_token(browser)
    token = ApiToken.objects.get(user=pm)
    response = browser.post(reverse("api:token_revoke"), {"token": token.digest}, follow=True)
    assert "Token “CRM sync” revoked" in response.content.decode()
    assert not ApiToken.objects.exists()
    refused = api_with(secret).get("/api/v1/projects/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid token."}


def test_nobody_revokes_another_persons_token(client_as, pm, other_pm):
    ApiToken.objects.create(user=pm, expiry=None, name="PM's")
    token = ApiToken.objects.get(user=pm)
    response = client_as(other_pm).post(
        reverse("api:token_revoke"), {"token": token.digest}, follow=True
    )
    assert "not one of yours" in response.content.decode()
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_an_expired_token_is_refused(pm, world):
    _, secret = ApiToken.objects.create(user=pm, expiry=timezone.timedelta(days=1), name="Old")
    ApiToken.objects.update(expiry=timezone.now() - timezone.timedelta(minutes=1))
    assert api_with(secret).get("/api/v1/projects/").status_code == 401


def test_a_token_needs_a_name_and_a_listed_lifetime(client_as, pm):
    response = client_as(pm).post(reverse("api:tokens"), {"name": "", "lifetime": "forever"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Select a valid choice." in html
    assert not ApiToken.objects.exists()


def test_a_token_sent_twice_is_made_once(client_as, pm):
    browser = client_as(pm)
    page = browser.get(reverse("api:tokens")).content.decode()
    key = page.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
    data = {"name": "Twice", "lifetime": "30", "submission_key": key}
    assert browser.post(reverse("api:tokens"), data).status_code == 302
    again = browser.post(reverse("api:tokens"), data, follow=True)
    assert "That form had already been sent" in again.content.decode()
    assert ApiToken.objects.count() == 1


def test_the_schema_is_valid_openapi_with_no_warning(db):
    # drf-spectacular's own check: every view annotated, nothing guessed.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())


def test_the_schema_is_served_to_any_caller_the_api_knows(client_as, sales_rep):
    assert APIClient().get("/api/schema/").status_code == 401
    response = client_as(sales_rep).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/projects/{id}/phase/" in paths
    assert "/api/v1/clients/{id}/account-status/" in paths


def test_the_docs_page_is_served_by_the_app_without_inline_script(client_as, pm):
    assert APIClient().get(reverse("api:docs")).status_code == 302
    response = client_as(pm).get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # the settings load from this address, as a script file
    script = client_as(pm).get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert b"SwaggerUIBundle" in script.content


@pytest.mark.parametrize("accept", ["text/html"])
def test_the_browsable_api_renders_for_a_logged_in_person(client_as, pm, world, accept):
    response = client_as(pm).get("/api/v1/projects/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert b"Acme payroll" in response.content
