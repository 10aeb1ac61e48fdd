"""The quality statistics (DOMAIN.md §10) against counts made by hand, as of today and of a past
date: the columns' boundaries, who worked where on the date, scope, bad input, query counts."""

import datetime
import re

import pytest
from django.urls import reverse

from cadres.models import (
    AppointmentKind,
    Cadre,
    CadreStatus,
    Education,
    Employment,
    Gender,
    ItLevel,
    LanguageLevel,
    PoliticalTheory,
)
from cadres.services import appointment_add, cadre_archive
from cadres.timeline import refresh_timelines
from common.dates import today, years_before
from reports.statistics.data import COLUMNS, StatisticsRow, quality_statistics
from tests.factories import CadreFactory, UnitFactory, position

PAST = datetime.date(2025, 12, 31)
URL = reverse("reports:statistics")


def rows_by_label(table) -> dict[str, dict]:
    return {row.label: row.counts for row in (*table.rows, table.total)}


def independent_counts(cadres, day: datetime.date) -> dict[str, int]:
    """The table's columns counted one cadre at a time, from the model's own properties."""
    ages = [cadre.age_on(day) for cadre in cadres]
    return {
        "total": len(cadres),
        "women": sum(c.gender == Gender.FEMALE for c in cadres),
        "minority": sum(c.is_ethnic_minority for c in cadres),
        "party": sum(c.party_joined_on is not None and c.party_joined_on <= day for c in cadres),
        "age_to_30": sum(age <= 30 for age in ages),
        "age_31_35": sum(31 <= age <= 35 for age in ages),
        "age_36_40": sum(36 <= age <= 40 for age in ages),
        "age_over_40": sum(age > 40 for age in ages),
        "education_below": sum(c.education in (0, 1, 2, 3) for c in cadres),
        "education_bachelor": sum(c.education == 4 for c in cadres),
        "education_higher": sum(c.education in (5, 6) for c in cadres),
        "theory_elementary": sum(c.political_theory == 1 for c in cadres),
        "theory_intermediate": sum(c.political_theory == 2 for c in cadres),
        "theory_advanced": sum(c.political_theory in (3, 4) for c in cadres),
        "it": sum(c.it_level != 0 for c in cadres),
        "language": sum(c.foreign_language_level >= 3 for c in cadres),
        "full_time": sum(c.employment in ("full_time", "part_time") for c in cadres),
        "concurrent": sum(c.employment == "concurrent" for c in cadres),
    }


@pytest.fixture
def varied(tree, make_cadre):
    """Cadres over the province's subtree covering every value of every column."""
    day = today()
    specs = [
        (tree.commune_a, {"gender": Gender.FEMALE, "ethnicity": "Gia Rai", "education": Education.NONE}),
        (tree.commune_a, {"party_joined_on": datetime.date(2015, 5, 19), "education": Education.ELEMENTARY}),
        (
            tree.branch_a,
            {"education": Education.INTERMEDIATE, "political_theory": PoliticalTheory.ELEMENTARY},
        ),
        (tree.branch_a, {"education": Education.COLLEGE, "political_theory": PoliticalTheory.INTERMEDIATE}),
        (tree.commune_b, {"education": Education.BACHELOR, "political_theory": PoliticalTheory.ADVANCED}),
        (tree.branch_b, {"education": Education.MASTER, "political_theory": PoliticalTheory.BACHELOR}),
        (tree.district_branch, {"education": Education.DOCTOR, "it_level": ItLevel.BASIC}),
        (tree.district, {"it_level": ItLevel.ADVANCED, "foreign_language_level": LanguageLevel.A2}),
        (tree.province, {"foreign_language_level": LanguageLevel.B1, "employment": Employment.PART_TIME}),
        (tree.province, {"foreign_language_level": LanguageLevel.C2, "employment": Employment.CONCURRENT}),
        (tree.district_commune, {"ethnicity": "Ba Na", "gender": Gender.FEMALE, "party_joined_on": day}),
    ]
    births = [years_before(day, years) for years in (22, 30, 31, 33, 35, 36, 38, 40, 41, 45, 29)]
    return [
        make_cadre(unit, birth_date=birth, **fields)
        for (unit, fields), birth in zip(specs, births, strict=True)
    ]


