"""The "1+2" progress page and its workbook: each cadre's days against the quota (trips made,
halves, secondments; cancelled and registered trips left out), the totals in the published style
against a hand count, the base units nobody visited, the overdue reports, the filters, the scope,
the workbook parsed back cell by cell, bad input, and a query count that does not grow with the
data. The clock stands on 2 July 2026 (183 of the year's 365 days gone), but in the browser test,
which fills and submits the filter form at an office screen's width and a phone's."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from freezegun import freeze_time

from cadres.models import AccessAction, AccessLog, UnitLevel
from fieldwork.models import Quota, Secondment, SecondmentYear, TripStatus
from fieldwork.progress import ProgressFilters, progress_data
from fieldwork.services import secondment_save, trip_report
from fieldwork.views import progress as views
from tests.browser.conftest import (  # the browser tests' fixtures, not their autouse reseeding
    SEEDING_MIGRATIONS,
    _http_live_server_settings,  # noqa: F401
    _one_request_at_a_time_on_a_shared_connection,  # noqa: F401
    browser_page,  # noqa: F401
    browser_type_launch_args,  # noqa: F401
    live_server,  # noqa: F401
)
from tests.browser.pickers import choose_unit
from tests.browser.test_smoke import log_in

from .conftest import client_for

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 7, 2)
URL = "/fieldwork/progress/"
XLSX_URL = "/fieldwork/progress.xlsx"


@pytest.fixture
def frozen():
    with freeze_time("2026-07-02 03:00:00"):  # 10:00 in Asia/Ho_Chi_Minh
        yield


@pytest.fixture
def people(tree, make_cadre):
    """Two cadres of the province office and one of the old district's (subject to the 60 days),
    one of commune A (not subject), one of another province (outside every scope below)."""
    return {
        "lan": make_cadre(tree.province, code="uv-btv", full_name="Trần Thị Lan"),
        "hung": make_cadre(tree.province, code="uv-btv", full_name="Nguyễn Văn Hùng"),
        "minh": make_cadre(tree.district, code="uv-btv", full_name="Lê Văn Minh"),
        "an": make_cadre(tree.commune_a, full_name="Phạm Văn An"),
        "khac": make_cadre(tree.other_province, code="uv-btv", full_name="Đỗ Thị Khác"),
    }


def day(month: int, number: int) -> datetime.date:
    return datetime.date(2026, month, number)


def rows_by_name(data) -> dict:
    return {row.cadre.full_name: row for row in data.rows(data.ids)}


def data_for(user, **filters):
    return progress_data(user, ProgressFilters(year=filters.pop("year", 2026), **filters))


@pytest.fixture
def year(tree, people, make_trip, province_editor):
    """The hand count: three trips of the province office and one of the district this year, a
    trip of last year, a cancelled one and a registered one (neither counted).

    Trip           topic   cadres (days)          level
    T1 (02/03)     yes     Lan 2, Hùng 2           province
    T2 (09/03)     yes     Lan 1.5, Minh 1.5       province + district
    T3 (16/03)     no      Hùng 3                  province
    → 3 cadres, 5 cadre-trips, 10 days, 2 topic trips; province 4 cadre-trips, 8.5 days;
      district 1 cadre-trip, 1.5 days."""
    make_trip(
        tree.province, tree.branch_a, [people["lan"], people["hung"]],
        starts_on=day(3, 2), ends_on=day(3, 3), days=Decimal(2), topic="Chuyển đổi số",
    )  # fmt: skip
    make_trip(
        tree.province, tree.district_branch, [people["lan"], people["minh"]],
        starts_on=day(3, 9), ends_on=day(3, 10), days=Decimal("1.5"), topic="Kiểm tra công tác Đoàn",
    )  # fmt: skip
    make_trip(tree.province, tree.branch_a, [people["hung"]], starts_on=day(3, 16), ends_on=day(3, 18))
    last_year = {"starts_on": datetime.date(2025, 12, 29), "ends_on": datetime.date(2025, 12, 30)}
    make_trip(tree.province, tree.commune_b, [people["lan"]], **last_year, status=TripStatus.REPORTED)
    make_trip(
        tree.province, tree.commune_b, [people["lan"]], starts_on=day(4, 6), status=TripStatus.CANCELLED
    )
    make_trip(
        tree.province, tree.commune_b, [people["hung"]], starts_on=day(8, 3), status=TripStatus.REGISTERED
    )


@pytest.mark.usefixtures("frozen")
class TestCadres:
    def test_it_counts_days_done_against_the_quota(self, province_editor, year, people):
        rows = rows_by_name(data_for(province_editor))
        lan, hung, minh = rows["Trần Thị Lan"], rows["Nguyễn Văn Hùng"], rows["Lê Văn Minh"]
        assert (lan.quota, lan.trip_days, lan.trips) == (Decimal(60), Decimal("3.5"), 2)
        assert (hung.trip_days, hung.trips) == (Decimal(5), 2)  # 2 days + 16–18/03, three working days
        assert (minh.trip_days, minh.trips) == (Decimal("1.5"), 1)
        assert lan.expected == Decimal("30.1")  # 60 × 183 / 365
        assert (lan.percent, lan.behind, lan.met, lan.tone) == (5, True, False, "warning")

    def test_it_sums_halves_exactly(self, tree, province_editor, people, make_trip):
        for number, start in enumerate((day(2, 2), day(2, 23), day(3, 2))):
            three_days = {"starts_on": start, "ends_on": start + datetime.timedelta(days=2)}
            make_trip(
                tree.province, tree.branch_a, [people["lan"]], **three_days, days=Decimal("0.5") + number
            )
        data = data_for(province_editor, q="lan")
        (lan,) = data.rows(data.ids)
        assert lan.trip_days == Decimal("4.5")
        page = client_for(province_editor).get(URL, {"q": "lan"}).content.decode()
        assert 'data-done="4.5"><div>4,5</div>' in page

    def test_it_adds_a_secondments_working_days(self, tree, province_editor, people, make_trip):
        make_trip(tree.province, tree.branch_a, [people["hung"]], starts_on=day(1, 12), days=Decimal(1))
        secondment_save(
            secondment=Secondment(
                cadre=people["hung"], host=tree.commune_b, starts_on=day(2, 2), ends_on=day(5, 29)
            ),
            user=province_editor,
        )
        seconded = SecondmentYear.objects.get(cadre=people["hung"], year=2026).days
        assert seconded > 60  # four months of working days: the quota is met
        hung = rows_by_name(data_for(province_editor))["Nguyễn Văn Hùng"]
        assert (hung.trip_days, hung.secondment_days, hung.done) == (Decimal(1), seconded, seconded + 1)
        assert (hung.met, hung.percent, hung.tone) == (True, 100, "success")
        page = client_for(province_editor).get(URL).content.decode()
        assert f'data-done="{seconded + 1}"' in page
        assert 'aria-valuenow="100"' in page

    def test_it_leaves_out_cancelled_and_registered_trips(self, tree, province_editor, people, make_trip):
        make_trip(
            tree.province, tree.branch_a, [people["lan"]], starts_on=day(3, 2), status=TripStatus.CANCELLED
        )
        make_trip(
            tree.province, tree.branch_a, [people["lan"]], starts_on=day(9, 7), status=TripStatus.REGISTERED
        )
        lan = rows_by_name(data_for(province_editor))["Trần Thị Lan"]
        assert (lan.trip_days, lan.trips) == (Decimal(0), 0)
        assert data_for(province_editor).totals.total.trips == 0

    def test_it_lists_the_subject_and_whoever_went(self, tree, province_editor, people, make_trip):
        listed = set(rows_by_name(data_for(province_editor)))
        assert listed == {"Trần Thị Lan", "Nguyễn Văn Hùng", "Lê Văn Minh"}
        make_trip(tree.commune_a, tree.branch_a, [people["an"]], starts_on=day(3, 2))
        an = rows_by_name(data_for(province_editor))["Phạm Văn An"]
        assert (an.quota, an.percent, an.trip_days, an.tone) == (None, None, Decimal(1), "info")

    def test_it_reckons_a_past_year_whole_and_a_future_year_not_yet(self, province_editor, year):
        last = rows_by_name(data_for(province_editor, year=2025))
        assert last["Trần Thị Lan"].expected == Decimal(60)
        assert last["Trần Thị Lan"].trip_days == Decimal(2)  # the trip of 29–30/12/2025
        coming = data_for(province_editor, year=2027)
        assert all(row.expected == 0 and not row.behind for row in coming.rows(coming.ids))
        assert data_for(province_editor, year=2027, state="behind").ids == []


@pytest.mark.usefixtures("frozen")
class TestFilters:
    @pytest.fixture
    def states(self, tree, people, make_trip, province_editor):
        """A rule of 10 days for the province office this year: Lan met it, Hùng is behind (1 of
        the 5 due by now); Minh (60 days, district) is behind and his trip's report is overdue."""
        Quota.objects.create(year=2026, level=UnitLevel.PROVINCE, min_days=Decimal(10))
        two_weeks = {"starts_on": day(3, 2), "ends_on": day(3, 13)}
        for trip in (
            make_trip(tree.province, tree.branch_a, [people["lan"]], **two_weeks, days=Decimal(10)),
            make_trip(tree.province, tree.branch_a, [people["hung"]], starts_on=day(3, 2), days=Decimal(1)),
        ):
            trip_report(trip=trip, base_version=trip.version, files=[], user=province_editor)
        make_trip(tree.district, tree.district_branch, [people["minh"]], starts_on=day(6, 1), days=Decimal(1))

    @pytest.mark.parametrize(
        ("state", "names"),
        [
            ("", {"Trần Thị Lan", "Nguyễn Văn Hùng", "Lê Văn Minh"}),
            ("met", {"Trần Thị Lan"}),
            ("behind", {"Nguyễn Văn Hùng", "Lê Văn Minh"}),
            ("overdue", {"Lê Văn Minh"}),
        ],
    )
    def test_it_filters_by_state(self, province_editor, states, state, names):
        assert set(rows_by_name(data_for(province_editor, state=state))) == names
        page = client_for(province_editor).get(URL, {"state": state}).content.decode()
        assert all(name in page for name in names)
        assert page.count("<tr data-cadre=") == len(names)

    def test_it_filters_by_unit_level_and_name(self, tree, province_editor, people, states):
        assert set(rows_by_name(data_for(province_editor, unit=tree.district))) == {"Lê Văn Minh"}
        assert set(rows_by_name(data_for(province_editor, level=UnitLevel.PROVINCE))) == {
            "Trần Thị Lan",
            "Nguyễn Văn Hùng",
        }
        assert set(rows_by_name(data_for(province_editor, q="hung nguyen"))) == {"Nguyễn Văn Hùng"}
        page = client_for(province_editor).get(URL, {"unit": tree.district.pk, "level": "district"})
        assert page.context["data"].totals.total.trips == 1
        assert "Lê Văn Minh" in page.content.decode() and "Trần Thị Lan" not in page.content.decode()

    def test_it_shows_the_bar_in_the_states_colour(self, province_editor, states):
        page = client_for(province_editor).get(URL).content.decode()
        assert 'class="progress-bar bg-success" data-percent="100"' in page  # Lan: 10 of 10
        assert 'class="progress-bar bg-warning" data-percent="10"' in page  # Hùng: 1 of 10
        assert 'aria-valuemin="0" aria-valuemax="100"' in page


