"""The unit tree pages, ``/units/`` and ``/units/<id>/``, and the demo unit tree of ``seed_demo``."""

import datetime
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Role, User
from cadres.models import Unit, UnitKind, UnitLevel
from tests.factories import UserFactory


def unit_link(unit: Unit) -> str:
    return f'href="{reverse("cadres:unit-detail", args=[unit.pk])}"'


def breadcrumbs(response) -> str:
    match = re.search(r'<ol class="breadcrumb[^"]*">(.*?)</ol>', response.content.decode(), re.S)
    assert match, "the page has no breadcrumbs"
    return match.group(1)


def test_it_lists_only_the_commune_subtree_for_a_commune_editor(client, tree, commune_editor):
    client.force_login(commune_editor)

    response = client.get(reverse("cadres:unit-list"))

    assert response.status_code == 200
    listed = {unit.code for unit in response.context["units"]}
    assert listed == {"P-A", "P-A-1"}
    html = response.content.decode()
    assert unit_link(tree.commune_a) in html
    assert unit_link(tree.branch_a) in html
    for outside in [tree.province, tree.commune_b, tree.branch_b, tree.district, tree.other_province]:
        assert unit_link(outside) not in html
    assert "Tỉnh đoàn Thử" not in html


def test_it_lists_the_whole_province_but_not_the_other_for_a_province_editor(client, tree, province_editor):
    client.force_login(province_editor)

    response = client.get(reverse("cadres:unit-list"))

    listed = {unit.code for unit in response.context["units"]}
    assert listed == {"P", "P-A", "P-B", "P-A-1", "P-B-1", "P-H", "P-H-X", "P-H-X-1"}
    html = response.content.decode()
    assert unit_link(tree.district_branch) in html
    assert unit_link(tree.other_province) not in html
    assert "Tỉnh đoàn Khác" not in html
    assert "Đoàn xã Ngoài" not in html


def test_it_nests_the_tree_from_the_users_own_unit_and_opens_its_first_two_levels(
    client, tree, province_editor, commune_editor
):
    client.force_login(commune_editor)
    html = client.get(reverse("cadres:unit-list")).content.decode()
    # The commune is the top of this user's tree, open; its chi đoàn are shown under it.
    assert f'aria-controls="unit-{tree.commune_a.pk}-children"' in html
    assert f'<ul class="list-unstyled tree-children" id="unit-{tree.commune_a.pk}-children">' in html

    client.force_login(province_editor)
    units = {unit.code: unit for unit in client.get(reverse("cadres:unit-list")).context["units"]}
    assert [units[code].is_open for code in ("P", "P-H", "P-H-X")] == [True, False, False]
    assert units["P-H-X"].has_children and not units["P-H-X-1"].has_children
    # After the deepest unit of the old district branch, three levels close: P-H-X, P-H, then P's list.
    assert len(units["P-H-X-1"].closes) == 3
    html = client.get(reverse("cadres:unit-list")).content.decode()
    assert html.count('class="list-unstyled tree-children"') == 5  # P, P-A, P-B, P-H, P-H-X
    assert f'id="unit-{tree.district.pk}-children" hidden' in html


def test_it_searches_units_without_accents_and_by_parent_name(client, tree, province_editor):
    client.force_login(province_editor)

    found = client.get(reverse("cadres:unit-list"), {"q": "thon 1 an binh"}).context["units"]

    assert [unit.code for unit in found] == ["P-A-1"]
    html = client.get(reverse("cadres:unit-list"), {"q": "thon 1 an binh"}).content.decode()
    assert "Chi đoàn thôn 1</a>" in html and "– Đoàn xã An Bình" in html


def test_it_shows_the_number_of_child_units(client, tree, province_editor):
    client.force_login(province_editor)

    units = {unit.code: unit for unit in client.get(reverse("cadres:unit-list")).context["units"]}

    assert units["P"].numchild == 3
    assert units["P-H"].numchild == 1
    assert units["P-H-X-1"].numchild == 0


def test_it_answers_404_for_another_communes_unit(client, tree, commune_editor):
    client.force_login(commune_editor)

    for unit in [tree.commune_b, tree.branch_b, tree.province, tree.district_commune, tree.other_commune]:
        response = client.get(reverse("cadres:unit-detail", args=[unit.pk]))
        assert response.status_code == 404, unit.code


