"""The sourcing pool (nguồn cán bộ): scope, filters, the add and edit forms with their refusals,
the lost-update guard, and the Excel export parsed back."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.models import Gender
from common.dates import today, years_before
from planning.models import SourceCategory, SourceOutcome, SourcePerson
from tests.factories import UnitFactory
from tests.test_admin import posted_back

LIST_URL = reverse("planning:source-list")
CREATE_URL = reverse("planning:source-create")
EXPORT_URL = reverse("planning:source-export")
HEADER_ROW = 3  # title, filters, header
STALE = "đã được người khác cập nhật trong lúc bạn sửa"


def edit_url(person: SourcePerson) -> str:
    return reverse("planning:source-edit", args=[person.pk])


def source_person(unit, full_name: str, **fields) -> SourcePerson:
    fields = {
        "birth_date": datetime.date(2003, 5, 20),
        "gender": Gender.FEMALE,
        "category": SourceCategory.COLLABORATOR,
        **fields,
    }
    return SourcePerson.objects.create(unit=unit, full_name=full_name, **fields)


def form_data(unit, **changes) -> dict:
    """What a person fills in on the add form."""
    return {
        "full_name": "Hồ Thị Ngọc Ánh",
        "birth_date": "2004-09-02",
        "gender": Gender.FEMALE,
        "category": SourceCategory.GRADUATE,
        "unit": unit.pk,
        "workplace": "Trường Đại học Quy Nhơn",
        "phone": "0905 123 456",
        "outcome": SourceOutcome.GROWING,
        "cadre": "",
        "note": "",
        **changes,
    }


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def names(response) -> set[str]:
    return {person.full_name for person in response.context["page"]}


def shown_total(response) -> int:
    return response.context["page"].paginator.count


@pytest.fixture
def pool(tree):
    """Two communes' people, one in a branch below commune A, one in the other province."""
    return {
        "lan": source_person(tree.commune_a, "Nguyễn Thị Lan", phone="0905111222"),
        "dao": source_person(
            tree.branch_a, "Trần Thị Đào", category=SourceCategory.OUTSTANDING_MEMBER, workplace="Thôn 1"
        ),
        "hung": source_person(
            tree.commune_b,
            "Nguyễn Văn Hùng",
            gender=Gender.MALE,
            category=SourceCategory.SCHOOL_CADRE,
            outcome=SourceOutcome.STOPPED,
        ),
        "outside": source_person(tree.other_commune, "Lê Văn Ngoài", gender=Gender.MALE),
    }


# --- Scope ---------------------------------------------------------------------------------------


def test_it_lists_only_the_commune_editors_own_people(tree, pool, commune_editor):
    response = logged_in(commune_editor).get(LIST_URL)

    assert response.status_code == 200
    assert names(response) == {"Nguyễn Thị Lan", "Trần Thị Đào"}
    assert shown_total(response) == SourcePerson.objects.visible_to(commune_editor).count() == 2
    assert "Nguyễn Văn Hùng" not in response.content.decode()


def test_it_lists_the_whole_province_for_the_province_editor(tree, pool, province_editor):
    response = logged_in(province_editor).get(LIST_URL)

    assert names(response) == {"Nguyễn Thị Lan", "Trần Thị Đào", "Nguyễn Văn Hùng"}
    html = response.content.decode()
    assert 'data-total="3"' in html
    assert "Đang bồi dưỡng, theo dõi: <strong>2</strong>" in html
    assert "Không tiếp tục theo dõi: <strong>1</strong>" in html


def test_it_answers_404_for_another_communes_person(tree, pool, commune_editor):
    client = logged_in(commune_editor)
    hung = pool["hung"]

    assert client.get(edit_url(hung)).status_code == 404
    response = client.post(
        edit_url(hung), form_data(tree.commune_a, full_name="Đổi tên", version=hung.version)
    )

    assert response.status_code == 404
    hung.refresh_from_db()
    assert hung.full_name == "Nguyễn Văn Hùng" and hung.unit == tree.commune_b


