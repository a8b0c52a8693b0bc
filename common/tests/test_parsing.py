import pytest
from django.test import RequestFactory
from django.urls import reverse

from clients.tests.factories import ClientFactory
from common.parsing import MAX_ID, local_next_url, parse_id, search_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (12, 12),
        (str(MAX_ID), MAX_ID),
        ("\u00b2", None),  # superscript two: str.isdigit() says yes
        ("\u0661\u0662", None),  # Arabic-Indic twelve: int() reads 12
        ("\uff11", None),  # fullwidth one
        ("\x00", None),
        ("1\x00", None),
        ("-1", None),
        ("0", None),
        (str(MAX_ID + 1), None),
        (str(10**30), None),
        (" 12", None),
        ("12 ", None),
        ("+12", None),
        ("1_000", None),
        ("", None),
        (None, None),
        ("x" * 1_000_000, None),
    ],
)
def test_an_id_is_ascii_digits_within_what_a_column_holds(value, expected):
    assert parse_id(value) == expected


def test_search_text_is_one_trimmed_line_without_control_characters():
    assert search_text("  Acme\x00 Corp\n") == "Acme  Corp"
    assert search_text(None) == ""
    assert len(search_text("x" * 1_000_000)) == 100


@pytest.mark.parametrize(
    ("posted", "expected"),
    [
        ("/projects/1/", "/projects/1/"),
        ("/tasks/?q=a&page=2", "/tasks/?q=a&page=2"),
        ("\u00b2", "/fallback/"),  # not a path: redirect() would take it for a view name
        ("-1", "/fallback/"),
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("/projects/\x00", "/fallback/"),
        ("/projects/\r\nSet-Cookie: x", "/fallback/"),
    ],
)
def test_next_is_followed_only_when_it_is_a_path_on_this_site(posted, expected):
    request = RequestFactory().post("/", {"next": posted})
    assert local_next_url(request, "/fallback/") == expected


def test_the_account_search_takes_a_unicode_digit_or_nul_for_no_account(client_as, pm):
    account = ClientFactory(name="Acme")
    browser = client_as(pm)
    for params in ({"client": "\u00b2"}, {"client": "\u0661"}, {"client_find": "Ac\x00"}):
        response = browser.get(reverse("clients:options"), params)
        assert response.status_code == 200, params
    found = browser.get(reverse("clients:options"), {"client": str(account.pk)})
    assert f'<option value="{account.pk}" selected>Acme</option>' in found.content.decode()


def test_a_page_number_in_other_digits_shows_the_first_page(client_as, manager, settings):
    settings.PAGE_SIZE = 1
    for name in ("Acme", "Bolt", "Cobalt"):
        ClientFactory(name=name)
    browser = client_as(manager)

    second = browser.get(reverse("clients:list"), {"page": "2", "sort": "name"}).content.decode()
    arabic_two = browser.get(reverse("clients:list"), {"page": "\u0662", "sort": "name"})

    assert ">Bolt<" in second
    assert ">Acme<" in arabic_two.content.decode()
