"""The Django admin as Golive's admins reach it: through the Admin link their role shows.

A Golive admin is a superuser (clients.roles.is_admin), while Django's admin lets in only
staff, and its user form keeps "Superuser status" and "Staff status" apart: an admin who ticks
only the first makes a colleague who sees the Admin link and is sent to a login page by it.
The site lets in whoever the role says is an admin, as well as staff (whose model permissions
still decide what they may open).
"""

from django.contrib import admin

from clients import roles


class GoliveAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) or (
            request.user.is_active and roles.is_admin(request.user)
        )