def test_it_shows_each_row_with_age_unit_outcome_and_cadre(tree, pool, province_editor, make_cadre):
    cadre = make_cadre(tree.commune_a, full_name="Nguyễn Thị Lan")
    lan = pool["lan"]
    lan.outcome, lan.cadre = SourceOutcome.BECAME_CADRE, cadre
    lan.save()

    html = logged_in(province_editor).get(LIST_URL).content.decode()

    age = today().year - 2003 - (today() < datetime.date(today().year, 5, 20))
    assert f'title="Ngày sinh 20/05/2003">{age}</td>' in html
    assert "Chi đoàn thôn 1 – Đoàn xã An Bình" in html  # the unit's label, with its parent
    assert f'href="{edit_url(lan)}"' in html
    assert f'href="{cadre.get_absolute_url()}">Nguyễn Thị Lan</a>' in html
    assert "Đã trở thành cán bộ" in html


def test_it_shows_viewers_the_list_without_the_editors_links(tree, pool, viewer):
    html = logged_in(viewer).get(LIST_URL).content.decode()

    assert "Nguyễn Thị Lan" in html
    assert "Thêm nguồn cán bộ" not in html
    assert edit_url(pool["lan"]) not in html
    assert "Xuất Excel" in html


def test_it_says_so_when_the_pool_is_empty(tree, commune_editor):
    html = logged_in(commune_editor).get(LIST_URL).content.decode()

    assert "Chưa có ai trong nguồn cán bộ của đơn vị." in html
    assert 'data-total="0"' in html


def test_it_refuses_a_post_on_the_list(tree, commune_editor):
    assert logged_in(commune_editor).post(LIST_URL).status_code == 405


# --- Filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen thi", {"Nguyễn Thị Lan"}),
        ("lan nguyen", {"Nguyễn Thị Lan"}),  # every word, in any order
        ("NGUYEN", {"Nguyễn Thị Lan", "Nguyễn Văn Hùng"}),
        ("dao", {"Trần Thị Đào"}),  # "đ" folds to "d"
        ("Đào", {"Trần Thị Đào"}),
        ("0905111", {"Nguyễn Thị Lan"}),  # the phone
        ("nguyen dao", set()),
    ],
)
def test_it_searches_accent_insensitively_for_every_word(tree, pool, province_editor, query, expected):
    response = logged_in(province_editor).get(LIST_URL, {"q": query})

    assert names(response) == expected
    assert shown_total(response) == len(expected)


def test_it_filters_by_category_and_outcome(tree, pool, province_editor):
    client = logged_in(province_editor)

    by_category = client.get(LIST_URL, {"category": SourceCategory.OUTSTANDING_MEMBER})
    by_outcome = client.get(LIST_URL, {"outcome": SourceOutcome.STOPPED})

    assert names(by_category) == {"Trần Thị Đào"}
    assert names(by_outcome) == {"Nguyễn Văn Hùng"}


def test_it_filters_by_a_unit_with_its_subtree(tree, pool, province_editor):
    response = logged_in(province_editor).get(LIST_URL, {"unit": tree.commune_a.pk})

    assert names(response) == {"Nguyễn Thị Lan", "Trần Thị Đào"}
    expected = SourcePerson.objects.filter(unit__path__startswith=tree.commune_a.path).count()
    assert shown_total(response) == expected == 2


def test_it_ignores_a_unit_outside_the_scope_with_a_warning(tree, pool, commune_editor):
    response = logged_in(commune_editor).get(LIST_URL, {"unit": tree.commune_b.pk})

    assert "Bộ lọc không hợp lệ" in response.content.decode()
    assert names(response) == {"Nguyễn Thị Lan", "Trần Thị Đào"}


