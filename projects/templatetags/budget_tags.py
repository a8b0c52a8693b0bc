"""The money side of a project's budget, for the pages that show a project (four queries)."""

from django import template

from projects.budget import project_budget

register = template.Library()


@register.inclusion_tag("projects/_budget_money.html")
def budget_money(project) -> dict:
    return {"money": project_budget(project), "project": project}