@pytest.mark.usefixtures("frozen")
class TestTotals:
    def test_it_totals_in_the_published_style(self, province_editor, year):
        totals = data_for(province_editor).totals
        total = totals.total
        assert (total.cadres, total.trips, total.trip_days, total.topic_trips) == (3, 5, Decimal(10), 2)
        levels = {line.level: line for line in totals.levels}
        assert set(levels) == {UnitLevel.PROVINCE, UnitLevel.DISTRICT}
        province, district = levels[UnitLevel.PROVINCE], levels[UnitLevel.DISTRICT]
        assert (province.cadres, province.trips, province.total_days, province.topic_trips) == (
            2,
            4,
            Decimal("8.5"),
            2,
        )
        assert (district.cadres, district.trips, district.total_days, district.topic_trips) == (
            1,
            1,
            Decimal("1.5"),
            1,
        )
        page = client_for(province_editor).get(URL).content.decode()
        assert "Năm 2026: 3 cán bộ đi cơ sở, 5 lượt, 10 ngày, 2 đợt theo chuyên đề." in page
        assert "Cấp tỉnh: 4 lượt, 8,5 ngày; cấp huyện: 1 lượt, 1,5 ngày." in page

    def test_it_totals_by_unit(self, tree, province_editor, year):
        units = {line.unit_id: line for line in data_for(province_editor).totals.units}
        assert list(units) == [tree.province.pk, tree.district.pk]  # down the tree
        assert (units[tree.province.pk].trips, units[tree.province.pk].trip_days) == (4, Decimal("8.5"))
        assert units[tree.province.pk].topic_trips == 2
        page = client_for(province_editor).get(URL).content.decode()
        assert f'data-unit="{tree.district.pk}"' in page

    def test_it_counts_a_cadre_seconded_and_on_trips_once(self, tree, province_editor, people, year):
        secondment_save(
            secondment=Secondment(
                cadre=people["lan"], host=tree.commune_b, starts_on=day(4, 1), ends_on=day(6, 30)
            ),
            user=province_editor,
        )
        seconded = SecondmentYear.objects.get(cadre=people["lan"]).days
        total = data_for(province_editor).totals.total
        assert (total.cadres, total.seconded, total.secondment_days) == (3, 1, seconded)
        assert total.total_days == Decimal(10) + seconded
        summary = data_for(province_editor).summary
        assert summary.startswith("Năm 2026: 3 cán bộ đi cơ sở, 5 lượt")
        assert "(trong đó 1 cán bộ tăng cường cơ sở" in summary

    def test_it_counts_a_cadre_who_has_left_since(self, province_editor, people, year):
        people["minh"].status, people["minh"].left_on = "transferred", day(6, 1)
        people["minh"].save()
        data = data_for(province_editor)
        assert "Lê Văn Minh" not in rows_by_name(data)
        assert (data.totals.total.cadres, data.totals.total.trips) == (3, 5)

    def test_it_counts_again_once_a_trip_changes(self, tree, province_editor, people, year, make_trip):
        client = client_for(province_editor)
        assert client.get(URL).context["data"].totals.total.trips == 5  # now cached
        trip = make_trip(tree.province, tree.commune_b, [people["minh"]], starts_on=day(4, 6))
        data = client.get(URL).context["data"]
        assert (data.totals.total.trips, data.overdue_count) == (6, 4)
        trip_report(trip=trip, base_version=trip.version, files=[], user=province_editor)
        assert client.get(URL).context["data"].overdue_count == 3

    def test_it_says_so_when_nobody_went(self, province_editor, people):
        page = client_for(province_editor).get(URL).content.decode()
        assert "Năm 2026: 0 cán bộ đi cơ sở, 0 lượt, 0 ngày, 0 đợt theo chuyên đề." in page
        assert "Chưa có cán bộ nào đi cơ sở trong năm 2026." in page
        assert "Không có báo cáo nào quá hạn." in page


