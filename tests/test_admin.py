"""Django admin: only the admin role gets in (others get the app's 403 page or login page); a
unit admin manages only their subtree; every model of the project is registered. And a refusal
such as that 403 is one line in the log."""

import logging

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path, reverse
from simple_history.models import HistoricalChanges

from accounts.models import Role, User
from cadres.models import Unit, UnitKind, UnitLevel
from tests.factories import UserFactory

NEW_PASSWORD = "Hoa-sen-nở-2025"


def new_user_data(unit: Unit | None, **overrides) -> dict:
    return {
        "username": "moi",
        "last_name": "Võ Thị",
        "first_name": "Mai",
        "unit": unit.pk if unit else "",
        "role": Role.EDITOR,
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def user_change_data(user: User, **overrides) -> dict:
    return {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "email": user.email,
        "position_title": user.position_title,
        "unit": user.unit_id or "",
        "role": user.role,
        "is_active": "on",
        "version": user.version,  # the version the change form was opened at
        **overrides,
    }


# --- who gets in ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.EDITOR, Role.APPROVER, Role.VIEWER])
def test_it_keeps_non_admin_roles_out(client, tree, role):
    user = UserFactory(unit=tree.province, role=role)
    client.force_login(user)

    for url in [
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:cadres_cadre_changelist"),
        reverse("admin:login"),
    ]:
        response = client.get(url)
        # The app's own 403 page, not the admin's login form.
        assert response.status_code == 403, url
        assert response.templates[0].name == "403.html"
        assert "Chỉ quản trị viên mới vào được trang quản trị hệ thống." in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/cadres/cadre/", "/admin/login/?next=/admin/cadres/cadre/1/change/"]
)
def test_it_sends_an_anonymous_visitor_to_the_apps_login_page(client, url):
    response = client.get(url, follow=True)

    assert response.status_code == 200
    final_url, _ = response.redirect_chain[-1]
    assert final_url.startswith("/accounts/login/?next=/admin/")
    assert response.templates[0].name == "registration/login.html"


def test_it_keeps_a_demoted_admin_out(client, tree):
    user = UserFactory(unit=tree.province, role=Role.ADMIN)
    user.role = Role.EDITOR
    user.save()
    client.force_login(user)

    assert client.get(reverse("admin:index")).status_code == 403


def test_it_keeps_an_inactive_admin_out(client, tree):
    user = UserFactory(unit=None, role=Role.ADMIN, is_active=False)
    client.force_login(user)

    assert client.get(reverse("admin:index")).status_code == 302


def test_it_lets_the_admin_role_in(client, tree, unit_admin, system_admin):
    for user in [unit_admin, system_admin]:
        client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 200
        assert "Quản trị dữ liệu" in response.content.decode()


def test_it_shows_the_admin_in_vietnamese(client, system_admin):
    client.force_login(system_admin)

    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert '<html lang="vi"' in html
    assert "Quản trị hệ thống quản lý cán bộ Đoàn" in html
    assert "người dùng" in html.lower()


# --- a unit admin's users ---------------------------------------------------------------------------


@pytest.fixture
def people(tree, province_editor, commune_editor, viewer, unit_admin, system_admin):
    return {
        "branch": UserFactory(username="chidoan", unit=tree.branch_a),
        "sibling": UserFactory(username="xa_b", unit=tree.commune_b),
        "outsider": UserFactory(username="ngoai", unit=tree.other_commune),
    }


def test_it_lists_only_users_of_the_unit_admins_subtree(client, unit_admin, people):
    client.force_login(unit_admin)

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 200
    listed = {user.username for user in response.context["cl"].result_list}
    assert listed == {"xa", "qtxa", "chidoan"}


def test_it_lists_every_user_for_a_system_admin(client, system_admin, people):
    client.force_login(system_admin)

    response = client.get(reverse("admin:accounts_user_changelist"))

    listed = {user.username for user in response.context["cl"].result_list}
    assert {"tinhdoan", "xa", "xem", "qtxa", "admin", "chidoan", "xa_b", "ngoai"} <= listed


def test_it_answers_a_unit_admin_with_not_found_for_a_user_outside(client, unit_admin, people):
    client.force_login(unit_admin)

    for username in ["tinhdoan", "xa_b", "ngoai", "admin"]:
        user = User.objects.get(username=username)
        response = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
        # As in the app (Django admin would redirect to its index with a "does not exist" message).
        assert response.status_code == 404, username


