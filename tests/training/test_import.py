"""The class list and results imported from a training centre's Excel file: the preview, the
confirmation, every refusal (row by row and for the whole file) and who may reach the page."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cadres.models import CadreStatus, PoliticalTheory
from tests.factories import UserFactory, xlsx_bytes
from tests.training.conftest import client_for
from training.models import Course, CourseKind, CourseStatus, Enrollment, EnrollmentStatus
from training.services import ResultRow, record_results

HEADER = ["STT", "Họ và tên", "Số CCCD", "Kết quả", "Điểm", "Xếp loại", "Số chứng chỉ", "Ngày cấp"]


@pytest.fixture
def course(tree):
    return Course.objects.create(
        name="Lớp trung cấp lý luận chính trị khoá 12",
        kind=CourseKind.objects.get(code="llct-trung-cap"),
        organiser=tree.commune_a,
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 6, 30),
        status=CourseStatus.OPEN,
    )


@pytest.fixture
def learners(tree, make_cadre):
    """Three cadres of commune A: Lan already on the class, Minh and Hà not yet."""
    return [
        make_cadre(tree.branch_a, full_name="Trần Thị Lan", national_id="052095001234"),
        make_cadre(tree.branch_a, full_name="Nguyễn Văn Minh", national_id="001096002345"),
        make_cadre(tree.commune_a, full_name="Lê Thu Hà", national_id="079097003456"),
    ]


@pytest.fixture
def lan_enrolled(course, learners):
    return Enrollment.objects.create(course=course, cadre=learners[0])


def url(course) -> str:
    return reverse("training:course-import", args=[course.pk])


def upload(client, course, rows, *, name="ket-qua.xlsx"):
    return client.post(url(course), {"file": SimpleUploadedFile(name, xlsx_bytes(rows))})


def confirm(client, course, preview):
    token = preview.context["token"]
    assert token, "the preview offers no confirmation"
    return client.post(url(course), {"token": token})


def good_rows(learners):
    lan, minh, _ = learners
    return [
        ["DANH SÁCH HỌC VIÊN HOÀN THÀNH KHOÁ HỌC"],
        [],
        HEADER,
        [1, "Trần Thị Lan", lan.national_id, "Hoàn thành", "8,5", "Giỏi", "LLCT-2026-001", "15/07/2026"],
        # The CCCD as a number (its leading zeros lost), the name and result without accents.
        [
            2,
            "nguyen van  minh",
            int(minh.national_id),
            "dat",
            7,
            "Khá",
            "LLCT-2026-002",
            datetime.date(2026, 7, 15),
        ],
        # The CCCD as text with an apostrophe and spaces.
        [3, "", "'079 097 003 456", "Đang học", None, None, None, None],
    ]


# --- A good file -------------------------------------------------------------------------------


def test_it_previews_what_each_row_will_do_and_saves_nothing(course, learners, lan_enrolled, commune_editor):
    response = upload(client_for(commune_editor), course, good_rows(learners))

    assert response.status_code == 200
    lines = {line.row.number: line for line in response.context["preview"].rows}
    assert [(n, line.action, line.old_status, line.new_status) for n, line in sorted(lines.items())] == [
        (4, "update", "Đăng ký", "Hoàn thành"),
        (5, "enrol", "", "Hoàn thành"),
        (6, "enrol", "", "Đang học"),
    ]
    html = response.content.decode()
    assert "Đăng ký → Hoàn thành" in html and "Ghi danh mới" in html and "Xác nhận nhập" in html
    assert list(course.enrollments.values_list("cadre__full_name", "status")) == [
        ("Trần Thị Lan", "registered")
    ]
    assert {cadre.political_theory for cadre in type(learners[0]).objects.all()} == {PoliticalTheory.NONE}


def test_it_enrols_records_results_and_raises_political_theory_on_confirmation(
    course, learners, lan_enrolled, commune_editor
):
    client = client_for(commune_editor)

    response = confirm(client, course, upload(client, course, good_rows(learners)))

    assert response.status_code == 302 and response.url == course.get_absolute_url()
    rows = {
        e.cadre.full_name: (
            e.status,
            e.score,
            e.result,
            e.certificate_number,
            e.certificate_date,
            e.enrolled_by,
        )
        for e in course.enrollments.select_related("cadre")
    }
    assert rows == {
        "Trần Thị Lan": (
            "completed",
            Decimal("8.50"),
            "Giỏi",
            "LLCT-2026-001",
            datetime.date(2026, 7, 15),
            None,
        ),
        "Nguyễn Văn Minh": (
            "completed",
            Decimal("7.00"),
            "Khá",
            "LLCT-2026-002",
            datetime.date(2026, 7, 15),
            commune_editor,
        ),
        "Lê Thu Hà": ("attending", None, "", "", None, commune_editor),
    }
    levels = {cadre.full_name: cadre.political_theory for cadre in type(learners[0]).objects.all()}
    assert levels == {"Trần Thị Lan": 2, "Nguyễn Văn Minh": 2, "Lê Thu Hà": 0}
    follow = client.get(response.url)
    assert "Đã nhập tệp kết quả: ghi danh 2 học viên mới, cập nhật kết quả của 1 học viên." in (
        follow.content.decode()
    )


def test_a_finished_course_still_takes_results(course, learners, lan_enrolled, commune_editor):
    course.status = CourseStatus.FINISHED
    course.save()
    client = client_for(commune_editor)
    rows = [HEADER, [1, "Trần Thị Lan", learners[0].national_id, "Không đạt", "4", "", "", ""]]

    response = confirm(client, course, upload(client, course, rows))

    assert response.status_code == 302
    lan_enrolled.refresh_from_db()
    assert (lan_enrolled.status, lan_enrolled.score) == (EnrollmentStatus.FAILED, Decimal("4.00"))
    learners[0].refresh_from_db()
    assert learners[0].political_theory == PoliticalTheory.NONE


def test_it_enrols_again_a_learner_who_had_withdrawn_and_skips_one_never_enrolled(
    course, learners, commune_editor
):
    withdrawn = Enrollment.objects.create(course=course, cadre=learners[0], status=EnrollmentStatus.WITHDRAWN)
    client = client_for(commune_editor)
    rows = [
        HEADER,
        [1, "", learners[0].national_id, "Hoàn thành", "", "", "", ""],
        [2, "", learners[1].national_id, "Rút", "", "", "", ""],
    ]

    preview = upload(client, course, rows)
    assert [line.action_label for line in preview.context["preview"].rows] == [
        "Ghi danh lại",
        "Bỏ qua (đã rút, chưa ghi danh)",
    ]
    assert confirm(client, course, preview).status_code == 302

    withdrawn.refresh_from_db()
    assert withdrawn.status == EnrollmentStatus.COMPLETED
    assert list(course.enrollments.values_list("cadre", flat=True)) == [learners[0].pk]


def test_the_template_lists_the_class_and_comes_back_unchanged(course, learners, commune_editor):
    Enrollment.objects.create(
        course=course,
        cadre=learners[0],
        status=EnrollmentStatus.COMPLETED,
        score=Decimal("9.25"),
        certificate_number="0012",
        certificate_date=datetime.date(2026, 7, 1),
    )
    client = client_for(commune_editor)

    response = client.get(url(course), {"template": "1"})

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[1]] == [
        "STT",
        "Họ và tên",
        "Số CCCD",
        "Kết quả",
        "Điểm",
        "Xếp loại",
        "Giải",
        "Số chứng chỉ",
        "Ngày cấp",
        "Ghi chú",
    ]
    values = [cell.value for cell in sheet[2]]
    assert values[:5] == [1, "Trần Thị Lan", "052095001234", "Hoàn thành", 9.25]
    assert values[7:9] == ["0012", datetime.datetime(2026, 7, 1)]

    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    preview = client.post(url(course), {"file": SimpleUploadedFile("mau.xlsx", buffer.getvalue())})
    assert [line.action for line in preview.context["preview"].rows] == ["unchanged"]


# --- Refusals: nothing saved, every problem named --------------------------------------------------


def test_one_bad_row_saves_nothing_and_the_page_names_each_row_and_column(
    course, learners, lan_enrolled, commune_editor
):
    lan, minh, ha = learners
    rows = [
        HEADER,
        [1, "Trần Thị Lan", lan.national_id, "Hoàn thành", "8", "Giỏi", "", ""],
        [2, "Nguyễn Văn Minh", minh.national_id, "Tốt", "11", "Khá", "=A1", "31/02/2026"],
        [3, "Lê Thị Hà", ha.national_id, "Không đạt", "", "", "LLCT-09", ""],
        [4, "Ai Đó", "12345", "", "", "", "", ""],
    ]
    client = client_for(commune_editor)

    response = upload(client, course, rows)

    html = response.content.decode()
    for problem in [
        "Dòng 3, cột «Kết quả»: “Tốt” không phải kết quả",
        "Dòng 3, cột «Điểm»: điểm “11” phải từ 0 đến 10.",
        "Dòng 3, cột «Số chứng chỉ»: ô chứa công thức Excel",
        "Dòng 3, cột «Ngày cấp»: ngày “31/02/2026” không tồn tại.",
        "Dòng 4, cột «Họ và tên»: “Lê Thị Hà” không khớp với họ tên của cán bộ có số CCCD này (Lê Thu Hà).",
        "Dòng 4, cột «Số chứng chỉ»: chỉ học viên hoàn thành khoá học mới có số chứng chỉ",
        "Dòng 5, cột «Số CCCD»: “12345” không hợp lệ: số CCCD gồm đúng 12 chữ số 0–9.",
    ]:
        assert problem in html
    assert len(response.context["problems"]) == 7
    assert not response.context["token"] and "Xác nhận nhập" not in html
    assert course.enrollments.get().status == EnrollmentStatus.REGISTERED and course.enrollments.count() == 1


def test_it_refuses_a_cadre_outside_the_users_scope(tree, course, learners, make_cadre, commune_editor):
    elsewhere = make_cadre(tree.commune_b, full_name="Phạm Văn Xa", national_id="046098004567")
    rows = [
        HEADER,
        [1, "", learners[1].national_id, "", "", "", "", ""],
        [2, "", elsewhere.national_id, "", "", "", "", ""],
    ]

    response = upload(client_for(commune_editor), course, rows)

    assert response.context["problems"] == [
        "Dòng 3, cột «Số CCCD»: không có cán bộ nào có số CCCD này trong phạm vi đơn vị của bạn."
    ]
    assert "Phạm Văn Xa" not in response.content.decode()
    assert not course.enrollments.exists()


def test_it_refuses_a_cccd_written_twice(course, learners, commune_editor):
    number = learners[1].national_id
    rows = [
        HEADER,
        [1, "", number, "Đạt", "", "", "", ""],
        [2, "", f" {number} ", "Không đạt", "", "", "", ""],
    ]

    response = upload(client_for(commune_editor), course, rows)

    assert response.context["problems"] == ["Dòng 3, cột «Số CCCD»: số CCCD này đã có ở dòng 2."]
    assert not course.enrollments.exists()


def test_it_enrols_no_one_beyond_the_capacity(course, learners, lan_enrolled, commune_editor):
    course.capacity = 2
    course.save()
    rows = [HEADER, *([1, "", cadre.national_id, "", "", "", "", ""] for cadre in learners)]

    response = upload(client_for(commune_editor), course, rows)

    assert response.context["problems"] == [
        "Khoá học chỉ còn 1 chỗ (tối đa 2 học viên): tệp ghi danh thêm 2 người."
    ]
    assert course.enrollments.count() == 1


def test_a_finished_course_takes_no_new_learner(course, learners, commune_editor):
    course.status = CourseStatus.FINISHED
    course.save()

    response = upload(
        client_for(commune_editor), course, [HEADER, [1, "", learners[1].national_id, "Đạt", "", "", "", ""]]
    )

    assert response.context["problems"] == [
        "Dòng 2, cột «Số CCCD»: Nguyễn Văn Minh chưa có trong danh sách học viên, mà khoá học đã kết thúc: "
        "không ghi danh thêm được."
    ]
    assert not course.enrollments.exists()


def test_it_enrols_no_cadre_who_has_left(course, learners, commune_editor):
    type(learners[1]).objects.filter(pk=learners[1].pk).update(
        status=CadreStatus.RESIGNED, left_on=datetime.date(2026, 1, 1)
    )

    response = upload(
        client_for(commune_editor), course, [HEADER, [1, "", learners[1].national_id, "", "", "", "", ""]]
    )

    assert response.context["problems"][0].startswith(
        "Dòng 2, cột «Số CCCD»: Nguyễn Văn Minh đã thôi công tác"
    )
    assert not course.enrollments.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ket-qua.pdf", b"%PDF-1.7", "Chỉ nhận tệp Excel định dạng .xlsx"),
        ("ket-qua.xlsx", b"%PDF-1.7 not a zip", "Không đọc được tệp"),
        ("ket-qua.xlsx", b"", "Tệp rỗng."),
        ("ket-qua.xlsx", xlsx_bytes([["Họ và tên", "Điểm"], ["Lan", 8]]), "Không tìm thấy dòng tiêu đề"),
        ("ket-qua.xlsx", xlsx_bytes([HEADER]), "Tệp không có dòng dữ liệu nào"),
        (
            "ket-qua.xlsx",
            xlsx_bytes([HEADER, *[[n, "", "052095001234"] for n in range(600)]]),
            "tối đa 500 dòng",
        ),
    ],
)
def test_it_refuses_a_file_it_cannot_read_with_a_message(course, commune_editor, name, content, message):
    response = client_for(commune_editor).post(url(course), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["preview"] is None and not course.enrollments.exists()


def test_it_refuses_a_file_over_the_size_limit(course, commune_editor, settings):
    settings.IMPORT_MAX_BYTES = 1024

    response = upload(client_for(commune_editor), course, [HEADER, [1, "x" * 5000, "052095001234"]])

    assert "Tệp quá lớn" in response.content.decode() and not course.enrollments.exists()


def test_it_refuses_a_token_that_was_altered_or_made_for_another_course(
    tree, course, learners, commune_editor
):
    client = client_for(commune_editor)
    preview = upload(client, course, [HEADER, [1, "", learners[1].national_id, "Đạt", "", "", "", ""]])
    token = preview.context["token"]
    other = Course.objects.create(
        name="Lớp khác",
        kind=course.kind,
        organiser=tree.commune_a,
        starts_on=course.starts_on,
        ends_on=course.ends_on,
        status=CourseStatus.OPEN,
    )

    for target, sent in [(course, token[:-2] + "xx"), (course, "garbage"), (other, token)]:
        response = client.post(url(target), {"token": sent})
        assert response.status_code == 200
        assert "Dữ liệu xác nhận không hợp lệ: hãy tải tệp lên lại." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_it_asks_again_when_a_learner_changed_after_the_preview(
    course, learners, lan_enrolled, commune_editor
):
    client = client_for(commune_editor)
    preview = upload(
        client, course, [HEADER, [1, "", learners[0].national_id, "Hoàn thành", "9", "", "", ""]]
    )
    record_results(
        course, [ResultRow(lan_enrolled, lan_enrolled.version, {"status": EnrollmentStatus.FAILED})]
    )

    response = confirm(client, course, preview)

    assert response.status_code == 200
    assert response.context["notice"].startswith("Danh sách học viên vừa thay đổi từ lúc xem trước")
    assert [(line.old_status, line.new_status) for line in response.context["preview"].rows] == [
        ("Không đạt", "Hoàn thành")
    ]
    lan_enrolled.refresh_from_db()
    assert (lan_enrolled.status, lan_enrolled.score) == (EnrollmentStatus.FAILED, None)

    assert confirm(client, course, response).status_code == 302
    lan_enrolled.refresh_from_db()
    assert (lan_enrolled.status, lan_enrolled.score) == (EnrollmentStatus.COMPLETED, Decimal("9.00"))


# --- Who may import ----------------------------------------------------------------------------


def test_a_viewer_gets_403(course, learners, viewer):
    client = client_for(viewer)

    assert client.get(url(course)).status_code == 403
    assert upload(client, course, good_rows(learners)).status_code == 403
    assert not course.enrollments.exists()


def test_an_editor_of_another_unit_gets_404(tree, course, learners):
    other = client_for(UserFactory(username="phuong", unit=tree.commune_b, role=Role.EDITOR))

    assert other.get(url(course)).status_code == 404
    assert other.get(url(course), {"template": "1"}).status_code == 404
    assert upload(other, course, good_rows(learners)).status_code == 404
    assert not course.enrollments.exists()


def test_the_preview_takes_as_many_queries_for_many_rows_as_for_one(course, learners, commune_editor):
    client = client_for(commune_editor)

    def count(rows) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert upload(client, course, [HEADER, *rows]).status_code == 200
        return len(queries)

    one = count([[1, "", learners[0].national_id, "Đạt"]])
    assert count([[n, "", cadre.national_id, "Đạt"] for n, cadre in enumerate(learners)]) == one
