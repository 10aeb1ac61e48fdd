"""The year-end results report (Báo cáo kết quả) of a yearly plan: each target with its actual
figure and status, the year's figures from the other apps (training, "1+2", plan reviews,
evaluations) counted over the plan unit's subtree, as PDF and Word parsed back; the report's
form (editors only; a stale save and a date outside the year refused, nothing saved); scope."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cadres.models import Cadre, Education
from fieldwork.evaluation.models import Classification, Evaluation, EvaluationStatus, Period
from fieldwork.evaluation.services import scheme_for
from fieldwork.models import FieldTrip, TripStatus
from fieldwork.progress import year_figures as fieldwork_year_figures
from fieldwork.services import trip_save
from planning.models import AnnualReview, ReviewStatus, SuccessionPlan, Term
from planning.models import PlanStatus as SuccessionStatus
from reports import documents
from reports.metrics import measure
from reports.models import AnnualPlan, SteeringRole
from reports.year_figures import year_figures
from tests.factories import UserFactory
from tests.reports.test_documents import (
    YEAR,
    client_for,
    docx_of,
    docx_text,
    flat,
    make_plan,
    pdf_of,
    pdf_text,
)
from training.models import Category, Course, CourseKind, CourseStatus, Enrollment, EnrollmentStatus

pytestmark = pytest.mark.django_db

YEAR_END = datetime.date(YEAR, 12, 31)
ASSESSMENT = """1. Ưu điểm:

- Các chỉ tiêu về đào tạo, bồi dưỡng cơ bản **hoàn thành**.

2. Hạn chế:

