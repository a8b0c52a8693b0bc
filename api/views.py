"""The REST API's endpoints: the pages' access rules and services, answered in JSON.

Reading follows the pages: clients by `Client.objects.visible_to`, projects and what they hold
by `ImplementationProject.objects.visible_to` (an object out of reach is 404); lists of
project things are refused (403) to roles that read no projects, as the project pages are.
Changing follows projects/access.py (403 for a reader who may not change it), and goes
through the same services as the pages, with the version the caller read.
"""

import uuid

from django.db import transaction
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from alerts.models import Alert
from api import filters
from api import serializers as api
from clients import roles
from clients import services as client_services
from clients.models import Client, Contact
from clients.views import can_write_handoff
from common.submissions import create_once
from projects import selectors, services, slips
from projects.access import can_edit_project
from projects.models import ImplementationProject, Issue, Milestone, Phase, Risk, Task
from projects.services import PhaseChangeRefused

NOT_A_PROJECT_READER = (
    "Projects are for the implementation team; a sales rep reads their accounts' status at "
    "/api/v1/clients/{id}/account-status/."
)
NOT_AN_EDITOR = "Only this project's PM, its team and managers can change it."
ONLY_PMS_OPEN = "Only PMs and managers open projects."
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.UUID,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A UUID of your choosing: the same request sent again with the same key (a retry after "
        "a timeout) creates nothing twice and answers with what the first made."
    ),
)


def idempotency_key(request) -> uuid.UUID | None:
    raw = request.headers.get("Idempotency-Key", "")
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise serializers.ValidationError(
            {"Idempotency-Key": ["Send a UUID, e.g. 4f1c2a9e-8f0b-4d7a-9c53-2a1e0c7b6d11."]}
        ) from None


class CanChangeProject(permissions.BasePermission):
    """Reading is for whoever sees the object; changing for the project's editors (403)."""

    message = NOT_AN_EDITOR

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        project = obj if isinstance(obj, ImplementationProject) else obj.project
        return can_edit_project(request.user, project)


class ApiViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, CanChangeProject]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    lookup_value_converter = "int"
    # Each list's default order ends with the id, so pages never overlap.
    ordering: list[str] = ["id"]


class ProjectSideList:
    """Lists of projects and what they hold are for the roles that read projects."""

    def list(self, request, *args, **kwargs):
        if not roles.is_staff_reader(request.user):
            raise PermissionDenied(NOT_A_PROJECT_READER)
        return super().list(request, *args, **kwargs)


class VersionedUpdate(mixins.UpdateModelMixin):
    """PUT and PATCH: the service saves, the answer is the object as stored."""

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version")
        self.save_changes(serializer.instance, data, version)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


class ItemCreate(mixins.CreateModelMixin):
    """POST: a task, risk or issue on a project the caller may change."""

    @extend_schema(parameters=[IDEMPOTENCY_KEY])
    def create(self, request, *args, **kwargs):
        if not (roles.is_manager(request.user) or roles.is_pm(request.user)):
            raise PermissionDenied(NOT_AN_EDITOR)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        project = data.pop("project")
        if not can_edit_project(self.request.user, project):
            raise PermissionDenied(NOT_AN_EDITOR)
        outcome = create_once(
            self.request._request,
            idempotency_key(self.request),
            lambda: self.create_item(project, data),
            lambda item: str(item.pk),
        )
        serializer.instance = self.get_queryset().get(pk=int(outcome.url))


def _visible_projects(user):
    return ImplementationProject.objects.visible_to(user)


# Clients and contacts (read-only)


