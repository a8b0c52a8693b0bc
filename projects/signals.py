"""What projects/ tells the parts built on it, which it does not import.

`project_created(project, user)`: sent by services.project_create once the project and its
products are saved, inside the same transaction; playbooks makes the plan from templates here.

`phase_changed(project, change, user)`: sent whenever a project moves to another phase, forward
or back (by services.project_change_phase, or by support's acceptance of the handoff report),
inside that transaction, after the PhaseChange is saved; webhooks tells subscribed systems.

`went_live(project, change, user)`: sent by services.project_change_phase when a project moves
into Go-live, inside its transaction; `change` is that PhaseChange. The golive app builds the
handoff report here (on commit), and other go-live jobs may listen too.

`hypercare_ended(project, change, user)`: sent when a project moves out of hypercare into
Handed off (by services.project_change_phase, or by support's acceptance of the handoff
report), inside that transaction; the portal sends the hypercare-exit survey here (on commit).

`handoff_report_changed(report)`: sent by services.handoff_report_send and
handoff_report_decide once the report's new status is saved, inside their transaction, before
anyone is told; the golive app keeps what was sent and the questions support returned.
"""

from django.dispatch import Signal

project_created = Signal()
phase_changed = Signal()
went_live = Signal()
hypercare_ended = Signal()
handoff_report_changed = Signal()
