"""The one rule of scope, checked on every model that belongs to a unit against an independent
computation: walk from each row to its unit in Python and compare paths."""

import datetime

import pytest
from django.apps import apps
from django.db import models
from simple_history.models import HistoricalChanges

from accounts.models import Role
from cadres.models import (
    AccessAction,
    AccessLog,
    Commendation,
    Discipline,
    ExportJob,
    ImportJob,
    Unit,
    UnitMerge,
)
from tests.factories import UserFactory
from units.scope import ScopedQuerySet


def scoped_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if not issubclass(model, HistoricalChanges)
        and isinstance(model._default_manager.all(), ScopedQuerySet)
    ]


def unit_of(obj) -> Unit | None:
    """The unit a row belongs to, found by following ``unit_field`` attribute by attribute."""
    field = type(obj)._default_manager.all().unit_field
    if isinstance(obj, AccessLog):
        return obj.cadre.unit if obj.cadre_id else obj.user.unit
    for step in filter(None, field.split("__")):
        obj = getattr(obj, step)
        if obj is None:
            return None
    return obj


def expected_visible(model, user) -> set[int]:
    if not user.is_active:
        return set()
    rows = list(model._default_manager.all())
    if user.is_superuser or (user.role == Role.ADMIN and user.unit_id is None):
        return {row.pk for row in rows}
    if user.unit_id is None:
        return set()
    if model._meta.label == "fieldwork.Secondment":
        # Seen by the cadre's side and by the host's.
        return {
            row.pk
            for row in rows
            if row.cadre.unit.path.startswith(user.unit.path) or row.host.path.startswith(user.unit.path)
        }
    if model._meta.label == "training.Course":
        return {row.pk for row in rows if course_seen(row, user.unit.path)}
    return {
        row.pk for row in rows if (unit := unit_of(row)) is not None and unit.path.startswith(user.unit.path)
    }


def course_seen(course, path: str) -> bool:
    """A course is seen by its organiser's subtree, by the units whose cadres attend it, and by
    the units below its organiser while it is open for enrolment."""
    organiser = course.organiser.path
    return (
        organiser.startswith(path)
        or any(enrollment.cadre.unit.path.startswith(path) for enrollment in course.enrollments.all())
        or (course.status == "open" and path.startswith(organiser) and path != organiser)
    )


@pytest.fixture
def world(tree, make_cadre, province_editor):
    branch_user = UserFactory(username="chidoan", unit=tree.branch_a, role=Role.EDITOR)
    cadres = [
        make_cadre(unit, full_name=f"Cán bộ {unit.code}")
        for unit in (tree.province, tree.commune_a, tree.branch_a, tree.commune_b, tree.district_branch)
    ]
    outside = make_cadre(tree.other_commune, full_name="Cán bộ ngoài")
    for cadre in [*cadres, outside]:
        Commendation.objects.create(cadre=cadre, awarded_on=datetime.date(2024, 1, 1), form="Giấy khen")
        Discipline.objects.create(cadre=cadre, decided_on=datetime.date(2024, 1, 1), form="Khiển trách")
        AccessLog.record(province_editor, AccessAction.VIEW, cadre=cadre)
    AccessLog.record(branch_user, AccessAction.EXPORT, rows=3)
    outsider = UserFactory(username="ngoai", unit=tree.other_commune)
    AccessLog.record(outsider, AccessAction.EXPORT, rows=1)
    # An import or export job belongs to the unit of the user who started it.
    for user in (branch_user, outsider):
        ImportJob.objects.create(user=user, filename="ds.xlsx", size=1)
        ExportJob.objects.create(user=user)
    for target in (tree.commune_a, tree.other_commune):
        merge = UnitMerge.objects.create(
            target=target, effective_on=datetime.date(2025, 7, 1), performed_by=province_editor
        )
        merge.sources.add(tree.branch_b)
    planning_world([*cadres, outside])
    training_world([*cadres, outside], tree)
    fieldwork_world([*cadres, outside], tree, users=(branch_user, outsider))
    reports_world([*cadres, outside])
    return branch_user


def reports_world(cadres) -> None:
    """Each cadre's unit has its 2026 plan, with the cadre in its steering group, and a target."""
    from reports.models import AnnualPlan, SteeringMember, Target

    for cadre in cadres:
        plan = AnnualPlan.objects.create(
            unit=cadre.unit, year=2026, issuer="BCH", place="Gia Lai", subject="Công tác cán bộ năm 2026"
        )
        SteeringMember.objects.create(plan=plan, cadre=cadre, title="Bí thư")
        Target.objects.create(
            unit=cadre.unit, year=2026, text="Ít nhất 3 cán bộ", metric="course_completions", goal=3
        )