def test_it_counts_every_column_as_an_independent_count_does(province_editor, tree, varied):
    table = quality_statistics(province_editor, tree.province, today())

    by_label = rows_by_label(table)
    assert by_label["Tổng cộng"] == independent_counts(varied, today())
    assert by_label["Cơ quan Tỉnh đoàn Thử"] == independent_counts(varied[8:10], today())
    assert by_label["Đoàn xã An Bình"] == independent_counts(varied[0:4], today())
    assert by_label["Đoàn phường Bắc Sơn"] == independent_counts(varied[4:6], today())
    assert by_label["Huyện đoàn Cũ"] == independent_counts([varied[6], varied[7], varied[10]], today())


def test_it_makes_the_rows_add_up_to_the_total(province_editor, tree, varied):
    table = quality_statistics(province_editor, tree.province, today())

    for column in COLUMNS:
        assert sum(row.counts[column.key] for row in table.rows) == table.total.counts[column.key]
    assert [row.label for row in table.rows] == [
        "Cơ quan Tỉnh đoàn Thử",
        "Đoàn xã An Bình",
        "Đoàn phường Bắc Sơn",
        "Huyện đoàn Cũ",
    ]


def test_it_counts_the_same_past_date_by_the_history(province_editor, tree, varied):
    # Every post began on 1 January 2024 and no one moved: a past date gives the same rows,
    # with ages and Party membership as of that date.
    table = quality_statistics(province_editor, tree.province, PAST)

    assert rows_by_label(table)["Tổng cộng"] == independent_counts(varied, PAST)
    assert rows_by_label(table)["Tổng cộng"]["party"] == 1  # the one who joined today had not yet


@pytest.mark.parametrize("day", [today(), PAST, datetime.date(2024, 2, 29)], ids=["today", "past", "leap"])
def test_it_puts_each_age_at_the_date_in_its_band(province_editor, tree, make_cadre, day):
    for years in (30, 31, 35, 36, 40, 41):
        make_cadre(tree.commune_a, birth_date=years_before(day, years))  # turns ``years`` that day
        make_cadre(tree.commune_a, birth_date=years_before(day, years) + datetime.timedelta(days=1))

    counts = quality_statistics(province_editor, tree.province, day).total.counts

    # Ages: 30, 29, 31, 30, 35, 34, 36, 35, 40, 39, 41, 40.
    bands = [counts[key] for key in ("age_to_30", "age_31_35", "age_36_40", "age_over_40")]
    assert bands == [3, 4, 4, 1]


def test_it_counts_a_moved_cadre_in_the_old_unit_before_and_the_new_one_today(
    province_editor, tree, make_cadre
):
    cadre = make_cadre(tree.branch_a, started_on=datetime.date(2023, 3, 1))
    appointment_add(
        cadre=cadre,
        unit=tree.commune_b,
        position=position("pho-bi-thu"),
        started_on=datetime.date(2026, 3, 1),
        close_current=True,
    )

    before = rows_by_label(quality_statistics(province_editor, tree.province, PAST))
    now = rows_by_label(quality_statistics(province_editor, tree.province, today()))

    assert (before["Đoàn xã An Bình"]["total"], before["Đoàn phường Bắc Sơn"]["total"]) == (1, 0)
    assert (now["Đoàn xã An Bình"]["total"], now["Đoàn phường Bắc Sơn"]["total"]) == (0, 1)
    # The branch's own statistics of the past date hold them too.
    branch_past = quality_statistics(province_editor, tree.commune_a, PAST)
    assert rows_by_label(branch_past)["Chi đoàn thôn 1"]["total"] == 1


def test_the_remembered_counts_follow_each_change(province_editor, tree, make_cadre):
    """The counts are remembered between a look and its downloads, never past a change: a cadre
    added, a post moved back in time, a cadre archived each show at once, today and in the past."""
    cadre = make_cadre(tree.commune_a, started_on=datetime.date(2024, 3, 1))

    def totals(day):
        rows = rows_by_label(quality_statistics(province_editor, tree.province, day))
        return rows["Đoàn xã An Bình"]["total"], rows["Đoàn phường Bắc Sơn"]["total"]

    assert totals(today()) == (1, 0) == totals(PAST)
    make_cadre(tree.commune_b, started_on=datetime.date(2024, 5, 1))
    assert totals(today()) == (1, 1) == totals(PAST)
    appointment_add(
        cadre=cadre,
        unit=tree.commune_b,
        position=position("pho-bi-thu"),
        started_on=datetime.date(2025, 6, 1),
        close_current=True,
    )
    assert totals(today()) == (0, 2) == totals(PAST)
    leaving = Cadre.objects.get(pk=cadre.pk)
    cadre_archive(cadre=leaving, status=CadreStatus.RESIGNED, left_on=today(), reason="")
    assert totals(today()) == (0, 1)


