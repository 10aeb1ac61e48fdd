import datetime
import unicodedata

import pytest
from django.urls import reverse

from cadres.models import Education, Gender, PoliticalTheory
from cadres.standards import years_before

URL = reverse("cadres:cadre-list")


def names(response) -> set[str]:
    return {cadre.full_name for cadre in response.context["page"].object_list}


@pytest.fixture
def roster(tree, make_cadre):
    today = datetime.date.today()
    return {
        "lan": make_cadre(
            tree.commune_a,
            full_name="Nguyễn Thị Lan",
            gender=Gender.FEMALE,
            code="bi-thu",
            birth_date=years_before(today, 28),
            education=Education.BACHELOR,
            political_theory=PoliticalTheory.INTERMEDIATE,
            party_joined_on=datetime.date(2018, 5, 19),
            phone="0905123456",
        ),
        "duc": make_cadre(
            tree.branch_a,
            full_name="Đặng Văn Đức",
            birth_date=years_before(today, 36),
            education=Education.COLLEGE,
        ),
        "hoa": make_cadre(
            tree.commune_b,
            full_name="Trần Thị Hoa",
            gender=Gender.FEMALE,
            birth_date=years_before(today, 22),
            code="pho-bi-thu",
        ),
        "nam": make_cadre(
            tree.district_commune,
            full_name="Lê Hoàng Nam",
            birth_date=years_before(today, 31),
            political_theory=PoliticalTheory.ELEMENTARY,
        ),
        "outside": make_cadre(tree.other_commune, full_name="Nguyễn Thị Lan Ngoài"),
    }


def test_it_lists_the_province_without_other_provinces(client, province_editor, roster):
    client.force_login(province_editor)
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == {"Nguyễn Thị Lan", "Đặng Văn Đức", "Trần Thị Hoa", "Lê Hoàng Nam"}
    assert response.context["page"].paginator.count == 4


def test_it_shows_a_commune_editor_only_their_subtree(client, commune_editor, roster):
    client.force_login(commune_editor)
    assert names(client.get(URL)) == {"Nguyễn Thị Lan", "Đặng Văn Đức"}


@pytest.mark.parametrize(
    "query",
    [
        "nguyen thi lan",
        "NGUYEN THI LAN",
        "lan nguyen",
        "Nguyễn Thị Lan",
        unicodedata.normalize("NFD", "Nguyễn Thị Lan"),
        "0905123456",
    ],
)
def test_it_searches_ignoring_accents_case_and_order(client, province_editor, roster, query):
    client.force_login(province_editor)
    assert names(client.get(URL, {"q": query})) == {"Nguyễn Thị Lan"}


def test_it_matches_d_with_stroke_from_a_plain_d(client, province_editor, roster):
    client.force_login(province_editor)
    assert names(client.get(URL, {"q": "dang van duc"})) == {"Đặng Văn Đức"}


def test_it_filters_by_unit_including_its_subtree(client, province_editor, roster, tree):
    client.force_login(province_editor)
    assert names(client.get(URL, {"unit": tree.commune_a.pk})) == {"Nguyễn Thị Lan", "Đặng Văn Đức"}
    assert names(client.get(URL, {"unit": tree.district.pk})) == {"Lê Hoàng Nam"}


def test_it_ignores_a_unit_outside_scope(client, commune_editor, roster, tree):
    client.force_login(commune_editor)
    response = client.get(URL, {"unit": tree.commune_b.pk})
    assert "Trần Thị Hoa" not in names(response)
    assert response.context["filterset"].errors


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"position": "bi-thu"}, {"Nguyễn Thị Lan"}),
        ({"level": "branch"}, {"Đặng Văn Đức"}),
        ({"political_theory": PoliticalTheory.ELEMENTARY}, {"Lê Hoàng Nam"}),
        ({"education": Education.COLLEGE}, {"Đặng Văn Đức"}),
        ({"gender": Gender.FEMALE}, {"Nguyễn Thị Lan", "Trần Thị Hoa"}),
        ({"party_member": "yes"}, {"Nguyễn Thị Lan"}),
        ({"party_member": "no"}, {"Đặng Văn Đức", "Trần Thị Hoa", "Lê Hoàng Nam"}),
        ({"age_min": 30}, {"Đặng Văn Đức", "Lê Hoàng Nam"}),
        ({"age_max": 28}, {"Nguyễn Thị Lan", "Trần Thị Hoa"}),
        ({"age_min": 25, "age_max": 31}, {"Nguyễn Thị Lan", "Lê Hoàng Nam"}),
        ({"warning": "over_age"}, {"Đặng Văn Đức"}),
        ({"warning": "near_age"}, set()),
    ],
)
def test_it_applies_each_filter(client, province_editor, roster, params, expected):
    from cadres.models import Position

    if "position" in params:
        params = {**params, "position": Position.objects.get(code=params["position"]).pk}
    client.force_login(province_editor)
    assert names(client.get(URL, params)) == expected


