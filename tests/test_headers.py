"""Security headers: the Content-Security-Policy on every page, and ``Cache-Control: private,
no-store`` on every page and file that carries personal data."""

import pytest
from django.urls import reverse

PRIVATE = "private, no-store"


@pytest.fixture
def cadre(tree, make_cadre):
    return make_cadre(tree.commune_a, full_name="Nguyễn Thị Lan")


@pytest.fixture
def editor_client(client, commune_editor):
    client.force_login(commune_editor)
    return client


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


@pytest.mark.parametrize(
    "name",
    [
        "reports:dashboard",
        "cadres:cadre-list",
        "cadres:cadre-detail",
        "cadres:cadre-export",
        "cadres:cadre-cv",
        "cadres:cadre-import-template",
    ],
)
def test_it_keeps_personal_data_out_of_every_cache(editor_client, cadre, name):
    args = [cadre.pk] if name in {"cadres:cadre-detail", "cadres:cadre-cv"} else []

    response = editor_client.get(reverse(name, args=args))

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_it_keeps_the_caching_a_view_chose(editor_client):
    # /healthz says never_cache; the middleware adds nothing on top of it.
    response = editor_client.get(reverse("healthz"))

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_it_leaves_the_responses_of_anonymous_users_alone(client, db):
    response = client.get(reverse("cadres:cadre-list"))

    assert response.status_code == 302
    assert "Cache-Control" not in response


def test_it_sends_the_content_security_policy_without_inline_code(editor_client):
    response = editor_client.get(reverse("reports:dashboard"))

    assert directives(response) == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_it_sends_the_policy_on_the_login_page_and_the_admin(client, system_admin):
    login = client.get(reverse("login"))
    client.force_login(system_admin)
    admin = client.get(reverse("admin:index"))

    assert directives(login)["script-src"] == "'self'"
    assert directives(admin)["script-src"] == "'self'"
    assert directives(admin)["style-src"] == "'self'"


@pytest.mark.parametrize(
    "name", ["reports:dashboard", "cadres:cadre-list", "cadres:cadre-detail", "cadres:cadre-import"]
)
def test_no_page_holds_inline_scripts_styles_or_handlers(editor_client, cadre, name):
    args = [cadre.pk] if name == "cadres:cadre-detail" else []

    html = editor_client.get(reverse(name, args=args)).content.decode()

    assert "<style" not in html
    assert " style=" not in html
    assert " onclick=" not in html
    assert "<script>" not in html
    assert "<script src=" in html  # the scripts are files
    assert '"includeIndicatorStyles": false' in html