def test_it_lets_a_unit_admin_create_a_user_inside_their_subtree(client, tree, unit_admin):
    client.force_login(unit_admin)

    response = client.post(reverse("admin:accounts_user_add"), new_user_data(tree.branch_a))

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="moi")
    assert user.unit == tree.branch_a
    assert user.role == Role.EDITOR
    assert not user.is_superuser
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("unit_name", ["commune_b", "province", "other_commune", "district_branch"])
def test_it_refuses_a_unit_admin_a_user_outside_their_subtree(client, tree, unit_admin, unit_name):
    client.force_login(unit_admin)

    response = client.post(reverse("admin:accounts_user_add"), new_user_data(getattr(tree, unit_name)))

    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="moi").exists()


def test_it_refuses_a_unit_admin_a_user_without_unit(client, tree, unit_admin):
    client.force_login(unit_admin)

    response = client.post(reverse("admin:accounts_user_add"), new_user_data(None))

    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="moi").exists()


def test_it_offers_a_unit_admin_only_units_of_their_subtree(client, tree, unit_admin):
    client.force_login(unit_admin)

    response = client.get(reverse("admin:accounts_user_add"))

    choices = response.context["adminform"].form.fields["unit"].queryset
    assert set(choices.values_list("code", flat=True)) == {"P-A", "P-A-1"}


def test_it_lets_a_system_admin_create_a_user_anywhere(client, tree, system_admin):
    client.force_login(system_admin)

    response = client.post(reverse("admin:accounts_user_add"), new_user_data(tree.other_commune))

    assert response.status_code == 302
    assert User.objects.get(username="moi").unit == tree.other_commune


def test_it_hides_is_superuser_from_a_unit_admin(client, tree, unit_admin, commune_editor):
    client.force_login(unit_admin)

    add_page = client.get(reverse("admin:accounts_user_add"))
    change_page = client.get(reverse("admin:accounts_user_change", args=[commune_editor.pk]))

    for response in [add_page, change_page]:
        assert response.status_code == 200
        assert "is_superuser" not in response.context["adminform"].form.fields
        assert 'name="is_superuser"' not in response.content.decode()
        assert 'name="user_permissions"' not in response.content.decode()


def test_it_shows_is_superuser_to_a_superuser(client, tree, system_admin, commune_editor):
    client.force_login(system_admin)

    response = client.get(reverse("admin:accounts_user_change", args=[commune_editor.pk]))

    assert 'name="is_superuser"' in response.content.decode()


def test_it_ignores_is_superuser_posted_by_a_unit_admin(client, tree, unit_admin, commune_editor):
    client.force_login(unit_admin)

    created = client.post(
        reverse("admin:accounts_user_add"), new_user_data(tree.branch_a, is_superuser="on", is_staff="on")
    )
    changed = client.post(
        reverse("admin:accounts_user_change", args=[commune_editor.pk]),
        user_change_data(commune_editor, is_superuser="on", position_title="Bí thư"),
    )

    assert created.status_code == 302
    assert changed.status_code == 302, changed.context["adminform"].form.errors
    assert not User.objects.get(username="moi").is_superuser
    commune_editor.refresh_from_db()
    assert commune_editor.position_title == "Bí thư"
    assert not commune_editor.is_superuser
    assert not commune_editor.is_staff


def test_it_refuses_a_unit_admin_moving_a_user_out_of_their_subtree(client, tree, unit_admin, commune_editor):
    client.force_login(unit_admin)

    response = client.post(
        reverse("admin:accounts_user_change", args=[commune_editor.pk]),
        user_change_data(commune_editor, unit=tree.province.pk),
    )

    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    commune_editor.refresh_from_db()
    assert commune_editor.unit == tree.commune_a


def test_it_keeps_superusers_out_of_a_unit_admins_reach(client, tree, unit_admin):
    # A superuser bound to a unit inside the subtree: a unit admin must not be able to reset
    # their password and take over system-wide rights.
    boss = UserFactory(username="sieucap", unit=tree.branch_a, role=Role.ADMIN, is_superuser=True)
    client.force_login(unit_admin)

    listed = client.get(reverse("admin:accounts_user_changelist")).context["cl"].result_list
    password_page = client.get(reverse("admin:auth_user_password_change", args=[boss.pk]))

    assert "sieucap" not in {user.username for user in listed}
    assert password_page.status_code != 200
    boss.refresh_from_db()
    assert boss.check_password("demo12345")


