"""The FilterSets of the planning lists: each is used by its page and by its Excel export."""

import django_filters

from cadres.filters import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS, UnitFilter, validate_search_words
from cadres.models import Unit
from common.filters import ChoiceFilter
from common.text import fold
from common.widgets import SearchableSelect
from units.scope import subtree_condition

from .models import SourceCategory, SourceOutcome, SourcePerson


class SourceFilter(django_filters.FilterSet):
    """The sourcing pool (nguồn cán bộ): ``/planning/sources/`` and its ``export.xlsx``."""

    q = django_filters.CharFilter(
        method="filter_search",
        label="Tìm theo tên, điện thoại",
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_search_words],
    )
    category = ChoiceFilter(choices=SourceCategory.choices, label="Nhóm nguồn")
    outcome = ChoiceFilter(choices=SourceOutcome.choices, label="Kết quả")
    unit = UnitFilter(
        queryset=Unit.objects.none(),
        method="filter_unit",
        label="Đơn vị theo dõi (gồm đơn vị trực thuộc)",
        widget=SearchableSelect(),
    )

    class Meta:
        model = SourcePerson
        fields = []

    def __init__(self, data=None, *args, request, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        self.filters["unit"].queryset = Unit.objects.visible_to(request.user)

    def filter_search(self, queryset, name, value):
        # Every word typed, accents or not, must occur in the folded name and phone.
        for word in list(dict.fromkeys(fold(value).split()))[:SEARCH_MAX_WORDS]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(subtree_condition("unit__path", unit.path))
