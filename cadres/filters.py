"""The one FilterSet of the roster: used by the list page and by its Excel export."""

import django_filters
from django.core.exceptions import ValidationError

from common.dates import today
from common.filters import ANY, ChoiceFilter, LevelFilter, ModelChoiceFilter, NumberFilter, describe_filters
from common.widgets import SearchableSelect
from units.scope import subtree_condition

from .forms import UnitChoiceField
from .models import (
    Cadre,
    CadreStatus,
    Education,
    Gender,
    PoliticalTheory,
    Position,
    Unit,
    UnitLevel,
)
from .standards import StandardBook, years_before

# ANY, LevelFilter and describe_filters are common's, re-exported for callers that import them from here.
__all__ = ["ANY", "MAX_AGE", "CadreFilter", "LevelFilter", "UnitFilter", "describe_filters"]
MAX_AGE = 120
# Each word of a search is a condition of the query: a thousand overflow the database's
# expression tree (SQLite: "Expression tree is too large").
SEARCH_MAX_WORDS, SEARCH_MAX_LENGTH = 10, 200


def validate_search_words(value: str) -> None:
    if len(value.split()) > SEARCH_MAX_WORDS:
        raise ValidationError(f"Chỉ tìm được tối đa {SEARCH_MAX_WORDS} từ.")


class UnitFilter(ModelChoiceFilter):
    field_class = UnitChoiceField


class CadreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label="Tìm kiếm",
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_search_words],
    )
    unit = UnitFilter(
        queryset=Unit.objects.none(),
        method="filter_unit",
        label="Đơn vị (gồm đơn vị trực thuộc)",
        widget=SearchableSelect(),
    )
    position = ModelChoiceFilter(queryset=Position.objects.all(), label="Chức vụ")
    level = ChoiceFilter(field_name="unit__level", choices=UnitLevel.choices, label="Cấp")
    political_theory = LevelFilter(choices=PoliticalTheory.choices, label="Lý luận chính trị")
    education = LevelFilter(choices=Education.choices, label="Chuyên môn")
    gender = ChoiceFilter(choices=Gender.choices, label="Giới tính")
    party_member = ChoiceFilter(
        choices=[("yes", "Đảng viên"), ("no", "Chưa là đảng viên")], method="filter_party", label="Đảng viên"
    )
    # Archived records stay out of the roster unless asked for: a page opened without a status
    # shows "Đang công tác", and "Tất cả" (empty) means every status.
    status = ChoiceFilter(choices=CadreStatus.choices, label="Trạng thái")
    age_min = NumberFilter(method="filter_age_min", label="Tuổi từ", min_value=0, max_value=MAX_AGE)
    age_max = NumberFilter(method="filter_age_max", label="đến", min_value=0, max_value=MAX_AGE)
    warning = ChoiceFilter(
        choices=[
            ("over_age", "Quá tuổi"),
            ("near_age", "Sắp quá tuổi"),
            ("below_standard", "Chưa đạt chuẩn"),
        ],
        method="filter_warning",
        label="Cảnh báo",
    )
    sort = django_filters.OrderingFilter(
        fields=[
            ("full_name", "name"),
            ("birth_date", "birth_date"),
            ("unit_path", "unit"),
            ("position_order", "position"),
            ("education", "education"),
            ("political_theory", "political_theory"),
        ],
        label="Sắp xếp",
    )

    class Meta:
        model = Cadre
        fields = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", CadreStatus.ACTIVE)
        super().__init__(data, *args, request=request, **kwargs)
        self.filters["unit"].queryset = Unit.objects.visible_to(request.user)
        if not request.user.can_see_sensitive:
            # Party membership is sensitive data: not even a filter on it for viewers.
            del self.filters["party_member"]
        self.today = today()

    def filter_search(self, queryset, name, value):
        return queryset.ranked_search(value, max_words=SEARCH_MAX_WORDS)

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(subtree_condition("unit_path", unit.path))

    def filter_party(self, queryset, name, value):
        return queryset.filter(party_joined_on__isnull=(value == "no"))

    def filter_age_min(self, queryset, name, value):
        return queryset.filter(birth_date__lte=years_before(self.today, value))

    def filter_age_max(self, queryset, name, value):
        return queryset.filter(birth_date__gt=years_before(self.today, value + 1))

    def filter_warning(self, queryset, name, value):
        book = StandardBook(self.today)
        condition = {
            "over_age": book.over_age_q,
            "near_age": book.near_age_q,
            "below_standard": book.below_standard_q,
        }[value]()
        return queryset.filter(condition)

    @property
    def qs(self):
        queryset = super().qs
        if self.form.cleaned_data.get("sort"):
            return queryset  # ties keep the order of the key (common.lists.paginate)
        if "search_rank" in queryset.query.annotations:
            # A search lists whole-word matches first ("Nguyễn Thị …" before "Nguyễn Thành Thịnh").
            return queryset.order_by("-search_rank", "full_name", "pk")
        return queryset.order_by("unit_path", "position_order", "full_name", "pk")
