"""Who gets what, URL by URL. Every URL of the project and of Django admin, walked from the URL
configuration, is asked with GET and POST by every role, about an object inside and one outside
the user's subtree, and must answer what the table below says. A URL with no entry in the table
fails, so a page added tomorrow is covered the day it is added; an entry whose URL is gone fails
too. A refused POST must leave the database as it was."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as AxesAccessLog
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Role, User
from cadres.models import (
    AccessAction,
    AccessLog,
    Appointment,
    Cadre,
    Commendation,
    Discipline,
    ExportJob,
    ExportStatus,
    ImportJob,
    ImportStatus,
    Position,
    PositionStandard,
    Unit,
    UnitKind,
    UnitLevel,
    UnitMerge,
)
from cadres.services import appointment_add
from fieldwork.evaluation.services import record_step, scheme_for
from fieldwork.models import (
    ActivityKind,
    CalendarFeed,
    Criterion,
    Evaluation,
    FieldTrip,
    Quota,
    Scheme,
    Score,
    Secondment,
    SecondmentYear,
    TripAttachment,
    TripMember,
)
from fieldwork.services import secondment_save, trip_save
from planning.models import (
    AnnualReview,
    Candidate,
    PlanningRules,
    ReviewProposal,
    SourcePerson,
    StaffingNorm,
    StructureTarget,
    SuccessionPlan,
    Term,
)
from planning.services import CandidateRow, add_candidates, approve_plan, start_review, submit_plan
from reports.models import AnnualPlan, SteeringMember, Target
from tests.factories import CadreFactory, UnitFactory, UserFactory, position
from training.models import Course, CourseKind, CourseStatus, Enrollment, SkillStandard, TrainingRules
from training.services import enrol

ANONYMOUS, VIEWER, EDITOR, APPROVER, UNIT_ADMIN, SYSTEM_ADMIN = ROLES = (
    "anonymous",
    "viewer",
    "editor",
    "approver",
    "unit_admin",
    "system_admin",
)
ADMINS = {UNIT_ADMIN, SYSTEM_ADMIN}
LOGIN = "login"  # a redirect to the app's login page, ?next= the page asked for
REFUSALS = {LOGIN, 403, 404, 405}

Answer = int | str
# (role, outside) → (answer to GET, answer to POST) for a signed-in role. ``outside``: the object
# named in the URL lies outside the user's subtree (a job: it is someone else's).
Rule = Callable[[str, bool], tuple[Answer, Answer]]


@dataclass(frozen=True)
class Expect:
    answer: Rule
    # The model of the object the URL names, if it names one: its URL is asked about an object
    # inside and one outside the subtree.
    on: type[models.Model] | None = None
    anonymous: tuple[Answer, Answer] = (LOGIN, LOGIN)
    post_data: dict = field(default_factory=dict)


# --- rules -------------------------------------------------------------------------------------------


def signed_in(get: Answer = 200, post: Answer = 200) -> Rule:
    """Any role; nothing to scope."""
    return lambda role, outside: (get, post)


def scoped(rule: Rule) -> Rule:
    """An object of the user's subtree; outside it, the object does not exist for them,
    whatever else the rule says. The system admin sees everything."""
    return lambda role, outside: (404, 404) if outside and role != SYSTEM_ADMIN else rule(role, outside)


def in_scope(get: Answer = 200, post: Answer = 200) -> Rule:
    return scoped(signed_in(get, post))


def owned(get: Answer = 200, post: Answer = 200) -> Rule:
    """A job: only the user who started it sees it, whatever their rights."""
    return lambda role, outside: (404, 404) if outside else (get, post)


def editors(rule: Rule) -> Rule:
    """Viewers are refused before anything is looked up (accounts.permissions.editor_required)."""
    return lambda role, outside: (403, 403) if role == VIEWER else rule(role, outside)


def admins(rule: Rule) -> Rule:
    """Admins only: Django admin answers every other role with the app's 403 page
    (config.admin); so does the merge page, every role but the admins being bound to a commune
    here (cadres.merge.can_merge_units)."""
    return lambda role, outside: rule(role, outside) if role in ADMINS else (403, 403)


def approvers(rule: Rule) -> Rule:
    """Approving and returning: editors and viewers are refused before anything is looked up
    (accounts.permissions.approver_required)."""
    return lambda role, outside: (403, 403) if role in {VIEWER, EDITOR} else rule(role, outside)


def system_admin_only(rule: Rule) -> Rule:
    return lambda role, outside: rule(role, outside) if role == SYSTEM_ADMIN else (403, 403)


def read_only_below_system_admin(rule: Rule) -> Rule:
    """Data of the whole organisation: a unit admin reads it; only the system admin changes it."""

    def answer(role, outside):
        get, post = rule(role, outside)
        return (get, post) if role == SYSTEM_ADMIN else (get, 403)

    return answer


def post_only(rule: Rule) -> Rule:
    """The method is checked first, whatever the object (require_POST)."""
    return lambda role, outside: (405, rule(role, outside)[1])


def get_only(rule: Rule) -> Rule:
    return lambda role, outside: (rule(role, outside)[0], 405)


def refused(status: int) -> Rule:
    return lambda role, outside: (status, status)


def editors_post(rule: Rule) -> Rule:
    """A page every role reads whose POST acts (the needs list's enrolment): a viewer's POST is
    refused with 403."""

    def answer(role, outside):
        get, post = rule(role, outside)
        return (get, 403) if role == VIEWER else (get, post)

    return answer


# --- the table -----------------------------------------------------------------------------------

# The app's URLs and Django admin's own pages, by name.
EXPECTED: dict[str, Expect] = {
    "healthz": Expect(signed_in(200, 405), anonymous=(200, 405)),
    "login": Expect(signed_in(302, 302), anonymous=(200, 200)),
    "logout": Expect(signed_in(405, 302)),
    "password_change": Expect(signed_in()),
    "reports:dashboard": Expect(signed_in(200, 405)),
    "reports:dashboard-charts": Expect(signed_in(200, 405)),
    "planning:index": Expect(signed_in()),
    "planning:plan-create": Expect(editors(signed_in())),
    "planning:vacancies": Expect(signed_in()),
    "planning:source-list": Expect(signed_in(200, 405)),
    "planning:source-create": Expect(editors(signed_in())),
    "planning:source-export": Expect(signed_in(200, 405)),
    "planning:source-edit": Expect(editors(in_scope()), on=SourcePerson),
    # The world's plan is approved, with one candidate and a review in progress (records_in).
    "planning:plan-detail": Expect(in_scope(), on=SuccessionPlan),
    "planning:plan-edit": Expect(editors(in_scope()), on=SuccessionPlan),
    "planning:plan-history": Expect(in_scope(), on=SuccessionPlan),
    "planning:plan-export-pdf": Expect(get_only(in_scope()), on=SuccessionPlan),
    "planning:plan-export-xlsx": Expect(get_only(in_scope()), on=SuccessionPlan),
    "planning:candidate-add": Expect(editors(in_scope()), on=SuccessionPlan),
    "planning:candidate-bulk": Expect(editors(in_scope()), on=SuccessionPlan),
    "planning:candidate-import": Expect(editors(in_scope()), on=SuccessionPlan),
    "planning:candidate-edit": Expect(editors(in_scope()), on=Candidate),
    "planning:candidate-remove": Expect(editors(in_scope()), on=Candidate),
    "planning:candidate-restore": Expect(post_only(editors(in_scope(post=302))), on=Candidate),
    "planning:plan-submit": Expect(post_only(editors(in_scope(post=302))), on=SuccessionPlan),
    "planning:plan-approve": Expect(approvers(in_scope()), on=SuccessionPlan),
    "planning:plan-return": Expect(approvers(in_scope()), on=SuccessionPlan),
    "planning:review-start": Expect(editors(in_scope()), on=SuccessionPlan),
    "planning:review-detail": Expect(in_scope(), on=AnnualReview),
    "planning:proposal-decide": Expect(post_only(editors(in_scope(post=302))), on=ReviewProposal),
    "planning:review-submit": Expect(post_only(editors(in_scope(post=302))), on=AnnualReview),
    "planning:review-approve": Expect(approvers(in_scope()), on=AnnualReview),
    "planning:review-return": Expect(approvers(in_scope()), on=AnnualReview),
    "training:index": Expect(signed_in()),
    "training:course-create": Expect(editors(signed_in())),
    # An empty POST enrols nobody and goes back to the list with the message.
    "training:needs": Expect(editors_post(signed_in(200, 302))),
    "training:calendar": Expect(signed_in(200, 405)),
    "training:course-detail": Expect(in_scope(), on=Course),
    "training:course-edit": Expect(editors(in_scope()), on=Course),
    "training:course-history": Expect(in_scope(), on=Course),
    "training:course-enrol": Expect(editors(in_scope(200, 302)), on=Course),
    "training:course-results": Expect(editors(in_scope()), on=Course),
    "training:course-import": Expect(editors(in_scope()), on=Course),
    "training:class-list-pdf": Expect(get_only(in_scope()), on=Course),
    "training:class-list-xlsx": Expect(get_only(in_scope()), on=Course),
    "training:certificates-pdf": Expect(get_only(in_scope()), on=Course),
    "training:certificates-xlsx": Expect(get_only(in_scope()), on=Course),
    "training:enrollment-withdraw": Expect(post_only(editors(in_scope(post=302))), on=Enrollment),
    "fieldwork:index": Expect(signed_in(200, 405)),
    "fieldwork:trip-create": Expect(editors(signed_in())),
    "fieldwork:trip-detail": Expect(get_only(in_scope()), on=FieldTrip),
    "fieldwork:trip-edit": Expect(editors(in_scope()), on=FieldTrip),
    "fieldwork:trip-days": Expect(post_only(editors(in_scope(post=302))), on=FieldTrip),
    "fieldwork:trip-status": Expect(post_only(editors(in_scope(post=302))), on=FieldTrip),
    "fieldwork:trip-report": Expect(editors(in_scope()), on=FieldTrip),
    "fieldwork:trip-history": Expect(get_only(in_scope()), on=FieldTrip),
    "fieldwork:attachment": Expect(get_only(in_scope()), on=TripAttachment),
    "fieldwork:attachment-delete": Expect(post_only(editors(in_scope(post=302))), on=TripAttachment),
    "fieldwork:secondments": Expect(signed_in(200, 405)),
    "fieldwork:secondment-create": Expect(editors(signed_in())),
    "fieldwork:secondment-detail": Expect(get_only(in_scope()), on=Secondment),
    "fieldwork:secondment-edit": Expect(editors(in_scope()), on=Secondment),
    "fieldwork:secondment-finish": Expect(editors(in_scope()), on=Secondment),
    "fieldwork:secondment-delete": Expect(post_only(editors(in_scope(post=302))), on=Secondment),
    "fieldwork:secondment-history": Expect(get_only(in_scope()), on=Secondment),
    "fieldwork:progress": Expect(signed_in(200, 405)),
    "fieldwork:progress-xlsx": Expect(signed_in(200, 405)),
    "fieldwork:calendar": Expect(signed_in(200, 405)),
    # Every role keeps their own calendar address (a POST without its form's fields: the page).
    "fieldwork:feed": Expect(signed_in(200, 200)),
    # A phone's calendar cannot sign in: the secret in the address is the key, whoever asks.
    "fieldwork:feed-ics": Expect(signed_in(200, 405), on=CalendarFeed, anonymous=(200, 405)),
    # The annual evaluation; the world's is reviewed by the collective, waiting for the decision
    # (fieldwork_records): its self-assessment is closed (back to its page with the message).
    "fieldwork:evaluations": Expect(signed_in(200, 405)),
    "fieldwork:evaluation-open": Expect(editors(signed_in())),
    "fieldwork:evaluations-decide": Expect(post_only(approvers(signed_in()))),
    "fieldwork:evaluations-pdf": Expect(signed_in(200, 405)),
    "fieldwork:evaluations-xlsx": Expect(signed_in(200, 405)),
    "fieldwork:evaluation-detail": Expect(get_only(in_scope()), on=Evaluation),
    "fieldwork:evaluation-self": Expect(editors(in_scope(302, 302)), on=Evaluation),
    "fieldwork:evaluation-review": Expect(editors(in_scope()), on=Evaluation),
    "fieldwork:evaluation-decide": Expect(approvers(in_scope()), on=Evaluation),
    "fieldwork:evaluation-delete": Expect(editors(in_scope(200, 302)), on=Evaluation),
    "fieldwork:evaluation-history": Expect(get_only(in_scope()), on=Evaluation),
    "fieldwork:evaluation-pdf": Expect(get_only(in_scope()), on=Evaluation),
    # The reports: the world's plan answers its parent's and asks the units below for theirs.
    "reports:index": Expect(signed_in(200, 405)),
    "reports:statistics": Expect(signed_in(200, 405)),
    "reports:statistics-xlsx": Expect(signed_in(200, 405)),
    "reports:statistics-pdf": Expect(signed_in(200, 405)),
    "reports:targets": Expect(signed_in(200, 405)),
    "reports:target-create": Expect(editors(signed_in())),
    "reports:target-cadres": Expect(get_only(in_scope()), on=Target),
    "reports:target-edit": Expect(editors(in_scope()), on=Target),
    "reports:target-delete": Expect(editors(in_scope(200, 302)), on=Target),
    "reports:plans": Expect(signed_in(200, 405)),
    "reports:plan-create": Expect(editors(signed_in())),
    "reports:plan-detail": Expect(get_only(in_scope()), on=AnnualPlan),
    "reports:plan-edit": Expect(editors(in_scope()), on=AnnualPlan),
    "reports:plan-steering": Expect(editors(in_scope()), on=AnnualPlan),
    "reports:plan-delete": Expect(editors(in_scope(200, 302)), on=AnnualPlan),
    "reports:plan-history": Expect(get_only(in_scope()), on=AnnualPlan),
    "reports:plan-lower": Expect(get_only(in_scope()), on=AnnualPlan),
    "reports:plan-submit": Expect(post_only(editors(in_scope(post=302))), on=AnnualPlan),
    "reports:plan-review": Expect(post_only(editors(in_scope(post=302))), on=AnnualPlan),
    "reports:plan-pdf": Expect(get_only(in_scope()), on=AnnualPlan),
    "reports:plan-docx": Expect(get_only(in_scope()), on=AnnualPlan),
    # An empty POST carries no version: refused as stale, on the form's page.
    "reports:plan-report": Expect(editors(in_scope()), on=AnnualPlan),
    "reports:plan-report-pdf": Expect(get_only(in_scope()), on=AnnualPlan),
    "reports:plan-report-docx": Expect(get_only(in_scope()), on=AnnualPlan),
    "cadres:unit-list": Expect(signed_in()),
    "cadres:unit-merge": Expect(admins(signed_in())),
    "cadres:unit-detail": Expect(in_scope(), on=Unit),
    "cadres:cadre-list": Expect(signed_in()),
    "cadres:cadre-export": Expect(signed_in(200, 405)),
    "cadres:cadre-export-start": Expect(signed_in(405, 302)),
    "cadres:cadre-export-job": Expect(get_only(owned()), on=ExportJob),
    "cadres:cadre-export-status": Expect(get_only(owned()), on=ExportJob),
    "cadres:cadre-export-download": Expect(get_only(owned()), on=ExportJob),
    "cadres:cadre-import": Expect(editors(signed_in())),
    "cadres:cadre-import-template": Expect(editors(signed_in(200, 405))),
    "cadres:cadre-import-job": Expect(editors(owned(200, 302)), on=ImportJob),
    "cadres:cadre-import-status": Expect(editors(get_only(owned())), on=ImportJob),
    "cadres:cadre-import-cancel": Expect(post_only(editors(owned(post=302))), on=ImportJob),
    "cadres:cadre-create": Expect(editors(signed_in())),
    "cadres:cadre-detail": Expect(in_scope(), on=Cadre),
    "cadres:cadre-edit": Expect(editors(in_scope()), on=Cadre),
    "cadres:cadre-archive": Expect(editors(in_scope()), on=Cadre),
    "cadres:cadre-cv": Expect(in_scope(), on=Cadre),
    "cadres:appointment-create": Expect(editors(in_scope()), on=Cadre),
    "cadres:appointment-close": Expect(post_only(editors(in_scope(post=302))), on=Appointment),
    "cadres:appointment-edit": Expect(editors(in_scope()), on=Appointment),
    "cadres:appointment-delete": Expect(post_only(editors(in_scope(post=302))), on=Appointment),
    "cadres:record-create": Expect(editors(in_scope()), on=Cadre),
    "cadres:record-edit": Expect(editors(in_scope()), on=Cadre),
    "cadres:record-delete": Expect(post_only(editors(in_scope(post=302))), on=Cadre),
    "admin:index": Expect(admins(signed_in())),
    "admin:login": Expect(admins(signed_in(302, 302))),
    "admin:logout": Expect(admins(signed_in(405, 302))),
    "admin:password_change": Expect(admins(signed_in())),
    "admin:password_change_done": Expect(admins(signed_in(200, 405))),
    "admin:jsi18n": Expect(admins(signed_in(200, 405))),
    # Without its parameters the autocomplete refuses; with them, it lists what the model's
    # admin lists (tests/test_admin.py).
    "admin:autocomplete": Expect(admins(signed_in(403, 405))),
    "admin:app_list": Expect(admins(signed_in())),
    "admin:view_on_site": Expect(admins(in_scope(302, 302)), on=Cadre),
    "admin:<catch-all>": Expect(admins(signed_in(404, 404))),
}

# A model's pages in Django admin, by kind. The default: a model scoped to the subtree, which
# an admin may change (accounts.admin_scope.ScopedAdminMixin).
ADMIN_VIEWS: dict[str, Expect] = {
    "changelist": Expect(admins(signed_in())),
    "add": Expect(admins(signed_in())),
    "change": Expect(admins(in_scope())),
    "history": Expect(admins(in_scope())),
    # A record of simple-history, read-only: reverts are disabled.
    "simple_history": Expect(admins(get_only(in_scope()))),
    "delete": Expect(admins(in_scope(post=302)), post_data={"post": "yes"}),
    # Django's old change URL: a plain redirect to the change page.
    "<path:object_id>/": Expect(admins(signed_in(302, 302))),
    "auth_user_password_change": Expect(admins(in_scope())),
}
NO_ADD = {"add": Expect(admins(refused(403)))}
READ_ONLY = {
    **NO_ADD,
    "change": Expect(admins(in_scope(200, 403))),
    "delete": Expect(admins(in_scope(403, 403)), post_data={"post": "yes"}),
}
# Rows of the whole organisation, the same wherever the user is (asked about once).
CATALOGUE = {
    "add": Expect(admins(system_admin_only(signed_in()))),
    "change": Expect(admins(read_only_below_system_admin(signed_in()))),
    "delete": Expect(admins(system_admin_only(signed_in(200, 302))), post_data={"post": "yes"}),
}
# django-axes' records of log-ins hold for the whole site (usernames, addresses): the system
# admin's alone. Every field is read-only, so saving one changes nothing.
LOGIN_RECORDS = {
    **NO_ADD,
    "changelist": Expect(admins(system_admin_only(signed_in()))),
    "change": Expect(admins(system_admin_only(signed_in(200, 302)))),
    "history": Expect(admins(system_admin_only(signed_in()))),
    "delete": Expect(admins(system_admin_only(signed_in(200, 302))), post_data={"post": "yes"}),
}
ADMIN_MODELS: dict[type[models.Model], dict[str, Expect]] = {
    Position: {
        **CATALOGUE,
        # Positions are held: the confirmation page lists what protects them.
        "delete": Expect(admins(system_admin_only(signed_in(200, 200))), post_data={"post": "yes"}),
    },
    PositionStandard: CATALOGUE,
    Term: CATALOGUE,
    StaffingNorm: CATALOGUE,
    StructureTarget: CATALOGUE,
    # One row, seeded: no second one is added, and it is never deleted.
    PlanningRules: {
        **CATALOGUE,
        "add": Expect(admins(refused(403))),
        "delete": Expect(admins(refused(403)), post_data={"post": "yes"}),
    },
    # Plans, candidates and reviews change through the app's workflow; the world's plan is
    # approved, so none of them may be deleted.
    SuccessionPlan: {**NO_ADD, "delete": Expect(admins(in_scope(403, 403)), post_data={"post": "yes"})},
    Candidate: {**NO_ADD, "delete": Expect(admins(in_scope(403, 403)), post_data={"post": "yes"})},
    AnnualReview: {**NO_ADD, "delete": Expect(admins(in_scope(403, 403)), post_data={"post": "yes"})},
    ReviewProposal: READ_ONLY,
    CourseKind: CATALOGUE,
    SkillStandard: CATALOGUE,
    TrainingRules: {
        **CATALOGUE,
        "add": Expect(admins(refused(403))),
        "delete": Expect(admins(refused(403)), post_data={"post": "yes"}),
    },
    # A course with learners is a record of their training: it is not deleted. Enrolments
    # change through the app's results grid.
    Course: {"delete": Expect(admins(in_scope(403, 403)), post_data={"post": "yes"})},
    Enrollment: {**NO_ADD, "delete": Expect(admins(in_scope(403, 403)), post_data={"post": "yes"})},
    ActivityKind: CATALOGUE,
    Quota: CATALOGUE,
    # Trips and secondments are made in the app (overlaps, the post held at the grassroots):
    # admin edits their text; a trip may be deleted, a secondment only in the app (its post).
    # A trip's cadres and files have no delete in admin, so admin does not delete their trip.
    FieldTrip: {**NO_ADD, "delete": Expect(admins(in_scope(200, 403)), post_data={"post": "yes"})},
    # What the app writes beside them, shown read-only.
    TripMember: {**NO_ADD, "delete": Expect(admins(in_scope(403, 403)), post_data={"post": "yes"})},
    TripAttachment: READ_ONLY,
    SecondmentYear: READ_ONLY,
    CalendarFeed: READ_ONLY,
    Secondment: {**NO_ADD, "delete": Expect(admins(in_scope(403, 403)), post_data={"post": "yes"})},
    # The seeded scheme has rated the world's evaluations: it and its criteria stay as they were
    # (a new scheme from a later year is added instead). Criteria are added on their scheme's page.
    Scheme: {
        "add": CATALOGUE["add"],
        "change": Expect(admins(signed_in(200, 403))),
        "delete": Expect(admins(refused(403)), post_data={"post": "yes"}),
    },
    Criterion: {
        **NO_ADD,
        "change": Expect(admins(signed_in(200, 403))),
        "delete": Expect(admins(refused(403)), post_data={"post": "yes"}),
    },
    # Evaluations change through the app's steps; admin shows them.
    Evaluation: READ_ONLY,
    Score: READ_ONLY,
    # Units are dissolved, never deleted: only a superuser deletes one, and not one with cadres.
    Unit: {
        "delete": Expect(admins(scoped(system_admin_only(signed_in(200, 200)))), post_data={"post": "yes"})
    },
    # Merges are made on the app's merge page.
    UnitMerge: {**NO_ADD, "change": Expect(admins(in_scope(200, 403)))},
    AccessLog: READ_ONLY,
    # Imports and exports are started on the app's pages, and go with their user.
    ImportJob: {**NO_ADD, "change": Expect(admins(in_scope(200, 403)))},
    ExportJob: {**NO_ADD, "change": Expect(admins(in_scope(200, 403)))},
    AccessAttempt: LOGIN_RECORDS,
    AccessFailureLog: LOGIN_RECORDS,
    AxesAccessLog: LOGIN_RECORDS,
    # The task queue's results (django-tasks-db), for the whole site.
    DBTaskResult: {
        **NO_ADD,
        "changelist": Expect(admins(system_admin_only(signed_in()))),
        "change": Expect(admins(system_admin_only(signed_in(200, 403)))),
        "history": Expect(admins(system_admin_only(signed_in()))),
        "delete": Expect(admins(refused(403)), post_data={"post": "yes"}),
    },
}


# --- the URLs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Url:
    key: str
    route: str
    pattern: URLPattern
    model: type[models.Model] | None = None  # whose admin page it is
    kind: str = ""

    @property
    def expect(self) -> Expect | None:
        if self.model is None:
            return EXPECTED.get(self.key)
        return ADMIN_MODELS.get(self.model, {}).get(self.kind) or ADMIN_VIEWS.get(self.kind)

    @property
    def names_an_object(self) -> bool:
        if self.model is None:
            return self.expect.on is not None
        return bool(self.pattern.pattern.regex.groups)


def project_urls() -> list[Url]:
    """Every URL pattern, the admin's included, with the model whose admin page it is."""
    admin_prefix = f"{admin.site.name}:"
    admin_models = {
        f"{model._meta.app_label}/{model._meta.model_name}/": model for model in admin.site._registry
    }
    found = []

    def walk(patterns, route: str, namespace: str, model):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                inner_model = admin_models.get(str(pattern.pattern)) if inner == admin_prefix else None
                walk(pattern.url_patterns, route + str(pattern.pattern), inner, inner_model or model)
            elif model is not None:
                prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
                kind = pattern.name.removeprefix(prefix) if pattern.name else str(pattern.pattern)
                key = f"{admin_prefix}{model._meta.label}/{kind}"
                found.append(Url(key, route + str(pattern.pattern), pattern, model, kind))
            else:
                key = f"{namespace}{pattern.name or '<catch-all>'}"
                found.append(Url(key, route + str(pattern.pattern), pattern))

    walk(get_resolver().url_patterns, "", "", None)
    return found


URLS = project_urls()


def test_it_finds_the_urls_of_the_app_and_of_the_admin():
    keys = [url.key for url in URLS]

    assert {"cadres:cadre-edit", "admin:index", "admin:<catch-all>"} <= set(keys)
    assert f"admin:{Cadre._meta.label}/simple_history" in keys
    assert len(set(keys)) == len(keys), "two URL patterns share a key"


def test_it_has_no_expectation_for_a_url_that_is_gone():
    keys = {url.key for url in URLS}
    admin_views = {(url.model, url.kind) for url in URLS if url.model}

    gone = [key for key in EXPECTED if key not in keys]
    gone += [f"kind {kind}" for kind in ADMIN_VIEWS if kind not in {kind for _, kind in admin_views}]
    gone += [
        f"{model._meta.label}/{kind}"
        for model, views in ADMIN_MODELS.items()
        for kind in views
        if (model, kind) not in admin_views
    ]
    assert gone == []


# --- the objects -------------------------------------------------------------------------------------


@dataclass
class World:
    clients: dict[str, Client]
    session_cookies: dict[str, str]
    users: dict[str, User]
    inside: dict[type[models.Model], models.Model]
    outside: dict[type[models.Model], models.Model]
    system_wide: set[type[models.Model]]  # rows the same inside and outside
    jobs: dict[str, dict[type[models.Model], models.Model]]  # each role's own jobs


def records_in(
    unit: Unit, *, member: User, author: User, name: str
) -> dict[type[models.Model], models.Model]:
    """An object of every model with a URL, in ``unit``; ``member`` works there, ``author`` (who
    recorded the merge and read the cadre) does not, so that ``member`` may be deleted."""
    cadre = CadreFactory(unit=unit, full_name=name)
    appointment = appointment_add(
        cadre=cadre, unit=unit, position=position("uv-bch"), started_on=datetime.date(2024, 1, 1)
    )
    cadre.refresh_from_db()
    # The plan's candidate is a cadre of their own: a candidacy protects its cadre from deletion.
    candidate = CadreFactory(unit=unit, full_name=f"{name} (quy hoạch)")
    appointment_add(
        cadre=candidate, unit=unit, position=position("uv-bch"), started_on=datetime.date(2024, 1, 1)
    )
    candidate.refresh_from_db()
    planning = planning_records(unit, candidate, member=member, author=author)
    login = {"username": member.username, "ip_address": "10.0.0.1", "user_agent": "Firefox", "path_info": "/"}
    return {
        Unit: unit,
        Cadre: cadre,
        Appointment: appointment,
        Commendation: Commendation.objects.create(
            cadre=cadre, awarded_on=datetime.date(2024, 5, 1), form="Giấy khen"
        ),
        Discipline: Discipline.objects.create(
            cadre=cadre, decided_on=datetime.date(2024, 6, 1), form="Khiển trách"
        ),
        User: member,
        UnitMerge: UnitMerge.objects.create(
            target=unit, effective_on=datetime.date(2025, 7, 1), performed_by=author
        ),
        AccessLog: AccessLog.objects.create(user=author, action=AccessAction.VIEW, cadre=cadre),
        AccessAttempt: AccessAttempt.objects.create(
            **login, get_data="", post_data="", failures_since_start=1
        ),
        AccessFailureLog: AccessFailureLog.objects.create(**login),
        AxesAccessLog: AxesAccessLog.objects.create(**login),
        **planning,
        # The learner is a cadre of their own: an enrolment protects its cadre from deletion.
        **training_records(unit, CadreFactory(unit=unit, full_name=f"{name} (học viên)"), author=author),
        **fieldwork_records(unit, name=name, author=author),
        # The steering member is a cadre of their own: a steering seat protects its cadre.
        **reports_records(unit, CadreFactory(unit=unit, full_name=f"{name} (ban chỉ đạo)")),
        SourcePerson: SourcePerson.objects.create(
            full_name=f"Nguồn {name}",
            birth_date=datetime.date(2004, 2, 1),
            gender="female",
            category="collaborator",
            unit=unit,
        ),
        **jobs_of(member),
    }


def planning_records(unit: Unit, cadre: Cadre, *, member: User, author: User) -> dict:
    """An approved plan of ``unit`` with ``cadre`` as its one candidate, and a review in
    progress whose assistant proposes taking the cadre out (they hold the post already)."""
    plan = SuccessionPlan.objects.create(unit=unit, term=Term.objects.get(start_year=2025, end_year=2030))
    (candidate, _), *_ = add_candidates(plan, [CandidateRow(cadre, position("uv-bch"))], user=member)
    submit_plan(plan, user=member)
    approve_plan(
        plan,
        user=author,
        decision_number="1-QĐ",
        decided_on=datetime.date(2026, 1, 5),
        approving_body="Đảng ủy",
    )
    review = start_review(plan, year=2026, user=member)
    return {
        SuccessionPlan: plan,
        Candidate: candidate,
        AnnualReview: review,
        ReviewProposal: review.proposals.get(),
    }


def training_records(unit: Unit, cadre: Cadre, *, author: User) -> dict:
    """A running course ``unit`` organises, with ``cadre`` as its learner."""
    course = Course.objects.create(
        name=f"Tập huấn {unit.name}",
        kind=CourseKind.objects.get(code="tap-huan-nghiep-vu"),
        organiser=unit,
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 4, 30),
        status=CourseStatus.RUNNING,
    )
    (enrollment,) = enrol(course, [cadre], user=author)
    return {Course: course, Enrollment: enrollment}