def test_it_shows_archived_cadres_only_on_request(client, province_editor, roster):
    roster["hoa"].status, roster["hoa"].left_on = "transferred", datetime.date.today()
    roster["hoa"].save()
    client.force_login(province_editor)
    assert "Trần Thị Hoa" not in names(client.get(URL))
    assert names(client.get(URL, {"status": "transferred"})) == {"Trần Thị Hoa"}
    assert "Trần Thị Hoa" in names(client.get(URL, {"status": ""}))


def test_it_sorts_by_birth_date_both_ways(client, province_editor, roster):
    client.force_login(province_editor)
    oldest_first = [c.full_name for c in client.get(URL, {"sort": "birth_date"}).context["page"]]
    youngest_first = [c.full_name for c in client.get(URL, {"sort": "-birth_date"}).context["page"]]
    assert oldest_first[0] == "Đặng Văn Đức"
    assert youngest_first == list(reversed(oldest_first))


def test_it_shows_warning_badges_and_ages(client, province_editor, roster):
    client.force_login(province_editor)
    html = client.get(URL).content.decode()
    assert "Quá tuổi" in html
    assert ">36<" in html


def test_it_hides_the_party_filter_and_column_from_viewers(client, viewer, roster):
    client.force_login(viewer)
    response = client.get(URL, {"party_member": "yes"})
    assert "party_member" not in response.context["filterset"].form.fields
    assert len(names(response)) == 4
    assert "Đảng viên" not in response.content.decode()


def test_it_paginates_with_the_total_count(client, province_editor, tree, make_cadre):
    for index in range(55):
        make_cadre(tree.commune_a, full_name=f"Cán bộ Số {index}")
    client.force_login(province_editor)
    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 5
    assert "/ 55" in first.content.decode()


def test_it_keeps_the_query_count_constant_as_rows_grow(
    client, province_editor, tree, make_cadre, django_assert_max_num_queries
):
    client.force_login(province_editor)
    make_cadre(tree.commune_a)
    with django_assert_max_num_queries(12):
        client.get(URL)
    for index in range(40):
        make_cadre(tree.branch_a if index % 2 else tree.commune_b, full_name=f"Người {index}")
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.context["page"].paginator.count == 41


def test_it_requires_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_lists_whole_word_matches_first_then_by_name(client, province_editor, tree, make_cadre):
    for name in ["Nguyễn Thành Thịnh", "Nguyễn Thị Yến", "Nguyễn Thị An", "Lê Nguyễn Thịnh Phát"]:
        make_cadre(tree.commune_a, full_name=name)
    client.force_login(province_editor)

    page = client.get(URL, {"q": "nguyen thi"}).context["page"]

    assert [cadre.full_name for cadre in page.object_list] == [
        "Nguyễn Thị An",
        "Nguyễn Thị Yến",
        "Lê Nguyễn Thịnh Phát",
        "Nguyễn Thành Thịnh",
    ]


def test_it_keeps_an_explicit_sort_over_the_search_order(client, province_editor, tree, make_cadre):
    make_cadre(tree.commune_a, full_name="Nguyễn Thành Thịnh", birth_date=datetime.date(1990, 1, 1))
    make_cadre(tree.commune_a, full_name="Nguyễn Thị An", birth_date=datetime.date(1995, 1, 1))
    client.force_login(province_editor)

    page = client.get(URL, {"q": "nguyen thi", "sort": "birth_date"}).context["page"]

    assert [cadre.full_name for cadre in page.object_list] == ["Nguyễn Thành Thịnh", "Nguyễn Thị An"]


def test_it_highlights_the_matched_parts_of_names(client, province_editor, roster):
    client.force_login(province_editor)

    html = client.get(URL, {"q": "nguyen thi"}).content.decode()

    assert "<mark>Nguyễn</mark> <mark>Thị</mark> Lan" in html


def test_it_names_each_unit_with_its_parent(client, province_editor, roster, tree):
    client.force_login(province_editor)

    html = client.get(URL, {"q": "duc"}).content.decode()

    assert 'Chi đoàn thôn 1 <span class="text-body-secondary">– Đoàn xã An Bình</span>' in html


def test_it_offers_units_with_their_parents_in_the_unit_filter(client, province_editor, roster, tree):
    client.force_login(province_editor)

    html = client.get(URL).content.decode()

    assert f'<option value="{tree.branch_a.pk}">Chi đoàn thôn 1 – Đoàn xã An Bình</option>' in html
    assert f'<option value="{tree.province.pk}">Tỉnh đoàn Thử</option>' in html