@extend_schema_view(
    list=extend_schema(summary="Clients the caller may read (a sales rep: their own)"),
    retrieve=extend_schema(summary="A client"),
)
class ClientViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = api.ClientSerializer
    filterset_class = filters.ClientFilter
    ordering_fields = ["name", "account_status", "segment", "updated_at", "id"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return Client.objects.visible_to(self.request.user).with_list_related()

    @extend_schema(
        summary="The account's status and its projects",
        description=(
            "What a sales rep asks: the account's status, and each of its projects (not "
            "cancelled) with its phase, health, go-live dates, progress, next milestone and "
            "open critical issues."
        ),
        responses=api.AccountStatusSerializer,
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="account-status", pagination_class=None)
    def account_status(self, request, pk=None):
        client = self.get_object()
        projects = selectors.account_status_projects(client, timezone.localdate())
        return Response(
            api.AccountStatusSerializer(
                {"client": client, "projects": projects}, context={"request": request}
            ).data
        )


@extend_schema_view(list=extend_schema(summary="Contacts of the clients the caller may read"))
class ContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = api.ContactSerializer
    filterset_class = filters.ContactFilter
    ordering_fields = ["name", "client", "id"]
    ordering = ["client", "name", "id"]

    def get_queryset(self):
        return Contact.objects.filter(client__in=Client.objects.visible_to(self.request.user))


# Projects


@extend_schema_view(
    list=extend_schema(summary="Projects, with their health and its reasons"),
    retrieve=extend_schema(summary="A project, with its health and its reasons"),
    create=extend_schema(summary="Open a project", parameters=[IDEMPOTENCY_KEY]),
    update=extend_schema(summary="Change a project's details (send the version you read)"),
    partial_update=extend_schema(summary="Change some of a project's details"),
)
class ProjectViewSet(
    ProjectSideList,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    VersionedUpdate,
    ApiViewSet,
):
    serializer_class = api.ProjectSerializer
    filterset_class = filters.ProjectFilter
    ordering_fields = [
        "name",
        "phase",
        "health",
        "kickoff_date",
        "baseline_go_live",
        "forecast_go_live",
        "created_at",
        "updated_at",
        "id",
    ]
    ordering = ["forecast_go_live", "id"]

    def get_queryset(self):
        return (
            _visible_projects(self.request.user)
            .select_related("client", "pm")
            .prefetch_related("products")
            .with_progress()
        )

    def create(self, request, *args, **kwargs):
        if not (roles.is_manager(request.user) or roles.is_pm(request.user)):
            raise PermissionDenied(ONLY_PMS_OPEN)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        outcome = create_once(
            self.request._request,
            idempotency_key(self.request),
            lambda: services.project_create(user=self.request.user, data=data),
            lambda project: str(project.pk),
        )
        serializer.instance = self.get_queryset().get(pk=int(outcome.url))

    def save_changes(self, project, data, version):
        services.project_update(project=project, user=self.request.user, data=data, version=version)

    @extend_schema(
        summary="Move the project to another phase",
        description=(
            "One phase forward, through the same gates as the project page (a gate that is not "
            "met is refused with 400 and what it found missing; an implementation manager may "
            "pass it with an `override_reason`), or back to an earlier phase."
        ),
        request=api.PhaseChangeRequestSerializer,
        responses={200: api.PhaseChangeSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], url_path="phase")
    def phase(self, request, pk=None):
        project = self.get_object()
        asked = api.PhaseChangeRequestSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        try:
            change = services.project_change_phase(
                project=project,
                to_phase=Phase(asked.validated_data["to_phase"]),
                user=request.user,
                note=asked.validated_data["note"],
                override_reason=asked.validated_data["override_reason"],
            )
        except PhaseChangeRefused as refused:
            raise serializers.ValidationError({"to_phase": refused.messages}) from None
        return Response(api.PhaseChangeSerializer(change).data)

    @extend_schema(
        summary="Open a project from a closed deal",
        description=(
            "Records the deal's sales handoff and opens its project in one step (the handoff's "
            "target go-live becomes the baseline). The caller needs both rights the app asks "
            "for: writing the account's sales handoff (its sales rep, or an admin) and opening "
            "projects (PMs, managers, admins); a CRM integration uses an admin's token."
        ),
        request=api.DealSerializer,
        responses={201: api.ProjectSerializer},
        parameters=[IDEMPOTENCY_KEY],
        filters=False,
    )
    @action(detail=False, methods=["post"], url_path="from-deal")
    def from_deal(self, request):
        user = request.user
        if not (roles.is_manager(user) or roles.is_pm(user)):
            raise PermissionDenied(ONLY_PMS_OPEN)
        deal = api.DealSerializer(data=request.data)
        deal.is_valid(raise_exception=True)
        data = deal.validated_data
        client = data["client"]
        if not Client.objects.visible_to(user).filter(pk=client.pk).exists():
            raise serializers.ValidationError({"client": ["No such client."]})
        if not can_write_handoff(user, client):
            raise PermissionDenied("Only the account’s sales rep can write its sales handoff.")

        @transaction.atomic
        def open_project():
            handoff = client_services.sales_handoff_create(
                client=client,
                submitted_by=user,
                products=data["products"],
                contract_signed_on=data["contract_signed_on"],
                target_go_live=data["target_go_live"],
                commitments=data["commitments"],
                special_terms=data["special_terms"],
                pain_points=data["pain_points"],
                stakeholders=data["stakeholders"],
            )
            return services.project_create(
                user=user,
                data={
                    "name": data["name"],
                    "client": client,
                    "sales_handoff": handoff,
                    "pm": data.get("pm"),
                    "kickoff_date": data.get("kickoff_date"),
                    "baseline_go_live": data["target_go_live"],
                    "forecast_go_live": data["target_go_live"],
                    "budget_hours": data.get("budget_hours"),
                    "products": data["products"],
                },
            )

        outcome = create_once(
            request._request,
            idempotency_key(request),
            open_project,
            lambda project: str(project.pk),
        )
        project = self.get_queryset().get(pk=int(outcome.url))
        return Response(
            api.ProjectSerializer(project, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK,
        )


# What projects hold


def _item_queryset(model, user):
    return model.objects.filter(project__in=_visible_projects(user).values("pk"))


@extend_schema_view(list=extend_schema(summary="Milestones of the projects the caller may read"))
class MilestoneViewSet(
    ProjectSideList, mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet
):
    serializer_class = api.MilestoneSerializer
    filterset_class = filters.MilestoneFilter
    ordering_fields = ["due_date", "order", "baseline_date", "id"]
    ordering = ["project", "order", "id"]

    def get_queryset(self):
        return _item_queryset(Milestone, self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Tasks of the projects the caller may read"),
    create=extend_schema(summary="Add a task to a project"),
    update=extend_schema(summary="Change a task (send the version you read)"),
    partial_update=extend_schema(
        summary="Change some of a task",
        description=(
            "Status, dates and owner follow the app's rules: a task cannot start before the "
            "tasks it waits on are done, and a date change that would move other work is "
            "refused with 400: confirm it on the task's page in the app, which shows what moves."
        ),
    ),
)
class TaskViewSet(
    ProjectSideList,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ItemCreate,
    VersionedUpdate,
    ApiViewSet,
):
    serializer_class = api.TaskSerializer
    filterset_class = filters.TaskFilter
    ordering_fields = ["due_date", "start_date", "priority", "status", "title", "id"]
    ordering = ["project", "due_date", "id"]

    def get_queryset(self):
        return (
            _item_queryset(Task, self.request.user)
            .select_related("owner_user", "owner_contact", "project")
            .prefetch_related("depends_on")
        )

    def create_item(self, project, data):
        return services.task_save(project=project, user=self.request.user, task=None, data=data)

    def save_changes(self, task, data, version):
        if version == task.version:
            self._refuse_ripple(task, data)
        services.task_save(
            project=task.project, user=self.request.user, task=task, data=data, version=version
        )

    def _refuse_ripple(self, task: Task, data: dict) -> None:
        """A change that would move other work is confirmed in the app, where it is shown."""
        start = data.get("start_date", task.start_date)
        due = data.get("due_date", task.due_date)
        done = (data.get("status") or task.status) == Task.Status.DONE
        if (start, due, done) == (task.start_date, task.due_date, task.status == Task.Status.DONE):
            return
        preview = slips.preview(task, slips.Change(start=start, due=due, done=done))
        if not preview.needs_confirmation:
            return
        moves = len(preview.ripple.moves)
        go_live = (
            f" and the forecast go-live to {preview.ripple.go_live_after:%d %b %Y}"
            if preview.ripple.go_live_moves
            else ""
        )
        url = self.request.build_absolute_uri(task.get_absolute_url())
        field = next((n for n in ("due_date", "start_date", "status") if n in data), "due_date")
        raise serializers.ValidationError(
            {
                field: [
                    f"This change would move {moves} other task{'s' if moves != 1 else ''} or "
                    f"milestone{'s' if moves != 1 else ''}{go_live}, so nothing was saved. "
                    f"Confirm it on the task's page in the app, which shows what moves: {url}"
                ]
            }
        )


@extend_schema_view(
    list=extend_schema(summary="Risks of the projects the caller may read"),
    create=extend_schema(summary="Raise a risk on a project"),
    update=extend_schema(summary="Change a risk (send the version you read)"),
)
class RiskViewSet(
    ProjectSideList,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ItemCreate,
    VersionedUpdate,
    ApiViewSet,
):
    serializer_class = api.RiskSerializer
    filterset_class = filters.RiskFilter
    ordering_fields = ["score", "raised_at", "status", "title", "id"]
    ordering = ["-score", "id"]

    def get_queryset(self):
        return _item_queryset(Risk, self.request.user).select_related("project")

    def create_item(self, project, data):
        return services.risk_save(project=project, user=self.request.user, risk=None, data=data)

    def save_changes(self, risk, data, version):
        services.risk_save(
            project=risk.project, user=self.request.user, risk=risk, data=data, version=version
        )


@extend_schema_view(
    list=extend_schema(summary="Issues of the projects the caller may read"),
    create=extend_schema(summary="Raise an issue on a project"),
    update=extend_schema(summary="Change an issue (send the version you read)"),
)
class IssueViewSet(
    ProjectSideList,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ItemCreate,
    VersionedUpdate,
    ApiViewSet,
):
    serializer_class = api.IssueSerializer
    filterset_class = filters.IssueFilter
    ordering_fields = ["raised_at", "severity", "status", "title", "id"]
    ordering = ["-raised_at", "id"]

    def get_queryset(self):
        return _item_queryset(Issue, self.request.user).select_related("project")

    def create_item(self, project, data):
        return services.issue_save(project=project, user=self.request.user, issue=None, data=data)

    def save_changes(self, issue, data, version):
        services.issue_save(
            project=issue.project, user=self.request.user, issue=issue, data=data, version=version
        )


@extend_schema_view(list=extend_schema(summary="Alerts on the projects the caller may read"))
class AlertViewSet(ProjectSideList, mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = api.AlertSerializer
    filterset_class = filters.AlertFilter
    ordering_fields = ["first_seen_at", "last_seen_at", "level", "status", "id"]
    ordering = ["-first_seen_at", "id"]

    def get_queryset(self):
        return Alert.objects.visible_to(self.request.user)