def fieldwork_records(unit: Unit, *, name: str, author: User) -> dict:
    """A trip the unit's parent organises to ``unit``, with a cadre of the unit and a report's
    file (written by the test that downloads it), a secondment of another of its cadres to the
    parent holding a post there, and a calendar address following the first cadre."""
    parent = unit.get_parent()
    traveller = CadreFactory(unit=unit, full_name=f"{name} (đi cơ sở)")
    trip = trip_save(
        trip=FieldTrip(
            organiser=parent,
            host=unit,
            starts_on=datetime.date(2026, 3, 9),
            ends_on=datetime.date(2026, 3, 10),
        ),
        cadres=[traveller],
        days=None,
        user=author,
    )
    seconded = CadreFactory(unit=unit, full_name=f"{name} (tăng cường)")
    secondment = secondment_save(
        secondment=Secondment(
            cadre=seconded,
            host=parent,
            position=position("pho-bi-thu"),
            starts_on=datetime.date(2026, 1, 5),
            ends_on=datetime.date(2026, 4, 30),
        ),
        user=author,
    )
    feed = CalendarFeed.objects.create(user=UserFactory(unit=unit), cadre=traveller)
    attachment = TripAttachment.objects.create(trip=trip, name="Biên bản.pdf", size=8, uploaded_by=author)
    rated = CadreFactory(unit=unit, full_name=f"{name} (đánh giá)")
    return {
        **evaluation_records(unit, rated, author=author),
        FieldTrip: trip,
        TripMember: trip.members.get(),
        Secondment: secondment,
        SecondmentYear: secondment.years.first(),
        CalendarFeed: feed,
        TripAttachment: attachment,
    }