def test_it_makes_admin_role_staff_and_others_not(tree):
    admin_user = UserFactory(unit=tree.province, role=Role.ADMIN)
    editor = UserFactory(unit=tree.province, role=Role.EDITOR, is_staff=True)

    assert admin_user.is_staff
    assert not editor.is_staff


# --- a unit admin's units ----------------------------------------------------------------------------


def test_it_lists_only_the_unit_admins_subtree_of_units(client, tree, unit_admin):
    client.force_login(unit_admin)

    response = client.get(reverse("admin:units_unit_changelist"))

    assert response.status_code == 200
    assert {unit.code for unit in response.context["cl"].result_list} == {"P-A", "P-A-1"}


def test_it_answers_a_unit_admin_with_not_found_for_a_unit_outside(client, tree, unit_admin):
    client.force_login(unit_admin)

    response = client.get(reverse("admin:units_unit_change", args=[tree.commune_b.pk]))

    assert response.status_code == 404


def unit_data(parent: Unit | None, **overrides) -> dict:
    return {
        "parent": parent.pk if parent else "",
        "name": "Chi đoàn thôn Mới",
        "short_name": "",
        "code": "NEW-1",
        "level": UnitLevel.BRANCH,
        "kind": UnitKind.BRANCH,
        "sector": "",
        "dissolved_on": "",
        "note": "",
        **overrides,
    }


def test_it_lets_a_unit_admin_add_a_unit_inside_their_subtree(client, tree, unit_admin):
    client.force_login(unit_admin)

    response = client.post(reverse("admin:units_unit_add"), unit_data(tree.commune_a))

    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = Unit.objects.get(code="NEW-1")
    assert unit.is_within(tree.commune_a)
    assert unit.depth == tree.commune_a.depth + 1


@pytest.mark.parametrize("parent_name", ["commune_b", "province", None])
def test_it_refuses_a_unit_admin_a_unit_outside_their_subtree(client, tree, unit_admin, parent_name):
    client.force_login(unit_admin)
    parent = getattr(tree, parent_name) if parent_name else None

    response = client.post(reverse("admin:units_unit_add"), unit_data(parent))

    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Unit.objects.filter(code="NEW-1").exists()


