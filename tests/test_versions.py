"""No lost updates: every model that a form edits, in the app or in admin, is a VersionedModel,
and two forms opened on the same record cannot both save — the second is refused with what
changed meanwhile, and nothing of the first is overwritten."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import update_last_login
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from cadres.models import Appointment, Cadre, Commendation, Discipline, Position, PositionStandard, Unit
from common.forms import VersionedFormMixin
from common.models import StaleEditError, VersionedModel
from fieldwork.evaluation.services import open_evaluations, record_step
from fieldwork.models import (
    ActivityKind,
    Criterion,
    FieldTrip,
    Quota,
    Scheme,
    Secondment,
    TripMember,
)
from fieldwork.services import secondment_save, trip_save
from planning.models import (
    AnnualReview,
    Candidate,
    PlanningRules,
    SourcePerson,
    StaffingNorm,
    StructureTarget,
    SuccessionPlan,
    Term,
)
from planning.services import CandidateRow, add_candidates, start_review
from reports.models import AnnualPlan, SteeringMember, Target
from tests.factories import UserFactory, position
from tests.test_admin import admin_url, change_page_data, posted_back
from training.models import Course, CourseKind, Enrollment, SkillStandard, TrainingRules
from training.services import enrol

PROJECT_APPS = {"common", "units", "accounts", "cadres", "planning", "training", "fieldwork", "reports"}

# Models no form edits, and why. The test below checks that no form does.
NOT_EDITED = {
    "common.Snapshot": "figures kept between requests, written only by common.snapshots",
    "cadres.UnitMerge": "a recorded fact: the merge page creates it with the moves; admin shows it read-only",
    "cadres.AccessLog": "the evidence of who saw and exported what: written by the app, never edited",
    "cadres.ImportJob": "written by the import's work (upload, check, commit), never through a form",
    "cadres.ExportJob": "written by the export's work, never through a form",
    "fieldwork.TripAttachment": "a report's file: uploaded or deleted, never edited",
    "fieldwork.SecondmentYear": "derived: rewritten from its secondment's dates on every save",
    "fieldwork.CalendarFeed": "one user's own calendar address: only its owner changes it, by a button",
    "fieldwork.Score": (
        "a criterion's points at each step, written by the step's service under its evaluation's version"
    ),
    "planning.ReviewProposal": (
        "the review assistant's finding: accepted or rejected by a button, under the plan's lock"
    ),
}

STALE = "đã được người khác cập nhật trong lúc bạn sửa"


def label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def project_models() -> list:
    """The project's own models, without django-simple-history's historical copies."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS and not hasattr(model, "instance_type")
    ]


def project_model_forms() -> list[type[forms.ModelForm]]:
    assert get_resolver().url_patterns  # every view, and so every form, imported
    found, todo = [], [forms.ModelForm]
    while todo:
        form = todo.pop()
        todo += form.__subclasses__()
        if form.__module__.split(".")[0] in PROJECT_APPS and getattr(form._meta, "model", None):
            found.append(form)
    return found


def superuser_request():
    request = RequestFactory().get("/")
    request.user = UserFactory.build(is_superuser=True, role="admin")
    return request


def admin_change_forms() -> list[tuple[Any, Any]]:
    """(model, admin) for every admin and inline that may change a row."""
    request = superuser_request()
    found = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        if model_admin.has_change_permission(request):
            found.append((model, model_admin))
        for inline in model_admin.get_inline_instances(request):
            if inline.has_change_permission(request):
                found.append((inline.model, inline))
    return found


def test_it_versions_every_project_model_but_the_listed_read_only_ones():
    unversioned = {label(model) for model in project_models() if not issubclass(model, VersionedModel)}
    assert unversioned == set(NOT_EDITED), (
        "A model edited by a form must be a common.models.VersionedModel; a model no form edits "
        "goes in NOT_EDITED with the reason."
    )


@pytest.mark.django_db
def test_it_finds_no_form_that_edits_a_read_only_model():
    edited = {label(model) for model, _ in admin_change_forms()}
    edited |= {label(form._meta.model) for form in project_model_forms()}
    assert not edited & set(NOT_EDITED)