@pytest.mark.usefixtures("frozen")
class TestUnvisited:
    def test_it_lists_the_base_units_nobody_went_to(self, tree, province_editor, people, make_trip):
        # Commune A through its chi đoàn; commune B only last year and on a cancelled trip.
        make_trip(tree.province, tree.branch_a, [people["lan"]], starts_on=day(3, 2))
        make_trip(tree.province, tree.commune_b, [people["lan"]], starts_on=datetime.date(2025, 5, 4))
        make_trip(
            tree.province, tree.commune_b, [people["hung"]], starts_on=day(3, 2), status=TripStatus.CANCELLED
        )
        data = data_for(province_editor)
        assert [unit.pk for unit in data.unvisited] == [tree.commune_b.pk, tree.district_commune.pk]
        assert data.unvisited_count == 2
        page = client_for(province_editor).get(URL).content.decode()
        assert f'data-unit="{tree.commune_b.pk}"' in page
        assert f'data-unit="{tree.commune_a.pk}"' not in page
        assert tree.other_commune.name not in page  # outside the scope: never listed

    def test_it_counts_a_secondment_as_a_visit(self, tree, province_editor, people):
        secondment_save(
            secondment=Secondment(
                cadre=people["minh"], host=tree.district_commune, starts_on=day(1, 5), ends_on=day(4, 30)
            ),
            user=province_editor,
        )
        assert tree.district_commune.pk not in [unit.pk for unit in data_for(province_editor).unvisited]

    def test_it_caps_the_list_on_the_page(self, tree, province_editor, monkeypatch):
        data = progress_data(province_editor, ProgressFilters(year=2026), limit=1)
        assert (len(data.unvisited), data.unvisited_count) == (1, 3)
        monkeypatch.setattr(views, "progress_data", lambda user, filters: data)
        page = client_for(province_editor).get(URL).content.decode()
        assert "và 2 đơn vị khác" in page


