"""What alerts/ tells the parts built on it.

`alerts_raised(alert_ids)`: sent by services.alerts_sweep with the ids of the alerts this sweep
opened (not those another sweep opened meanwhile), inside its transaction, once per sweep;
webhooks tells subscribed systems.
"""

from django.dispatch import Signal

alerts_raised = Signal()