def test_it_runs_as_many_queries_with_more_people(tree, province_editor):
    client = logged_in(province_editor)
    units = [tree.commune_a, tree.branch_a, tree.commune_b, tree.district_branch]
    for index in range(3):
        source_person(units[index % 4], f"Phạm Thị Hoa {index}")
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    for index in range(3, 20):
        source_person(units[index % 4], f"Phạm Thị Hoa {index}")

    with CaptureQueriesContext(connection) as many:
        assert names(client.get(LIST_URL)) >= {"Phạm Thị Hoa 19"}

    assert len(many) <= len(few)


def test_it_pages_a_long_list_without_losing_anyone(tree, province_editor, monkeypatch):
    monkeypatch.setattr("planning.views.sources.PAGE_SIZE", 4)
    for index in range(10):
        source_person([tree.commune_a, tree.commune_b][index % 2], f"Võ Văn {index:02d}")
    client = logged_in(province_editor)

    seen, response = [], client.get(LIST_URL)
    while True:
        seen += [person.full_name for person in response.context["page"]]
        links = response.context["page"].links
        if "next" not in links:
            break
        response = client.get(LIST_URL, {key: value for key, value in links["next"].items() if value})

    assert sorted(seen) == [f"Võ Văn {index:02d}" for index in range(10)]


# --- Adding and editing -------------------------------------------------------------------------


def test_it_adds_a_person_and_goes_back_to_the_list(tree, commune_editor):
    client = logged_in(commune_editor)

    response = client.post(CREATE_URL, form_data(tree.branch_a), follow=True)

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "Đã thêm Hồ Thị Ngọc Ánh vào nguồn cán bộ." in response.content.decode()
    person = SourcePerson.objects.get()
    assert (person.full_name, person.unit, person.birth_date) == (
        "Hồ Thị Ngọc Ánh",
        tree.branch_a,
        datetime.date(2004, 9, 2),
    )
    assert person.category == SourceCategory.GRADUATE and person.phone == "0905 123 456"
    assert names(response) == {"Hồ Thị Ngọc Ánh"}


def test_it_offers_only_the_active_units_of_the_scope(tree, commune_editor):
    dissolved = UnitFactory(
        parent=tree.commune_a, name="Chi đoàn đã giải thể", dissolved_on=datetime.date(2025, 7, 1)
    )

    form = logged_in(commune_editor).get(CREATE_URL).context["form"]

    offered = set(form.fields["unit"].queryset)
    assert offered == {tree.commune_a, tree.branch_a}
    assert dissolved not in offered
    assert form.fields["unit"].initial == tree.commune_a.pk


def test_it_refuses_a_unit_outside_the_scope(tree, commune_editor):
    response = logged_in(commune_editor).post(CREATE_URL, form_data(tree.commune_b))

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not SourcePerson.objects.exists()