def fieldwork_world(cadres, tree, *, users) -> None:
    """For each cadre: a trip to their unit organised by the unit above (the province's cadre
    goes to commune A), with a report's file; a secondment to commune A (commune A's cadre to
    commune B, the outsider to their province); and a trip the branch organises to a group
    below it. The users' calendar addresses."""
    from fieldwork.models import CalendarFeed, FieldTrip, Quota, Secondment, TripAttachment
    from fieldwork.services import secondment_save, trip_save
    from tests.factories import UnitFactory

    everyone = UserFactory(username="di-co-so", unit=None, role=Role.ADMIN, is_superuser=True)

    def trip(organiser, host, cadre, day):
        made = trip_save(
            trip=FieldTrip(organiser=organiser, host=host, starts_on=day, ends_on=day),
            cadres=[cadre],
            days=None,
            user=everyone,
        )
        TripAttachment.objects.create(trip=made, name="bb.pdf", size=1, uploaded_by=everyone)

    for cadre in cadres:
        unit = cadre.unit
        parent = unit.get_parent()
        trip(parent or unit, unit if parent else tree.commune_a, cadre, datetime.date(2026, 3, 9))
        host = {tree.commune_a: tree.commune_b, tree.other_commune: tree.other_province}.get(
            unit, tree.commune_a
        )
        secondment_save(
            secondment=Secondment(
                cadre=cadre,
                host=host,
                starts_on=datetime.date(2026, 5, 4),
                ends_on=datetime.date(2026, 8, 31),
            ),
            user=everyone,
        )
        if unit == tree.branch_a:
            group = UnitFactory(
                parent=tree.branch_a, name="Tổ 1", code="P-A-1-T", level=unit.level, kind=unit.kind
            )
            trip(tree.branch_a, group, cadre, datetime.date(2026, 3, 16))
    for user in users:
        CalendarFeed.objects.create(user=user)
    for unit in (tree.branch_a, tree.other_commune):
        Quota.objects.create(unit=unit, min_days=30)
    evaluation_world(cadres, user=everyone)


def evaluation_world(cadres, *, user) -> None:
    """Each cadre's 2026 evaluation in their unit, self-assessed (so with its points)."""
    from fieldwork.evaluation.services import open_evaluations, record_step

    for unit in {cadre.unit for cadre in cadres}:
        for evaluation in open_evaluations(unit=unit, year=2026, period="year", user=user):
            points = {criterion.pk: criterion.max_points for criterion in evaluation.scheme.criteria.all()}
            record_step(evaluation, step="self", points=points, comment="", user=user, base_version=None)


def training_world(cadres, tree) -> None:
    """For each cadre's unit: a running course it organises with the cadre as learner; and two
    province courses, one open for enrolment with no learner and one running that commune B's
    cadre attends."""
    from tests.training.conftest import kind
    from training.models import Course, CourseStatus
    from training.services import enrol

    everyone = UserFactory(username="dao-tao", unit=None, role=Role.ADMIN, is_superuser=True)

    def course(unit, status):
        return Course.objects.create(
            name=f"Lớp {unit.code} {status}",
            kind=kind("tap-huan-nghiep-vu"),
            organiser=unit,
            starts_on=datetime.date(2026, 4, 1),
            ends_on=datetime.date(2026, 4, 30),
            status=status,
        )

    for cadre in cadres:
        enrol(course(cadre.unit, CourseStatus.RUNNING), [cadre], user=everyone)
    course(tree.province, CourseStatus.OPEN)
    attended = course(tree.province, CourseStatus.RUNNING)
    enrol(attended, [cadre for cadre in cadres if cadre.unit == tree.commune_b], user=everyone)


def planning_world(cadres) -> None:
    """For each cadre's unit: an approved plan with the cadre as candidate for the post they
    hold, a review whose assistant proposes taking them out, and a person of the sourcing pool."""
    from planning.models import SourcePerson, SuccessionPlan, Term
    from planning.services import CandidateRow, add_candidates, approve_plan, start_review, submit_plan
    from tests.factories import position

    everyone = UserFactory(username="quy-hoach", unit=None, role=Role.ADMIN, is_superuser=True)
    term = Term.objects.get(start_year=2025, end_year=2030)
    for cadre in cadres:
        plan = SuccessionPlan.objects.create(unit=cadre.unit, term=term)
        add_candidates(plan, [CandidateRow(cadre, position("uv-bch"))], user=everyone)
        submit_plan(plan, user=everyone)
        approve_plan(
            plan,
            user=everyone,
            decision_number="1",
            decided_on=datetime.date(2026, 1, 2),
            approving_body="Đảng ủy",
        )
        start_review(plan, year=2026, user=everyone)
        SourcePerson.objects.create(
            full_name=f"Nguồn {cadre.unit.code}",
            birth_date=datetime.date(2004, 1, 1),
            gender="male",
            category="collaborator",
            unit=cadre.unit,
        )