def evaluation_records(unit: Unit, cadre: Cadre, *, author: User) -> dict:
    """``cadre``'s evaluation for 2026, self-assessed and reviewed, waiting for the decision."""
    evaluation = Evaluation.objects.create(
        cadre=cadre, unit=unit, year=2026, period="year", scheme=scheme_for(2026), created_by=author
    )
    points = {criterion.pk: criterion.max_points * 8 / 10 for criterion in evaluation.scheme.criteria.all()}
    for step in ("self", "review"):
        evaluation = record_step(
            evaluation, step=step, points=points, comment="", user=author, base_version=None
        )
    return {Evaluation: evaluation, Score: evaluation.scores.first()}


def reports_records(unit: Unit, cadre: Cadre) -> dict:
    """``unit``'s 2026 plan answering its parent's (which asks the units below for theirs), itself
    asking the units below ``unit`` by a deadline; ``cadre`` in its steering group; a target."""
    head = {"year": 2026, "issuer": "BCH", "place": "Gia Lai", "subject": "Công tác cán bộ năm 2026"}
    upper = AnnualPlan.objects.create(
        unit=unit.get_parent(), lower_deadline=datetime.date(2026, 1, 15), **head
    )
    plan = AnnualPlan.objects.create(
        unit=unit, parent=upper, lower_deadline=datetime.date(2026, 1, 20), **head
    )
    return {
        AnnualPlan: plan,
        SteeringMember: SteeringMember.objects.create(plan=plan, cadre=cadre, title="Bí thư"),
        Target: Target.objects.create(
            unit=unit,
            year=2026,
            text="Ít nhất 3 cán bộ hoàn thành khoá học",
            metric="course_completions",
            goal=3,
        ),
    }