def test_it_does_not_let_a_unit_admin_delete_units(client, tree, unit_admin):
    client.force_login(unit_admin)

    response = client.post(reverse("admin:units_unit_delete", args=[tree.branch_a.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Unit.objects.filter(pk=tree.branch_a.pk).exists()


def test_it_offers_a_unit_admin_only_their_units_in_a_cadres_appointments(
    client, tree, unit_admin, make_cadre
):
    cadre = make_cadre(tree.commune_a)
    client.force_login(unit_admin)

    response = client.get(reverse("admin:cadres_cadre_change", args=[cadre.pk]))

    assert response.status_code == 200
    units = {"cadre": response.context["adminform"].form.fields["unit"].queryset}
    for inline in response.context["inline_admin_formsets"]:
        if "unit" in inline.formset.empty_form.fields:
            units[inline.formset.model.__name__] = inline.formset.empty_form.fields["unit"].queryset
    assert set(units) == {"cadre", "Appointment"}
    for name, queryset in units.items():
        assert set(queryset.values_list("code", flat=True)) == {"P-A", "P-A-1"}, name


# --- registration --------------------------------------------------------------------------------


def project_models():
    for label in ["units", "accounts", "cadres", "planning", "training", "fieldwork", "reports"]:
        for model in apps.get_app_config(label).get_models():
            if issubclass(model, HistoricalChanges):
                continue  # simple-history's audit tables are shown through their model's admin
            yield model


def test_every_project_model_is_registered_in_admin():
    models = list(project_models())

    assert {model.__name__ for model in models} >= {"User", "Unit"}
    missing = [model._meta.label for model in models if not admin.site.is_registered(model)]
    assert missing == []


def test_every_admin_changelist_opens_for_a_unit_admin_and_a_system_admin(
    client, tree, unit_admin, system_admin
):
    for user in [unit_admin, system_admin]:
        client.force_login(user)
        for model in project_models():
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 200, (user.username, url)


def test_it_moves_the_current_post_when_an_admin_adds_an_appointment(client, system_admin, tree, make_cadre):
    from cadres.models import Position

    cadre = make_cadre(tree.commune_a, code="uv-bch")
    client.force_login(system_admin)
    response = client.post(
        reverse("admin:cadres_appointment_add"),
        {
            "cadre": cadre.pk,
            "unit": tree.commune_b.pk,
            "position": Position.objects.get(code="bi-thu").pk,
            "kind": "appointed",
            "started_on": "01/10/2026",
            "decision_number": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.position.code == "bi-thu"
    assert cadre.unit == tree.commune_b


# --- the log -----------------------------------------------------------------------------------------


@login_not_required
def refuse(request):
    raise PermissionDenied("Chỉ quản trị viên mới thực hiện được thao tác này.")


@login_not_required
def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [path("refuse/", refuse), path("crash/", crash)]


@pytest.mark.urls("tests.test_admin")
def test_it_logs_a_refusal_in_one_line_and_a_crash_with_its_traceback(caplog):
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        refused = client.get("/refuse/")
        crashed = client.get("/crash/")

    assert (refused.status_code, crashed.status_code) == (403, 500)
    refusal, bug = [record for record in caplog.records if record.name == "django.request"]
    formatter = logging.Formatter()
    assert formatter.format(refusal) == "Forbidden (Permission denied): /refuse/"
    assert "Traceback" in formatter.format(bug)
    assert bug.exc_info[0] is RuntimeError


def test_it_names_units_with_their_parents_in_lists_pickers_and_autocomplete(
    client, tree, system_admin, make_cadre
):
    cadre = make_cadre(tree.branch_a, full_name="Lê Thị Mai")
    make_cadre(tree.branch_b, full_name="Trần Văn Hùng")
    client.force_login(system_admin)

    changelist = client.get(reverse("admin:cadres_cadre_changelist")).content.decode()
    change = client.get(reverse("admin:cadres_cadre_change", args=[cadre.pk])).content.decode()
    found = client.get(
        reverse("admin:autocomplete"),
        {"term": "thôn 1", "app_label": "cadres", "model_name": "cadre", "field_name": "unit"},
    ).json()

    assert "Chi đoàn thôn 1 – Đoàn xã An Bình" in changelist
    assert "Chi đoàn tổ 2 – Đoàn phường Bắc Sơn" in changelist
    assert f'<option value="{tree.branch_a.pk}" selected>Chi đoàn thôn 1 – Đoàn xã An Bình</option>' in change
    assert {"id": str(tree.branch_a.pk), "text": "Chi đoàn thôn 1 – Đoàn xã An Bình"} in found["results"]


# --- history pages and admin saves ----------------------------------------------------------------
# The whole grid of who gets what is tests/test_permission_matrix.py; these are the cases behind it.


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def posted_back(form) -> dict:
    """What a browser posts for ``form`` as the page rendered it, untouched."""
    from django.forms import CheckboxInput, SelectMultiple

    data = {}
    for field in form:
        value = field.value()
        if isinstance(field.field.widget, CheckboxInput):
            if value:
                data[field.html_name] = "on"
            continue
        if isinstance(getattr(field.field.widget, "widget", field.field.widget), SelectMultiple):
            data[field.html_name] = [str(getattr(item, "pk", item)) for item in value or []]
            continue
        shown = field.field.widget.format_value(value)
        data[field.html_name] = "" if shown is None else shown
    return data


def change_page_data(response, **changes) -> dict:
    """What an admin change page posts back, its inlines included, with ``changes``."""
    data = posted_back(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data |= posted_back(inline.formset.management_form)
        for form in inline.formset.forms:
            data |= posted_back(form)
    return data | changes


@pytest.fixture
def cadre_outside(tree, make_cadre):
    return make_cadre(tree.commune_b, full_name="Trần Thị Ngoài")


def test_it_answers_a_unit_admin_with_not_found_for_the_history_of_a_cadre_outside(
    client, unit_admin, cadre_outside
):
    from cadres.models import Cadre

    record = cadre_outside.history.latest()
    client.force_login(unit_admin)

    assert client.get(admin_url(Cadre, "change", cadre_outside.pk)).status_code == 404
    assert client.get(admin_url(Cadre, "history", cadre_outside.pk)).status_code == 404
    assert client.get(admin_url(Cadre, "simple_history", cadre_outside.pk, record.pk)).status_code == 404


def test_it_shows_a_unit_admin_the_history_of_a_cadre_inside(client, tree, unit_admin, make_cadre):
    from cadres.models import Cadre

    cadre = make_cadre(tree.branch_a)
    record = cadre.history.latest()
    client.force_login(unit_admin)

    assert client.get(admin_url(Cadre, "history", cadre.pk)).status_code == 200
    response = client.get(admin_url(Cadre, "simple_history", cadre.pk, record.pk))
    assert response.status_code == 200
    assert response.context["revert_disabled"] is True


def test_it_refuses_a_history_record_of_another_cadre(client, tree, system_admin, make_cadre, cadre_outside):
    from cadres.models import Cadre

    cadre = make_cadre(tree.commune_a)
    client.force_login(system_admin)

    url = admin_url(Cadre, "simple_history", cadre.pk, cadre_outside.history.latest().pk)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["unit_admin", "system_admin"])
def test_it_does_not_revert_a_cadre_from_its_history(client, request, tree, system_admin, cadre_outside, who):
    # The hole as reported: the revert form of a cadre of another unit, posted with the admin's
    # own unit, edited the cadre and moved it there. Reverts are off for every admin.
    from cadres.models import Cadre

    url = admin_url(Cadre, "simple_history", cadre_outside.pk, cadre_outside.history.latest().pk)
    client.force_login(system_admin)
    form = client.get(url).context["adminform"].form
    data = posted_back(form) | {"unit": tree.commune_a.pk, "full_name": "Đã sửa"}
    version, records = cadre_outside.version, cadre_outside.history.count()
    client.force_login(request.getfixturevalue(who))

    response = client.post(url, data)

    assert response.status_code == 405
    cadre_outside.refresh_from_db()
    assert (cadre_outside.unit, cadre_outside.full_name) == (tree.commune_b, "Trần Thị Ngoài")
    assert (cadre_outside.version, cadre_outside.history.count()) == (version, records)


@pytest.mark.parametrize("url_end", ["change/history/", "history/x/", "history/999999/"])
def test_it_answers_a_mistyped_history_url_with_not_found(client, tree, system_admin, make_cadre, url_end):
    from cadres.models import Cadre, Position

    cadre = make_cadre(tree.commune_a)
    client.force_login(system_admin)

    for model, pk in [(Cadre, cadre.pk), (Unit, tree.commune_a.pk), (Position, cadre.position_id)]:
        url = admin_url(model, "change", pk).removesuffix("change/") + url_end
        assert client.get(url).status_code == 404, url


def test_it_refuses_an_app_edit_opened_before_an_admin_saved_the_cadre(
    client, tree, commune_editor, unit_admin, make_cadre
):
    from cadres.models import Cadre

    cadre = make_cadre(tree.branch_a, full_name="Lê Văn Tám")
    client.force_login(commune_editor)
    opened = client.get(reverse("cadres:cadre-edit", args=[cadre.pk]))
    edited_in_app = posted_back(opened.context["form"]) | {"address": "Thôn 2"}
    in_admin = Client()
    in_admin.force_login(unit_admin)
    page = in_admin.get(admin_url(Cadre, "change", cadre.pk))

    saved = in_admin.post(admin_url(Cadre, "change", cadre.pk), change_page_data(page, phone="0905123456"))
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    version = Cadre.objects.get(pk=cadre.pk).version
    response = client.post(reverse("cadres:cadre-edit", args=[cadre.pk]), edited_in_app)

    assert response.status_code == 200
    assert "Chưa lưu: hồ sơ đã được người khác cập nhật" in response.content.decode()
    assert "0905123456" in response.content.decode()  # what the admin changed is shown
    cadre.refresh_from_db()
    assert (cadre.phone, cadre.address, cadre.version) == ("0905123456", "", version)


def test_it_bumps_the_version_only_when_an_admin_changes_the_cadre(client, tree, unit_admin, make_cadre):
    from cadres.models import Cadre

    cadre = make_cadre(tree.branch_a)
    version = cadre.version
    client.force_login(unit_admin)
    url = admin_url(Cadre, "change", cadre.pk)

    assert client.post(url, change_page_data(client.get(url))).status_code == 302
    unchanged = Cadre.objects.get(pk=cadre.pk).version
    assert client.post(url, change_page_data(client.get(url), phone="0905123456")).status_code == 302
    changed = Cadre.objects.get(pk=cadre.pk).version

    assert (unchanged, changed) == (version, version + 1)
