"""The sourcing pool (nguồn cán bộ): the list with its filters and its Excel export (one
FilterSet for both), and the add and edit forms, for editors."""

import datetime
import io

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.permissions import editor_required
from common.dates import today
from common.downloads import bytes_response, mark_download_ready
from common.filters import describe_filters, filter_errors
from common.lists import ChoiceLabels, paginate
from common.models import StaleEditError
from common.xlsx import Column, TableWorkbook
from units.models import parent_name_of

from ..filters import SourceFilter
from ..forms_sources import SourcePersonForm
from ..models import SourceOutcome, SourcePerson
from .access import get_source_for_user

PAGE_SIZE = 50
LABELS = ChoiceLabels(SourcePerson, "gender", "category", "outcome")
EXPORT_COLUMNS = [
    Column("STT", 6),
    Column("Họ và tên", 28),
    Column("Ngày sinh", 12, "date"),
    Column("Giới tính", 9),
    Column("Nhóm nguồn", 24),
    Column("Đơn vị theo dõi", 40),
    Column("Nơi học tập, công tác", 30),
    Column("Điện thoại", 15, "text"),
    Column("Kết quả", 24),
    Column("Hồ sơ cán bộ", 28),
    Column("Ghi chú", 40),
]


def _age(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _source_filter(request) -> SourceFilter:
    return SourceFilter(request.GET, queryset=SourcePerson.objects.visible_to(request.user), request=request)


def _with_units(people: QuerySet) -> QuerySet:
    """Rows that show their unit as ``unit.label`` (with its parent's name) and their cadre."""
    return people.select_related("unit", "cadre").annotate(unit_parent_name=parent_name_of("unit__path"))


@require_GET
def source_list(request):
    filterset = _source_filter(request)
    page = paginate(request, _with_units(filterset.qs), per_page=PAGE_SIZE)
    day = today()
    for number, person in enumerate(page, start=page.start_index()):
        person.number, person.labels, person.age = number, LABELS.of(person), _age(person.birth_date, day)
        person.unit.parent_name = person.unit_parent_name
    counts = dict(filterset.qs.order_by().values_list("outcome").annotate(count=Count("pk")))
    query = request.GET.copy()
    for name in ("page", "after", "before", "last"):
        query.pop(name, None)
    return render(
        request,
        "planning/source_list.html",
        {
            "filterset": filterset,
            "page": page,
            "outcome_counts": [(label, counts.get(value, 0)) for value, label in SourceOutcome.choices],
            "query_string": query.urlencode(),
            "search": filterset.form.cleaned_data.get("q", "") if filterset.is_valid() else "",
            "filter_errors": filter_errors(filterset),
        },
    )


@editor_required
def source_create(request):
    form = SourcePersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        messages.success(request, f"Đã thêm {person.full_name} vào nguồn cán bộ.")
        return redirect("planning:source-list")
    return render(request, "planning/source_form.html", {"form": form})


@editor_required
def source_edit(request, pk: int):
    person = get_source_for_user(request.user, pk)
    form = SourcePersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()  # checked against the version the form was opened at
        except StaleEditError as error:
            form.refuse_stale(error)
        else:
            messages.success(request, f"Đã lưu thông tin nguồn cán bộ {person.full_name}.")
            return redirect("planning:source-list")
    return render(request, "planning/source_form.html", {"form": form, "person": person})


@require_GET
def source_export(request):
    """The list page's rows under the list page's filters, as xlsx."""
    filterset = _source_filter(request)
    if "unit" in filterset.errors:
        raise Http404  # a unit outside the user's scope does not exist for them
    if not filterset.is_valid():
        messages.error(request, f"Bộ lọc không hợp lệ, không xuất được danh sách. {filter_errors(filterset)}")
        return render(request, "400.html", status=400)
    table = TableWorkbook(
        "Nguồn cán bộ",
        EXPORT_COLUMNS,
        title="DANH SÁCH NGUỒN CÁN BỘ",
        filters=describe_filters(filterset),
        frozen_columns=2,
    )
    for number, person in enumerate(_with_units(filterset.qs).iterator(chunk_size=500), start=1):
        person.unit.parent_name = person.unit_parent_name
        labels = LABELS.of(person)
        table.append(
            [
                number,
                person.full_name,
                person.birth_date,
                labels["gender"],
                labels["category"],
                person.unit.label,
                person.workplace,
                person.phone,
                labels["outcome"],
                person.cadre.full_name if person.cadre_id else "",
                person.note,
            ]
        )
    out = io.BytesIO()
    table.save(out)
    day = today()
    response = bytes_response(
        out.getvalue(), f"Nguồn cán bộ_{day:%Y-%m-%d}.xlsx", ascii_name=f"nguon-can-bo_{day:%Y-%m-%d}.xlsx"
    )
    mark_download_ready(request, response)
    return response
