"""Courses and enrolments: capacity (also under two concurrent enrolments), duplicates,
completion raising a cadre's level only upward and its undo, scope, and the course pages as a
person uses them."""

import datetime
import importlib
import threading

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse

from accounts.models import Role
from cadres.history import cadre_history
from cadres.models import Cadre, LanguageLevel, PoliticalTheory
from common.models import StaleEditError
from tests.factories import UserFactory
from tests.training.conftest import client_for
from training.models import FEW_COURSES, Course, CourseStatus, Enrollment, EnrollmentStatus
from training.services import ResultRow, enrol, record_results, withdraw


def complete(enrollment: Enrollment, status=EnrollmentStatus.COMPLETED, **values) -> None:
    enrollment.refresh_from_db()
    record_results(
        enrollment.course, [ResultRow(enrollment, enrollment.version, {"status": status, **values})]
    )


def level(cadre: Cadre, field: str = "political_theory"):
    cadre.refresh_from_db()
    return getattr(cadre, field)


# --- Capacity and duplicates -----------------------------------------------------------------


def test_it_enrols_up_to_the_capacity_and_refuses_the_rest_whole(
    tree, make_cadre, make_course, province_editor
):
    course = make_course(tree.province, capacity=2)
    first, second, third = (make_cadre(tree.commune_a, full_name=f"Học viên {n}") for n in range(3))

    with pytest.raises(ValidationError) as refused:
        enrol(course, [first, second, third], user=province_editor)

    assert "chỉ còn 2 chỗ" in " ".join(refused.value.messages)
    assert course.enrollments.count() == 0  # all or none
    enrol(course, [first, second], user=province_editor)
    with pytest.raises(ValidationError, match="chỉ còn 0 chỗ"):
        enrol(course, [third], user=province_editor)
    assert course.enrollments.count() == 2


def test_a_withdrawn_learner_frees_the_place_and_may_come_back(
    tree, make_cadre, make_course, province_editor
):
    course = make_course(tree.province, capacity=1)
    first, second = make_cadre(tree.commune_a), make_cadre(tree.commune_a)
    (enrollment,) = enrol(course, [first], user=province_editor)

    withdraw(enrollment)
    enrol(course, [second], user=province_editor)
    with pytest.raises(ValidationError, match="chỉ còn 0 chỗ"):
        enrol(course, [first], user=province_editor)

    assert set(course.enrollments.taking_places().values_list("cadre", flat=True)) == {second.pk}


def test_it_refuses_a_learner_already_enrolled_or_chosen_twice(
    tree, make_cadre, make_course, province_editor
):
    course = make_course(tree.province)
    cadre, other = make_cadre(tree.commune_a, full_name="Lê Thị Hai"), make_cadre(tree.commune_a)
    enrol(course, [cadre], user=province_editor)

    with pytest.raises(ValidationError, match="Lê Thị Hai đã có trong danh sách học viên"):
        enrol(course, [other, cadre], user=province_editor)
    with pytest.raises(ValidationError, match="được chọn hai lần"):
        enrol(course, [other, other], user=province_editor)

    assert course.enrollments.count() == 1


def test_it_refuses_enrolment_in_a_finished_course_and_cadres_who_left(
    tree, make_cadre, make_course, province_editor
):
    finished = make_course(tree.province, status=CourseStatus.FINISHED)
    left = make_cadre(tree.commune_a, status="transferred", left_on=datetime.date(2026, 1, 1))

    with pytest.raises(ValidationError, match="đã kết thúc"):
        enrol(finished, [make_cadre(tree.commune_a)], user=province_editor)
    with pytest.raises(ValidationError, match="đã thôi công tác"):
        enrol(make_course(tree.province), [left], user=province_editor)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_enrolments_never_both_take_the_last_place(
    tree, make_cadre, make_course, province_editor
):
    # A transactional test starts from tables emptied by the one before: the catalogues again.
    for migration in (
        "cadres.migrations.0003_seed_positions_and_standards",
        "training.migrations.0002_seed_kinds",
    ):
        importlib.import_module(migration).seed(apps, None)
    course = make_course(tree.province, capacity=1)
    cadres = [make_cadre(tree.commune_a), make_cadre(tree.commune_b)]
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(cadre):
        try:
            barrier.wait()
            enrol(course, [cadre], user=province_editor)
            outcomes.append("enrolled")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt, args=[cadre]) for cadre in cadres]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes)[1] == "enrolled" and "chỉ còn 0 chỗ" in sorted(outcomes)[0]
    assert Enrollment.objects.filter(course=course).count() == 1