def test_it_answers_404_for_the_other_province_to_a_province_editor(client, tree, province_editor):
    client.force_login(province_editor)

    response = client.get(reverse("cadres:unit-detail", args=[tree.other_commune.pk]))

    assert response.status_code == 404
    assert "Đoàn xã Ngoài" not in response.content.decode()


def test_it_shows_a_unit_with_its_children(client, tree, province_editor):
    client.force_login(province_editor)

    response = client.get(reverse("cadres:unit-detail", args=[tree.district.pk]))

    assert response.status_code == 200
    assert [child.code for child in response.context["children"]] == ["P-H-X"]
    assert unit_link(tree.district_commune) in response.content.decode()
    assert unit_link(tree.district_branch) not in response.content.decode()


def test_it_shows_the_chain_of_parents_as_breadcrumbs(client, tree, province_editor):
    client.force_login(province_editor)

    response = client.get(reverse("cadres:unit-detail", args=[tree.district_branch.pk]))

    crumbs = breadcrumbs(response)
    names = ["Tỉnh đoàn Thử", "Huyện đoàn Cũ", "Đoàn xã Đông Hà", "Chi đoàn thôn Đông"]
    positions = [crumbs.index(name) for name in names]
    assert positions == sorted(positions), "parents must come in order, from the top"
    for ancestor in [tree.province, tree.district, tree.district_commune]:
        assert unit_link(ancestor) in crumbs


def test_it_never_shows_parents_outside_the_scope_in_breadcrumbs(client, tree):
    user = UserFactory(unit=tree.district_commune, role=Role.EDITOR)
    client.force_login(user)

    response = client.get(reverse("cadres:unit-detail", args=[tree.district_branch.pk]))

    assert response.status_code == 200
    crumbs = breadcrumbs(response)
    assert "Đoàn xã Đông Hà" in crumbs
    assert "Chi đoàn thôn Đông" in crumbs
    assert "Huyện đoàn Cũ" not in crumbs
    assert "Tỉnh đoàn Thử" not in crumbs
    html = response.content.decode()
    assert unit_link(tree.district) not in html
    assert unit_link(tree.province) not in html


def test_it_hides_dissolved_units_unless_asked(client, tree, province_editor):
    Unit.objects.filter(pk=tree.commune_b.pk).update(dissolved_on=datetime.date(2025, 7, 1))
    client.force_login(province_editor)

    default = client.get(reverse("cadres:unit-list"))
    with_dissolved = client.get(reverse("cadres:unit-list"), {"dissolved": "1"})

    assert "P-B" not in {unit.code for unit in default.context["units"]}
    assert unit_link(tree.commune_b) not in default.content.decode()
    assert "P-B" in {unit.code for unit in with_dissolved.context["units"]}
    assert unit_link(tree.commune_b) in with_dissolved.content.decode()
    assert "Đã giải thể 01/07/2025" in with_dissolved.content.decode()


def test_it_keeps_a_dissolved_unit_readable(client, tree, province_editor):
    Unit.objects.filter(pk=tree.commune_b.pk).update(dissolved_on=datetime.date(2025, 7, 1))
    client.force_login(province_editor)

    response = client.get(reverse("cadres:unit-detail", args=[tree.commune_b.pk]))

    assert response.status_code == 200
    assert "Đã giải thể" in response.content.decode()


def test_it_searches_units_inside_the_scope_only(client, tree, commune_editor):
    client.force_login(commune_editor)

    found = client.get(reverse("cadres:unit-list"), {"q": "Chi đoàn"})
    outside = client.get(reverse("cadres:unit-list"), {"q": "Q-A"})

    assert {unit.code for unit in found.context["units"]} == {"P-A-1"}
    assert list(outside.context["units"]) == []
    assert "Không có đơn vị nào khớp" in outside.content.decode()


def test_it_sends_anonymous_users_to_login(client, tree):
    response = client.get(reverse("cadres:unit-list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- seed_demo: the demo unit tree and accounts -------------------------------------------------


def can_log_in(username: str, password: str = "demo12345") -> bool:
    # django-axes needs the request to authenticate.
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="192.0.2.10")
    return authenticate(request, username=username, password=password) is not None


def seed_demo_options() -> dict:
    """Keep the run small: no cadres."""
    return {"cadres": 0}


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0, **seed_demo_options())


