"""Unit merges (sáp nhập): the service, the form → preview → confirm pages, and the refusals."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from cadres.merge import can_merge_units, unit_merge
from cadres.models import (
    Appointment,
    AppointmentKind,
    Cadre,
    CadreStatus,
    Unit,
    UnitKind,
    UnitLevel,
    UnitMerge,
)
from cadres.services import appointment_add, cadre_archive
from tests.factories import CadreFactory, UnitFactory, UserFactory, position

EFFECTIVE = datetime.date(2025, 7, 1)
MERGE_URL = reverse("cadres:unit-merge")


@pytest.fixture
def roster(tree):
    """Posts in both communes, a cadre without a post, one in a branch, one who left."""
    lan = CadreFactory(full_name="Nguyễn Thị Lan", unit=tree.commune_a)
    appointment_add(
        cadre=lan,
        unit=tree.commune_a,
        position=position("bi-thu"),
        kind=AppointmentKind.ELECTED,
        started_on=datetime.date(2022, 10, 1),
        decision_number="07-QĐ/ĐTN",
    )
    hung = CadreFactory(full_name="Trần Văn Hùng", unit=tree.commune_b)
    appointment_add(
        cadre=hung, unit=tree.commune_b, position=position("pho-bi-thu"), started_on=datetime.date(2023, 1, 5)
    )
    # A concurrent post in commune B held by Lan moves too, without changing her main post.
    appointment_add(
        cadre=lan,
        unit=tree.commune_b,
        position=position("uv-bch"),
        kind=AppointmentKind.CONCURRENT,
        started_on=datetime.date(2024, 2, 1),
    )
    mai = CadreFactory(full_name="Lê Thị Mai", unit=tree.commune_b)
    son = CadreFactory(full_name="Phạm Văn Sơn", unit=tree.branch_a)
    appointment_add(
        cadre=son, unit=tree.branch_a, position=position("bi-thu"), started_on=datetime.date(2024, 1, 1)
    )
    left = CadreFactory(full_name="Đỗ Văn Cũ", unit=tree.commune_a)
    cadre_archive(
        cadre=left, status=CadreStatus.TRANSFERRED, left_on=datetime.date(2020, 1, 1), reason="Chuyển"
    )
    return type("Roster", (), {"lan": lan, "hung": hung, "mai": mai, "son": son, "left": left})


def new_commune() -> dict:
    return {"name": "Đoàn xã An Bắc", "code": "P-AB", "kind": UnitKind.COMMUNE}


def merge_into_new(tree, user):
    return unit_merge(
        sources=[tree.commune_a, tree.commune_b],
        target=None,
        new_target=new_commune(),
        parent=tree.province,
        effective_on=EFFECTIVE,
        decision_number="15-NQ/TĐTN",
        user=user,
    )


def snapshot() -> tuple:
    """Everything a merge may touch, to prove a refused merge changed nothing."""
    return (
        list(Unit.objects.values_list("pk", "path", "numchild", "dissolved_on").order_by("pk")),
        list(Appointment.objects.values_list("pk", "unit", "ended_on").order_by("pk")),
        list(Cadre.objects.values_list("pk", "unit", "position", "version").order_by("pk")),
        UnitMerge.objects.count(),
    )


def refresh(*objects):
    for obj in objects:
        obj.refresh_from_db()


# The service ---------------------------------------------------------------------------------


def test_it_merges_two_communes_into_a_new_one(tree, roster, province_editor):
    merge = merge_into_new(tree, province_editor)

    target = Unit.objects.get(code="P-AB")
    assert merge.target == target
    assert Unit.objects.get_parent(target) == tree.province
    assert (target.level, target.kind, target.name) == (UnitLevel.BASE, UnitKind.COMMUNE, "Đoàn xã An Bắc")
    assert set(merge.sources.all()) == {tree.commune_a, tree.commune_b}
    assert (merge.effective_on, merge.decision_number, merge.performed_by) == (
        EFFECTIVE,
        "15-NQ/TĐTN",
        province_editor,
    )
    assert (merge.moved_appointments, merge.moved_cadres, merge.moved_children) == (3, 3, 2)


def test_it_closes_the_old_posts_and_reopens_them_in_the_target_on_the_date(tree, roster, province_editor):
    merge_into_new(tree, province_editor)

    target = Unit.objects.get(code="P-AB")
    old = Appointment.objects.get(cadre=roster.lan, unit=tree.commune_a)
    assert (old.started_on, old.ended_on) == (datetime.date(2022, 10, 1), EFFECTIVE)
    new = Appointment.objects.get(cadre=roster.lan, unit=target, position=position("bi-thu"))
    assert (new.started_on, new.ended_on, new.kind) == (EFFECTIVE, None, AppointmentKind.ELECTED)
    assert new.decision_number == "07-QĐ/ĐTN"
    assert new.note == "Sáp nhập từ Đoàn xã An Bình"
    concurrent = Appointment.objects.get(cadre=roster.lan, unit=target, position=position("uv-bch"))
    assert concurrent.kind == AppointmentKind.CONCURRENT
    assert concurrent.note == "Sáp nhập từ Đoàn phường Bắc Sơn"
    assert not Appointment.objects.open().filter(unit__in=[tree.commune_a, tree.commune_b]).exists()


def test_it_moves_the_cadres_of_the_sources(tree, roster, province_editor):
    versions = {c.pk: c.version for c in Cadre.objects.all()}

    merge_into_new(tree, province_editor)

    target = Unit.objects.get(code="P-AB")
    refresh(roster.lan, roster.hung, roster.mai, roster.son, roster.left)
    assert (roster.lan.unit, roster.lan.position) == (target, position("bi-thu"))
    assert (roster.hung.unit, roster.hung.position) == (target, position("pho-bi-thu"))
    assert roster.mai.unit == target  # no post: moved directly
    assert roster.mai.version > versions[roster.mai.pk]
    assert roster.son.unit == tree.branch_a  # a branch's cadre stays in the branch, which moves
    assert roster.left.unit == tree.commune_a  # history of who left stays with the old unit


def test_it_moves_the_children_under_the_target_and_dissolves_the_sources(tree, roster, province_editor):
    merge_into_new(tree, province_editor)

    target = Unit.objects.get(code="P-AB")
    refresh(tree.commune_a, tree.commune_b, tree.branch_a, tree.branch_b)
    assert {child.code for child in Unit.objects.get_children(target)} == {"P-A-1", "P-B-1"}
    assert Unit.objects.get_parent(tree.branch_a) == target
    assert target.numchild == 2
    assert (tree.commune_a.numchild, tree.commune_b.numchild) == (0, 0)
    assert tree.commune_a.dissolved_on == tree.commune_b.dissolved_on == EFFECTIVE
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_it_merges_into_an_existing_unit(tree, roster, province_editor):
    merge = unit_merge(
        sources=[tree.commune_b],
        target=tree.commune_a,
        new_target=None,
        parent=None,
        effective_on=EFFECTIVE,
        decision_number="16-NQ/TĐTN",
        user=province_editor,
    )

    refresh(tree.commune_a, tree.commune_b, tree.branch_b, roster.hung, roster.mai, roster.lan)
    assert merge.target == tree.commune_a
    assert tree.commune_b.dissolved_on == EFFECTIVE and tree.commune_a.dissolved_on is None
    assert Unit.objects.get_parent(tree.branch_b) == tree.commune_a
    assert roster.hung.unit == roster.mai.unit == tree.commune_a
    hung_posts = Appointment.objects.filter(cadre=roster.hung).order_by("started_on")
    assert [(a.unit_id, a.started_on, a.ended_on) for a in hung_posts] == [
        (tree.commune_b.pk, datetime.date(2023, 1, 5), EFFECTIVE),
        (tree.commune_a.pk, EFFECTIVE, None),
    ]
    assert roster.lan.unit == tree.commune_a  # her post in A untouched, concurrent post in B moved
    assert Appointment.objects.get(cadre=roster.lan, unit=tree.commune_a, position=position("bi-thu")).is_open
    assert (merge.moved_appointments, merge.moved_cadres, merge.moved_children) == (2, 2, 1)


def test_it_repoints_a_post_that_starts_on_or_after_the_effective_date(tree, province_editor):
    late = CadreFactory(unit=tree.commune_b)
    appointment_add(cadre=late, unit=tree.commune_b, position=position("uv-bch"), started_on=EFFECTIVE)

    unit_merge(
        sources=[tree.commune_b],
        target=tree.commune_a,
        new_target=None,
        parent=None,
        effective_on=EFFECTIVE,
        decision_number="",
        user=province_editor,
    )

    only = Appointment.objects.get(cadre=late)
    assert (only.unit, only.started_on, only.ended_on) == (tree.commune_a, EFFECTIVE, None)


# Refusals ------------------------------------------------------------------------------------


def attempt(user, **overrides):
    arguments = {
        "sources": [],
        "target": None,
        "new_target": None,
        "parent": None,
        "effective_on": EFFECTIVE,
        "decision_number": "1-NQ",
        "user": user,
        **overrides,
    }
    with pytest.raises(ValidationError) as refused:
        unit_merge(**arguments)
    return " ".join(refused.value.messages)


def test_it_refuses_a_target_among_the_sources(tree, roster, province_editor):
    before = snapshot()

    message = attempt(province_editor, sources=[tree.commune_a, tree.commune_b], target=tree.commune_a)

    assert "vừa là đơn vị được sáp nhập vừa là đơn vị nhận" in message
    assert snapshot() == before


def test_it_refuses_a_source_that_contains_the_target(tree, roster, province_editor):
    inner = UnitFactory(parent=tree.commune_a, name="Đoàn cơ sở con", code="P-A-X", level=UnitLevel.BASE)
    before = snapshot()

    message = attempt(province_editor, sources=[tree.commune_a], target=inner)

    assert "trực thuộc đơn vị được sáp nhập" in message
    assert snapshot() == before


def test_it_refuses_an_already_dissolved_source(tree, roster, province_editor):
    Unit.objects.filter(pk=tree.commune_b.pk).update(dissolved_on=datetime.date(2024, 1, 1))
    before = snapshot()

    message = attempt(province_editor, sources=[tree.commune_b], target=tree.commune_a)

    assert "đã giải thể ngày 01/01/2024" in message
    assert snapshot() == before


def test_it_refuses_units_outside_the_users_scope(tree, roster, province_editor):
    before = snapshot()

    message = attempt(province_editor, sources=[tree.other_commune], target=tree.commune_a)

    assert "“Đoàn xã Ngoài” nằm ngoài phạm vi quản lý" in message
    assert snapshot() == before


def test_it_refuses_a_target_at_another_level(tree, roster, province_editor):
    before = snapshot()

    message = attempt(province_editor, sources=[tree.commune_b], target=tree.district)

    assert "phải cùng cấp" in message
    assert snapshot() == before


def test_it_refuses_a_new_unit_with_a_code_already_used(tree, roster, province_editor):
    before = snapshot()

    message = attempt(
        province_editor,
        sources=[tree.commune_a, tree.commune_b],
        new_target={**new_commune(), "code": "p-h"},
        parent=tree.province,
    )

    assert "Mã đơn vị “p-h” đã được dùng" in message
    assert snapshot() == before


def test_it_refuses_a_commune_editor_even_through_the_service(tree, roster, commune_editor):
    before = snapshot()

    message = attempt(commune_editor, sources=[tree.branch_a], target=tree.commune_a)

    assert "không có quyền" in message
    assert snapshot() == before


def test_it_lets_only_admins_and_province_level_editors_merge(tree, province_editor, commune_editor, viewer):
    approver = UserFactory(unit=tree.province, role=Role.APPROVER)
    district_editor = UserFactory(unit=tree.district, role=Role.EDITOR)
    commune_admin = UserFactory(unit=tree.commune_a, role=Role.ADMIN)

    assert can_merge_units(province_editor) and can_merge_units(approver) and can_merge_units(commune_admin)
    assert not can_merge_units(commune_editor)
    assert not can_merge_units(district_editor)
    assert not can_merge_units(viewer)


# Pages ---------------------------------------------------------------------------------------


def form_data(tree, **overrides) -> dict:
    return {
        "sources": [tree.commune_a.pk, tree.commune_b.pk],
        "mode": "new",
        "new_name": "Đoàn xã An Bắc",
        "new_code": "P-AB",
        "new_kind": UnitKind.COMMUNE,
        "parent": tree.province.pk,
        "effective_on": "01/07/2025",
        "decision_number": "15-NQ/TĐTN",
        **overrides,
    }


def test_it_shows_the_form_with_searchable_scoped_selects(client, tree, province_editor):
    client.force_login(province_editor)

    response = client.get(MERGE_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="sources"' in html and "data-searchable" in html
    choices = {unit.code for unit in response.context["form"].fields["sources"].queryset}
    assert "P-A" in choices and "Q-A" not in choices and "Q" not in choices


def test_it_previews_what_will_move_without_changing_anything(client, tree, roster, province_editor):
    client.force_login(province_editor)
    before = snapshot()

    response = client.post(MERGE_URL, form_data(tree))

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Đoàn xã An Bình", "Đoàn phường Bắc Sơn", "Chi đoàn thôn 1", "Chi đoàn tổ 2"):
        assert name in html
    for name in ("Nguyễn Thị Lan", "Trần Văn Hùng", "Lê Thị Mai"):
        assert name in html
    assert "Đỗ Văn Cũ" not in html
    assert "data-confirm=" in html
    assert 'name="confirm"' in html
    plan = response.context["plan"]
    assert (len(plan.appointments), len(plan.cadres), len(plan.children)) == (3, 3, 2)
    assert snapshot() == before


def test_it_merges_on_confirmation_and_redirects_to_the_target(client, tree, roster, province_editor):
    client.force_login(province_editor)

    response = client.post(MERGE_URL, {**form_data(tree), "confirm": "1"}, follow=True)

    target = Unit.objects.get(code="P-AB")
    assert response.redirect_chain[-1][0] == reverse("cadres:unit-detail", args=[target.pk])
    assert "Đã sáp nhập 2 đơn vị vào Đoàn xã An Bắc" in response.content.decode()
    assert UnitMerge.objects.get().target == target
    assert Cadre.objects.get(pk=roster.hung.pk).unit == target


def test_it_merges_into_an_existing_unit_through_the_page(client, tree, roster, province_editor):
    client.force_login(province_editor)
    data = form_data(tree, sources=[tree.commune_b.pk], mode="existing", target=tree.commune_a.pk)

    response = client.post(MERGE_URL, {**data, "confirm": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("cadres:unit-detail", args=[tree.commune_a.pk])
    assert Unit.objects.get(pk=tree.commune_b.pk).dissolved_on == EFFECTIVE


def test_it_keeps_the_dissolved_sources_readable(client, tree, roster, province_editor):
    merge_into_new(tree, province_editor)
    client.force_login(province_editor)

    response = client.get(reverse("cadres:unit-detail", args=[tree.commune_a.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Đoàn xã An Bình" in html and "Đã giải thể 01/07/2025" in html


def test_it_forbids_the_page_to_a_commune_editor_and_a_viewer(client, tree, roster, commune_editor, viewer):
    before = snapshot()
    for user in (commune_editor, viewer):
        client.force_login(user)
        assert client.get(MERGE_URL).status_code == 403
        data = form_data(tree, sources=[tree.branch_a.pk], mode="existing", target=tree.commune_a.pk)
        assert client.post(MERGE_URL, {**data, "confirm": "1"}).status_code == 403
    assert snapshot() == before


def test_it_rejects_a_source_outside_the_scope_in_the_form(client, tree, roster, province_editor):
    client.force_login(province_editor)
    before = snapshot()

    response = client.post(MERGE_URL, {**form_data(tree, sources=[tree.other_commune.pk]), "confirm": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors["sources"]
    assert snapshot() == before


def test_it_reports_a_target_among_the_sources_on_the_form(client, tree, roster, province_editor):
    client.force_login(province_editor)
    before = snapshot()
    data = form_data(tree, mode="existing", target=tree.commune_a.pk)

    response = client.post(MERGE_URL, {**data, "confirm": "1"})

    assert response.status_code == 200
    assert "vừa là đơn vị được sáp nhập vừa là đơn vị nhận" in response.content.decode()
    assert snapshot() == before


def test_it_requires_the_fields_of_the_chosen_mode(client, tree, province_editor):
    client.force_login(province_editor)

    response = client.post(MERGE_URL, form_data(tree, mode="existing"))

    assert response.context["form"].errors["target"] == ["Chọn đơn vị nhận sáp nhập."]
    assert UnitMerge.objects.count() == 0


def test_it_links_to_the_merge_page_from_the_unit_list_only_for_allowed_users(
    client, tree, province_editor, commune_editor
):
    client.force_login(province_editor)
    assert MERGE_URL in client.get(reverse("cadres:unit-list")).content.decode()

    client.force_login(commune_editor)
    assert MERGE_URL not in client.get(reverse("cadres:unit-list")).content.decode()


def test_it_names_every_unit_of_the_preview_with_its_parent(client, tree, roster, province_editor):
    client.force_login(province_editor)

    html = client.post(MERGE_URL, form_data(tree)).content.decode()

    for label in (
        "Đoàn xã An Bình – Tỉnh đoàn Thử",
        "Đoàn phường Bắc Sơn – Tỉnh đoàn Thử",
        "Chi đoàn thôn 1 – Đoàn xã An Bình",
        "Chi đoàn tổ 2 – Đoàn phường Bắc Sơn",
    ):
        assert label in html, label


def test_it_offers_units_with_their_parents_and_codes(client, tree, province_editor):
    client.force_login(province_editor)

    html = client.get(MERGE_URL).content.decode()

    assert f'<option value="{tree.branch_a.pk}">Chi đoàn thôn 1 – Đoàn xã An Bình (P-A-1)</option>' in html
