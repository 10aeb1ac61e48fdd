"""Login, logout and password change in Vietnamese; login required everywhere; django-axes lock-out."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory

OFFICE = "203.0.113.7"
HOME = "198.51.100.20"


def login(client, username: str, password: str, *, ip: str = OFFICE, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password, **extra}, REMOTE_ADDR=ip
    )


def fail_logins(client, username: str, times: int, *, ip: str = OFFICE):
    return [login(client, username, "mat-khau-sai", ip=ip) for _ in range(times)]


def is_logged_in(client) -> bool:
    return SESSION_KEY in client.session


# --- login, logout, password change --------------------------------------------------------------


def test_it_shows_the_login_page_in_vietnamese(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Tên đăng nhập" in html
    assert "Mật khẩu" in html


def test_it_logs_in_and_lands_on_the_dashboard(client, province_editor):
    response = login(client, "tinhdoan", "demo12345")

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:dashboard")
    assert is_logged_in(client)
    assert "Tổng quan" in client.get(reverse("reports:dashboard")).content.decode()


def test_it_follows_next_after_login(client, province_editor):
    response = login(client, "tinhdoan", "demo12345", next=reverse("cadres:unit-list"))

    assert response["Location"] == reverse("cadres:unit-list")


def test_it_refuses_to_follow_next_to_another_site(client, province_editor):
    response = login(client, "tinhdoan", "demo12345", next="https://evil.example/")

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:dashboard")


def test_it_refuses_a_wrong_password_with_a_vietnamese_message(client, province_editor):
    response = login(client, "tinhdoan", "sai-mat-khau")

    assert response.status_code == 200
    assert not is_logged_in(client)
    html = response.content.decode()
    assert "alert-danger" in html
    assert "Tên đăng nhập và mật khẩu chính xác" in html


def test_it_refuses_an_inactive_user(client, tree):
    UserFactory(username="nghiviec", unit=tree.province, is_active=False)

    response = login(client, "nghiviec", "demo12345")

    assert response.status_code == 200
    assert not is_logged_in(client)


def test_it_logs_out_on_post_and_returns_to_login(client, province_editor):
    client.force_login(province_editor)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not is_logged_in(client)


def test_it_does_not_log_out_on_get(client, province_editor):
    client.force_login(province_editor)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert is_logged_in(client)


def test_it_changes_the_password(client, province_editor):
    client.force_login(province_editor)
    page = client.get(reverse("password_change"))
    assert "Đổi mật khẩu" in page.content.decode()
    assert "Mật khẩu cũ" in page.content.decode()

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "demo12345",
            "new_password1": "Xanh-la-cay-2025",
            "new_password2": "Xanh-la-cay-2025",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("reports:dashboard")
    assert "Đã đổi mật khẩu." in response.content.decode()
    province_editor.refresh_from_db()
    assert province_editor.check_password("Xanh-la-cay-2025")
    assert is_logged_in(client), "changing the password keeps the session"


def test_it_refuses_a_password_change_with_the_wrong_old_password(client, province_editor):
    client.force_login(province_editor)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "khong-dung",
            "new_password1": "Xanh-la-cay-2025",
            "new_password2": "Xanh-la-cay-2025",
        },
    )

    assert response.status_code == 200
    assert "Mật khẩu cũ không chính xác" in response.content.decode()
    province_editor.refresh_from_db()
    assert province_editor.check_password("demo12345")


def test_it_refuses_a_weak_new_password_in_vietnamese(client, province_editor):
    client.force_login(province_editor)

    response = client.post(
        reverse("password_change"),
        {"old_password": "demo12345", "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 200
    assert "Mật khẩu này" in response.content.decode()
    province_editor.refresh_from_db()
    assert province_editor.check_password("demo12345")


@pytest.mark.parametrize(
    "url_name", ["reports:dashboard", "cadres:unit-list", "password_change", "admin:index"]
)
def test_it_sends_anonymous_users_to_the_login_page(client, db, url_name):
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") if url_name != "admin:index" else "/admin/login/")
    assert "next=" in response["Location"]


def test_it_lets_anonymous_users_reach_only_login_and_healthz(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200


def test_it_redirects_a_logged_in_user_away_from_the_login_page(client, province_editor):
    client.force_login(province_editor)

    response = client.get(reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("reports:dashboard")


# --- django-axes -------------------------------------------------------------------------------------


def test_it_locks_out_after_five_failed_logins_even_with_the_right_password(client, province_editor):
    first_four = fail_logins(client, "tinhdoan", 4)
    assert [r.status_code for r in first_four] == [200] * 4
    fail_logins(client, "tinhdoan", 1)

    response = login(client, "tinhdoan", "demo12345")

    assert response.status_code == 429
    assert not is_logged_in(client)
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Tài khoản tạm thời bị khoá" in html
    assert "trong 15 phút" in html
    assert "sai 5 lần" in html
    assert "PT15M" not in html


def test_it_does_not_lock_out_after_four_failed_logins(client, province_editor):
    fail_logins(client, "tinhdoan", 4)

    response = login(client, "tinhdoan", "demo12345")

    assert response.status_code == 302
    assert is_logged_in(client)


def test_it_resets_the_failure_count_on_success(client, province_editor):
    fail_logins(client, "tinhdoan", 4)
    assert login(client, "tinhdoan", "demo12345").status_code == 302
    client.post(reverse("logout"))

    fail_logins(client, "tinhdoan", 4)
    response = login(client, "tinhdoan", "demo12345")

    assert response.status_code == 302
    assert is_logged_in(client)


def test_it_locks_the_username_only_from_that_address(client, province_editor):
    fail_logins(client, "tinhdoan", 5, ip=OFFICE)

    assert login(client, "tinhdoan", "demo12345", ip=OFFICE).status_code == 429
    response = login(client, "tinhdoan", "demo12345", ip=HOME)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_it_does_not_lock_other_users_of_the_same_address(client, province_editor, commune_editor):
    fail_logins(client, "tinhdoan", 5, ip=OFFICE)

    response = login(client, "xa", "demo12345", ip=OFFICE)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_it_records_the_failed_attempts(client, province_editor):
    fail_logins(client, "tinhdoan", 3)

    attempt = AccessAttempt.objects.get(username="tinhdoan", ip_address=OFFICE)
    assert attempt.failures_since_start == 3


def test_it_lets_the_user_in_once_the_lock_is_lifted(client, province_editor):
    fail_logins(client, "tinhdoan", 5)
    assert login(client, "tinhdoan", "demo12345").status_code == 429

    AccessAttempt.objects.filter(username="tinhdoan").delete()  # what `axes_reset_username` does

    assert login(client, "tinhdoan", "demo12345").status_code == 302


def test_it_locks_a_viewer_too(client, viewer):
    UserFactory(username="xem2", unit=viewer.unit, role=Role.VIEWER)
    fail_logins(client, "xem", 5)

    assert login(client, "xem", "demo12345").status_code == 429
    assert login(client, "xem2", "demo12345").status_code == 302