def jobs_of(user: User) -> dict[type[models.Model], models.Model]:
    """A finished import and a finished export of ``user`` (the export's file is written by the
    test that downloads it)."""
    return {
        ImportJob: ImportJob.objects.create(
            user=user, filename="ds.xlsx", size=1, status=ImportStatus.INVALID, message="Có lỗi."
        ),
        ExportJob: ExportJob.objects.create(
            user=user, status=ExportStatus.DONE, filename="ds.xlsx", display_name="ds.xlsx", rows=1
        ),
    }


def system_wide() -> dict[type[models.Model], models.Model]:
    """Rows of the whole organisation; the catalogues' saved once, so that they have a history."""
    rows = {
        Position: position("uv-bch"),
        PositionStandard: PositionStandard.objects.order_by("pk").first(),
        Term: Term.objects.order_by("pk").first(),
        StaffingNorm: StaffingNorm.objects.order_by("pk").first(),
        StructureTarget: StructureTarget.objects.order_by("pk").first(),
        PlanningRules: PlanningRules.objects.get(),
        CourseKind: CourseKind.objects.order_by("pk").first(),
        SkillStandard: SkillStandard.objects.order_by("pk").first(),
        TrainingRules: TrainingRules.objects.get(),
        ActivityKind: ActivityKind.objects.order_by("pk").first(),
        Quota: Quota.objects.order_by("pk").first(),
        Scheme: Scheme.objects.get(from_year=2025),
        Criterion: Criterion.objects.order_by("pk").first(),
    }
    for row in rows.values():
        row.save()
    rows[DBTaskResult] = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="cadres.tasks.export_roster",
        backend_name="default",
        run_after=timezone.now(),
    )
    return rows


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction rolled back at its end; each test runs in a
    savepoint of it, so what a test changes is undone before the next. One client per role,
    signed in once: a client loads the middleware (WhiteNoise's scan of the static files) on
    its first request."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(PASSWORD_HASHERS=fast):
        province = UnitFactory(
            name="Tỉnh đoàn Ma Trận", code="M", level=UnitLevel.PROVINCE, kind=UnitKind.PROVINCE
        )
        commune_a = UnitFactory(parent=province, name="Đoàn xã Trong", code="M-A", kind=UnitKind.COMMUNE)
        commune_b = UnitFactory(parent=province, name="Đoàn xã Ngoài", code="M-B", kind=UnitKind.COMMUNE)
        branch = {"level": UnitLevel.BRANCH, "kind": UnitKind.BRANCH}
        branch_a = UnitFactory(parent=commune_a, name="Chi đoàn Trong", code="M-A-1", **branch)
        branch_b = UnitFactory(parent=commune_b, name="Chi đoàn Ngoài", code="M-B-1", **branch)
        users = {
            role: UserFactory(username=f"matrix-{role}", unit=commune_a, role=Role(role))
            for role in [VIEWER, EDITOR, APPROVER]
        }
        users[UNIT_ADMIN] = UserFactory(username="matrix-unit-admin", unit=commune_a, role=Role.ADMIN)
        users[SYSTEM_ADMIN] = UserFactory(
            username="matrix-admin", unit=None, role=Role.ADMIN, is_superuser=True
        )
        shared = system_wide()
        author = users[SYSTEM_ADMIN]
        inside = records_in(branch_a, member=UserFactory(unit=branch_a), author=author, name="Lê Văn Trong")
        outside = records_in(
            branch_b, member=UserFactory(unit=commune_b), author=author, name="Trần Thị Ngoài"
        )
        clients = {role: Client() for role in ROLES}
        for role, user in users.items():
            clients[role].force_login(user)
        yield World(
            clients=clients,
            session_cookies={
                role: client.cookies[settings.SESSION_COOKIE_NAME].value
                for role, client in clients.items()
                if role in users
            },
            users=users,
            inside=inside | shared,
            outside=outside | shared,
            system_wide=set(shared),
            jobs={role: jobs_of(user) for role, user in users.items()},
        )
        transaction.set_rollback(True)


def latest_history_id(obj: models.Model) -> int:
    return obj.history.order_by("-history_id").values_list("history_id", flat=True).first()


def admin_arguments(url: Url, obj: models.Model) -> tuple[tuple, dict]:
    if url.kind == "simple_history":
        return (obj.pk, latest_history_id(obj)), {}
    return (), dict.fromkeys(url.pattern.pattern.converters, obj.pk)


# Records whose pages sit under their plan's URL (/planning/<pk>/…), or their course's.
PLAN_RECORDS = {SuccessionPlan, Candidate, AnnualReview, ReviewProposal}
COURSE_RECORDS = {Course, Enrollment}
# Records whose pages sit under their trip's URL (/fieldwork/trips/<pk>/…).
TRIP_RECORDS = {FieldTrip, TripAttachment}


def app_arguments(url: Url, objects: dict) -> list[dict]:
    """The URL's keyword arguments, one set for each kind of record it may name."""
    names = set(url.pattern.pattern.converters) | set(url.pattern.pattern.regex.groupindex)
    on = url.expect.on
    values = {
        "pk": (
            objects[on]
            if on in {Unit, Cadre, SourcePerson}
            else objects[SuccessionPlan]
            if on in PLAN_RECORDS
            else objects[Course]
            if on in COURSE_RECORDS
            else objects[FieldTrip]
            if on in TRIP_RECORDS
            else objects[on]
            if on in {Secondment, Evaluation, AnnualPlan, Target}
            else objects[Cadre]
        ).pk
        if on
        else None,
        "appointment_pk": objects[Appointment].pk,
        "candidate_pk": objects[Candidate].pk,
        "review_pk": objects[AnnualReview].pk,
        "proposal_pk": objects[ReviewProposal].pk,
        "enrollment_pk": objects[Enrollment].pk,
        "token": objects[on].token if on in {ImportJob, ExportJob, CalendarFeed} else None,
        "file_pk": objects[TripAttachment].pk,
        "content_type_id": ContentType.objects.get_for_model(on).pk if on else None,
        "object_id": objects[on].pk if on else None,
        "app_label": Cadre._meta.app_label,
        "url": "no-such-page/",
    }
    unknown = names - set(values) - {"kind", "record_pk"}
    assert not unknown, f"{url.key}: nothing fills {unknown}; add it to app_arguments()"
    records = [Commendation, Discipline] if "kind" in names else [None]
    return [
        {name: values[name] for name in names - {"kind", "record_pk"}}
        | ({"kind": record._meta.model_name} if record else {})
        | ({"record_pk": objects[record].pk} if "record_pk" in names else {})
        for record in records
    ]


def path_of(url: Url, args: tuple, kwargs: dict) -> str:
    """The URL's path with its arguments filled in, checked to resolve to the pattern itself."""
    path = url.route.replace("^", "").replace("$", "")
    for name, value in kwargs.items():
        path, count = re.subn(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), path)
        assert count == 1, (url.key, name)
    for value in args:
        path = re.sub(r"\([^)]*\)", str(value), path, count=1)
    path = "/" + path
    assert resolve(path).func is url.pattern.callback, (url.key, path)
    return path


