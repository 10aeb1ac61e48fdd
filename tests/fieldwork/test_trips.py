"""Trips: registration through the form (days from working days, halves, the report's due date),
the overlap rule, the cadres' days grid, the status buttons, the report with its files, and
scope."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from cadres.models import UnitLevel
from common.dates import today
from fieldwork.models import ActivityKind, FieldTrip, Quota, TripAttachment, TripMember, TripStatus
from fieldwork.services import QuotaBook, quota_dates_refresh
from fieldwork.workdays import working_days
from tests.factories import UserFactory

from .conftest import client_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def office(tree, make_cadre):
    """Two cadres of the province office (subject to the quota) and one of a commune."""
    return {
        "lan": make_cadre(tree.province, code="uv-btv", full_name="Trần Thị Lan"),
        "minh": make_cadre(tree.province, code="uv-btv", full_name="Lê Văn Minh"),
        "commune": make_cadre(tree.commune_a, full_name="Phạm Văn Xã"),
    }


def form_data(tree, cadres, **fields) -> dict:
    start = fields.pop("starts_on", datetime.date(2026, 3, 9))
    data = {
        "organiser": tree.province.pk,
        "host": tree.commune_a.pk,
        "starts_on": start.isoformat(),
        "ends_on": fields.pop("ends_on", start).isoformat(),
        "cadres": [cadre.pk for cadre in cadres],
        "topic": "Kiểm tra công tác Đoàn quý I",
        "activities": [ActivityKind.objects.get(code="kiem-tra-giam-sat").pk],
        "plan": "",
        "days": "",
    }
    data.update(fields)
    return data


class TestWorkingDays:
    def test_it_leaves_out_tet_and_the_weekend(self):
        # Friday 13/02/2026 to Tuesday 24/02/2026: Tết from Monday 16 to Friday 20, a weekend on
        # each side; Friday 13, Monday 23 and Tuesday 24 are working days.
        assert working_days(datetime.date(2026, 2, 13), datetime.date(2026, 2, 24)) == 3

    def test_it_counts_a_saturday_made_a_working_day(self):
        # 2026: Saturday 22/08 is worked to give Monday 31/08 off before National Day.
        assert working_days(datetime.date(2026, 8, 22), datetime.date(2026, 8, 23)) == 1
        assert working_days(datetime.date(2026, 8, 31), datetime.date(2026, 9, 2)) == 0

    def test_it_counts_an_ordinary_week(self):
        assert working_days(datetime.date(2026, 3, 9), datetime.date(2026, 3, 15)) == 5


class TestRegistering:
    def test_it_registers_a_trip_for_two_cadres_with_their_working_days(self, tree, province_editor, office):
        client = client_for(province_editor)
        data = form_data(
            tree,
            [office["lan"], office["minh"]],
            starts_on=datetime.date(2026, 2, 13),
            ends_on=datetime.date(2026, 2, 24),
        )
        response = client.post(reverse("fieldwork:trip-create"), data)
        trip = FieldTrip.objects.get()
        assert response.status_code == 302 and response["Location"] == trip.get_absolute_url()
        assert {m.cadre_id: m.days for m in trip.members.all()} == {
            office["lan"].pk: Decimal(3),
            office["minh"].pk: Decimal(3),
        }
        assert trip.report_due_on == datetime.date(2026, 3, 6)  # 10 days after the trip
        assert trip.created_by == province_editor
        assert list(trip.activities.values_list("code", flat=True)) == ["kiem-tra-giam-sat"]

    def test_it_marks_a_past_trip_done_and_a_future_one_registered(self, tree, province_editor, office):
        client = client_for(province_editor)
        client.post(reverse("fieldwork:trip-create"), form_data(tree, [office["lan"]], starts_on=today()))
        later = today() + datetime.timedelta(days=30)
        client.post(reverse("fieldwork:trip-create"), form_data(tree, [office["minh"]], starts_on=later))
        statuses = dict(FieldTrip.objects.values_list("starts_on", "status"))
        assert statuses == {today(): TripStatus.DONE, later: TripStatus.REGISTERED}

    def test_it_takes_half_days(self, tree, province_editor, office):
        data = form_data(tree, [office["lan"]], ends_on=datetime.date(2026, 3, 11), days="2,5")
        client_for(province_editor).post(reverse("fieldwork:trip-create"), data)
        assert TripMember.objects.get().days == Decimal("2.5")

    @pytest.mark.parametrize(
        ("days", "message"),
        [
            ("2,3", "theo nửa ngày"),
            ("4", "Nhiều hơn số ngày của đợt (3 ngày)"),
            ("-1", "lớn hơn hoặc bằng với 0"),
            ("abc", "Nhập một số"),
        ],
    )
    def test_it_refuses_days_it_cannot_count(self, tree, province_editor, office, days, message):
        data = form_data(tree, [office["lan"]], ends_on=datetime.date(2026, 3, 11), days=days)
        response = client_for(province_editor).post(reverse("fieldwork:trip-create"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not FieldTrip.objects.exists()

    def test_it_refuses_a_host_that_is_not_below_the_organiser(self, tree, province_editor, office):
        data = form_data(tree, [office["commune"]], organiser=tree.commune_a.pk, host=tree.commune_b.pk)
        response = client_for(province_editor).post(reverse("fieldwork:trip-create"), data)
        assert "Cơ sở đến phải là đơn vị trực thuộc đơn vị cử đi." in response.content.decode()
        assert not FieldTrip.objects.exists()

    def test_it_refuses_a_cadre_of_another_unit_than_the_organiser(self, tree, province_editor, office):
        data = form_data(tree, [office["lan"]], organiser=tree.commune_a.pk, host=tree.branch_a.pk)
        response = client_for(province_editor).post(reverse("fieldwork:trip-create"), data)
        assert "Trần Thị Lan không thuộc Đoàn xã An Bình" in response.content.decode()
        assert not FieldTrip.objects.exists()

    def test_it_refuses_a_trip_longer_than_three_months(self, tree, province_editor, office):
        data = form_data(tree, [office["lan"]], ends_on=datetime.date(2026, 6, 30))
        response = client_for(province_editor).post(reverse("fieldwork:trip-create"), data)
        assert "tăng cường cơ sở" in response.content.decode()
        assert not FieldTrip.objects.exists()

    def test_it_refuses_a_viewer(self, tree, viewer, office):
        response = client_for(viewer).post(reverse("fieldwork:trip-create"), form_data(tree, [office["lan"]]))
        assert response.status_code == 403
        assert not FieldTrip.objects.exists()

    def test_it_offers_the_office_and_not_the_whole_roster(self, tree, province_editor, office, make_cadre):
        chi_doan = make_cadre(tree.branch_a, full_name="Đỗ Thị Chi Đoàn")
        page = client_for(province_editor).get(reverse("fieldwork:trip-create")).content.decode()
        assert "Trần Thị Lan" in page and "Lê Văn Minh" in page
        assert chi_doan.full_name not in page


class TestOverlaps:
    def test_it_refuses_a_cadre_on_two_trips_at_once(self, tree, province_editor, office, make_trip):
        make_trip(tree.province, tree.commune_b, [office["lan"]], starts_on=datetime.date(2026, 3, 10))
        data = form_data(
            tree,
            [office["minh"], office["lan"]],
            starts_on=datetime.date(2026, 3, 9),
            ends_on=datetime.date(2026, 3, 11),
        )
        response = client_for(province_editor).post(reverse("fieldwork:trip-create"), data)
        page = response.content.decode()
        assert "Trần Thị Lan đã có đợt đi cơ sở ngày 10/03/2026 tại Đoàn phường Bắc Sơn" in page
        assert FieldTrip.objects.count() == 1  # nothing half-saved: Minh was not sent either

    def test_it_allows_the_day_after_and_a_cancelled_trip(self, tree, office, make_trip):
        make_trip(tree.province, tree.commune_b, [office["lan"]], starts_on=datetime.date(2026, 3, 10))
        make_trip(
            tree.province,
            tree.commune_b,
            [office["lan"]],
            starts_on=datetime.date(2026, 3, 12),
            status=TripStatus.CANCELLED,
        )
        make_trip(tree.province, tree.commune_a, [office["lan"]], starts_on=datetime.date(2026, 3, 11))
        make_trip(tree.province, tree.commune_a, [office["minh"]], starts_on=datetime.date(2026, 3, 12))
        assert TripMember.objects.filter(cadre=office["lan"]).count() == 3

    def test_it_refuses_bringing_back_a_cancelled_trip_that_now_overlaps(
        self, tree, province_editor, office, make_trip
    ):
        cancelled = make_trip(
            tree.province,
            tree.commune_b,
            [office["lan"]],
            starts_on=datetime.date(2026, 3, 10),
            status=TripStatus.CANCELLED,
        )
        make_trip(tree.province, tree.commune_a, [office["lan"]], starts_on=datetime.date(2026, 3, 10))
        response = client_for(province_editor).post(
            reverse("fieldwork:trip-status", args=[cancelled.pk]),
            {"status": TripStatus.REGISTERED, "version": cancelled.version},
            follow=True,
        )
        assert "không được trùng ngày" in response.content.decode()
        cancelled.refresh_from_db()
        assert cancelled.status == TripStatus.CANCELLED

    def test_it_edits_a_trip_without_tripping_over_itself(self, tree, province_editor, office, make_trip):
        trip = make_trip(tree.province, tree.commune_a, [office["lan"]], starts_on=datetime.date(2026, 3, 9))
        data = form_data(
            tree, [office["lan"], office["minh"]], ends_on=datetime.date(2026, 3, 10), version=trip.version
        )
        response = client_for(province_editor).post(reverse("fieldwork:trip-edit", args=[trip.pk]), data)
        assert response.status_code == 302
        assert sorted(trip.members.values_list("days", flat=True)) == [Decimal(2), Decimal(2)]

    def test_it_refuses_a_stale_edit(self, tree, province_editor, office, make_trip):
        trip = make_trip(tree.province, tree.commune_a, [office["lan"]], starts_on=datetime.date(2026, 3, 9))
        old = trip.version
        trip.topic = "Đổi bởi người khác"
        trip.save()
        data = form_data(tree, [office["lan"]], topic="Của tôi", version=old)
        response = client_for(province_editor).post(reverse("fieldwork:trip-edit", args=[trip.pk]), data)
        assert "đã được người khác cập nhật" in response.content.decode()
        trip.refresh_from_db()
        assert trip.topic == "Đổi bởi người khác"


class TestDaysAndStatus:
    def test_it_saves_each_cadres_days_together(self, tree, province_editor, office, make_trip):
        trip = make_trip(
            tree.province,
            tree.commune_a,
            [office["lan"], office["minh"]],
            starts_on=datetime.date(2026, 3, 9),
            ends_on=datetime.date(2026, 3, 11),
        )
        lan, minh = (trip.members.get(cadre=office[name]) for name in ("lan", "minh"))
        data = {
            "members-TOTAL_FORMS": 2,
            "members-INITIAL_FORMS": 2,
            "members-0-id": lan.pk,
            "members-0-version": lan.version,
            "members-0-days": "1,5",
            "members-1-id": minh.pk,
            "members-1-version": minh.version,
            "members-1-days": "9",
        }
        client = client_for(province_editor)
        client.post(reverse("fieldwork:trip-days", args=[trip.pk]), data)
        assert set(trip.members.values_list("days", flat=True)) == {Decimal(3)}  # 9 > 3 days: nothing saved
        data["members-1-days"] = "2"
        client.post(reverse("fieldwork:trip-days", args=[trip.pk]), data)
        assert dict(trip.members.values_list("cadre_id", "days")) == {
            office["lan"].pk: Decimal("1.5"),
            office["minh"].pk: Decimal(2),
        }

    def test_it_refuses_confirming_a_trip_not_yet_begun(self, tree, province_editor, office, make_trip):
        trip = make_trip(
            tree.province,
            tree.commune_a,
            [office["lan"]],
            starts_on=today() + datetime.timedelta(days=3),
            status=TripStatus.REGISTERED,
        )
        response = client_for(province_editor).post(
            reverse("fieldwork:trip-status", args=[trip.pk]),
            {"status": "done", "version": trip.version},
            follow=True,
        )
        assert "chưa thể xác nhận đã đi" in response.content.decode()
        trip.refresh_from_db()
        assert trip.status == TripStatus.REGISTERED

    def test_it_cancels_a_trip(self, tree, province_editor, office, make_trip):
        trip = make_trip(tree.province, tree.commune_a, [office["lan"]], starts_on=datetime.date(2026, 3, 9))
        client_for(province_editor).post(
            reverse("fieldwork:trip-status", args=[trip.pk]), {"status": "cancelled", "version": trip.version}
        )
        trip.refresh_from_db()
        assert trip.status == TripStatus.CANCELLED


class TestReport:
    def test_it_files_the_report_with_a_file(self, tree, province_editor, office, make_trip):
        trip = make_trip(tree.province, tree.commune_a, [office["lan"]], starts_on=datetime.date(2026, 3, 9))
        client = client_for(province_editor)
        upload = SimpleUploadedFile("Biên bản làm việc.pdf", PDF, content_type="application/pdf")
        response = client.post(
            reverse("fieldwork:trip-report", args=[trip.pk]),
            {
                "results": "Đã kiểm tra 3 chi đoàn.",
                "difficulties": "",
                "proposals": "",
                "version": trip.version,
                "files": upload,
            },
        )
        assert response.status_code == 302
        trip.refresh_from_db()
        assert trip.status == TripStatus.REPORTED and trip.reported_by == province_editor
        attachment = TripAttachment.objects.get()
        download = client.get(reverse("fieldwork:attachment", args=[trip.pk, attachment.pk]))
        assert b"".join(download.streaming_content) == PDF
        assert "attachment" in download["Content-Disposition"]

    def test_it_refuses_a_program_renamed_as_a_pdf(self, tree, province_editor, office, make_trip):
        trip = make_trip(tree.province, tree.commune_a, [office["lan"]], starts_on=datetime.date(2026, 3, 9))
        upload = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
        response = client_for(province_editor).post(
            reverse("fieldwork:trip-report", args=[trip.pk]),
            {"results": "Kết quả", "version": trip.version, "files": upload},
        )
        assert "không phải tệp PDF hợp lệ" in response.content.decode()
        trip.refresh_from_db()
        assert trip.status == TripStatus.DONE and not TripAttachment.objects.exists()

    def test_it_refuses_a_report_without_results(self, tree, province_editor, office, make_trip):
        trip = make_trip(tree.province, tree.commune_a, [office["lan"]], starts_on=datetime.date(2026, 3, 9))
        response = client_for(province_editor).post(
            reverse("fieldwork:trip-report", args=[trip.pk]), {"results": " ", "version": trip.version}
        )
        assert "Nhập kết quả đợt đi cơ sở." in response.content.decode()

    def test_it_keeps_files_out_of_other_units_reach(
        self, tree, province_editor, commune_editor, office, make_trip
    ):
        trip = make_trip(tree.province, tree.commune_a, [office["lan"]], starts_on=datetime.date(2026, 3, 9))
        client_for(province_editor).post(
            reverse("fieldwork:trip-report", args=[trip.pk]),
            {"results": "Kết quả", "version": trip.version, "files": SimpleUploadedFile("a.pdf", PDF)},
        )
        attachment = TripAttachment.objects.get()
        assert (
            client_for(commune_editor)
            .get(reverse("fieldwork:attachment", args=[trip.pk, attachment.pk]))
            .status_code
            == 404
        )


class TestQuota:
    def test_the_most_specific_rule_wins(self, tree, office, make_cadre):
        Quota.objects.create(year=2026, level=UnitLevel.PROVINCE, min_days=Decimal(40), report_due_days=7)
        Quota.objects.create(
            year=None, unit=tree.province, position=office["lan"].position, min_days=Decimal(30)
        )
        book = QuotaBook(2026)
        lan = type(office["lan"]).objects.select_related("unit").get(pk=office["lan"].pk)
        commune = type(office["lan"]).objects.select_related("unit").get(pk=office["commune"].pk)
        assert book.for_cadre(lan).min_days == Decimal(30)  # a post's rule beats a year's level rule
        assert book.for_cadre(commune) is None  # communes' cadres are not subject
        assert QuotaBook(2025).for_cadre(lan).min_days == Decimal(30)
        assert book.report_due_days(tree.province) == 7

    def test_a_changed_quota_re_dates_the_reports_not_filed(self, tree, office, make_trip):
        trip = make_trip(tree.province, tree.commune_a, [office["lan"]], starts_on=datetime.date(2026, 3, 9))
        Quota.objects.filter(level=UnitLevel.PROVINCE).update(report_due_days=5)
        assert quota_dates_refresh(year=None) == 1
        trip.refresh_from_db()
        assert trip.report_due_on == datetime.date(2026, 3, 14)


class TestScope:
    def test_a_trip_of_another_province_does_not_exist(self, tree, province_editor, make_cadre, make_trip):
        stranger = make_cadre(tree.other_province, code="uv-btv")
        trip = make_trip(
            tree.other_province, tree.other_commune, [stranger], starts_on=datetime.date(2026, 3, 9)
        )
        client = client_for(province_editor)
        for name in ("trip-detail", "trip-edit", "trip-report", "trip-history"):
            assert client.get(reverse(f"fieldwork:{name}", args=[trip.pk])).status_code == 404
        assert stranger.full_name not in client.get(reverse("fieldwork:index")).content.decode()

    def test_a_commune_editor_sees_their_own_trips_only(self, tree, commune_editor, office, make_trip):
        province_trip = make_trip(
            tree.province, tree.commune_a, [office["lan"]], starts_on=datetime.date(2026, 3, 9)
        )
        own = make_trip(
            tree.commune_a, tree.branch_a, [office["commune"]], starts_on=datetime.date(2026, 3, 9)
        )
        client = client_for(commune_editor)
        assert client.get(reverse("fieldwork:trip-detail", args=[own.pk])).status_code == 200
        assert client.get(reverse("fieldwork:trip-detail", args=[province_trip.pk])).status_code == 404

    def test_it_does_not_send_a_cadre_outside_the_scope(self, tree, commune_editor, office):
        data = form_data(tree, [office["lan"]], organiser=tree.commune_a.pk, host=tree.branch_a.pk)
        response = client_for(commune_editor).post(reverse("fieldwork:trip-create"), data)
        assert response.status_code == 200 and not FieldTrip.objects.exists()

    def test_the_service_refuses_a_cadre_who_left(self, tree, office, make_trip):
        office["minh"].status = "retired"
        office["minh"].left_on = datetime.date(2025, 12, 31)
        office["minh"].save()
        with pytest.raises(ValidationError, match="đã thôi công tác"):
            make_trip(tree.province, tree.commune_a, [office["minh"]], starts_on=datetime.date(2026, 3, 9))


def test_the_cadre_page_shows_the_years_days(tree, make_cadre, make_trip):
    user = UserFactory(unit=tree.province, role=Role.VIEWER)
    lan = make_cadre(tree.province, code="uv-btv", full_name="Trần Thị Lan")
    year = today().year
    make_trip(
        tree.province,
        tree.commune_a,
        [lan],
        starts_on=datetime.date(year, 1, 5),
        ends_on=datetime.date(year, 1, 7),
    )
    make_trip(tree.province, tree.commune_b, [lan], starts_on=datetime.date(year, 1, 8), days=Decimal("0.5"))
    page = client_for(user).get(lan.get_absolute_url()).content.decode()
    assert "3,5</strong>/60 ngày" in page