@pytest.mark.usefixtures("frozen")
class TestOverdue:
    def test_it_lists_a_trip_eleven_days_after_its_end(self, tree, province_editor, people, make_trip):
        late = make_trip(
            tree.province,
            tree.branch_a,
            [people["lan"]],
            starts_on=TODAY - datetime.timedelta(days=12),
            ends_on=TODAY - datetime.timedelta(days=11),
        )
        due = make_trip(
            tree.province, tree.branch_a, [people["hung"]], starts_on=TODAY - datetime.timedelta(days=10)
        )
        reported = make_trip(tree.province, tree.commune_b, [people["minh"]], starts_on=day(5, 4))
        trip_report(trip=reported, base_version=reported.version, files=[], user=province_editor)
        data = data_for(province_editor)
        assert [trip.pk for trip in data.overdue] == [late.pk]
        assert (data.overdue_count, data.overdue[0].days_late) == (1, 1)
        assert rows_by_name(data)["Trần Thị Lan"].overdue == 1
        page = client_for(province_editor).get(URL).content.decode()
        assert f'<a href="{late.get_absolute_url()}">' in page
        assert 'data-days-late="1">quá 1 ngày' in page
        assert f'data-trip="{due.pk}"' not in page and f'data-trip="{reported.pk}"' not in page

    def test_it_keeps_other_units_overdue_trips_out(self, tree, people, make_trip, commune_editor):
        make_trip(tree.province, tree.branch_a, [people["lan"]], starts_on=day(5, 4))
        assert data_for(commune_editor).overdue_count == 0