def paths(url: Url, objects: dict) -> list[str]:
    if url.model is not None:
        missing = url.model not in objects and url.names_an_object
        assert not missing, f"{url.key}: add an object of {url.model.__name__} to records_in()"
        return [path_of(url, *admin_arguments(url, objects.get(url.model)))]
    return [path_of(url, (), kwargs) for kwargs in app_arguments(url, objects)]


# --- the matrix ------------------------------------------------------------------------------------


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but the sessions, read with plain SQL (the ORM would take most of
    the module's time)."""
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        rows = {}
        for table in sorted(set(tables) - {"django_session"}):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(repr(tuple(map(_comparable, row))) for row in cursor.fetchall())
    return rows


def _comparable(value):
    """A column's value as compared: PostgreSQL gives binary columns (a stored snapshot) as a
    memoryview, whose repr is its address."""
    return bytes(value) if isinstance(value, memoryview) else value


def is_login_redirect(response, path: str) -> bool:
    """A redirect to the app's login page, or to the admin's (which sends on to the app's: its
    own row of the table checks that), coming back to ``path``."""
    if response.status_code != 302:
        return False
    location = urlsplit(response["Location"])
    back_to = parse_qs(location.query).get("next", [""])[0]
    if location.path == reverse("admin:login"):
        return back_to == path
    # The admin's login page itself sends to the app's with ?next= the admin's index.
    expected_back_to = reverse("admin:index") if path == reverse("admin:login") else path
    return location.path == reverse("login") and back_to == expected_back_to


def ask(client: Client, method: str, path: str, data: dict, expected: Answer) -> Answer:
    response = client.get(path) if method == "GET" else client.post(path, data)
    if expected == LOGIN and is_login_redirect(response, path):
        return LOGIN
    return response.status_code


def ready_client(world: World, role: str) -> Client:
    """The role's client with only its session cookie, whatever the previous test did to it."""
    client = world.clients[role]
    client.cookies = SimpleCookie()
    if role in world.session_cookies:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.session_cookies[role]
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", URLS, ids=lambda url: url.key)
def test_it_answers_as_the_table_says(world, settings, tmp_path, monkeypatch, url, role):
    expect = url.expect
    if expect is None:
        pytest.fail(
            f"No expectation for {url.key} (/{url.route}): add it to EXPECTED, ADMIN_VIEWS or "
            f"ADMIN_MODELS in tests/test_permission_matrix.py."
        )
    client = ready_client(world, role)
    # The CV's PDF has its own tests; here only who gets it matters.
    monkeypatch.setattr("cadres.views.cv.render_pdf", lambda *args, **kwargs: b"%PDF-1.7", raising=False)
    settings.MEDIA_ROOT = tmp_path
    # Tasks queued in the database, as deployed: the task admin (django-tasks-db) lists them.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    wrong = []
    asked_twice = url.names_an_object and url.model not in world.system_wide
    for outside in [False, True] if asked_twice else [False]:
        where = "outside" if outside else "inside"
        objects = world.outside if outside or role == ANONYMOUS else world.inside | world.jobs[role]
        if expect.on is ExportJob:
            objects[ExportJob].file.save("ds.xlsx", ContentFile(b"xlsx"))
        if expect.on is TripAttachment:
            objects[TripAttachment].file.save("bb.pdf", ContentFile(b"%PDF-1.4"))
        answers = expect.anonymous if role == ANONYMOUS else expect.answer(role, outside)
        for path in paths(url, objects):
            for method, expected in zip(["GET", "POST"], answers, strict=True):
                before = snapshot() if method == "POST" and expected in REFUSALS else None
                got = ask(client, method, path, expect.post_data, expected)
                if got != expected:
                    wrong.append(f"{method} {path} ({where}): {got}, expected {expected}")
                elif before is not None and snapshot() != before:
                    wrong.append(f"{method} {path} ({where}): refused with {got} but changed the data")
    assert not wrong, "\n".join(wrong)
