"""The extension points of cadres.registry: what other apps add to the cadre's page, the CV, the
history, the unit merge, the dashboard and the access log."""

import datetime
import io
import unicodedata

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from cadres import registry
from cadres.history import cadre_history
from cadres.merge import merge_claim, unit_merge
from cadres.models import (
    AccessAction,
    AccessLog,
    Appointment,
    Cadre,
    Position,
    Unit,
    UnitMerge,
)
from cadres.pdf import CvTrainingRow

EFFECTIVE = datetime.date(2025, 7, 1)
MERGE_URL = reverse("cadres:unit-merge")


@pytest.fixture
def register():
    """Register into a kind for the length of one test."""
    added = []

    def add(kind: registry.Kind, item):
        kind.add(item)
        added.append((kind, item.key))
        return item

    yield add
    for kind, key in reversed(added):
        kind.remove(key)


@pytest.fixture
def templates(settings, tmp_path):
    """A folder of templates for the test's own sections."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    return tmp_path


@pytest.fixture
def lan(tree, make_cadre):
    return make_cadre(tree.commune_a, full_name="Nguyễn Thị Lan", ethnicity="Gia Rai", code="bi-thu")


def detail(cadre) -> str:
    return reverse("cadres:cadre-detail", args=[cadre.pk])


def section(key: str, provider, *, order: int = 100, template: str = "planning/includes/_cadre_section.html"):
    return registry.ProfileSection(
        key=key, title=f"Mục {key}", icon="star", template=template, provider=provider, order=order
    )


# Registration --------------------------------------------------------------------------------


def test_it_keeps_registrations_in_order_then_in_registration_order():
    kind = registry.Kind("thing")
    for key, order in [("c", 20), ("a", 10), ("d", 20), ("b", 5)]:
        kind.add(section(key, lambda request, cadre: {}, order=order))

    assert [item.key for item in kind] == ["b", "a", "c", "d"]


def test_it_refuses_another_item_under_a_taken_key_but_accepts_the_same_one_again():
    kind = registry.Kind("profile section")
    first = kind.add(section("x", lambda request, cadre: {}))

    assert kind.add(first) is first
    with pytest.raises(ImproperlyConfigured, match="'x' is registered twice"):
        kind.add(section("x", lambda request, cadre: {"other": 1}))
    assert len(kind) == 1


def test_the_apps_register_their_sections_from_ready():
    assert [item.key for item in registry.profile_sections] == [
        "planning",
        "training",
        "fieldwork-trips",
        "fieldwork-evaluations",
    ]


# Profile sections ----------------------------------------------------------------------------


def test_it_shows_the_apps_pending_sections_on_the_cadre_page_in_order(client, province_editor, lan):
    client.force_login(province_editor)

    html = client.get(detail(lan)).content.decode()

    texts = [
        '<i class="bi bi-diagram-3" aria-hidden="true"></i> Quy hoạch',
        "Cán bộ này chưa có trong quy hoạch nào.",
        '<i class="bi bi-mortarboard" aria-hidden="true"></i> Đào tạo, bồi dưỡng',
        "Chưa có khoá đào tạo, bồi dưỡng nào được ghi nhận.",
        '<i class="bi bi-geo-alt" aria-hidden="true"></i> Đi cơ sở',
        "Chưa có đợt đi cơ sở nào được ghi nhận.",
        '<i class="bi bi-clipboard-check" aria-hidden="true"></i> Đánh giá, xếp loại',
        "Chưa có kết quả đánh giá, xếp loại.",
    ]
    positions = [html.index(text) for text in texts]
    assert positions == sorted(positions)


def test_it_renders_a_sections_provider_output(client, province_editor, lan, register, templates):
    (templates / "_posts.html").write_text(
        "<ul>{% for row in section.data.rows %}<li>{{ row }}</li>{% endfor %}</ul>"
        "<p>{{ cadre.full_name }}</p>",
        encoding="utf-8",
    )
    register(
        registry.profile_sections,
        section(
            "posts",
            lambda request, cadre: {"rows": ["Dòng một", "Dòng hai"]},
            order=1,
            template="_posts.html",
        ),
    )
    client.force_login(province_editor)

    html = client.get(detail(lan)).content.decode()

    assert 'data-section="posts"' in html and "Mục posts" in html
    assert "<ul><li>Dòng một</li><li>Dòng hai</li></ul><p>Nguyễn Thị Lan</p>" in html
    assert html.index("Mục posts") < html.index("Cán bộ này chưa có trong quy hoạch nào")


def test_it_leaves_out_a_section_whose_provider_returns_none(client, viewer, lan, register):
    register(
        registry.profile_sections,
        section("secret", lambda request, cadre: {} if request.user.can_see_sensitive else None),
    )
    client.force_login(viewer)

    html = client.get(detail(lan)).content.decode()

    assert "Mục secret" not in html
    assert "Cán bộ này chưa có trong quy hoạch nào" in html


def test_it_never_calls_a_provider_for_a_cadre_outside_the_scope(
    client, tree, make_cadre, commune_editor, register
):
    calls = []
    register(registry.profile_sections, section("spy", lambda request, cadre: calls.append(cadre) or {}))
    other = make_cadre(tree.commune_b)
    client.force_login(commune_editor)

    assert client.get(detail(other)).status_code == 404
    assert calls == []


def add_posts(cadre, count: int) -> None:
    for number in range(count):
        Appointment.objects.create(
            cadre=cadre,
            unit=cadre.unit,
            position=Position.objects.get(code="uv-bch"),
            started_on=datetime.date(2000 + number, 1, 1),
            ended_on=datetime.date(2000 + number, 12, 31),
        )


def test_a_scoped_provider_keeps_the_page_to_a_constant_number_of_queries(
    client, province_editor, lan, register, templates, django_assert_max_num_queries
):
    def posts_elsewhere(request, cadre):
        rows = cadre.appointments.select_related("unit", "position")
        return {"rows": [f"{post.position.name} – {post.unit.name}" for post in rows]}

    def posts_one_by_one(request, cadre):
        ids = cadre.appointments.values_list("pk", flat=True)
        return {
            "rows": [str(Appointment.objects.select_related("unit", "position").get(pk=pk)) for pk in ids]
        }

    (templates / "_rows.html").write_text("{% for row in section.data.rows %}{{ row }}{% endfor %}")
    add_posts(lan, 25)
    client.force_login(province_editor)
    # The page as the installed apps' sections make it; the test's provider may add one query.
    with CaptureQueriesContext(connection) as without:
        client.get(detail(lan))
    bound = len(without) + 1
    register(registry.profile_sections, section("rows", posts_elsewhere, template="_rows.html"))

    with django_assert_max_num_queries(bound):
        assert client.get(detail(lan)).status_code == 200

    # The bound catches a provider that queries once per row.
    register(registry.profile_sections, section("one-by-one", posts_one_by_one, template="_rows.html"))
    with pytest.raises(pytest.fail.Exception), django_assert_max_num_queries(bound):
        client.get(detail(lan))


# CV rows -------------------------------------------------------------------------------------


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def test_it_prints_registered_rows_in_the_cvs_training_table(client, commune_editor, lan, register):
    def courses(cadre, user):
        return [
            CvTrainingRow(
                school="Trường Cán bộ Đoàn tỉnh",
                subject="Bồi dưỡng nghiệp vụ công tác Đoàn",
                period="03/2024 – 04/2024",
                form="Tập trung",
                qualification="Giấy chứng nhận",
            )
        ]

    register(registry.cv_row_sources, registry.CvRows(key="courses", table="training", provider=courses))
    client.force_login(commune_editor)

    text = pdf_text(client.get(reverse("cadres:cadre-cv", args=[lan.pk])))

    assert "Trường Cán bộ Đoàn tỉnh" in text
    assert "Bồi dưỡng nghiệp vụ công tác Đoàn" in text
    assert "Giấy chứng nhận" in text
    assert "Chưa có thông tin đào tạo, bồi dưỡng." not in text


def test_it_refuses_rows_for_a_table_the_cv_does_not_have():
    with pytest.raises(ImproperlyConfigured, match="no table 'salary'"):
        registry.CvRows(key="pay", table="salary", provider=lambda cadre, user: [])


# History sources -----------------------------------------------------------------------------


def unit_history(sensitive: bool = False) -> registry.HistorySource:
    """Changes of the cadre's unit, as another app would register its own rows' history."""
    return registry.HistorySource(
        key="unit",
        records=lambda cadre: Unit.history.filter(id=cadre.unit_id),
        subject=lambda record: f"Đơn vị: {record.name}",
        sensitive=sensitive,
    )


def rename(unit: Unit, name: str) -> None:
    unit = Unit.objects.get(pk=unit.pk)
    unit.name = name
    unit.save()


def test_it_shows_a_history_sources_changes_through_the_one_formatter(
    client, province_editor, lan, tree, register
):
    register(registry.history_sources, unit_history())
    rename(tree.commune_a, "Đoàn xã An Bình Mới")
    client.force_login(province_editor)

    html = client.get(detail(lan)).content.decode()

    assert "Đơn vị: Đoàn xã An Bình Mới" in html
    assert "Tên đơn vị: <del>Đoàn xã An Bình</del> → <ins>Đoàn xã An Bình Mới</ins>" in html
    entry = next(e for e in cadre_history(lan, sensitive=True) if e.subject == "Đơn vị: Đoàn xã An Bình Mới")
    assert (entry.action, entry.user) == ("Sửa", "Hệ thống")


def test_it_hides_a_sensitive_source_and_sensitive_fields_from_viewers(client, viewer, lan, tree, register):
    register(registry.history_sources, unit_history(sensitive=True))
    rename(tree.commune_a, "Đoàn xã An Bình Mới")
    lan.ethnicity = "Ê Đê"
    lan.save()
    client.force_login(viewer)

    html = client.get(detail(lan)).content.decode()

    assert "Đơn vị: Đoàn xã An Bình Mới" not in html and "<del>Đoàn xã An Bình</del>" not in html
    assert "Ê Đê" not in html and "Gia Rai" not in html
    editors_history = cadre_history(lan, sensitive=True)
    assert any(e.subject == "Đơn vị: Đoàn xã An Bình Mới" for e in editors_history)
    assert any(c.new == "Ê Đê" for e in editors_history for c in e.changes)


# Merge participants --------------------------------------------------------------------------


class NotesParticipant(registry.MergeParticipant):
    """Stands for an app with unit-bound rows: it "moves" them by writing the note of the
    cadres it finds in the target, so a rollback is visible."""

    key = "notes"
    title = "Ghi chú của đơn vị"

    def __init__(self, *, fail: Exception | None = None):
        self.fail = fail
        self.moves = []

    def preview(self, plan):
        names = [unit.name for unit in plan.sources]
        return [registry.MergePreviewLine("Ghi chú chuyển sang", rows=[f"Ghi chú của {n}" for n in names])]

    def move(self, *, merge, sources, target):
        # Runs after cadres moved its rows, in the same transaction.
        moved = Cadre.objects.filter(unit=target, full_name="Trần Văn Hùng")
        self.moves.append((merge.pk, [s.pk for s in sources], target.pk, moved.count()))
        moved.update(major="Đã chuyển ghi chú")
        if self.fail:
            raise self.fail


@pytest.fixture
def hung(tree, make_cadre):
    return make_cadre(tree.commune_b, full_name="Trần Văn Hùng")


def merge_b_into_a(tree, user):
    return unit_merge(
        sources=[tree.commune_b],
        target=tree.commune_a,
        new_target=None,
        parent=None,
        effective_on=EFFECTIVE,
        decision_number="16-NQ/TĐTN",
        user=user,
    )


def test_it_previews_a_participants_rows_on_the_merge_page(client, tree, hung, province_editor, register):
    register(registry.merge_participants, NotesParticipant())
    client.force_login(province_editor)

    response = client.post(
        MERGE_URL,
        {
            "sources": [tree.commune_b.pk],
            "mode": "existing",
            "target": tree.commune_a.pk,
            "effective_on": "01/07/2025",
            "decision_number": "16-NQ/TĐTN",
        },
    )

    html = response.content.decode()
    assert 'data-participant="notes"' in html and "Ghi chú của đơn vị" in html
    assert "Ghi chú chuyển sang" in html and "Ghi chú của Đoàn phường Bắc Sơn" in html
    assert UnitMerge.objects.count() == 0


def test_it_lets_a_participant_move_its_rows_inside_the_merge(tree, hung, province_editor, register):
    participant = register(registry.merge_participants, NotesParticipant())

    merge = merge_b_into_a(tree, province_editor)

    assert participant.moves == [(merge.pk, [tree.commune_b.pk], tree.commune_a.pk, 1)]
    assert Cadre.objects.get(pk=hung.pk).major == "Đã chuyển ghi chú"


def test_a_failing_participant_rolls_the_whole_merge_back(tree, hung, province_editor, register):
    register(registry.merge_participants, NotesParticipant(fail=RuntimeError("disk full")))

    with pytest.raises(RuntimeError):
        merge_b_into_a(tree, province_editor)

    hung.refresh_from_db()
    assert (hung.unit, hung.major) == (tree.commune_b, "")
    assert Unit.objects.get(pk=tree.commune_b.pk).dissolved_on is None
    assert not Appointment.objects.filter(unit=tree.commune_a, cadre=hung).exists()
    assert UnitMerge.objects.count() == 0


def test_a_participants_refusal_shows_on_the_form_and_changes_nothing(
    client, tree, hung, province_editor, register
):
    register(registry.merge_participants, NotesParticipant(fail=ValidationError("Còn ghi chú chưa duyệt.")))
    client.force_login(province_editor)
    data = {
        "sources": [tree.commune_b.pk],
        "mode": "existing",
        "target": tree.commune_a.pk,
        "effective_on": "01/07/2025",
        "decision_number": "16-NQ/TĐTN",
        "confirm": "1",
    }

    response = client.post(MERGE_URL, data)

    assert response.status_code == 200
    assert "Còn ghi chú chưa duyệt." in response.content.decode()
    assert Cadre.objects.get(pk=hung.pk).unit == tree.commune_b
    assert UnitMerge.objects.count() == 0


def foreign_keys_to_unit() -> list:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model is Unit
    ]


def test_every_foreign_key_to_unit_is_moved_or_claimed_in_the_merge():
    unclaimed = [
        f"{model._meta.label}.{name}" for model, name in foreign_keys_to_unit() if not merge_claim(model)
    ]

    assert unclaimed == [], "Move these in cadres.merge or claim them with a registry.MergeParticipant"


def test_it_decides_explicitly_for_accounts_merge_records_history_and_the_tree():
    from accounts.models import User

    assert merge_claim(User).startswith("kept: listed on the preview, not moved")
    assert merge_claim(UnitMerge).startswith("kept: the record of a merge")
    assert merge_claim(Appointment.history.model).startswith("kept: history records")
    assert merge_claim(Unit).startswith("cadres moves it: the tree's own links")


def test_it_counts_a_participants_claims_and_refuses_a_model_claimed_twice(register):
    class Positions(registry.MergeParticipant):
        key, models = "positions", [Position]

    class Appointments(registry.MergeParticipant):
        key, kept = "appointments", {Appointment: "kept for the test"}

    assert merge_claim(Position) is None
    register(registry.merge_participants, Positions())
    assert merge_claim(Position) == "positions moves it"

    register(registry.merge_participants, Appointments())
    with pytest.raises(ImproperlyConfigured, match=r"cadres\.Appointment is claimed twice"):
        merge_claim(Position)


# Dashboard -----------------------------------------------------------------------------------


def test_it_shows_a_registered_card_and_alert_for_the_users_scope(
    client, tree, make_cadre, commune_editor, register, django_assert_max_num_queries
):
    def provider(request):
        count = Cadre.objects.visible_to(request.user).active().count()
        yield registry.DashboardCard("Cán bộ cần quy hoạch", count, link="/planning/", tone="warning")
        yield registry.DashboardAlert("Có quy hoạch chờ phê duyệt.", link="/planning/")

    for unit in (tree.commune_a, tree.branch_a, tree.commune_b):
        make_cadre(unit)
    client.force_login(commune_editor)
    client.get(reverse("reports:dashboard"))  # the session and the cached figures settle
    with CaptureQueriesContext(connection) as without:
        client.get(reverse("reports:dashboard"))
    baseline = len(without)  # read now: each request empties the connection's query log
    register(registry.dashboard_providers, registry.DashboardProvider(key="plans", provider=provider))

    # A new provider: the user's snapshot of the providers' figures is computed again with it
    # (reports.snapshots), then read as before: no provider runs on a visit.
    response = client.get(reverse("reports:dashboard"))
    with django_assert_max_num_queries(baseline):
        client.get(reverse("reports:dashboard"))

    card = response.context["cards"][-1]
    assert (card.title, card.value) == ("Cán bộ cần quy hoạch", 2)
    html = response.content.decode()
    assert "Cán bộ cần quy hoạch" in html and 'href="/planning/"' in html
    assert '<a class="alert-link" href="/planning/">Có quy hoạch chờ phê duyệt.</a>' in html


def test_it_refuses_an_unknown_tone():
    with pytest.raises(ValueError, match="Unknown tone"):
        registry.DashboardCard("Thẻ", 1, tone="purple")


# Access-log actions --------------------------------------------------------------------------


@pytest.fixture
def plan_print():
    action = registry.register_access_action("plan_pdf", "In hồ sơ quy hoạch")
    yield action
    registry.access_actions.remove(action.key)


def test_it_logs_a_registered_action_with_its_label(province_editor, lan, plan_print):
    AccessLog.record(province_editor, "plan_pdf", cadre=lan)

    log = AccessLog.objects.get()
    log.full_clean()
    assert log.get_action_display() == "In hồ sơ quy hoạch"
    assert ("plan_pdf", "In hồ sơ quy hoạch") in AccessLog._meta.get_field("action").flatchoices


def test_it_refuses_an_action_nobody_registered(province_editor, lan):
    with pytest.raises(ValueError, match="Unknown access-log action 'plan_pdf'"):
        AccessLog.record(province_editor, "plan_pdf", cadre=lan)
    assert AccessLog.objects.count() == 0


def test_registered_actions_need_no_migration(plan_print):
    _name, path, _args, kwargs = AccessLog._meta.get_field("action").deconstruct()

    assert path == "django.db.models.CharField"
    assert kwargs["choices"] == AccessAction.choices


def test_it_refuses_an_action_that_clashes_or_does_not_fit():
    with pytest.raises(ImproperlyConfigured, match="one of cadres' own"):
        registry.register_access_action("view", "Xem")
    with pytest.raises(ImproperlyConfigured, match="1 to 16 characters"):
        registry.register_access_action("print_the_whole_plan", "In")
    assert len(registry.access_actions) == 0


def test_the_page_keeps_cadres_own_sections_first(client, province_editor, lan):
    client.force_login(province_editor)

    html = client.get(detail(lan)).content.decode()

    assert (
        html.index('id="h-appointments"')
        < html.index('data-section="planning"')
        < html.index('id="h-history"')
    )