# --- Completion raises the recorded level, only upward; undo restores it ----------------------


def test_completion_raises_the_level_and_the_history_names_the_course(
    tree, make_cadre, make_course, province_editor
):
    cadre = make_cadre(tree.commune_a, political_theory=PoliticalTheory.ELEMENTARY)
    course = make_course(tree.province, "llct-trung-cap", name="Lớp trung cấp LLCT khoá 12")
    (enrollment,) = enrol(course, [cadre], user=province_editor)

    complete(enrollment, certificate_number="TC-001")

    assert level(cadre) == PoliticalTheory.INTERMEDIATE
    raised = [entry for entry in cadre_history(cadre, sensitive=True) if entry.reason]
    assert "Lớp trung cấp LLCT khoá 12" in raised[0].reason
    assert any(change.new == "Trung cấp" for change in raised[0].changes)


def test_completion_never_lowers_a_higher_level(tree, make_cadre, make_course, province_editor):
    cadre = make_cadre(tree.commune_a, political_theory=PoliticalTheory.ADVANCED)
    (enrollment,) = enrol(make_course(tree.province, "llct-trung-cap"), [cadre], user=province_editor)

    complete(enrollment)
    enrollment.refresh_from_db()

    assert level(cadre) == PoliticalTheory.ADVANCED and enrollment.raised == ""
    complete(enrollment, status=EnrollmentStatus.FAILED)
    assert level(cadre) == PoliticalTheory.ADVANCED  # nothing raised, nothing to undo


def test_taking_a_completion_back_restores_the_level(tree, make_cadre, make_course, province_editor):
    cadre = make_cadre(tree.commune_a, political_theory=PoliticalTheory.ELEMENTARY)
    (enrollment,) = enrol(make_course(tree.province, "llct-trung-cap"), [cadre], user=province_editor)
    complete(enrollment)

    complete(enrollment, status=EnrollmentStatus.FAILED)

    assert level(cadre) == PoliticalTheory.ELEMENTARY
    enrollment.refresh_from_db()
    assert (enrollment.raised, enrollment.raised_from, enrollment.raised_to) == ("", None, None)


def test_undoing_courses_out_of_order_ends_at_the_first_level(tree, make_cadre, make_course, province_editor):
    cadre = make_cadre(tree.commune_a, political_theory=PoliticalTheory.NONE)
    (first,) = enrol(make_course(tree.province, "llct-so-cap"), [cadre], user=province_editor)
    (second,) = enrol(make_course(tree.province, "llct-trung-cap"), [cadre], user=province_editor)
    complete(first)
    complete(second)
    assert level(cadre) == PoliticalTheory.INTERMEDIATE

    complete(first, status=EnrollmentStatus.FAILED)
    assert level(cadre) == PoliticalTheory.INTERMEDIATE  # the second course still stands
    complete(second, status=EnrollmentStatus.FAILED)
    assert level(cadre) == PoliticalTheory.NONE


def test_undo_falls_back_to_another_completed_course_of_the_same_level(
    tree, make_cadre, make_course, province_editor
):
    cadre = make_cadre(tree.commune_a, political_theory=PoliticalTheory.NONE)
    (first,) = enrol(
        make_course(tree.province, "llct-so-cap", name="Sơ cấp 1"), [cadre], user=province_editor
    )
    (again,) = enrol(
        make_course(tree.province, "llct-so-cap", name="Sơ cấp 2"), [cadre], user=province_editor
    )
    complete(first)
    complete(again)  # nothing more to raise

    complete(first, status=EnrollmentStatus.FAILED)

    assert level(cadre) == PoliticalTheory.ELEMENTARY


