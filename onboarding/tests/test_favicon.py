"""Every page has an icon: linked from the page, and /favicon.ico leads to it."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse


def test_favicon_ico_leads_to_the_icon_for_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url == static("favicon.svg")


def test_the_icon_is_a_real_svg_file():
    path = finders.find("favicon.svg")
    assert path, "static/favicon.svg is missing"
    with open(path, encoding="utf-8") as icon:
        assert icon.read().startswith("<svg")


@pytest.mark.django_db
def test_every_page_links_the_icon(client, client_as, pm):
    icon = f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">'
    assert icon in client.get(reverse("login")).content.decode()
    assert icon in client_as(pm).get(reverse("home")).content.decode()