@pytest.mark.parametrize("name", ["education", "political_theory", "level", "gender", "position", "warning"])
def test_it_treats_an_empty_choice_as_no_filter(client, province_editor, roster, name):
    client.force_login(province_editor)

    response = client.get(URL, {"q": "", name: "", "status": "active"})

    assert names(response) == names(client.get(URL))
    assert len(names(response)) == 4


def test_a_roster_row_escapes_what_it_shows_and_marks_the_party_column_only_when_asked():
    from types import SimpleNamespace

    from cadres.standards import Warning
    from cadres.templatetags.roster import roster_row

    cadre = SimpleNamespace(
        number=7,
        url="/cadres/9/",
        full_name="Lê <b>Văn</b> Tám",
        is_active=False,
        labels={
            "status": "Nghỉ việc",
            "gender": "Nam",
            "education": "Đại học",
            "political_theory": "Trung cấp",
        },
        birth_date=datetime.date(1990, 3, 15),
        age_today=36,
        unit=SimpleNamespace(name="Chi đoàn <1>", parent_name="Đoàn xã & phường"),
        position_id=None,
        is_party_member=True,
        warnings=[Warning("over_age", "Quá tuổi", "36 tuổi, giới hạn <35>", "danger")],
    )

    html = roster_row(cadre, "tam", True)
    hidden = roster_row(cadre, "", False)

    assert '<a href="/cadres/9/">Lê &lt;b&gt;Văn&lt;/b&gt; <mark>Tám</mark></a>' in html
    assert '<span class="badge text-bg-secondary">Nghỉ việc</span>' in html
    assert '<td class="d-none d-md-table-cell text-nowrap">15/03/1990</td>' in html
    assert 'Chi đoàn &lt;1&gt; <span class="text-body-secondary">– Đoàn xã &amp; phường</span>' in html
    assert '<td data-label="Chức vụ">—</td>' in html
    assert 'title="36 tuổi, giới hạn &lt;35&gt;">Quá tuổi</span>' in html
    assert 'aria-label="Đảng viên"' in html and 'aria-label="Đảng viên"' not in hidden
    assert html.count("<td") == 11 and hidden.count("<td") == 10


@pytest.mark.parametrize("query", ["guye", "uyen thi", "an", "ễn lan", "0905", "12345"])
def test_parts_of_words_and_numbers_find_what_a_substring_match_finds(client, province_editor, roster, query):
    """On PostgreSQL words go through the vocabulary and the word index (migration 0012), numbers
    through the substring match; on SQLite everything is the substring match. Same answers."""
    from cadres.text import fold

    client.force_login(province_editor)
    folded = fold(query).split()
    expected = {
        cadre.full_name
        for key, cadre in roster.items()
        if key != "outside" and all(word in cadre.search_text for word in folded)
    }

    assert expected  # each query finds someone
    assert names(client.get(URL, {"q": query})) == expected


def test_a_word_nobody_has_finds_nobody(client, province_editor, roster):
    client.force_login(province_editor)

    assert names(client.get(URL, {"q": "nguyen xyzw"})) == set()


def test_the_vocabulary_learns_the_words_of_every_write(tree, make_cadre):
    """Saves, bulk inserts and set-based updates all add their words (PostgreSQL's triggers, which
    run at the end of each statement: inside the test's transaction too)."""
    from django.db import connection

    from cadres.models import Cadre
    from cadres.models.roster import search_vocabulary

    if connection.vendor != "postgresql":
        pytest.skip("the vocabulary is PostgreSQL's (migration 0012)")
    saved = make_cadre(tree.commune_a, full_name="Phùng Thị Quỳnh", phone="0912000111")
    bulk = Cadre(**{**_fields(saved), "full_name": "Khúc Văn Thừa", "national_id": "001095009999"})
    bulk.prepare_for_save()
    Cadre.objects.bulk_create([bulk])
    Cadre.objects.filter(pk=saved.pk).update(search_text="phung thi quynh ngoc")

    spellings = search_vocabulary(["quynh", "khuc", "ngoc", "0912"], "default")

    assert spellings["quynh"] == ["quynh"] and spellings["khuc"] == ["khuc"] and spellings["ngoc"] == ["ngoc"]
    assert "0912" not in spellings  # numbers are matched on the search column itself
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cadre_search_word WHERE word ~ '^[0-9+]+$'")
        assert cursor.fetchone() == (0,)


def _fields(cadre) -> dict:
    return {
        field.attname: getattr(cadre, field.attname)
        for field in cadre._meta.concrete_fields
        if field.attname not in {"id", "created_at", "updated_at"}
    }