def test_it_seeds_a_post_2025_province(seeded):
    province = Unit.objects.get(kind=UnitKind.PROVINCE, depth=1)
    below = Unit.objects.filter(path__startswith=province.path, depth=2)

    communes = below.filter(kind__in=[UnitKind.COMMUNE, UnitKind.WARD])
    assert communes.count() >= 20
    assert below.filter(kind=UnitKind.SCHOOL).count() >= 3
    assert below.filter(kind=UnitKind.ENTERPRISE).count() >= 2
    assert below.filter(kind=UnitKind.PROVINCE_EQUIVALENT).count() >= 1
    assert not Unit.objects.filter(level=UnitLevel.DISTRICT).exists(), "no district level after 2025"


def test_it_seeds_a_chi_doan_under_each_unit(seeded):
    province = Unit.objects.get(kind=UnitKind.PROVINCE, depth=1)
    for unit in Unit.objects.filter(path__startswith=province.path, depth=2):
        branches = Unit.objects.filter(path__startswith=unit.path, depth=3, kind=UnitKind.BRANCH)
        assert branches.exists(), f"{unit.name} has no chi đoàn"


def test_it_seeds_the_demo_users_with_their_password(seeded):
    for username in ["admin", "tinhdoan", "xa", "lanhdao", "xem"]:
        assert can_log_in(username), username
    assert not can_log_in("xa", "sai-mat-khau")
    roles = dict(User.objects.values_list("username", "role"))
    assert roles["admin"] == Role.ADMIN
    assert roles["tinhdoan"] == Role.EDITOR
    assert roles["xa"] == Role.EDITOR
    assert roles["lanhdao"] == Role.APPROVER
    assert roles["xem"] == Role.VIEWER


def test_it_scopes_the_demo_users(seeded):
    xa = User.objects.get(username="xa")
    tinhdoan = User.objects.get(username="tinhdoan")
    admin = User.objects.get(username="admin")

    assert xa.unit.kind in {UnitKind.COMMUNE, UnitKind.WARD}
    assert tinhdoan.unit.kind == UnitKind.PROVINCE
    assert admin.sees_everything
    assert Unit.objects.visible_to(xa).count() < Unit.objects.visible_to(tinhdoan).count()
    assert set(Unit.objects.visible_to(xa)) == set(xa.unit.subtree())


def test_it_is_idempotent(seeded):
    first = (Unit.objects.count(), User.objects.count(), sorted(Unit.objects.values_list("path", "code")))

    call_command("seed_demo", verbosity=0, **seed_demo_options())

    second = (Unit.objects.count(), User.objects.count(), sorted(Unit.objects.values_list("path", "code")))
    assert second == first
    assert can_log_in("xa")


def test_it_shows_xa_only_its_commune_and_tinhdoan_the_province(client, seeded):
    xa = User.objects.get(username="xa")
    other = Unit.objects.filter(depth=2, kind__in=[UnitKind.COMMUNE, UnitKind.WARD]).exclude(pk=xa.unit_id)[0]

    client.force_login(xa)
    listed = {unit.pk for unit in client.get(reverse("cadres:unit-list")).context["units"]}
    assert listed == set(xa.unit.subtree().values_list("pk", flat=True))
    assert client.get(reverse("cadres:unit-detail", args=[other.pk])).status_code == 404

    client.force_login(User.objects.get(username="tinhdoan"))
    listed = {unit.pk for unit in client.get(reverse("cadres:unit-list")).context["units"]}
    assert listed == set(Unit.objects.active().values_list("pk", flat=True))


def test_it_counts_active_cadres_of_each_subtree(client, province_editor, tree, make_cadre):
    make_cadre(tree.commune_a)
    make_cadre(tree.branch_a)
    make_cadre(tree.district_branch)
    left = make_cadre(tree.branch_a)
    left.status, left.left_on = "resigned", datetime.date(2026, 1, 1)
    left.save()
    make_cadre(tree.other_commune)
    client.force_login(province_editor)
    units = {unit.code: unit for unit in client.get(reverse("cadres:unit-list")).context["units"]}
    assert units["P"].cadre_count == 3
    assert units["P-A"].cadre_count == 2
    assert units["P-A-1"].cadre_count == 1
    assert units["P-H"].cadre_count == 1
    assert units["P-B"].cadre_count == 0
    response = client.get(reverse("cadres:unit-detail", args=[tree.commune_a.pk]))
    assert response.context["cadre_count"] == 2