def test_an_edit_made_since_the_raise_is_kept_by_the_undo(tree, make_cadre, make_course, province_editor):
    cadre = make_cadre(tree.commune_a, political_theory=PoliticalTheory.ELEMENTARY)
    (enrollment,) = enrol(make_course(tree.province, "llct-trung-cap"), [cadre], user=province_editor)
    complete(enrollment)
    cadre.refresh_from_db()
    cadre.political_theory = PoliticalTheory.BACHELOR
    cadre.save()

    complete(enrollment, status=EnrollmentStatus.FAILED)

    assert level(cadre) == PoliticalTheory.BACHELOR


def test_a_language_course_records_the_language_and_its_undo_restores_the_old_one(
    tree, make_cadre, make_course, province_editor
):
    cadre = make_cadre(tree.commune_a, foreign_language="Tiếng Pháp", foreign_language_level=LanguageLevel.A2)
    (enrollment,) = enrol(make_course(tree.province, "tieng-anh-b1"), [cadre], user=province_editor)

    complete(enrollment)
    cadre.refresh_from_db()
    assert (cadre.foreign_language, cadre.foreign_language_level) == ("Tiếng Anh", LanguageLevel.B1)

    withdraw_after_finish = make_course(tree.province, "tieng-anh-b1")
    assert withdraw_after_finish.pk  # another class does not change anything by existing
    complete(enrollment, status=EnrollmentStatus.ATTENDING)
    cadre.refresh_from_db()
    assert (cadre.foreign_language, cadre.foreign_language_level) == ("Tiếng Pháp", LanguageLevel.A2)


def test_withdrawing_a_completed_learner_undoes_the_raise(tree, make_cadre, make_course, province_editor):
    cadre = make_cadre(tree.commune_a, political_theory=PoliticalTheory.NONE)
    course = make_course(tree.province, "llct-so-cap", status=CourseStatus.RUNNING)
    (enrollment,) = enrol(course, [cadre], user=province_editor)
    complete(enrollment)

    withdraw(enrollment)

    assert level(cadre) == PoliticalTheory.NONE
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.WITHDRAWN


def test_results_are_refused_whole_when_a_row_is_stale_or_wrong(
    tree, make_cadre, make_course, province_editor
):
    first = make_cadre(tree.commune_a, political_theory=PoliticalTheory.NONE)
    second = make_cadre(tree.commune_a, political_theory=PoliticalTheory.NONE)
    course = make_course(tree.province, "llct-so-cap")
    one, two = enrol(course, [first, second], user=province_editor)
    stale = one.version
    complete(one, status=EnrollmentStatus.ATTENDING)  # someone else saved meanwhile

    with pytest.raises(StaleEditError):
        record_results(
            course,
            [
                ResultRow(two, two.version, {"status": EnrollmentStatus.COMPLETED}),
                ResultRow(one, stale, {"status": EnrollmentStatus.COMPLETED}),
            ],
        )
    with pytest.raises(ValidationError, match="Chỉ học viên hoàn thành"):
        record_results(
            course,
            [
                ResultRow(two, two.version, {"status": EnrollmentStatus.COMPLETED}),
                ResultRow(
                    one, one.version + 1, {"status": EnrollmentStatus.FAILED, "certificate_number": "X"}
                ),
            ],
        )

    assert level(second) == PoliticalTheory.NONE  # nothing of either attempt was saved
    assert Enrollment.objects.get(pk=two.pk).status == EnrollmentStatus.REGISTERED


# --- Scope ------------------------------------------------------------------------------------


def test_a_commune_sees_courses_it_organises_its_cadres_attend_or_open_above_it(
    tree, make_cadre, make_course, province_editor, commune_editor
):
    own = make_course(tree.commune_a, status=CourseStatus.RUNNING)
    attended = make_course(tree.province, status=CourseStatus.RUNNING)
    enrol(attended, [make_cadre(tree.branch_a)], user=province_editor)
    open_above = make_course(tree.province, status=CourseStatus.OPEN)
    closed_above = make_course(tree.province, status=CourseStatus.RUNNING)
    neighbour = make_course(tree.commune_b, status=CourseStatus.OPEN)
    enrol(neighbour, [make_cadre(tree.commune_b)], user=province_editor)

    visible = set(Course.objects.visible_to(commune_editor))

    assert visible == {own, attended, open_above}
    assert set(Course.objects.managed_by(commune_editor)) == {own}
    client = client_for(commune_editor)
    assert client.get(closed_above.get_absolute_url()).status_code == 404
    assert client.get(neighbour.get_absolute_url()).status_code == 404
    assert client.get(reverse("training:course-results", args=[attended.pk])).status_code == 404