def test_it_refuses_someone_under_16_and_saves_nothing(tree, commune_editor):
    fifteen = years_before(today(), 15)

    response = logged_in(commune_editor).post(
        CREATE_URL, form_data(tree.commune_a, birth_date=fifteen.isoformat())
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa đủ 16 tuổi: nguồn cán bộ chỉ ghi nhận người từ 16 tuổi." in html
    assert "Chưa lưu được" in html
    assert not SourcePerson.objects.exists()


def test_it_refuses_became_cadre_without_a_cccd(tree, commune_editor):
    data = form_data(tree.commune_a, outcome=SourceOutcome.BECAME_CADRE)

    response = logged_in(commune_editor).post(CREATE_URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors["cadre"] == ["Chọn hồ sơ cán bộ của người đã trở thành cán bộ."]
    assert not SourcePerson.objects.exists()


def test_it_links_the_cadre_found_by_cccd_in_the_scope(tree, commune_editor, make_cadre):
    cadre = make_cadre(tree.branch_a, full_name="Hồ Thị Ngọc Ánh", national_id="052204000123")
    data = form_data(tree.commune_a, outcome=SourceOutcome.BECAME_CADRE, cadre="052 204 000 123")

    response = logged_in(commune_editor).post(CREATE_URL, data)

    assert response.status_code == 302
    assert SourcePerson.objects.get().cadre == cadre


def test_it_refuses_a_cccd_outside_the_scope(tree, commune_editor, make_cadre):
    make_cadre(tree.commune_b, full_name="Trần Văn Ngoài", national_id="052204000999")
    data = form_data(tree.commune_a, outcome=SourceOutcome.BECAME_CADRE, cadre="052204000999")

    response = logged_in(commune_editor).post(CREATE_URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors["cadre"] == [
        "Không tìm thấy hồ sơ cán bộ có số CCCD 052204000999 trong phạm vi đơn vị bạn quản lý."
    ]
    assert "Trần Văn Ngoài" not in response.content.decode()
    assert not SourcePerson.objects.exists()


@pytest.mark.parametrize("number", ["12345", "05220400012a", "٠٥٢٢٠٤٠٠٠١٢٣"])
def test_it_refuses_a_cccd_that_is_not_12_digits(tree, commune_editor, number):
    response = logged_in(commune_editor).post(CREATE_URL, form_data(tree.commune_a, cadre=number))

    assert response.context["form"].errors["cadre"] == ["Số CCCD phải gồm đúng 12 chữ số 0–9."]
    assert not SourcePerson.objects.exists()


def test_it_refuses_a_phone_number_that_is_not_one(tree, commune_editor):
    response = logged_in(commune_editor).post(CREATE_URL, form_data(tree.commune_a, phone="abcdefghijkl"))

    assert "không hợp lệ" in response.context["form"].errors["phone"][0]
    assert not SourcePerson.objects.exists()


def test_it_refuses_viewers_the_forms(tree, pool, viewer):
    client = logged_in(viewer)

    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, form_data(tree.commune_a)).status_code == 403
    assert client.get(edit_url(pool["lan"])).status_code == 403
    assert client.post(edit_url(pool["lan"]), form_data(tree.commune_a)).status_code == 403
    assert SourcePerson.objects.count() == len(pool)


def test_it_edits_a_person_and_shows_the_linked_cccd(tree, pool, commune_editor, make_cadre):
    cadre = make_cadre(tree.commune_a, full_name="Nguyễn Thị Lan", national_id="052204000777")
    lan = pool["lan"]
    lan.outcome, lan.cadre = SourceOutcome.BECAME_CADRE, cadre
    lan.save()
    client = logged_in(commune_editor)

    opened = client.get(edit_url(lan))
    data = posted_back(opened.context["form"]) | {"note": "Đã bầu vào BCH Đoàn xã"}
    response = client.post(edit_url(lan), data)

    assert 'value="052204000777"' in opened.content.decode()
    assert response.status_code == 302 and response["Location"] == LIST_URL
    lan.refresh_from_db()
    assert lan.note == "Đã bầu vào BCH Đoàn xã" and lan.cadre == cadre


def test_it_refuses_a_stale_edit_and_keeps_the_first(tree, pool, commune_editor, province_editor):
    lan = pool["lan"]
    first, second = logged_in(commune_editor), logged_in(province_editor)
    opened_first, opened_second = first.get(edit_url(lan)), second.get(edit_url(lan))

    data = posted_back(opened_first.context["form"]) | {"workplace": "Trường THPT Số 1"}
    assert first.post(edit_url(lan), data).status_code == 302
    data = posted_back(opened_second.context["form"]) | {"workplace": "Hợp tác xã An Bình"}
    refused = second.post(edit_url(lan), data)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Chưa lưu:" in html and STALE in html
    assert "Trường THPT Số 1" in html and commune_editor.get_full_name() in html  # what changed, by whom
    lan.refresh_from_db()
    assert lan.workplace == "Trường THPT Số 1"

    # Seen the change, the user saves deliberately against the current version.
    data |= {"version": refused.context["form"].data["version"]}
    assert second.post(edit_url(lan), data).status_code == 302
    lan.refresh_from_db()
    assert lan.workplace == "Hợp tác xã An Bình"


# --- The export ----------------------------------------------------------------------------------


def workbook_of(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_of(response) -> tuple[list, list[list]]:
    return rows_in(workbook_of(response).active)


def rows_in(sheet) -> tuple[list, list[list]]:
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=HEADER_ROW)]
    return rows[0], rows[1:]


def test_it_exports_what_the_database_holds_for_the_scope(tree, pool, province_editor):
    response = logged_in(province_editor).get(EXPORT_URL)

    header, rows = rows_of(response)
    assert header[:3] == ["STT", "Họ và tên", "Ngày sinh"]
    assert len(rows) == SourcePerson.objects.visible_to(province_editor).count() == 3
    assert "nguon-can-bo_" in response["Content-Disposition"]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_name) == {"Nguyễn Thị Lan", "Trần Thị Đào", "Nguyễn Văn Hùng"}
    dao = by_name["Trần Thị Đào"]
    assert dao["Ngày sinh"] == datetime.datetime(2003, 5, 20)
    assert dao["Giới tính"] == "Nữ"
    assert dao["Nhóm nguồn"] == "Đoàn viên ưu tú"
    assert dao["Đơn vị theo dõi"] == "Chi đoàn thôn 1 – Đoàn xã An Bình"
    assert dao["Kết quả"] == "Đang bồi dưỡng, theo dõi"
    assert by_name["Nguyễn Thị Lan"]["Điện thoại"] == "0905111222"