def test_it_counts_a_cadre_by_the_main_post_not_the_concurrent_one(province_editor, tree, make_cadre):
    cadre = make_cadre(tree.commune_a, started_on=datetime.date(2024, 1, 1))
    appointment_add(
        cadre=cadre,
        unit=tree.commune_b,
        position=position("uv-bch"),
        started_on=datetime.date(2025, 6, 1),
        kind=AppointmentKind.CONCURRENT,
    )

    past = rows_by_label(quality_statistics(province_editor, tree.province, PAST))

    assert (past["Đoàn xã An Bình"]["total"], past["Đoàn phường Bắc Sơn"]["total"]) == (1, 0)


def test_it_counts_a_cadre_between_two_posts_where_they_last_held_one(province_editor, tree, make_cadre):
    cadre = make_cadre(tree.branch_b, started_on=datetime.date(2024, 1, 1))
    appointment_add(
        cadre=cadre,
        unit=tree.commune_a,
        position=position("uv-btv"),
        started_on=datetime.date(2026, 2, 1),
        close_current=True,
    )
    first = cadre.appointments.get(unit=tree.branch_b)
    first.ended_on = datetime.date(2025, 6, 30)  # a gap from July 2025 to February 2026
    first.save()

    past = rows_by_label(quality_statistics(province_editor, tree.province, PAST))

    assert past["Đoàn phường Bắc Sơn"]["total"] == 1


def test_it_leaves_out_who_had_left_by_the_date(province_editor, tree, make_cadre):
    leaver = make_cadre(tree.commune_a, started_on=datetime.date(2020, 1, 1))
    cadre_archive(cadre=leaver, status=CadreStatus.TRANSFERRED, left_on=datetime.date(2025, 6, 30), reason="")
    on_the_day = make_cadre(tree.commune_a, started_on=datetime.date(2020, 1, 1))
    cadre_archive(cadre=on_the_day, status=CadreStatus.RESIGNED, left_on=PAST, reason="")
    later = make_cadre(tree.commune_a, started_on=datetime.date(2020, 1, 1))
    cadre_archive(cadre=later, status=CadreStatus.MATURED, left_on=datetime.date(2026, 1, 1), reason="")

    def total(day):
        return quality_statistics(province_editor, tree.province, day).total.counts["total"]

    assert total(datetime.date(2025, 6, 29)) == 3
    assert total(datetime.date(2025, 6, 30)) == 2  # the day they leave, they no longer count
    assert total(PAST) == 1
    assert total(today()) == 0


def test_it_leaves_out_who_had_not_started_by_the_date(province_editor, tree, make_cadre):
    make_cadre(tree.commune_a, started_on=datetime.date(2026, 2, 1))  # first post after the date
    no_post = CadreFactory(unit=tree.commune_a)  # no post: known since the record was made (today)

    assert quality_statistics(province_editor, tree.province, PAST).total.counts["total"] == 0
    counts = quality_statistics(province_editor, tree.province, today()).total.counts
    assert counts["total"] == 2
    assert no_post.pk