@pytest.mark.usefixtures("frozen")
class TestScope:
    def test_it_never_shows_another_provinces_cadres(self, tree, province_editor, people, make_trip):
        make_trip(tree.other_province, tree.other_commune, [people["khac"]], starts_on=day(3, 2))
        data = data_for(province_editor)
        assert "Đỗ Thị Khác" not in rows_by_name(data)
        assert data.totals.total.trips == 0
        response = client_for(province_editor).get(URL, {"unit": tree.other_province.pk})
        assert response.status_code == 200
        assert "Đỗ Thị Khác" not in response.content.decode()
        assert response.context["form"].errors["unit"]

    def test_it_shows_a_commune_editor_only_the_communes_cadres(
        self, tree, people, year, make_trip, commune_editor
    ):
        make_trip(tree.commune_a, tree.branch_a, [people["an"]], starts_on=day(3, 2), days=Decimal("0.5"))
        data = data_for(commune_editor)
        assert set(rows_by_name(data)) == {"Phạm Văn An"}
        assert (data.totals.total.cadres, data.totals.total.trips, data.totals.total.trip_days) == (
            1,
            1,
            Decimal("0.5"),
        )
        assert data.unvisited == []  # commune A itself was visited
        page = client_for(commune_editor).get(URL).content.decode()
        assert "Phạm Văn An" in page and "Trần Thị Lan" not in page

    def test_it_lets_a_viewer_read_it(self, viewer, year):
        assert client_for(viewer).get(URL).status_code == 200

    def test_it_asks_for_a_sign_in(self, client):
        assert client.get(URL).status_code == 302

    def test_it_rejects_post(self, province_editor):
        assert client_for(province_editor).post(URL).status_code == 405
        assert client_for(province_editor).post(XLSX_URL).status_code == 405


