"""What the API shows of each object and what it accepts; every write goes through a service.

Read-only fields (health, phase, who did what and when) are declared so: the schema says it,
and a value sent for them is ignored, never written.
"""

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.models import Alert
from clients.models import Client, Contact, Product, SalesHandoff
from clients.roles import Role
from common.parsing import (
    ASCII_DIGITS,
    MAX_ID,
    refuse_control_characters,
    refuse_control_characters_but_line_breaks,
)
from projects.models import (
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    PhaseChange,
    Risk,
    Task,
)

LONG = {"base_template": "textarea.html"}  # multi-line text: line breaks are welcome
VERSION_HELP = (
    "The version you read. Required on every update: if someone changed the object since, "
    "the update is refused with 409 and nothing changes."
)
VERSION_MISSING = (
    "Send the version of the object you read (its `version` field), so that a change made "
    "meanwhile by someone else is not overwritten."
)


class PlainInputMixin:
    """What every form of Golive refuses (common.parsing.PlainInputFormMixin), refused here too:
    control characters in one-line text (a line break in a title ends up in an email's
    subject), any but line breaks and tabs in long text, and an id that is not plain digits."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if field.read_only:
                continue
            if isinstance(field, serializers.CharField) and not isinstance(
                field, serializers.ChoiceField
            ):
                long_text = field.style.get("base_template") == "textarea.html"
                field.validators.append(
                    refuse_control_characters_but_line_breaks
                    if long_text
                    else refuse_control_characters
                )
            related = (
                field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            )
            if isinstance(related, serializers.PrimaryKeyRelatedField):
                related.to_internal_value = _strict_id(related.to_internal_value)
        return fields


def _strict_id(to_internal_value):
    def strict(data):
        if isinstance(data, bool) or not (
            (isinstance(data, int) and 0 < data <= MAX_ID)
            or (isinstance(data, str) and ASCII_DIGITS.fullmatch(data) and int(data) <= MAX_ID)
        ):
            raise serializers.ValidationError("Give the object's id: a whole number.")
        return to_internal_value(data)

    return strict


def person_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


class VersionedSerializer(PlainInputMixin, serializers.ModelSerializer):
    """Reads `version`; on an update it must be sent back (see common/versions.py)."""

    version = serializers.IntegerField(min_value=0, required=False, help_text=VERSION_HELP)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": [VERSION_MISSING]})
        return attrs


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name"]


class ClientSerializer(serializers.ModelSerializer):
    sales_rep_name = serializers.SerializerMethodField()
    products = ProductSerializer(many=True, read_only=True)
    account_status_label = serializers.CharField(
        source="get_account_status_display", read_only=True
    )

    class Meta:
        model = Client
        fields = [
            "id",
            "name",
            "industry",
            "employee_count",
            "segment",
            "time_zone",
            "sales_rep",
            "sales_rep_name",
            "account_status",
            "account_status_label",
            "products",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_sales_rep_name(self, client: Client) -> str:
        return person_name(client.sales_rep)


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "client",
            "name",
            "role",
            "email",
            "phone",
            "receives_status_reports",
            "is_primary",
            "version",
        ]
        read_only_fields = fields


class HealthReasonSerializer(serializers.Serializer):
    dimension = serializers.CharField(help_text="schedule, budget or risks")
    level = serializers.CharField(help_text="green, amber or red")
    text = serializers.CharField()


def _pms():
    return User.objects.filter(is_active=True, groups__name=Role.PM).distinct()


class ProjectSerializer(VersionedSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    pm = serializers.PrimaryKeyRelatedField(
        queryset=_pms(), required=False, allow_null=True, help_text="A user who is a PM."
    )
    pm_name = serializers.SerializerMethodField()
    products = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), many=True, allow_empty=False
    )
    sales_handoff = serializers.PrimaryKeyRelatedField(
        queryset=SalesHandoff.objects.all(), required=False, allow_null=True
    )
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)
    health_reasons = HealthReasonSerializer(many=True, read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)
    health_override = serializers.CharField(
        read_only=True,
        help_text="green, amber or red while a PM's override of the health stands; else empty.",
    )
    slip_days = serializers.IntegerField(read_only=True, allow_null=True)
    web_url = serializers.SerializerMethodField(help_text="The project's page in the app.")

    class Meta:
        model = ImplementationProject
        fields = [
            "id",
            "name",
            "client",
            "client_name",
            "products",
            "sales_handoff",
            "pm",
            "pm_name",
            "phase",
            "phase_label",
            "status",
            "kickoff_date",
            "baseline_go_live",
            "forecast_go_live",
            "actual_go_live",
            "hypercare_ends_on",
            "slip_days",
            "budget_hours",
            "budget_amount",
            "health",
            "computed_health",
            "health_reasons",
            "health_computed_at",
            "health_override",
            "health_override_reason",
            "health_override_until",
            "progress_percent",
            "version",
            "web_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "phase",
            "actual_go_live",
            "hypercare_ends_on",
            "health",
            "computed_health",
            "health_computed_at",
            "health_override",
            "health_override_reason",
            "health_override_until",
            "created_at",
            "updated_at",
        ]

    def get_pm_name(self, project: ImplementationProject) -> str:
        return person_name(project.pm)

    def get_web_url(self, project: ImplementationProject) -> str:
        request = self.context.get("request")
        url = project.get_absolute_url()
        return request.build_absolute_uri(url) if request else url

    def validate(self, attrs):
        attrs = super().validate(attrs)
        # The project form's rules, for the same fields.
        current = self.instance

        def value(name):
            if name in attrs:
                return attrs[name]
            return getattr(current, name) if current is not None else None

        client, handoff = value("client"), value("sales_handoff")
        errors = {}
        if client and handoff and handoff.client_id != client.pk:
            errors["sales_handoff"] = ["This sales handoff belongs to another client."]
        kickoff = value("kickoff_date")
        if {"kickoff_date", "baseline_go_live", "forecast_go_live"} & set(attrs):
            for name in ("baseline_go_live", "forecast_go_live"):
                day = value(name)
                if kickoff and day and day < kickoff:
                    errors[name] = ["Go-live cannot be before kick-off."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class PhaseChangeRequestSerializer(PlainInputMixin, serializers.Serializer):
    to_phase = serializers.ChoiceField(choices=Phase.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, style=LONG
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        style=LONG,
        help_text="Only an implementation manager may pass a gate that is not met, with a reason.",
    )


class PhaseChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PhaseChange
        fields = [
            "id",
            "project",
            "from_phase",
            "to_phase",
            "changed_at",
            "note",
            "gate_overridden",
            "override_reason",
            "overridden_problems",
        ]
        read_only_fields = fields


class DealSerializer(PlainInputMixin, serializers.Serializer):
    """A closed deal: the sales handoff's fields, and the project it opens."""

    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.all())
    products = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.filter(is_active=True), many=True, allow_empty=False
    )
    contract_signed_on = serializers.DateField()
    target_go_live = serializers.DateField(help_text="Becomes the project's baseline go-live.")
    commitments = serializers.CharField(required=False, allow_blank=True, default="", style=LONG)
    special_terms = serializers.CharField(required=False, allow_blank=True, default="", style=LONG)
    pain_points = serializers.CharField(required=False, allow_blank=True, default="", style=LONG)
    stakeholders = serializers.CharField(required=False, allow_blank=True, default="", style=LONG)
    name = serializers.CharField(max_length=200, help_text="The project's name.")
    pm = serializers.PrimaryKeyRelatedField(queryset=_pms(), required=False, allow_null=True)
    kickoff_date = serializers.DateField(required=False, allow_null=True)
    budget_hours = serializers.DecimalField(
        max_digits=8, decimal_places=1, required=False, allow_null=True, min_value=0
    )

    def validate(self, attrs):
        kickoff = attrs.get("kickoff_date")
        if kickoff and attrs["target_go_live"] < kickoff:
            raise serializers.ValidationError(
                {"target_go_live": ["Go-live cannot be before kick-off."]}
            )
        return attrs


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "name",
            "order",
            "phase",
            "baseline_date",
            "due_date",
            "completed_on",
            "is_key",
            "is_golive_critical",
            "visible_to_client",
            "signed_off_at",
            "version",
        ]
        read_only_fields = fields


