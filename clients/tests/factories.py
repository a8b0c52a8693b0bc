import datetime

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from clients.models import Client, Contact, Product, SalesHandoff


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@vendor.example")
    password = factory.django.Password("golive-test")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("name",)

    name = factory.Iterator(["Payroll", "Time", "HR", "Benefits"])


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n} Ltd")
    industry = "Manufacturing"
    employee_count = 450
    segment = Client.Segment.MID_MARKET
    time_zone = "America/Chicago"
    account_status = Client.AccountStatus.ONBOARDING
    contract_value = 120000


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    name = factory.Faker("name")
    role = Contact.ContactRole.PROJECT_LEAD
    email = factory.Sequence(lambda n: f"contact{n}@client.example")
    receives_status_reports = True


class SalesHandoffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesHandoff
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    contract_signed_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=14)
    )
    target_go_live = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=120)
    )
    commitments = "Payroll parallel run before go-live."
    pain_points = "Manual timesheets."
    stakeholders = "CFO, HR director"
    submitted_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create:
            self.products.set(extracted or [ProductFactory(name="Payroll")])