@pytest.mark.usefixtures("frozen")
class TestBadInput:
    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"year": "abc"}, "year"),
            ({"year": "1999"}, "year"),
            ({"year": "99999999999999999999"}, "year"),
            ({"unit": "999999999999"}, "unit"),
            ({"unit": "99999999999999999999999"}, "unit"),
            ({"unit": "abc"}, "unit"),
            ({"level": "zzz"}, "level"),
            ({"state": "lost"}, "state"),
            ({"q": " ".join(["a"] * 11)}, "q"),
        ],
    )
    def test_it_answers_with_the_forms_message(self, province_editor, year, params, field):
        response = client_for(province_editor).get(URL, params)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert 'id="filter-errors"' in response.content.decode()
        # The other filters still apply, the year falls back to this one.
        assert response.context["data"].filters.year == 2026

    def test_it_keeps_the_valid_filters(self, tree, province_editor, year):
        response = client_for(province_editor).get(URL, {"level": "zzz", "unit": tree.district.pk})
        assert response.context["data"].filters.unit == tree.district

    def test_it_sends_a_bad_export_back_to_the_page(self, province_editor, year):
        response = client_for(province_editor).get(XLSX_URL, {"year": "abc", "state": "met"})
        assert response.status_code == 302
        assert response["Location"] == f"{URL}?year=abc&state=met"