@pytest.mark.django_db
def test_it_checks_the_version_in_every_edit_form():
    unchecked = [form for form in project_model_forms() if not issubclass(form, VersionedFormMixin)]
    unchecked += [
        model_admin
        for _, model_admin in admin_change_forms()
        if not issubclass(model_admin.form, VersionedFormMixin)
    ]
    assert not unchecked


# Versioned models that admin only shows: the app's forms edit them, and the test named proves
# their refusal.
APP_ONLY = {"fieldwork.Evaluation": "test_it_refuses_a_stale_evaluation_step_and_keeps_the_first"}


def test_it_proves_the_refusal_for_every_versioned_model():
    versioned = {label(model) for model in project_models() if issubclass(model, VersionedModel)}
    assert {label(case.model) for case in ADMIN_CASES} | set(APP_ONLY) == versioned
    assert all(callable(globals().get(test)) for test in APP_ONLY.values())


# --- Two forms open on one record --------------------------------------------------------------


@dataclass
class Case:
    model: type
    field: str
    first: str
    second: str

    def __str__(self) -> str:
        return self.model.__name__


def make(model, tree, make_cadre, province_editor):
    """A record of ``model`` that the system admin and the province editor may edit."""
    if model is Unit:
        return tree.branch_a
    if model in (SuccessionPlan, Candidate, AnnualReview):
        return planning_record(model, tree, make_cadre, province_editor)
    if model is SourcePerson:
        return SourcePerson.objects.create(
            full_name="Lê Thị Nguồn",
            birth_date=datetime.date(2003, 4, 2),
            gender="female",
            category="collaborator",
            unit=tree.commune_a,
        )
    if model in (Course, Enrollment):
        course = Course.objects.create(
            name="Tập huấn nghiệp vụ",
            kind=CourseKind.objects.get(code="tap-huan-nghiep-vu"),
            organiser=tree.commune_a,
            starts_on=datetime.date(2026, 4, 6),
            ends_on=datetime.date(2026, 4, 7),
        )
        if model is Course:
            return course
        (enrollment,) = enrol(course, [make_cadre(tree.commune_a)], user=province_editor)
        return enrollment
    if model in (FieldTrip, TripMember, Secondment):
        return fieldwork_record(model, tree, make_cadre, province_editor)
    if model in (CourseKind, SkillStandard, TrainingRules, ActivityKind, Quota, Scheme, Criterion):
        record = model.objects.order_by("pk").first()  # seeded (training.0002, fieldwork.0002, 0004)
        record.save()
        return record
    if model in (Term, StaffingNorm, StructureTarget, PlanningRules):
        record = model.objects.order_by("pk").first()  # seeded (planning.0002, 0004)
        record.save()
        return record
    if model in (Position, PositionStandard):
        # The seeded catalogue has no history yet; a first save in admin gives it one.
        record = position("uv-bch") if model is Position else PositionStandard.objects.first()
        record.save()
        return record
    if model is get_user_model():
        return province_editor
    if model in (AnnualPlan, SteeringMember, Target):
        return reports_record(model, tree, make_cadre)
    cadre = make_cadre(tree.commune_a, full_name="Lê Văn Tám")
    if model is Cadre:
        return cadre
    if model is Appointment:
        return cadre.appointments.get()
    day = datetime.date(2024, 3, 26)
    if model is Commendation:
        return Commendation.objects.create(cadre=cadre, awarded_on=day, form="Giấy khen")
    return Discipline.objects.create(cadre=cadre, decided_on=day, form="Khiển trách")


