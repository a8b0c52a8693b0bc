"""The roles of PRODUCT.md, held as auth groups; Admin is a superuser."""

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, Group, User
from django.db import connection


class Role(StrEnum):
    PM = "Implementation PM"
    MANAGER = "Implementation manager"
    SALES = "Sales rep"
    SUPPORT = "Support"


def role_groups_ensure() -> None:
    """Make the role groups that clients' data migration made, where they are missing.

    A database emptied by a flush (what a test with committed data ends with) has none.
    """
    for role in Role:
        Group.objects.get_or_create(name=role.value)


# Every page reads the user's roles (the navigation shows what they may open). Through the
# ORM, building this two-table SELECT cost four times what PostgreSQL took to answer it.
_ROLES_SQL = (
    "SELECT g.name FROM auth_group g"
    " JOIN auth_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = %s"
)


def roles_of(user: User | AnonymousUser) -> frozenset[str]:
    """The role names of a user, read once per user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_golive_roles", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(_ROLES_SQL, [user.pk])
            cached = frozenset(name for (name,) in cursor.fetchall())
        user._golive_roles = cached
    return cached


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def is_manager(user) -> bool:
    return is_admin(user) or Role.MANAGER in roles_of(user)


def is_pm(user) -> bool:
    return Role.PM in roles_of(user)


def is_sales_rep(user) -> bool:
    return Role.SALES in roles_of(user)


def is_support(user) -> bool:
    return Role.SUPPORT in roles_of(user)


def is_staff_reader(user) -> bool:
    """Roles that may read every client and project: PMs, managers, support, admins."""
    return is_manager(user) or is_pm(user) or is_support(user)


def role_label(user) -> str:
    if is_admin(user):
        return "Admin"
    for role in Role:
        if role in roles_of(user):
            return role.value
    return "No role"