@pytest.mark.usefixtures("frozen")
class TestWorkbook:
    def test_it_holds_the_pages_figures(self, tree, province_editor, people, year):
        secondment_save(
            secondment=Secondment(
                cadre=people["hung"], host=tree.commune_b, starts_on=day(4, 1), ends_on=day(6, 30)
            ),
            user=province_editor,
        )
        response = client_for(province_editor).get(XLSX_URL, {"year": 2026})
        assert response.status_code == 200
        assert "tien-do-1-2-nam-2026.xlsx" in response["Content-Disposition"]
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["Tiến độ", "Tổng hợp", "Đơn vị chưa đến"]

        sheet = workbook["Tiến độ"]
        assert sheet["A1"].value == "TIẾN ĐỘ THỰC HIỆN CHẾ ĐỘ “1+2” NĂM 2026"
        assert sheet["A2"].value == "Năm: 2026; Tính đến ngày 02/07/2026"
        header = [cell.value for cell in sheet[3]]
        assert header[:4] == ["STT", "Họ và tên", "Chức vụ", "Đơn vị"]
        data = data_for(province_editor)
        rows = data.rows(data.ids)
        cells = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
        assert len(cells) == len(rows) == 3
        for number, (line, row) in enumerate(zip(cells, rows, strict=True), start=1):
            cadre = row.cadre
            assert line == [
                number,
                cadre.full_name,
                cadre.position.name,
                cadre.unit.name,
                cadre.unit.get_level_display(),
                60,
                *(float(value) for value in (row.trip_days, row.secondment_days, row.done, row.expected)),
                row.percent,
                row.trips,
                row.overdue,
                row.state_label,
            ]
        hung = next(line for line in cells if line[1] == "Nguyễn Văn Hùng")
        seconded = SecondmentYear.objects.get(cadre=people["hung"]).days
        assert (hung[6], hung[7], hung[8]) == (5, int(seconded), int(seconded) + 5)

        totals = [[cell.value for cell in row] for row in workbook["Tổng hợp"].iter_rows(min_row=4)]
        assert workbook["Tổng hợp"]["A1"].value.startswith("Năm 2026: 3 cán bộ đi cơ sở, 5 lượt")
        assert totals[0][:6] == ["Toàn bộ", "Tổng cộng", 3, 5, 10, 2]
        assert totals[0][6:] == [1, int(seconded), 10 + int(seconded)]
        assert [line[:6] for line in totals[1:3]] == [
            ["Cấp", "Cấp tỉnh", 2, 4, 8.5, 2],
            ["Cấp", "Cấp huyện", 1, 1, 1.5, 1],
        ]
        assert [line[:2] for line in totals[3:]] == [
            ["Đơn vị", tree.province.name],
            ["Đơn vị", tree.district.name],
        ]

        # Commune A and the district's commune were visited, commune B has Hùng seconded.
        assert list(workbook["Đơn vị chưa đến"].iter_rows(min_row=4)) == []

    def test_it_follows_the_filters_and_logs_the_export(self, tree, province_editor, year):
        response = client_for(province_editor).get(XLSX_URL, {"state": "behind", "level": "district"})
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = workbook["Tiến độ"]
        assert (
            sheet["A2"].value
            == "Năm: 2026; Cấp: Cấp huyện; Tình trạng: Chậm tiến độ; Tính đến ngày 02/07/2026"
        )
        assert [row[1].value for row in sheet.iter_rows(min_row=4)] == ["Lê Văn Minh"]
        # The totals follow the level, not the state; the unvisited units neither.
        assert workbook["Tổng hợp"]["A2"].value == "Năm: 2026; Cấp: Cấp huyện; Tính đến ngày 02/07/2026"
        totals = [[cell.value for cell in row] for row in workbook["Tổng hợp"].iter_rows(min_row=4)]
        assert [line[:4] for line in totals] == [
            ["Toàn bộ", "Tổng cộng", 1, 1],
            ["Cấp", "Cấp huyện", 1, 1],
            ["Đơn vị", tree.district.name, 1, 1],
        ]
        assert workbook["Đơn vị chưa đến"]["A2"].value == "Năm: 2026; Tính đến ngày 02/07/2026"
        unvisited = [[cell.value for cell in row] for row in workbook["Đơn vị chưa đến"].iter_rows(min_row=4)]
        assert unvisited == [[1, tree.commune_b.name, tree.province.name, tree.commune_b.code]]
        log = AccessLog.objects.get(action=AccessAction.EXPORT)
        assert log.rows == 1 and "Tiến độ “1+2” năm 2026" in log.detail

    def test_it_refuses_a_list_too_long(self, province_editor, year, monkeypatch):
        monkeypatch.setattr(views, "MAX_XLSX_ROWS", 2)
        client = client_for(province_editor)
        response = client.get(XLSX_URL, {"year": 2026})
        assert response.status_code == 302
        assert response["Location"] == f"{URL}?year=2026"
        page = client.get(response["Location"])
        assert "tối đa 2 người" in page.content.decode()