def test_it_counts_a_cadre_without_posts_in_their_profiles_unit(province_editor, tree):
    cadre = CadreFactory(unit=tree.branch_b)
    type(cadre).objects.filter(pk=cadre.pk).update(
        created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    refresh_timelines([cadre.pk])  # the creation date was changed behind the app's back

    past = rows_by_label(quality_statistics(province_editor, tree.province, PAST))

    assert past["Đoàn phường Bắc Sơn"]["total"] == 1


def test_it_counts_cadres_who_moved_out_of_the_users_scope_where_they_were(commune_editor, tree, make_cadre):
    cadre = make_cadre(tree.branch_a, started_on=datetime.date(2024, 1, 1))
    appointment_add(
        cadre=cadre,
        unit=tree.other_commune,
        position=position("bi-thu"),
        started_on=datetime.date(2026, 3, 1),
        close_current=True,
    )

    assert quality_statistics(commune_editor, tree.commune_a, PAST).total.counts["total"] == 1
    assert quality_statistics(commune_editor, tree.commune_a, today()).total.counts["total"] == 0


def test_it_shows_a_unit_dissolved_before_the_date_only_with_cadres(province_editor, tree, make_cadre):
    gone = UnitFactory(
        parent=tree.province, name="Đoàn xã Cũ Đã Nhập", dissolved_on=datetime.date(2025, 7, 1)
    )
    labels = [row.label for row in quality_statistics(province_editor, tree.province, PAST).rows]
    assert gone.name not in labels
    before = quality_statistics(province_editor, tree.province, datetime.date(2025, 1, 1))
    assert gone.name in [row.label for row in before.rows]


def test_it_blanks_the_sensitive_columns_for_a_viewer(client, viewer, tree, varied):
    table = quality_statistics(viewer, tree.province, today())

    assert table.total.counts["minority"] is None and table.total.counts["party"] is None
    assert table.total.counts["women"] == 2
    client.force_login(viewer)
    html = client.get(URL).content.decode()
    assert "tài khoản chỉ xem không được xem thông tin nhạy cảm" in html
    total_row = re.search(r'<tr id="statistics-total">(.*?)</tr>', html, re.S)[1]
    assert "—" in total_row


def test_it_formats_figures_with_thousands_dots():
    row = StatisticsRow("X", {column.key: 1234 for column in COLUMNS} | {"party": None})
    assert row.printed[0] == "1.234"
    assert row.printed[3] == "—"


# --- The page -------------------------------------------------------------------------------------


def test_it_shows_the_users_unit_by_default_with_drill_down_links(client, province_editor, tree, varied):
    client.force_login(province_editor)

    response = client.get(URL)

    html = response.content.decode()
    assert response.context["table"].unit == tree.province
    assert f"{URL}?unit={tree.commune_a.pk}&amp;date={today().isoformat()}" in html
    assert f"?unit={tree.commune_a.pk}&amp;date={today():%Y-%m-%d}" in html
    assert f"Tính đến ngày {today():%d/%m/%Y}" in html
    total_row = re.search(r'<tr id="statistics-total">(.*?)</tr>', html, re.S)[1]
    assert re.findall(r'<td class="text-end">([^<]*)</td>', total_row)[0] == "11"
    assert 'class="table-responsive' in html
    assert (
        f"{reverse('reports:statistics-xlsx')}?unit={tree.province.pk}&amp;date={today().isoformat()}" in html
    )


def test_it_drills_down_with_the_date_kept_and_a_breadcrumb(client, province_editor, tree, varied):
    client.force_login(province_editor)

    response = client.get(URL, {"unit": tree.district_commune.pk, "date": "31/12/2025"})

    table = response.context["table"]
    assert table.on_date == PAST
    assert [unit.name for unit in table.crumbs] == ["Tỉnh đoàn Thử", "Huyện đoàn Cũ"]
    html = response.content.decode()
    assert f'data-crumb="{tree.district.pk}"' in html
    assert 'name="date" value="2025-12-31"' in html  # as the date box reads it
    assert f"?unit={tree.district.pk}&amp;date=2025-12-31" in html
    assert [row.label for row in table.rows] == ["Trực tiếp tại Đoàn xã Đông Hà", "Chi đoàn thôn Đông"]
    assert [row.unit for row in table.rows] == [None, tree.district_branch]


def test_it_keeps_a_commune_editor_in_their_subtree(client, commune_editor, tree, varied):
    client.force_login(commune_editor)

    own = client.get(URL)
    other = client.get(URL, {"unit": tree.commune_b.pk})

    assert own.context["table"].unit == tree.commune_a
    assert own.context["table"].crumbs == []
    assert own.context["table"].total.counts["total"] == 4
    assert other.status_code == 200
    assert "Không có đơn vị này trong phạm vi bạn được xem." in other.content.decode()
    assert other.context["table"].unit == tree.commune_a  # never the other unit's figures
    assert client.get(reverse("reports:statistics-xlsx"), {"unit": tree.commune_b.pk}).status_code == 404
    assert client.get(reverse("reports:statistics-pdf"), {"unit": tree.province.pk}).status_code == 404


def test_it_shows_the_whole_organisation_to_a_system_admin(client, system_admin, tree, varied):
    client.force_login(system_admin)

    table = client.get(URL).context["table"]

    assert table.unit is None
    assert [row.label for row in table.rows] == ["Tỉnh đoàn Thử", "Tỉnh đoàn Khác"]
    assert table.total.counts["total"] == 11


def test_it_shows_an_empty_state(client, commune_editor):
    client.force_login(commune_editor)

    html = client.get(URL).content.decode()

    assert 'id="no-cadres"' in html
    assert 'id="statistics-table"' not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"unit": "abc"}, "Không có đơn vị này trong phạm vi bạn được xem."),
        ({"unit": "9" * 20}, "Không có đơn vị này trong phạm vi bạn được xem."),
        ({"unit": "-1"}, "Không có đơn vị này trong phạm vi bạn được xem."),
        ({"date": "31/02/2026"}, "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy"),
        ({"date": "2999-01-01"}, "Không thống kê được cho ngày trong tương lai"),
        ({"date": "31/12/1999"}, "Chỉ thống kê được từ ngày 01/01/2000 trở đi."),
        ({"date": "x" * 500}, "Ngày không hợp lệ"),
    ],
)
def test_it_answers_bad_input_with_a_message(client, province_editor, tree, params, message):
    client.force_login(province_editor)

    response = client.get(URL, params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["table"].unit == tree.province
    assert response.context["table"].on_date == today()


@pytest.mark.parametrize("name", ["reports:statistics-xlsx", "reports:statistics-pdf"])
def test_it_sends_a_download_with_a_bad_date_back_to_the_page(client, province_editor, name):
    client.force_login(province_editor)

    response = client.get(reverse(name), {"date": "2999-01-01"})

    assert response.status_code == 302
    assert response["Location"].startswith(URL)
    assert "Không thống kê được cho ngày trong tương lai" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("name", ["reports:statistics-xlsx", "reports:statistics-pdf"])
def test_it_refuses_a_bad_unit_on_a_download(client, province_editor, name):
    client.force_login(province_editor)
    for value in ("abc", "9" * 20, "0"):
        assert client.get(reverse(name), {"unit": value}).status_code == 404


def test_it_refuses_post(client, province_editor):
    client.force_login(province_editor)
    for name in ("reports:statistics", "reports:statistics-xlsx", "reports:statistics-pdf"):
        assert client.post(reverse(name)).status_code == 405


def test_it_asks_anonymous_users_to_log_in(client):
    assert client.get(URL).status_code == 302


# --- Query counts ---------------------------------------------------------------------------------


def _grow(tree, make_cadre, size: int) -> None:
    for index in range(size):
        unit = UnitFactory(parent=tree.commune_b, name=f"Chi đoàn mới {size}-{index}")
        cadre = make_cadre(unit, started_on=datetime.date(2024, 1, 1))
        appointment_add(
            cadre=cadre,
            unit=tree.commune_a,
            position=position("pho-bi-thu"),
            started_on=datetime.date(2026, 1, 15),
            close_current=True,
        )
        make_cadre(tree.branch_a, party_joined_on=datetime.date(2020, 1, 1))


@pytest.mark.parametrize("size", [1, 8])
@pytest.mark.parametrize("date", ["", "31/12/2025"])
def test_it_makes_a_constant_number_of_queries(
    client, province_editor, tree, make_cadre, django_assert_max_num_queries, size, date
):
    _grow(tree, make_cadre, size)
    client.force_login(province_editor)
    params = {"unit": tree.commune_a.pk, "date": date}
    # The session, the user and their unit, the chosen unit, its children, its ancestors, the
    # version the counts are remembered by, the counts (three grouped queries for a past date),
    # the form's units.
    past = 2 if date else 0
    with django_assert_max_num_queries(9 + past):
        page = client.get(URL, params)
    # The moved cadres joined commune A in January 2026: not yet on 31/12/2025.
    assert page.context["table"].total.counts["total"] == (2 * size if not date else size)
    # The same table downloaded: the counts are remembered.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("reports:statistics-xlsx"), params).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(reverse("reports:statistics-pdf"), params).status_code == 200


BAD_VALUES = [
    "",
    "x" * 5000,
    '<script>alert("x")</script>',
    "'; DROP TABLE cadres_cadre; -- OR 1=1",
    "a\x00b\x07",
    "👩‍👩‍👧 Lan",
    "１２３４",
    "٣٤٥",
    "-1",
    "9" * 30,
    "1e400",
    "0001-01-01",
    "1900-01-01",
    "2999-12-31",
    "31/02/2026",
]


@pytest.mark.parametrize("field", ["unit", "date"])
def test_it_never_fails_on_bad_input(client, province_editor, tree, field):
    client.force_login(province_editor)
    for name in ("reports:statistics", "reports:statistics-xlsx", "reports:statistics-pdf"):
        for value in BAD_VALUES:
            response = client.get(reverse(name), {field: value})
            assert response.status_code in {200, 302, 400, 404}, (name, value)
            if name == "reports:statistics" and "\x00" not in value:  # a NUL: the 400 of a middleware
                assert response.status_code == 200
