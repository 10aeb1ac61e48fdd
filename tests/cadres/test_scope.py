"""Scope: ``visible_to(user)`` on units and users, on trees three and four levels deep."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import Role, User
from cadres.models import Unit
from tests.factories import UserFactory


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def usernames(queryset) -> set[str]:
    return set(queryset.values_list("username", flat=True))


ALL_CODES = {"P", "P-A", "P-B", "P-A-1", "P-B-1", "P-H", "P-H-X", "P-H-X-1", "Q", "Q-A"}


def test_it_shows_a_province_editor_the_whole_province_at_every_depth(tree, province_editor):
    visible = codes(Unit.objects.visible_to(province_editor))

    assert visible == {"P", "P-A", "P-B", "P-A-1", "P-B-1", "P-H", "P-H-X", "P-H-X-1"}


def test_it_shows_a_commune_editor_only_their_three_level_branch(tree, commune_editor):
    assert codes(Unit.objects.visible_to(commune_editor)) == {"P-A", "P-A-1"}


def test_it_shows_a_district_user_their_subtree_of_the_four_level_branch(tree):
    district_user = UserFactory(unit=tree.district, role=Role.EDITOR)

    assert codes(Unit.objects.visible_to(district_user)) == {"P-H", "P-H-X", "P-H-X-1"}


def test_it_shows_a_commune_under_a_district_only_itself_and_its_branch(tree):
    user = UserFactory(unit=tree.district_commune, role=Role.VIEWER)

    assert codes(Unit.objects.visible_to(user)) == {"P-H-X", "P-H-X-1"}


def test_it_shows_a_branch_user_only_their_branch(tree):
    user = UserFactory(unit=tree.district_branch, role=Role.EDITOR)

    assert codes(Unit.objects.visible_to(user)) == {"P-H-X-1"}


def test_it_never_shows_the_parent_or_siblings(tree, commune_editor):
    visible = Unit.objects.visible_to(commune_editor)

    assert not visible.filter(pk__in=[tree.province.pk, tree.commune_b.pk, tree.other_commune.pk]).exists()


def test_it_shows_an_inactive_user_nothing(tree):
    user = UserFactory(unit=tree.province, role=Role.EDITOR, is_active=False)

    assert not Unit.objects.visible_to(user).exists()
    assert not User.objects.visible_to(user).exists()


def test_it_shows_an_inactive_system_admin_nothing(tree):
    user = UserFactory(unit=None, role=Role.ADMIN, is_active=False)

    assert not Unit.objects.visible_to(user).exists()


def test_it_shows_an_anonymous_user_nothing(tree):
    assert not Unit.objects.visible_to(AnonymousUser()).exists()
    assert not User.objects.visible_to(AnonymousUser()).exists()


def test_it_shows_an_admin_without_unit_everything(tree):
    admin = UserFactory(unit=None, role=Role.ADMIN)

    assert codes(Unit.objects.visible_to(admin)) == ALL_CODES


def test_it_shows_a_superuser_bound_to_a_unit_everything(tree):
    superuser = UserFactory(unit=tree.commune_a, role=Role.EDITOR, is_superuser=True)

    assert codes(Unit.objects.visible_to(superuser)) == ALL_CODES


def test_it_shows_a_non_admin_without_unit_nothing(tree):
    editor = UserFactory(unit=None, role=Role.EDITOR)

    assert not Unit.objects.visible_to(editor).exists()
    assert not User.objects.visible_to(editor).exists()


def test_it_limits_a_unit_admin_to_their_subtree(tree, unit_admin):
    assert codes(Unit.objects.visible_to(unit_admin)) == {"P-A", "P-A-1"}


def test_it_does_not_confuse_sibling_paths_sharing_a_prefix(tree):
    # Materialized paths of siblings are fixed width; a unit's path must not match a
    # sibling whose code or name merely starts the same way.
    commune_c = Unit.objects.add_child(
        Unit.objects.get(pk=tree.province.pk),
        instance=Unit(name="Đoàn xã An Bình Mới", code="P-A-NEW", level="base", kind="doan_xa"),
    )
    user = UserFactory(unit=tree.commune_a, role=Role.EDITOR)

    assert commune_c.code not in codes(Unit.objects.visible_to(user))


def test_it_shows_users_of_the_subtree_only(tree, province_editor, commune_editor, viewer, unit_admin):
    UserFactory(username="chidoan", unit=tree.branch_a)
    district_user = UserFactory(username="huyen", unit=tree.district_commune)
    outsider = UserFactory(username="ngoai", unit=tree.other_commune)
    system_user = UserFactory(username="hethong", unit=None, role=Role.ADMIN)

    assert usernames(User.objects.visible_to(commune_editor)) == {"xa", "qtxa", "chidoan"}
    assert usernames(User.objects.visible_to(province_editor)) == {
        "tinhdoan",
        "xa",
        "xem",
        "qtxa",
        "chidoan",
        "huyen",
    }
    assert outsider.username not in usernames(User.objects.visible_to(province_editor))
    assert usernames(User.objects.visible_to(system_user)) >= {"ngoai", "hethong", "tinhdoan"}
    assert district_user.username in usernames(User.objects.visible_to(viewer))


def test_it_hides_system_wide_accounts_from_unit_admins(tree, unit_admin, system_admin):
    assert system_admin.username not in usernames(User.objects.visible_to(unit_admin))
