"""The Django admin app with Golive's site (onboarding/admin_site.py says why)."""

from django.contrib.admin.apps import AdminConfig


class GoliveAdminConfig(AdminConfig):
    default_site = "onboarding.admin_site.GoliveAdminSite"
