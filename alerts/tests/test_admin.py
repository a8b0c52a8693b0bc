"""The Django admin keeps the escalation trail as the sweep wrote it."""

import pytest
from django.urls import reverse

from alerts.models import AlertNotification

pytestmark = pytest.mark.django_db


def test_alert_notifications_cannot_be_added_by_hand(client_as, admin_user):
    http = client_as(admin_user)
    assert http.get(reverse("admin:alerts_alertnotification_add")).status_code == 403
    changelist = http.get(reverse("admin:alerts_alertnotification_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert not AlertNotification.objects.exists()