def fieldwork_record(model, tree, make_cadre, editor):
    """A trip commune A organises to its chi đoàn with one of its cadres, or a secondment of
    that cadre to commune B."""
    cadre = make_cadre(tree.commune_a, full_name="Lê Văn Đi")
    if model is Secondment:
        secondment = Secondment(
            cadre=cadre,
            host=tree.commune_b,
            starts_on=datetime.date(2026, 5, 4),
            ends_on=datetime.date(2026, 8, 31),
        )
        return secondment_save(secondment=secondment, user=editor)
    trip = FieldTrip(
        organiser=tree.commune_a,
        host=tree.branch_a,
        starts_on=datetime.date(2026, 3, 9),
        ends_on=datetime.date(2026, 3, 10),
    )
    trip = trip_save(trip=trip, cadres=[cadre], days=None, user=editor)
    return trip if model is FieldTrip else trip.members.get()


def planning_record(model, tree, make_cadre, editor):
    """A draft plan of commune A with one candidate; for a review, the plan approved and its
    review started."""
    plan = SuccessionPlan.objects.create(
        unit=tree.commune_a, term=Term.objects.get(start_year=2025, end_year=2030)
    )
    cadre = make_cadre(tree.commune_a, full_name="Lê Văn Quy", birth_date=datetime.date(1999, 1, 1))
    (candidate, _), *_ = add_candidates(plan, [CandidateRow(cadre, position("pho-bi-thu"))], user=editor)
    if model is SuccessionPlan:
        return plan
    if model is Candidate:
        return candidate
    SuccessionPlan.objects.filter(pk=plan.pk).update(status="approved", decision_number="1-QĐ")
    plan.refresh_from_db()
    return start_review(plan, year=2026, user=editor)


def reports_record(model, tree, make_cadre):
    """Commune A's 2026 plan in draft, a cadre of its steering group, or a target of its own."""
    if model is Target:
        return Target.objects.create(
            unit=tree.commune_a, year=2026, text="Ít nhất 3 cán bộ", metric="course_completions", goal=3
        )
    plan = AnnualPlan.objects.create(
        unit=tree.commune_a, year=2026, issuer="BCH ĐOÀN XÃ A", place="Gia Lai", subject="Công tác cán bộ"
    )
    if model is AnnualPlan:
        return plan
    return SteeringMember.objects.create(plan=plan, cadre=make_cadre(tree.commune_a), title="Bí thư")


def get_user_model():
    return apps.get_model("accounts", "User")


ADMIN_CASES = [
    Case(Unit, "note", "Đổi tên thôn", "Sáp nhập thôn"),
    Case(Position, "name", "Uỷ viên Ban Chấp hành (sửa)", "Uỷ viên BCH"),
    Case(PositionStandard, "source", "Hướng dẫn 01", "Hướng dẫn 02"),
    Case(Term, "note", "Đại hội lần thứ IX", "Đại hội lần thứ X"),
    Case(StaffingNorm, "source", "Hướng dẫn 01", "Hướng dẫn 02"),
    Case(StructureTarget, "source", "Hướng dẫn 01", "Hướng dẫn 02"),
    Case(PlanningRules, "source", "Quy định 01", "Quy định 02"),
    Case(SuccessionPlan, "note", "Bổ sung cơ cấu nữ", "Bổ sung cán bộ trẻ"),
    Case(Candidate, "note", "Đang học trung cấp LLCT", "Đã có bằng"),
    Case(AnnualReview, "summary", "Rà soát lần 1", "Rà soát lần 2"),
    Case(SourcePerson, "note", "Tích cực", "Rất tích cực"),
    Case(get_user_model(), "position_title", "Phó Bí thư", "Chánh Văn phòng"),
    Case(Cadre, "phone", "0905111111", "0905222222"),
    Case(Appointment, "decision_number", "12-QĐ/TĐTN", "13-QĐ/TĐTN"),
    Case(Commendation, "issuer", "Tỉnh đoàn", "Huyện đoàn"),
    Case(Discipline, "issuer", "Tỉnh đoàn", "Huyện đoàn"),
    Case(CourseKind, "source", "Hướng dẫn 01", "Hướng dẫn 02"),
    Case(SkillStandard, "source", "Hướng dẫn 01", "Hướng dẫn 02"),
    Case(TrainingRules, "source", "Hướng dẫn 01", "Hướng dẫn 02"),
    Case(Course, "place", "Hội trường xã", "Nhà văn hoá thôn"),
    Case(Enrollment, "note", "Vắng buổi 1", "Đủ buổi"),
    Case(ActivityKind, "name", "Kiểm tra, giám sát (sửa)", "Kiểm tra"),
    Case(Quota, "source", "Hướng dẫn 01", "Hướng dẫn 02"),
    Case(FieldTrip, "topic", "Kiểm tra quý I", "Kiểm tra quý II"),
    Case(TripMember, "days", "1.5", "2.0"),
    Case(Secondment, "decision_number", "12-QĐ/TĐTN", "13-QĐ/TĐTN"),
    Case(Scheme, "source", "Quy định 01", "Quy định 02"),
    Case(Criterion, "name", "Phẩm chất chính trị (sửa)", "Phẩm chất chính trị"),
    Case(AnnualPlan, "subject", "Công tác cán bộ năm 2026", "Công tác cán bộ Đoàn năm 2026"),
    Case(SteeringMember, "title", "Bí thư Đoàn xã", "Bí thư Đoàn xã, Chủ tịch Hội"),
    Case(Target, "text", "Ít nhất 03 cán bộ", "Ít nhất 05 cán bộ"),
]

