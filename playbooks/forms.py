from crispy_forms.layout import Column, Row
from django import forms
from django.utils import timezone

from clients.models import Product
from common.forms import DateInput, Select, SelectMultiple, form_helper
from common.parsing import PlainInputFormMixin
from common.submissions import add_submission_key
from common.versions import VersionedFormMixin, add_version_field
from playbooks.models import OwnerRole, ProjectTemplate, TemplateMilestone, TemplateTask


class GuardedForm(PlainInputFormMixin, VersionedFormMixin, forms.Form):
    """An edit form carries the template's version; a create form a one-time submission key.

    Any change to a template or what it holds moves the template's version on, so an edit of
    one of its milestones or tasks carries the template's version too.
    """

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if version is None:
            add_submission_key(self)
        else:
            add_version_field(self, version)


class TemplateForm(GuardedForm):
    name = forms.CharField(max_length=200)
    product = forms.ModelChoiceField(queryset=Product.objects.filter(is_active=True))
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    is_active = forms.BooleanField(
        label="Active", required=False, initial=True, help_text="Offered for new projects."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Row(Column("name", css_class="col-md-7"), Column("product", css_class="col-md-5")),
            "description",
            "is_active",
        )


class TemplateMilestoneForm(GuardedForm):
    name = forms.CharField(max_length=200)
    order = forms.IntegerField(min_value=0, initial=1)
    offset_days = forms.IntegerField(
        label="Starts (business days after kick-off)", min_value=0, initial=0, max_value=2000
    )
    duration_days = forms.IntegerField(
        label="Lasts (business days)", min_value=1, initial=5, max_value=2000
    )
    is_key = forms.BooleanField(label="Key milestone", required=False)
    is_golive_critical = forms.BooleanField(label="Go-live critical", required=False)
    visible_to_client = forms.BooleanField(label="Client-visible", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Row(Column("name", css_class="col-md-8"), Column("order", css_class="col-md-4")),
            Row(Column("offset_days"), Column("duration_days")),
            Row(Column("is_key"), Column("is_golive_critical"), Column("visible_to_client")),
        )

    @classmethod
    def initial_from(cls, milestone: TemplateMilestone) -> dict:
        return {name: getattr(milestone, name) for name in cls.base_fields}


class TemplateTaskForm(GuardedForm):
    title = forms.CharField(max_length=200)
    milestone = forms.ModelChoiceField(
        queryset=TemplateMilestone.objects.none(), required=False, widget=Select
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    owner_role = forms.ChoiceField(label="Owner", choices=OwnerRole.choices, widget=Select)
    offset_days = forms.IntegerField(
        label="Starts at the earliest (business days after kick-off)",
        min_value=0,
        initial=0,
        max_value=2000,
    )
    duration_days = forms.IntegerField(
        label="Lasts (business days)", min_value=1, initial=1, max_value=2000
    )
    estimate_hours = forms.DecimalField(
        label="Estimate (hours)",
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=1,
    )
    visible_to_client = forms.BooleanField(label="Client-visible", required=False)
    depends_on = forms.ModelMultipleChoiceField(
        label="Waits on",
        queryset=TemplateTask.objects.none(),
        required=False,
        # A list box like the project task form's: a plan's tasks as check boxes were a
        # template each, most of the page's time.
        widget=SelectMultiple(attrs={"size": 8}),
        help_text="Tasks that must finish before this one can start (Ctrl or ⌘ to pick several).",
    )

    def __init__(self, *args, template: ProjectTemplate, task: TemplateTask | None = None, **kw):
        super().__init__(*args, **kw)
        self.fields["milestone"].queryset = template.milestones.all()
        others = template.tasks.order_by("offset_days", "title")
        self.fields["depends_on"].queryset = others.exclude(pk=task.pk) if task else others
        self.helper = form_helper(
            Row(Column("title", css_class="col-md-8"), Column("milestone", css_class="col-md-4")),
            "description",
            Row(Column("owner_role"), Column("estimate_hours")),
            Row(Column("offset_days"), Column("duration_days")),
            "visible_to_client",
            "depends_on",
        )

    @classmethod
    def initial_from(cls, task: TemplateTask) -> dict:
        initial = {
            name: getattr(task, name)
            for name in cls.base_fields
            if name not in ("depends_on", "milestone")
        }
        initial["milestone"] = task.milestone_id
        initial["depends_on"] = [d.pk for d in task.depends_on.all()]
        return initial


class ApplyTemplatesForm(PlainInputFormMixin, forms.Form):
    templates = forms.ModelMultipleChoiceField(
        queryset=ProjectTemplate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one template."},
    )
    kickoff = forms.DateField(label="Kick-off date", widget=DateInput())

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["templates"].queryset = (
            ProjectTemplate.objects.active().select_related("product").order_by("name")
        )
        self.fields["templates"].label_from_instance = lambda t: f"{t.name} ({t.product.name})"
        self.fields["kickoff"].initial = project.kickoff_date or timezone.localdate()
        self.helper = form_helper("templates", "kickoff")


class SaveAsTemplateForm(PlainInputFormMixin, forms.Form):
    name = forms.CharField(label="Template name", max_length=200)
    product = forms.ModelChoiceField(queryset=Product.objects.none())
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(is_active=True).order_by("name")
        add_submission_key(self)
        self.helper = form_helper(
            Row(Column("name", css_class="col-md-7"), Column("product", css_class="col-md-5")),
            "description",
        )