def test_it_exports_the_list_pages_filter(tree, pool, province_editor):
    client = logged_in(province_editor)
    filters = {"q": "nguyen", "outcome": SourceOutcome.GROWING}

    listed = names(client.get(LIST_URL, filters))
    sheet = workbook_of(client.get(EXPORT_URL, filters)).active
    _, rows = rows_in(sheet)

    expected = SourcePerson.objects.filter(search_text__contains="nguyen", outcome=SourceOutcome.GROWING)
    assert {row[1] for row in rows} == listed == {"Nguyễn Thị Lan"} == {p.full_name for p in expected}
    assert "Tìm theo tên, điện thoại: nguyen" in sheet["A2"].value
    assert "Kết quả: Đang bồi dưỡng, theo dõi" in sheet["A2"].value


def test_it_exports_only_the_commune_editors_subtree(tree, pool, commune_editor):
    _, rows = rows_of(logged_in(commune_editor).get(EXPORT_URL))

    assert {row[1] for row in rows} == {"Nguyễn Thị Lan", "Trần Thị Đào"}


def test_it_keeps_formula_like_text_as_text_in_the_export(tree, commune_editor):
    source_person(
        tree.commune_a, "Phan Văn Công", note='=HYPERLINK("http://x","bấm")', workplace="+84 trường"
    )

    sheet = workbook_of(logged_in(commune_editor).get(EXPORT_URL)).active
    header = [cell.value for cell in sheet[HEADER_ROW]]
    row = dict(zip(header, sheet[HEADER_ROW + 1], strict=True))

    for name, text in [("Ghi chú", '=HYPERLINK("http://x","bấm")'), ("Nơi học tập, công tác", "+84 trường")]:
        assert row[name].value == text
        assert row[name].data_type == "s" and row[name].quotePrefix


def test_it_answers_404_for_an_export_of_a_unit_outside_the_scope(tree, pool, commune_editor):
    response = logged_in(commune_editor).get(EXPORT_URL, {"unit": tree.commune_b.pk})

    assert response.status_code == 404
    assert not response.get("Content-Disposition")


def test_it_refuses_an_export_with_an_invalid_filter(tree, pool, commune_editor):
    response = logged_in(commune_editor).get(EXPORT_URL, {"category": "khong-co"})

    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in response.content.decode()
    assert not response.get("Content-Disposition")
