"""The floor page: the base template with no content, what every page pays (bench/pages.py)."""

from django.urls import reverse


def test_the_floor_page_shows_the_navigation_and_nothing_else(
    client, pm, django_assert_num_queries
):
    client.force_login(pm)
    # The session, the user, the user's role, the open-alert count.
    with django_assert_num_queries(4):
        response = client.get(reverse("floor"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-label="Main"' in html
    assert reverse("projects:my_work") in html
    assert html.split('<main id="main"')[1].split("</main>")[0].strip().endswith('tabindex="-1">')


def test_the_floor_page_asks_a_visitor_to_log_in(client, db):
    response = client.get(reverse("floor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
