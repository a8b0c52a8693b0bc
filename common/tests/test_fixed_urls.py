import pytest
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.urls import set_script_prefix


def render(source: str) -> str:
    return Template("{% load fixed_urls %}" + source).render(Context())


def test_a_fixed_url_is_the_url_tags_url():
    assert render("{% fixed_url 'projects:list' %}") == render("{% url 'projects:list' %}")
    assert render("{% fixed_url 'home' %}|{% fixed_url 'home' %}") == "/|/"


def test_a_fixed_url_follows_the_script_prefix_the_app_is_served_under():
    try:
        set_script_prefix("/golive/")
        assert render("{% fixed_url 'clients:list' %}") == render("{% url 'clients:list' %}")
        assert render("{% fixed_url 'clients:list' %}").startswith("/golive/")
    finally:
        set_script_prefix("/")
    assert not render("{% fixed_url 'clients:list' %}").startswith("/golive/")


@pytest.mark.parametrize(
    "tag", ["{% fixed_url %}", "{% fixed_url name %}", "{% fixed_url 'home' as x %}"]
)
def test_a_fixed_url_takes_one_url_name_in_quotes(tag):
    with pytest.raises(TemplateSyntaxError, match="one URL name in quotes"):
        Engine.get_default().from_string("{% load fixed_urls %}" + tag)
