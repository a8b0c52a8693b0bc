"""Forms for accounts, contacts and sales handoffs; the services do the writing."""

import zoneinfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Row
from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse_lazy

from clients import services
from clients.models import Client, Contact, Product, SalesHandoff
from clients.roles import Role
from common.forms import form_helper
from common.parsing import PlainInputFormMixin
from common.submissions import add_submission_key
from common.versions import VersionedFormMixin, add_version_field

TIME_ZONES = frozenset(zoneinfo.available_timezones())
# What a person may type for a zone: any case, a space for an underscore ("america/new york").
_TIME_ZONE_SPELLINGS = {name.lower(): name for name in TIME_ZONES}
TIME_ZONE_LIST_ID = "time-zone-names"
EMPTY_TIME_ZONE_LIST = HTML(f'<datalist id="{TIME_ZONE_LIST_ID}"></datalist>')


class TimeZoneField(forms.CharField):
    """A time zone typed by its name, with the names as suggestions once the box is focused.

    A <select> of the ~600 names cost more to draw than all the rest of the client form; the
    <datalist> of suggestions comes from the app (htmx) when the person starts on this field.
    """

    default_error_messages = {
        "unknown": "“%(value)s” is not a time zone we know. Type a name such as Europe/London "
        "or America/New_York and pick one of the suggestions."
    }

    def __init__(self, **kwargs):
        attrs = {
            "list": TIME_ZONE_LIST_ID,
            "autocomplete": "off",
            "spellcheck": "false",
            "hx-get": reverse_lazy("clients:time_zones"),
            "hx-trigger": "focus once",
            # The form holds an empty list of that id (EMPTY_TIME_ZONE_LIST) for the names.
            "hx-target": f"#{TIME_ZONE_LIST_ID}",
            "hx-swap": "outerHTML",
        }
        kwargs.setdefault("help_text", "Type part of a name, such as London or New York.")
        super().__init__(max_length=64, widget=forms.TextInput(attrs=attrs), **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return _TIME_ZONE_SPELLINGS.get(value.replace(" ", "_").lower(), value)

    def validate(self, value):
        super().validate(value)
        if value and value not in TIME_ZONES:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )


# The blank choice of a required account field (Django's "---------" says nothing), in the
# project form and in the options its search loads.
ACCOUNT_BLANK_LABEL = "Choose an account"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


def sales_rep_queryset():
    return User.objects.filter(groups__name=Role.SALES, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


def product_queryset(selected: Q | None = None):
    """Active products, plus any already chosen so editing never drops them silently."""
    wanted = Q(is_active=True)
    if selected is not None:
        wanted |= selected
    return Product.objects.filter(wanted).distinct()


class _CrispyMixin(VersionedFormMixin):
    """Fields only: the page template supplies the <form> tag and the buttons.

    An edit form carries its row's version, a create form a one-time submission key.
    """

    def _guard(self) -> None:
        if self.instance.pk:
            add_version_field(self, self.instance.version)
        else:
            add_submission_key(self)

    def _helper(self, *layout) -> FormHelper:
        # Hidden fields a layout does not name (the version or the key) are drawn too.
        return form_helper(*layout)


class ClientForm(PlainInputFormMixin, _CrispyMixin, forms.ModelForm):
    sales_rep = UserChoiceField(queryset=User.objects.none(), required=False)
    time_zone = TimeZoneField(initial="UTC")

    class Meta:
        model = Client
        fields = [
            "name",
            "industry",
            "employee_count",
            "segment",
            "time_zone",
            "sales_rep",
            "account_status",
            "products",
            "contract_value",
            "notes",
        ]
        labels = {"employee_count": "Employees", "contract_value": "Contract value"}
        widgets = {
            "products": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._guard()
        rep = self.instance.sales_rep_id if self.instance.pk else None
        reps = sales_rep_queryset()
        if rep is not None:
            reps = User.objects.filter(Q(pk__in=reps.values("pk")) | Q(pk=rep)).order_by(
                "first_name", "last_name", "username"
            )
        self.fields["sales_rep"].queryset = reps
        chosen = Q(pk__in=self.instance.products.values("pk")) if self.instance.pk else None
        self.fields["products"].queryset = product_queryset(chosen)
        self.fields["products"].required = False
        self.helper = self._helper(
            "name",
            Row(Column("industry", css_class="col-md-6"), Column("segment", css_class="col-md-6")),
            Row(
                Column("employee_count", css_class="col-md-6"),
                Column("time_zone", EMPTY_TIME_ZONE_LIST, css_class="col-md-6"),
            ),
            Row(
                Column("account_status", css_class="col-md-6"),
                Column("sales_rep", css_class="col-md-6"),
            ),
            Row(
                Column("contract_value", css_class="col-md-6"),
                Column(Field("products"), css_class="col-md-6"),
            ),
            "notes",
        )


class ContactForm(PlainInputFormMixin, _CrispyMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "receives_status_reports", "is_primary"]
        labels = {"receives_status_reports": "Receives status reports"}

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self._guard()
        self.client = client
        self.helper = self._helper(
            Row(Column("name", css_class="col-md-6"), Column("role", css_class="col-md-6")),
            Row(Column("email", css_class="col-md-6"), Column("phone", css_class="col-md-6")),
            "receives_status_reports",
            "is_primary",
        )

    def clean(self):
        cleaned = super().clean()
        errors = services.contact_conflicts(
            client=self.client,
            email=cleaned.get("email", ""),
            is_primary=bool(cleaned.get("is_primary")),
            exclude_pk=self.instance.pk,
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return cleaned


class SalesHandoffForm(PlainInputFormMixin, _CrispyMixin, forms.ModelForm):
    class Meta:
        model = SalesHandoff
        fields = [
            "products",
            "contract_signed_on",
            "target_go_live",
            "commitments",
            "special_terms",
            "pain_points",
            "stakeholders",
        ]
        labels = {"contract_signed_on": "Contract signed on", "target_go_live": "Target go-live"}
        help_texts = {
            "commitments": "Promises made during the sale: dates, features, parallel runs.",
            "special_terms": "Anything unusual in the contract the team must honour.",
            "stakeholders": "Who matters at the client and what they care about.",
        }
        widgets = {
            "products": forms.CheckboxSelectMultiple,
            "contract_signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_go_live": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "commitments": forms.Textarea(attrs={"rows": 3}),
            "special_terms": forms.Textarea(attrs={"rows": 3}),
            "pain_points": forms.Textarea(attrs={"rows": 3}),
            "stakeholders": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"products": {"required": services.NO_PRODUCTS}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._guard()
        chosen = Q(pk__in=self.instance.products.values("pk")) if self.instance.pk else None
        self.fields["products"].queryset = product_queryset(chosen)
        self.helper = self._helper(
            "products",
            Row(
                Column("contract_signed_on", css_class="col-md-6"),
                Column("target_go_live", css_class="col-md-6"),
            ),
            "commitments",
            "special_terms",
            "pain_points",
            "stakeholders",
        )

    def clean(self):
        cleaned = super().clean()
        signed, go_live = cleaned.get("contract_signed_on"), cleaned.get("target_go_live")
        if signed and go_live and go_live < signed:
            self.add_error("target_go_live", services.GO_LIVE_BEFORE_SIGNING)
        return cleaned