class ProjectItemSerializer(VersionedSerializer):
    """A task, risk or issue: its project is chosen when it is made, never changed."""

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and "project" in fields:
            fields["project"].read_only = True
        return fields


class TaskSerializer(ProjectItemSerializer):
    depends_on = serializers.PrimaryKeyRelatedField(
        queryset=Task.objects.all(), many=True, required=False
    )
    owner_name = serializers.CharField(source="owner_label", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "project",
            "milestone",
            "title",
            "description",
            "owner_user",
            "owner_contact",
            "owner_name",
            "status",
            "priority",
            "start_date",
            "due_date",
            "estimate_hours",
            "completed_at",
            "visible_to_client",
            "depends_on",
            "version",
        ]
        read_only_fields = ["completed_at"]


class RiskSerializer(ProjectItemSerializer):
    class Meta:
        model = Risk
        fields = [
            "id",
            "project",
            "title",
            "description",
            "probability",
            "impact",
            "score",
            "owner",
            "mitigation_plan",
            "status",
            "visible_to_client",
            "raised_at",
            "closed_at",
            "version",
        ]
        read_only_fields = ["score", "raised_at", "closed_at"]


class IssueSerializer(ProjectItemSerializer):
    class Meta:
        model = Issue
        fields = [
            "id",
            "project",
            "title",
            "description",
            "severity",
            "owner",
            "status",
            "resolution",
            "visible_to_client",
            "from_risk",
            "raised_at",
            "resolved_at",
            "version",
        ]
        read_only_fields = ["from_risk", "raised_at", "resolved_at"]


class AlertSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "project",
            "task",
            "milestone",
            "risk",
            "issue",
            "subject",
            "owner",
            "level",
            "level_label",
            "status",
            "detail",
            "first_seen_at",
            "last_seen_at",
            "acknowledged_at",
            "resolved_at",
            "cleared_at",
        ]
        read_only_fields = fields


class AccountProjectSerializer(serializers.ModelSerializer):
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)
    pm_name = serializers.SerializerMethodField()
    next_milestone = serializers.SerializerMethodField()
    open_critical_issues = serializers.SerializerMethodField()

    class Meta:
        model = ImplementationProject
        fields = [
            "id",
            "name",
            "phase",
            "phase_label",
            "status",
            "health",
            "pm_name",
            "kickoff_date",
            "baseline_go_live",
            "forecast_go_live",
            "actual_go_live",
            "progress_percent",
            "next_milestone",
            "open_critical_issues",
        ]
        read_only_fields = fields

    def get_pm_name(self, project) -> str:
        return person_name(project.pm)

    @extend_schema_field(MilestoneSerializer(allow_null=True))
    def get_next_milestone(self, project):
        milestone = project.next_milestone
        return MilestoneSerializer(milestone).data if milestone else None

    def get_open_critical_issues(self, project) -> int:
        return len(project.open_critical_issues)


class AccountStatusSerializer(serializers.Serializer):
    client = ClientSerializer()
    projects = AccountProjectSerializer(many=True)