- Một số cơ sở Đoàn gửi kế hoạch *chậm so với thời hạn*."""
NEXT_STEPS = "- Tiếp tục rà soát, bổ sung quy hoạch nhiệm kỳ 2027 – 2032."


@pytest.fixture
def plan(tree, make_cadre):
    plan = make_plan(
        tree.province,
        make_cadre,
        report_number="95-BC/TĐTN-TCKT",
        report_issued_on=datetime.date(YEAR, 12, 20),
        report_assessment=ASSESSMENT,
        report_next_steps=NEXT_STEPS,
    )
    # The one Bí thư of the subtree holds a degree: 100% of the first target.
    Cadre.objects.filter(pk=plan.steering.get(role=SteeringRole.HEAD).cadre_id).update(
        education=Education.BACHELOR
    )
    return plan


def kind_of(category: str) -> CourseKind:
    return CourseKind.objects.filter(category=category).order_by("pk").first()


def course(
    unit, category: str, *, ends_on=datetime.date(YEAR, 5, 30), status=CourseStatus.FINISHED
) -> Course:
    return Course.objects.create(
        name=f"Lớp {category} {unit.name}",
        kind=kind_of(category),
        organiser=unit,
        starts_on=ends_on - datetime.timedelta(days=20),
        ends_on=ends_on,
        status=status,
    )


def learners(course: Course, cadres, status=EnrollmentStatus.COMPLETED) -> None:
    for cadre in cadres:
        Enrollment.objects.create(course=course, cadre=cadre, status=status)


@pytest.fixture
def year_data(tree, make_cadre, province_editor):
    """The year's records of the province's subtree, and some outside it or outside the year."""
    a = [make_cadre(tree.commune_a, full_name=f"Cán bộ An Bình {i}") for i in range(3)]
    b = make_cadre(tree.commune_b, full_name="Cán bộ Bắc Sơn")
    outside = make_cadre(tree.other_commune, full_name="Cán bộ Ngoài")
    # Training: two finished classes of political theory (4 completed, 1 failed), one of
    # professional training (1 completed); a class not finished, one of last year, one outside.
    theory = course(tree.province, Category.POLITICAL_THEORY)
    learners(theory, a[:2])
    learners(theory, [b], EnrollmentStatus.FAILED)
    learners(course(tree.commune_a, Category.POLITICAL_THEORY), [a[2], b])
    learners(course(tree.commune_b, Category.PROFESSIONAL), [b])
    learners(
        course(tree.commune_a, Category.PROFESSIONAL, status=CourseStatus.RUNNING),
        a,
        EnrollmentStatus.ATTENDING,
    )
    learners(course(tree.commune_a, Category.PROFESSIONAL, status=CourseStatus.PLANNED), a)
    learners(course(tree.commune_a, Category.PROFESSIONAL, ends_on=datetime.date(YEAR - 1, 11, 1)), a)
    learners(course(tree.other_commune, Category.POLITICAL_THEORY), [outside])
    # "1+2": a trip made (2 cadres × 2 days), one cancelled, one outside.
    for organiser, host, cadres, status in (
        (tree.province, tree.commune_a, a[:2], TripStatus.DONE),
        (tree.province, tree.commune_b, [b], TripStatus.CANCELLED),
        (tree.other_province, tree.other_commune, [outside], TripStatus.DONE),
    ):
        trip = trip_save(
            trip=FieldTrip(
                organiser=organiser,
                host=host,
                starts_on=datetime.date(YEAR, 3, 9),
                ends_on=datetime.date(YEAR, 3, 10),
            ),
            cadres=cadres,
            days=None,
            user=province_editor,
        )
        FieldTrip.objects.filter(pk=trip.pk).update(status=status)
    # Plan reviews of the year: approved in An Bình, in progress in Bắc Sơn; one outside.
    term = Term.objects.get(start_year=2025, end_year=2030)
    for unit, status in (
        (tree.commune_a, ReviewStatus.APPROVED),
        (tree.commune_b, ReviewStatus.DRAFT),
        (tree.other_commune, ReviewStatus.APPROVED),
    ):
        decision = {"decision_number": "1-QĐ/ĐU", "decided_on": datetime.date(YEAR, 1, 5)}
        succession = SuccessionPlan.objects.create(
            unit=unit, term=term, status=SuccessionStatus.APPROVED, **decision
        )
        approved = status == ReviewStatus.APPROVED
        AnnualReview.objects.create(
            plan=succession, year=YEAR, status=status, **(decision if approved else {})
        )
    # Evaluations decided for the year: two "tốt", one "xuất sắc"; a quarter's, an undecided
    # one and one outside are not counted.
    scheme = scheme_for(YEAR)
    rated = [
        (a[0], tree.commune_a, Period.YEAR, EvaluationStatus.DECIDED, Classification.GOOD),
        (a[1], tree.commune_a, Period.YEAR, EvaluationStatus.DECIDED, Classification.GOOD),
        (b, tree.commune_b, Period.YEAR, EvaluationStatus.DECIDED, Classification.EXCELLENT),
        (a[2], tree.commune_a, Period.Q1, EvaluationStatus.DECIDED, Classification.DONE),
        (a[2], tree.commune_a, Period.YEAR, EvaluationStatus.REVIEW, Classification.DONE),
        (outside, tree.other_commune, Period.YEAR, EvaluationStatus.DECIDED, Classification.FAILED),
    ]
    for cadre, unit, period, status, classification in rated:
        Evaluation.objects.create(
            cadre=cadre,
            unit=unit,
            year=YEAR,
            period=period,
            scheme=scheme,
            status=status,
            classification=classification,
            final_points=Decimal(80) if status == EvaluationStatus.DECIDED else None,
        )


# --- The year's figures ---------------------------------------------------------------------------


def test_it_counts_the_years_figures_of_the_subtree(tree, year_data):
    figures = year_figures(tree.province, YEAR, day=YEAR_END)

    assert [(line.label, line.courses, line.learners) for line in figures.training] == [
        ("Lý luận chính trị", 2, 4),
        ("Tập huấn nghiệp vụ", 1, 1),
    ]
    assert (figures.courses, figures.learners) == (3, 5)
    assert (figures.fieldwork_cadres, figures.fieldwork_trips, figures.fieldwork_days) == (2, 2, Decimal(4))
    assert figures.reviews == (("Đang rà soát", 1), ("Đã phê duyệt", 1))
    assert figures.evaluations == (
        ("Hoàn thành xuất sắc nhiệm vụ", 1),
        ("Hoàn thành tốt nhiệm vụ", 2),
        ("Hoàn thành nhiệm vụ", 0),
        ("Không hoàn thành nhiệm vụ", 0),
    )


def test_it_narrows_the_figures_to_a_lower_units_subtree(tree, year_data):
    figures = year_figures(tree.commune_b, YEAR, day=YEAR_END)

    assert [(line.label, line.courses, line.learners) for line in figures.training] == [
        ("Lý luận chính trị", 0, 1),  # learnt in An Bình's class
        ("Tập huấn nghiệp vụ", 1, 1),
    ]
    assert (figures.fieldwork_cadres, figures.fieldwork_days) == (0, 0)
    assert figures.reviews == (("Đang rà soát", 1),)
    assert figures.evaluations_total == 1


def test_it_counts_the_quota_as_the_fieldwork_pages_do(tree, year_data):
    user = UserFactory(unit=tree.commune_a)
    expected = fieldwork_year_figures(user, day=YEAR_END)

    figures = year_figures(tree.commune_a, YEAR, day=YEAR_END)

    assert (figures.quota_subject, figures.quota_met) == (expected.subject, expected.met)
    assert figures.fieldwork_days == expected.total.total_days


def test_it_counts_the_figures_in_a_constant_number_of_queries(
    tree, make_cadre, django_assert_max_num_queries, year_data
):
    with django_assert_max_num_queries(13) as few:
        before = year_figures(tree.province, YEAR, day=YEAR_END)
    for index in range(5):
        cadre = make_cadre(tree.commune_b, full_name=f"Học viên {index}")
        learners(course(tree.commune_b, Category.LANGUAGE), [cadre])
    # Remembered between a look and its downloads, counted again after a change.
    with django_assert_max_num_queries(len(few.captured_queries)):
        after = year_figures(tree.province, YEAR, day=YEAR_END)
    assert sum(line.courses for line in after.training) == sum(line.courses for line in before.training) + 5
    with django_assert_max_num_queries(1):  # the version
        assert year_figures(tree.province, YEAR, day=YEAR_END) == after


# --- The report -----------------------------------------------------------------------------------


def test_it_reports_each_target_with_its_actual_figure_and_status(plan):
    lines = documents.target_lines(plan)

    assert [(line.goal, line.actual, line.status) for line in lines] == [
        ("≥ 100%", "100,0% (1/1)", "Đạt"),
        ("≥ 3 người", "0 người", "Chưa đạt"),
        ("≥ 100%", measure(plan.targets().get(order=3)).text, "Chưa đạt"),
    ]


def test_it_prints_the_report_as_a_pdf(client, plan, year_data, province_editor):
    reader = pdf_of(
        client_for(client, province_editor).get(reverse("reports:plan-report-pdf", args=[plan.pk]))
    )
    text = pdf_text(reader)

    for expected in (
        "BCH ĐOÀN TỈNH THỬ",
        "Số: 95-BC/TĐTN-TCKT",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "Thử, ngày 20 tháng 12 năm 2026",
        "BÁO CÁO",
        "Kết quả thực hiện công tác cán bộ năm 2026",
        "Thực hiện Kế hoạch số 12-KH/TĐTN-TCKT ngày 05/02/2026",
        "I. KẾT QUẢ THỰC HIỆN HỆ THỐNG CHỈ TIÊU",
        "Đạt 2/3 chỉ tiêu đề ra",
        "STT Chỉ tiêu Mục tiêu Kết quả Đánh giá",
        "100% Bí thư Đoàn cơ sở đạt trình độ đại học trở lên ≥ 100% 100,0% (1/1) Đạt",
        # The four completions of political theory counted above: the second target is met.
        "Ít nhất 03 cán bộ được đào tạo trung cấp lý luận chính trị ≥ 3 người 4 người Đạt",
        "- Lý luận chính trị: 2 lớp kết thúc; 4 lượt hoàn thành.",
        "- 2 cán bộ đi cơ sở, 2 lượt, tổng cộng 4 ngày.",
        "- 2 đợt rà soát quy hoạch năm 2026 (đang rà soát: 1; đã phê duyệt: 1).",
        "- Đã quyết định xếp loại 3 cán bộ năm 2026 (hoàn thành xuất sắc nhiệm vụ: 1; hoàn thành tốt",
        "III. ĐÁNH GIÁ CHUNG",
        "- Các chỉ tiêu về đào tạo, bồi dưỡng cơ bản hoàn thành.",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027",
        flat(NEXT_STEPS),
        "Nơi nhận:",
        "TM. BAN THƯỜNG VỤ",
    ):
        assert expected in text, expected


def test_it_gives_the_same_report_as_a_word_file(client, plan, year_data, province_editor):
    response = client_for(client, province_editor).get(reverse("reports:plan-report-docx", args=[plan.pk]))
    word = docx_of(response)
    text = docx_text(word)

    for line in documents.report_document(plan).text.splitlines():
        if not line.startswith(("1 ", "2 ", "3 ")):  # the table's rows: cell by cell below
            assert flat(line) in text, line
    table = word.tables[1]
    assert [cell.text for cell in table.rows[0].cells] == [
        "STT",
        "Chỉ tiêu",
        "Mục tiêu",
        "Kết quả",
        "Đánh giá",
    ]
    assert [cell.text for cell in table.rows[1].cells][2:] == ["≥ 100%", "100,0% (1/1)", "Đạt"]
    assert [cell.text for cell in table.rows[2].cells][2:] == ["≥ 3 người", "4 người", "Đạt"]
    assert "<w:tblHeader/>" in table._tbl.xml
    assert (
        'filename="bao-cao-ket-qua-cong-tac-can-bo-2026-tinh-doan-thu.docx"'
        in response["Content-Disposition"]
    )


def test_it_reports_a_plan_without_targets(client, tree, province_editor):
    plan = AnnualPlan.objects.create(
        unit=tree.province,
        year=YEAR,
        issuer="BCH ĐOÀN TỈNH THỬ",
        place="Thử",
        subject="Công tác cán bộ năm 2026",
    )

    text = pdf_text(
        pdf_of(client_for(client, province_editor).get(reverse("reports:plan-report-pdf", args=[plan.pk])))
    )

    assert "Kế hoạch chưa có chỉ tiêu." in text and "STT" not in text
    assert "- Không có khoá học kết thúc trong năm 2026." in text


# --- The form -------------------------------------------------------------------------------------


def form_data(plan, **changes) -> dict:
    return {
        "version": plan.version,
        "report_number": "101-BC/TĐTN-TCKT",
        "report_issued_on": "2026-12-28",
        "report_assessment": "Cơ bản hoàn thành kế hoạch.",
        "report_next_steps": "- Kiện toàn đội ngũ.",
        **changes,
    }


def test_it_shows_the_form_with_the_targets_figures(client, plan, province_editor):
    response = client_for(client, province_editor).get(reverse("reports:plan-report", args=[plan.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "100,0% (1/1)" in html and "Chưa đạt" in html
    assert 'id="report-form"' in html and 'name="version"' in html
    assert "Đạt <strong>1/3</strong>" in html
    assert reverse("reports:plan-report-docx", args=[plan.pk]) in html


def test_it_saves_the_report(client, plan, province_editor):
    response = client_for(client, province_editor).post(
        reverse("reports:plan-report", args=[plan.pk]), form_data(plan)
    )

    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:plan-report", args=[plan.pk]
    )
    plan.refresh_from_db()
    assert plan.report_number == "101-BC/TĐTN-TCKT"
    assert plan.report_issued_on == datetime.date(2026, 12, 28)
    assert plan.report_next_steps == "- Kiện toàn đội ngũ."


def test_it_refuses_a_report_date_outside_the_year(client, plan, province_editor):
    before = AnnualPlan.objects.values().get(pk=plan.pk)

    response = client_for(client, province_editor).post(
        reverse("reports:plan-report", args=[plan.pk]), form_data(plan, report_issued_on="2030-01-05")
    )

    assert response.status_code == 200
    assert "Ngày báo cáo phải trong năm 2026 hoặc 2027." in response.content.decode()
    assert AnnualPlan.objects.values().get(pk=plan.pk) == before


def test_it_refuses_bad_input_with_a_message(client, plan, province_editor):
    before = AnnualPlan.objects.values().get(pk=plan.pk)
    client = client_for(client, province_editor)

    for changes in ({"report_issued_on": "31/02/2026"}, {"report_number": "x" * 61}, {"version": "abc"}):
        response = client.post(reverse("reports:plan-report", args=[plan.pk]), form_data(plan, **changes))
        assert response.status_code == 200
        assert 'id="form-errors"' in response.content.decode()
    assert AnnualPlan.objects.values().get(pk=plan.pk) == before


def test_it_refuses_a_stale_edit(client, plan, province_editor):
    data = form_data(plan)
    AnnualPlan.objects.get(pk=plan.pk).save()  # someone saved meanwhile

    response = client_for(client, province_editor).post(reverse("reports:plan-report", args=[plan.pk]), data)

    assert response.status_code == 200
    assert "đã được người khác cập nhật" in response.content.decode()
    plan.refresh_from_db()
    assert plan.report_number == "95-BC/TĐTN-TCKT"


def test_it_shows_a_plan_dated_outside_its_year_as_the_forms_message(client, plan, province_editor):
    AnnualPlan.objects.filter(pk=plan.pk).update(issued_on=datetime.date(2020, 1, 1))

    response = client_for(client, province_editor).post(
        reverse("reports:plan-report", args=[plan.pk]), form_data(plan)
    )

    assert response.status_code == 200
    assert "Ngày ban hành phải trong năm 2025 hoặc 2026." in response.content.decode()


def test_it_lets_a_viewer_download_the_report_but_not_edit_it(client, plan, viewer):
    before = AnnualPlan.objects.values().get(pk=plan.pk)
    client = client_for(client, viewer)

    assert client.get(reverse("reports:plan-report-pdf", args=[plan.pk])).status_code == 200
    assert client.get(reverse("reports:plan-report-docx", args=[plan.pk])).status_code == 200
    assert client.get(reverse("reports:plan-report", args=[plan.pk])).status_code == 403
    assert client.post(reverse("reports:plan-report", args=[plan.pk]), form_data(plan)).status_code == 403
    assert AnnualPlan.objects.values().get(pk=plan.pk) == before


def test_the_plan_page_links_a_viewer_to_the_reports_files_and_an_editor_to_its_form(
    client, plan, viewer, province_editor
):
    links = {}
    for user in (viewer, province_editor):
        page = client_for(client, user).get(plan.get_absolute_url()).content.decode()
        links[user] = {
            name
            for name in ("reports:plan-report", "reports:plan-report-pdf", "reports:plan-report-docx")
            if f'href="{reverse(name, args=[plan.pk])}"' in page
        }

    assert links[viewer] == {"reports:plan-report-pdf", "reports:plan-report-docx"}
    assert links[province_editor] == {"reports:plan-report"}


def test_it_refuses_another_units_report(client, tree, make_cadre, commune_editor):
    other = make_plan(tree.commune_b, make_cadre)
    client = client_for(client, commune_editor)

    for name in ("reports:plan-report", "reports:plan-report-pdf", "reports:plan-report-docx"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    assert client.post(reverse("reports:plan-report", args=[other.pk]), form_data(other)).status_code == 404


def test_it_keeps_the_upper_plans_report_from_the_lower_unit(client, plan, commune_editor):
    """The upper plan that asks for the commune's is readable as a plan, not as its report."""
    client = client_for(client, commune_editor)

    assert client.get(reverse("reports:plan-pdf", args=[plan.pk])).status_code == 200
    assert client.get(reverse("reports:plan-report-pdf", args=[plan.pk])).status_code == 404
    assert client.get(reverse("reports:plan-report", args=[plan.pk])).status_code == 404


def test_it_refuses_other_methods(client, plan, province_editor):
    client = client_for(client, province_editor)

    assert client.post(reverse("reports:plan-report-pdf", args=[plan.pk])).status_code == 405
    assert client.put(reverse("reports:plan-report", args=[plan.pk])).status_code == 405