APP_CASES = [
    Case(Course, "place", "Hội trường xã", "Nhà văn hoá thôn"),
    Case(Cadre, "major", "Luật", "Kinh tế"),
    Case(SuccessionPlan, "note", "Bổ sung cơ cấu nữ", "Bổ sung cán bộ trẻ"),
    Case(Candidate, "note", "Đang học trung cấp LLCT", "Đã có bằng"),
    Case(SourcePerson, "note", "Tích cực", "Rất tích cực"),
    Case(Appointment, "decision_number", "12-QĐ/TĐTN", "13-QĐ/TĐTN"),
    Case(Commendation, "issuer", "Tỉnh đoàn", "Huyện đoàn"),
    Case(Discipline, "issuer", "Tỉnh đoàn", "Huyện đoàn"),
    Case(FieldTrip, "topic", "Kiểm tra quý I", "Kiểm tra quý II"),
    Case(Secondment, "decision_number", "12-QĐ/TĐTN", "13-QĐ/TĐTN"),
]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("case", ADMIN_CASES, ids=str)
def test_it_refuses_a_stale_admin_save_and_keeps_the_first(
    tree, make_cadre, province_editor, system_admin, case
):
    record = make(case.model, tree, make_cadre, province_editor)
    url = admin_url(case.model, "change", record.pk)
    first, second = logged_in(system_admin), logged_in(system_admin)
    opened_first, opened_second = first.get(url), second.get(url)

    saved = first.post(url, change_page_data(opened_first, **{case.field: case.first}))
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    refused = second.post(url, change_page_data(opened_second, **{case.field: case.second}))

    assert refused.status_code == 200
    errors = " ".join(refused.context["adminform"].form.non_field_errors())
    assert "Chưa lưu:" in errors and STALE in errors
    if hasattr(case.model, "history"):  # what the first saved is listed, with who
        assert case.first in errors and system_admin.get_full_name() in errors
    record.refresh_from_db()
    assert str(getattr(record, case.field)) == case.first  # a number's field too (days: "1.5")


def app_edit_url(record) -> str:
    if isinstance(record, SuccessionPlan):
        return reverse("planning:plan-edit", args=[record.pk])
    if isinstance(record, Candidate):
        return reverse("planning:candidate-edit", args=[record.plan_id, record.pk])
    if isinstance(record, SourcePerson):
        return reverse("planning:source-edit", args=[record.pk])
    if isinstance(record, Course):
        return reverse("training:course-edit", args=[record.pk])
    if isinstance(record, FieldTrip):
        return reverse("fieldwork:trip-edit", args=[record.pk])
    if isinstance(record, Secondment):
        return reverse("fieldwork:secondment-edit", args=[record.pk])
    if isinstance(record, Cadre):
        return reverse("cadres:cadre-edit", args=[record.pk])
    if isinstance(record, Appointment):
        return reverse("cadres:appointment-edit", args=[record.cadre_id, record.pk])
    return reverse("cadres:record-edit", args=[record.cadre_id, record._meta.model_name, record.pk])


