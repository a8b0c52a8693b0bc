from django.contrib import admin

from acceptance.models import TestCase, TestRun


@admin.register(TestCase)
class TestCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "product", "is_critical"]
    list_filter = ["is_critical"]
    list_select_related = ["project", "product"]
    raw_id_fields = ["project", "tester_user", "tester_contact", "latest_run"]
    search_fields = ["title", "project__name"]


@admin.register(TestRun)
class TestRunAdmin(admin.ModelAdmin):
    list_display = ["case", "passed", "run_at", "defect"]
    list_filter = ["passed"]
    list_select_related = ["case", "defect"]
    raw_id_fields = ["case", "run_by_user", "run_by_contact", "defect"]
