"""What projects/ tells the parts built on it, which it does not import.

`project_created(project, user)`: sent by services.project_create once the project and its
products are saved, inside the same transaction; playbooks makes the plan from templates here.
"""

from django.dispatch import Signal

project_created = Signal()