def users(tree, branch_user):
    return {
        "province editor": UserFactory(username="p", unit=tree.province, role=Role.EDITOR),
        "commune editor": UserFactory(username="c", unit=tree.commune_a, role=Role.EDITOR),
        "branch editor": branch_user,
        "inactive commune editor": UserFactory(
            username="ic", unit=tree.commune_a, role=Role.EDITOR, is_active=False
        ),
        "superuser": UserFactory(username="su", unit=None, role=Role.ADMIN, is_superuser=True),
        "inactive superuser": UserFactory(
            username="isu", unit=None, role=Role.ADMIN, is_superuser=True, is_active=False
        ),
        "system admin without unit": UserFactory(username="sa", unit=None, role=Role.ADMIN),
        "unit admin": UserFactory(username="ua", unit=tree.commune_b, role=Role.ADMIN),
        "viewer without unit": UserFactory(username="v", unit=None, role=Role.VIEWER),
    }


def test_every_model_that_belongs_to_a_unit_is_scoped():
    """A model with a foreign key to a unit or to a scoped model must be scoped itself. A key to
    a user says who did something (the author of a merge, the owner of an import job), not
    where a row belongs, so it does not count."""
    from accounts.models import User

    scoped = set(scoped_models())
    unscoped = []
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges) or model in scoped:
            continue
        targets = {field.related_model for field in model._meta.concrete_fields if field.is_relation}
        if targets & ((scoped - {User}) | {Unit}):
            unscoped.append(model._meta.label)
    assert unscoped == []


def test_it_knows_every_scoped_model():
    labels = {model._meta.label for model in scoped_models()}
    assert labels >= {
        "units.Unit",
        "accounts.User",
        "cadres.Cadre",
        "cadres.Appointment",
        "cadres.Commendation",
        "cadres.Discipline",
        "cadres.UnitMerge",
        "cadres.AccessLog",
    }


@pytest.mark.parametrize("model", scoped_models(), ids=lambda model: model._meta.label)
def test_visible_to_agrees_with_walking_to_each_rows_unit(model, tree, world):
    for name, user in users(tree, world).items():
        found = set(model._default_manager.visible_to(user).values_list("pk", flat=True))
        expected = expected_visible(model, user)
        assert found == expected, f"{model._meta.label} for {name}"
        # Each kind of user sees something, or nothing, for a reason the test can name.
        if name == "branch editor":
            assert expected != set() or model is UnitMerge
        if name.startswith("inactive") or name == "viewer without unit":
            assert found == set()


def test_it_is_one_join_not_a_subquery(tree, commune_editor):
    from cadres.models import Appointment

    sql = str(Appointment.objects.visible_to(commune_editor).query)

    assert sql.count("SELECT") == 1 and sql.count("JOIN") == 2  # appointment → cadre → unit
    assert f'"cadres_unit"."path" >= {tree.commune_a.path}' in sql


def test_cadres_are_scoped_on_their_own_copy_of_the_path_as_a_range(tree, commune_editor):
    from cadres.models import Cadre

    sql = str(Cadre.objects.visible_to(commune_editor).query)

    assert "JOIN" not in sql and "LIKE" not in sql  # a range walks the roster index
    assert f'"unit_path" >= {tree.commune_a.path}' in sql


@pytest.mark.parametrize(
    ("prefix", "upper"), [("0001", "0002"), ("0009", "000A"), ("00Z", "01"), ("0ZZZ", "1"), ("ZZ", None)]
)
def test_a_subtree_is_the_range_up_to_the_next_prefix(prefix, upper):
    from units.scope import _next_prefix

    assert _next_prefix(prefix) == upper


def test_the_range_holds_exactly_the_subtree(tree):
    from units.scope import subtree_condition

    inside = set(Unit.objects.filter(subtree_condition("path", tree.commune_a.path)))

    assert inside == {unit for unit in Unit.objects.all() if unit.path.startswith(tree.commune_a.path)}
    assert tree.commune_b not in inside and tree.province not in inside