def test_a_commune_editor_cannot_enrol_another_units_cadres(tree, make_cadre, make_course, commune_editor):
    course = make_course(tree.province, status=CourseStatus.OPEN)
    mine, theirs = make_cadre(tree.commune_a), make_cadre(tree.commune_b, full_name="Người Xã Khác")
    client = client_for(commune_editor)

    response = client.post(
        reverse("training:course-enrol", args=[course.pk]), {"cadre": [mine.pk, theirs.pk]}, follow=True
    )

    assert "không thuộc phạm vi đơn vị của bạn" in response.content.decode()
    assert course.enrollments.count() == 0
    client.post(reverse("training:course-enrol", args=[course.pk]), {"cadre": [mine.pk]})
    assert list(course.enrollments.values_list("cadre", flat=True)) == [mine.pk]


def test_a_course_page_shows_a_commune_only_its_own_learners(
    tree, make_cadre, make_course, province_editor, commune_editor
):
    course = make_course(tree.province, status=CourseStatus.RUNNING)
    enrol(
        course,
        [
            make_cadre(tree.commune_a, full_name="Học Viên Nhà"),
            make_cadre(tree.commune_b, full_name="Học Viên Ngoài"),
        ],
        user=province_editor,
    )

    mine = client_for(commune_editor).get(course.get_absolute_url()).content.decode()
    all_of_them = client_for(province_editor).get(course.get_absolute_url()).content.decode()

    assert "Học Viên Nhà" in mine and "Học Viên Ngoài" not in mine
    assert "Học Viên Nhà" in all_of_them and "Học Viên Ngoài" in all_of_them


def test_what_the_pages_remember_follows_each_enrolment_and_each_move(
    tree, make_cadre, make_course, province_editor, commune_editor
):
    """The list's learner counts, a course page's counts by status and the courses a unit's cadres
    attend are remembered between visits (a class can hold a whole province); each change to an
    enrolment or to a cadre shows on the next visit."""
    # More classes elsewhere than are probed one by one: the commune's learners are read whole.
    course, *_rest = (make_course(tree.province, status=CourseStatus.RUNNING) for _ in range(FEW_COURSES + 1))
    first, second = make_cadre(tree.commune_a), make_cadre(tree.commune_a)
    province, commune = client_for(province_editor), client_for(commune_editor)

    def listed(client) -> dict[int, tuple[int, int]]:
        page = client.get(reverse("training:index")).context["page"]
        return {shown.pk: (shown.learners, shown.completed) for shown in page.object_list}

    def by_status(client) -> dict[str, int]:
        counts = client.get(course.get_absolute_url()).context["counts"]
        return {value: count for value, _, count in counts if count}

    assert course.pk not in listed(commune) and listed(province)[course.pk] == (0, 0)
    first_place, second_place = enrol(course, [first, second], user=province_editor)
    assert listed(commune)[course.pk] == (2, 0) == listed(province)[course.pk]
    assert by_status(province) == {EnrollmentStatus.REGISTERED: 2} == by_status(commune)

    complete(first_place)
    withdraw(second_place)
    assert listed(province)[course.pk] == (1, 1)
    assert by_status(province) == {EnrollmentStatus.COMPLETED: 1, EnrollmentStatus.WITHDRAWN: 1}
    assert by_status(commune) == {EnrollmentStatus.COMPLETED: 1, EnrollmentStatus.WITHDRAWN: 1}

    # Both learners move to another commune: the class is no longer this commune's to see.
    for cadre in (first, second):
        cadre.refresh_from_db()
        cadre.unit = tree.commune_b
        cadre.save()
    assert course.pk not in listed(commune)
    assert commune.get(course.get_absolute_url()).status_code == 404
    assert course.pk in listed(province)