@pytest.mark.parametrize("case", APP_CASES, ids=str)
def test_it_refuses_a_stale_app_save_and_keeps_the_first(
    tree, make_cadre, province_editor, commune_editor, case
):
    record = make(case.model, tree, make_cadre, province_editor)
    url = app_edit_url(record)
    first, second = logged_in(commune_editor), logged_in(province_editor)
    opened_first, opened_second = first.get(url), second.get(url)

    data = posted_back(opened_first.context["form"]) | {case.field: case.first}
    assert first.post(url, data).status_code == 302
    data = posted_back(opened_second.context["form"]) | {case.field: case.second}
    refused = second.post(url, data)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Chưa lưu:" in html and STALE in html
    assert case.first in html and commune_editor.get_full_name() in html  # what changed, by whom
    record.refresh_from_db()
    assert getattr(record, case.field) == case.first

    # Seen the change, the user saves deliberately against the current version.
    data |= {"version": refused.context["form"].data["version"]}
    assert second.post(url, data).status_code == 302
    record.refresh_from_db()
    assert getattr(record, case.field) == case.second


def test_it_refuses_a_stale_evaluation_step_and_keeps_the_first(
    tree, make_cadre, province_editor, commune_editor
):
    """Two editors open the collective's review of one evaluation; the second's save is refused
    with what the first changed, then saved deliberately once seen."""
    cadre = make_cadre(tree.commune_a, full_name="Lê Văn Xét")
    (evaluation,) = open_evaluations(unit=tree.commune_a, year=2026, period="year", user=province_editor)
    points = {criterion.pk: criterion.max_points for criterion in evaluation.scheme.criteria.all()}
    evaluation = record_step(
        evaluation, step="self", points=points, comment="", user=province_editor, base_version=None
    )
    url = reverse("fieldwork:evaluation-review", args=[evaluation.pk])
    first, second = logged_in(commune_editor), logged_in(province_editor)
    opened_first, opened_second = first.get(url), second.get(url)

    data = posted_back(opened_first.context["form"]) | {"comment": "Tập thể thống nhất"}
    assert first.post(url, data).status_code == 302
    data = posted_back(opened_second.context["form"]) | {"comment": "Cần cố gắng hơn"}
    refused = second.post(url, data)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Chưa lưu:" in html and STALE in html
    assert "Tập thể thống nhất" in html and commune_editor.get_full_name() in html
    evaluation.refresh_from_db()
    assert (evaluation.review_comment, evaluation.review_by) == ("Tập thể thống nhất", commune_editor)
    assert evaluation.cadre == cadre

    # The review may be taken again until the decision: seen the change, the user saves anyway.
    data |= {"version": refused.context["form"].data["version"]}
    assert second.post(url, data).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.review_comment, evaluation.review_by) == ("Cần cố gắng hơn", province_editor)


@pytest.mark.django_db
def test_it_refuses_a_save_checked_against_an_old_version(tree):
    unit = Unit.objects.get(pk=tree.branch_a.pk)
    opened_at = unit.version
    Unit.objects.get(pk=unit.pk).save()  # someone saves meanwhile

    unit.note = "Sửa"
    with pytest.raises(StaleEditError):
        unit.save_checked(opened_at)

    assert Unit.objects.get(pk=unit.pk).note == ""


@pytest.mark.django_db
def test_it_gives_every_save_the_next_version_even_from_an_old_instance(tree):
    old = Unit.objects.get(pk=tree.branch_a.pk)
    Unit.objects.get(pk=old.pk).save()
    Unit.objects.get(pk=old.pk).save()

    old.save()

    assert Unit.objects.get(pk=old.pk).version == old.version == 4


@pytest.mark.django_db
def test_it_does_not_make_a_users_forms_stale_when_they_log_in(tree, client):
    user = UserFactory(unit=tree.province)
    version = user.version

    update_last_login(None, user=user)  # what logging in does

    user.refresh_from_db()
    assert user.last_login and user.version == version
