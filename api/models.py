"""A person's API tokens: each named for the integration that holds it, stored hashed."""

from django.db import models
from knox.models import AbstractAuthToken


class ApiToken(AbstractAuthToken):
    """A knox token with the name its owner gave it; the secret is shown once, then only its
    first characters (`token_key`) identify it."""

    name = models.CharField(max_length=100, help_text="What uses this token, e.g. “CRM sync”.")
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key}…)"