# --- Pages ------------------------------------------------------------------------------------


def test_an_editor_creates_a_course_with_class_days(tree, province_editor):
    client = client_for(province_editor)
    kind = Course._meta.get_field("kind").related_model.objects.get(code="tap-huan-nghiep-vu")

    response = client.post(
        reverse("training:course-create"),
        {
            "name": "Tập huấn nghiệp vụ công tác Đoàn năm 2026",
            "kind": kind.pk,
            "organiser": tree.province.pk,
            "starts_on": "2026-04-06",
            "ends_on": "2026-04-20",
            "class_days": "06/04/2026, 13/04/2026; 20/04/2026",
            "place": "Hội trường Tỉnh đoàn",
            "capacity": "120",
            "status": CourseStatus.OPEN,
        },
    )

    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    assert course.days() == [
        datetime.date(2026, 4, 6),
        datetime.date(2026, 4, 13),
        datetime.date(2026, 4, 20),
    ]
    assert course.created_by == province_editor


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ends_on", "2026-03-01", "Ngày kết thúc không được trước ngày bắt đầu"),
        ("class_days", "31/02/2026", "không phải ngày hợp lệ"),
        ("class_days", "01/05/2026", "nằm ngoài thời gian của khoá học"),
        ("capacity", "0", "Phải từ 1 học viên"),
    ],
)
def test_the_course_form_says_what_is_wrong(tree, province_editor, field, value, message):
    data = {
        "name": "Lớp thử",
        "kind": Course._meta.get_field("kind").related_model.objects.get(code="tap-huan-nghiep-vu").pk,
        "organiser": tree.province.pk,
        "starts_on": "2026-04-06",
        "ends_on": "2026-04-20",
        "status": CourseStatus.PLANNED,
    }
    response = client_for(province_editor).post(reverse("training:course-create"), {**data, field: value})

    assert response.status_code == 200 and message in response.content.decode()
    assert not Course.objects.exists()


