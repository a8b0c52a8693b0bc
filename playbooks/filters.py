import django_filters

from clients.models import Product
from common.forms import FilterForm
from common.parsing import SEARCH_LENGTH
from playbooks.models import ProjectTemplate


class TemplateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Search", max_length=SEARCH_LENGTH
    )
    product = django_filters.ModelChoiceFilter(queryset=Product.objects.order_by("name"))
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        form = FilterForm
        model = ProjectTemplate
        fields = ["q", "product", "is_active"]
