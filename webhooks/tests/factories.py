import factory

from webhooks.events import Event
from webhooks.models import WebhookEndpoint


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    url = factory.Sequence(lambda n: f"https://crm{n}.example.com/hooks")
    description = "CRM deal sync"
    events = factory.LazyFunction(lambda: [event.value for event in Event])
    active = True