def test_the_results_grid_saves_the_class_and_raises_levels(tree, make_cadre, make_course, province_editor):
    course = make_course(tree.province, "llct-trung-cap", status=CourseStatus.RUNNING)
    passed = make_cadre(tree.commune_a, full_name="Đạt Yêu Cầu", political_theory=PoliticalTheory.ELEMENTARY)
    failed = make_cadre(tree.commune_a, full_name="Chưa Đạt", political_theory=PoliticalTheory.ELEMENTARY)
    enrol(course, [passed, failed], user=province_editor)
    client = client_for(province_editor)
    url = reverse("training:course-results", args=[course.pk])
    page = client.get(url)
    rows = {form.learner.cadre_id: form for form in page.context["formset"].forms}
    data = {
        "learners-TOTAL_FORMS": "2",
        "learners-INITIAL_FORMS": "2",
        "learners-MIN_NUM_FORMS": "0",
        "learners-MAX_NUM_FORMS": "1000",
    }
    for index, (cadre, status, number) in enumerate(
        [(passed, "completed", "TC-26-001"), (failed, "failed", "")]
    ):
        form = rows[cadre.pk]
        data |= {
            f"learners-{index}-id": form.learner.pk,
            f"learners-{index}-version": form.learner.version,
            f"learners-{index}-status": status,
            f"learners-{index}-score": "8,5" if status == "completed" else "4",
            f"learners-{index}-certificate_number": number,
        }

    response = client.post(url, data)

    assert response.status_code == 302
    assert level(passed) == PoliticalTheory.INTERMEDIATE and level(failed) == PoliticalTheory.ELEMENTARY
    assert Enrollment.objects.get(cadre=passed).certificate_number == "TC-26-001"
    detail = client.get(course.get_absolute_url()).content.decode()
    assert "TC-26-001" in detail

    # The same grid, opened before that save, is refused whole: nothing of it is kept.
    data |= {"learners-1-status": "completed", "learners-1-score": "9"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "vừa được người khác cập nhật" in refused.content.decode()
    assert level(failed) == PoliticalTheory.ELEMENTARY


def test_the_cadre_page_and_cv_list_the_completed_course(tree, make_cadre, make_course, province_editor):
    cadre = make_cadre(tree.commune_a, political_theory=PoliticalTheory.NONE)
    course = make_course(tree.province, "llct-so-cap", name="Lớp sơ cấp LLCT 2026")
    (enrollment,) = enrol(course, [cadre], user=province_editor)
    complete(enrollment)

    page = client_for(province_editor).get(cadre.get_absolute_url()).content.decode()

    assert "Lớp sơ cấp LLCT 2026" in page and "Căn cứ: Hoàn thành khoá học «Lớp sơ cấp LLCT 2026»" in page
    from cadres import registry

    (row,) = registry.cv_rows("training", cadre=cadre, user=province_editor)
    assert row.subject == "Lớp sơ cấp LLCT 2026" and row.school == tree.province.name


def test_a_viewer_cannot_enrol_nor_withdraw(tree, make_cadre, make_course, province_editor):
    viewer = UserFactory(unit=tree.province, role=Role.VIEWER)
    course = make_course(tree.province)
    (enrollment,) = enrol(course, [make_cadre(tree.commune_a)], user=province_editor)
    client = client_for(viewer)

    assert (
        client.post(
            reverse("training:course-enrol", args=[course.pk]), {"cadre": [enrollment.cadre_id]}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("training:enrollment-withdraw", args=[course.pk, enrollment.pk])).status_code
        == 403
    )
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.REGISTERED


def test_a_merge_moves_the_courses_of_the_merged_unit(tree, make_cadre, make_course, system_admin):
    from cadres.merge import unit_merge

    course = make_course(tree.commune_b)
    learner = make_cadre(tree.commune_b)
    enrol(course, [learner], user=system_admin)

    unit_merge(
        sources=[tree.commune_b],
        target=tree.commune_a,
        new_target=None,
        parent=None,
        effective_on=datetime.date(2026, 7, 1),
        decision_number="9-QĐ",
        user=system_admin,
    )

    course.refresh_from_db()
    assert course.organiser == tree.commune_a
    assert course.enrollments.get().cadre.unit == tree.commune_a


def test_the_roster_filters_enrol_every_cadre_they_find(tree, make_cadre, make_course, province_editor):
    course = make_course(tree.province, "tap-huan-nghiep-vu", capacity=10)
    found = [make_cadre(tree.branch_a, full_name=f"Chi Đoàn {n}") for n in range(3)]
    make_cadre(tree.commune_b, full_name="Xã Khác")
    client = client_for(province_editor)
    url = reverse("training:course-enrol", args=[course.pk]) + f"?unit={tree.commune_a.pk}"

    page = client.get(url)
    response = client.post(url, {"all": "1"})

    assert page.context["total"] == 3 and "Ghi danh 3 cán bộ tìm được" in page.content.decode()
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    assert set(course.enrollments.values_list("cadre", flat=True)) == {cadre.pk for cadre in found}
    # A fourth joins the branch: enrolling the filter again adds only them.
    newcomer = make_cadre(tree.branch_a, full_name="Chi Đoàn Mới")
    client.post(url, {"all": "1"})
    assert set(course.enrollments.values_list("cadre", flat=True)) == {
        cadre.pk for cadre in [*found, newcomer]
    }
    again = client.post(url, {"all": "1"}, follow=True)
    assert "đã có trong danh sách học viên" in again.content.decode() and course.enrollments.count() == 4


def test_the_roster_filters_refuse_more_than_the_places_left(tree, make_cadre, make_course, province_editor):
    course = make_course(tree.province, "tap-huan-nghiep-vu", capacity=2)
    for n in range(3):
        make_cadre(tree.branch_a, full_name=f"Chi Đoàn {n}")
    url = reverse("training:course-enrol", args=[course.pk]) + f"?unit={tree.commune_a.pk}"

    response = client_for(province_editor).post(url, {"all": "1"}, follow=True)

    assert "chỉ còn 2 chỗ" in response.content.decode()
    assert not course.enrollments.exists()