@pytest.mark.usefixtures("frozen")
class TestQueries:
    def seed(self, tree, make_cadre, make_trip, size: int) -> None:
        cadres = [make_cadre(tree.province, code="uv-btv") for _ in range(size)]
        for week in range(size):
            start = day(1, 5) + datetime.timedelta(weeks=week)
            make_trip(
                tree.province,
                tree.branch_a,
                cadres[week : week + 3],
                starts_on=start,
                topic="Chuyên đề" * (week % 2),
            )
            make_trip(
                tree.province,
                tree.commune_b,
                cadres[week : week + 2],
                starts_on=start + datetime.timedelta(days=2),
            )

    @pytest.mark.parametrize("size", [2, 12])
    def test_it_runs_the_same_queries_whatever_the_data(
        self, tree, make_cadre, make_trip, province_editor, django_assert_max_num_queries, size
    ):
        self.seed(tree, make_cadre, make_trip, size)
        client = client_for(province_editor)
        client.get(URL)
        cache.clear()  # the first visit after a change: everything computed again
        with django_assert_max_num_queries(20):
            response = client.get(URL, {"state": "behind"})
        assert len(response.context["rows"]) == size
        with django_assert_max_num_queries(12):  # a visit with the figures cached
            client.get(URL, {"state": "behind"})


# --- In a browser ---------------------------------------------------------------------------------


@pytest.fixture
def catalogues(transactional_db):
    """The positions, standards and "1+2" rules a fresh database holds, emptied after each
    transactional test: tests/browser/conftest.py reseeds them for every test of its folder,
    here only for the test that needs them (the others keep their transaction)."""
    import importlib

    from django.apps import apps

    for migration in [*SEEDING_MIGRATIONS, "fieldwork.migrations.0002_seed_rules"]:
        importlib.import_module(migration).seed(apps, None)


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_the_progress_filter_form_counts_what_the_database_counts(
    catalogues,
    browser_page,  # noqa: F811 -- the fixture imported above
    live_server,  # noqa: F811
    tree,
    make_cadre,
    make_trip,
    province_editor,
    width,
):
    from playwright.sync_api import expect

    from common.dates import today

    now = today()
    lan = make_cadre(tree.province, code="uv-btv", full_name="Trần Thị Lan")
    hung = make_cadre(tree.province, code="uv-btv", full_name="Nguyễn Văn Hùng")
    minh = make_cadre(tree.district, code="uv-btv", full_name="Lê Văn Minh")
    start = max(now - datetime.timedelta(days=40), datetime.date(now.year, 1, 1))
    three_days = {"starts_on": start, "ends_on": start + datetime.timedelta(days=2)}
    made = make_trip(
        tree.province, tree.branch_a, [lan, hung], **three_days, days=Decimal("2.5"), topic="Số hoá"
    )
    trip_report(trip=made, base_version=made.version, files=[], user=province_editor)
    make_trip(tree.district, tree.district_branch, [minh], **three_days, days=Decimal(1))
    everyone = data_for(province_editor, year=now.year)

    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, live_server, "tinhdoan")
    page.goto(live_server.url + URL)
    rows = page.locator("#progress-table tbody tr")
    expect(rows).to_have_count(everyone.count)
    assert int(page.locator("[data-total]").first.get_attribute("data-total")) == everyone.count == 3
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The bars take their width from data-percent (a style attribute would break the CSP).
    bar = page.locator(f"[data-cadre='{lan.pk}'] .progress-bar")
    assert bar.evaluate("bar => bar.style.width") == f"{bar.get_attribute('data-percent')}%"
    expect(page.locator("[data-summary]")).to_contain_text(
        "3 cán bộ đi cơ sở, 3 lượt, 6 ngày, 1 đợt theo chuyên đề"
    )

    # A state, then a unit in the searchable select: "Lọc" keeps both.
    page.locator("#id_state").select_option("overdue")
    page.get_by_role("button", name="Lọc").click()
    expect(rows).to_have_count(data_for(province_editor, year=now.year, state="overdue").count)
    expect(page.locator("#progress-table")).to_contain_text("Lê Văn Minh")
    page.locator("#id_state").select_option("")
    choose_unit(page, "huyen doan", re.compile("^Huyện đoàn Cũ"))  # not "Đoàn xã Đông Hà – Huyện đoàn Cũ"
    expect(page.locator("#id_unit")).to_have_value(str(tree.district.pk))
    page.get_by_role("button", name="Lọc").click()
    expect(rows).to_have_count(1)
    expect(page.locator("#progress-table")).not_to_contain_text("Trần Thị Lan")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
