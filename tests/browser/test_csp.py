"""The Content-Security-Policy in a real Chromium: no main page, nor the admin, breaks it (no inline
script, style or handler left), and what the pages do with script still works under it."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from cadres.models import Cadre, ExportJob
from tests.browser.test_page_widths import main_pages
from tests.browser.test_smoke import log_in

pytestmark = pytest.mark.browser

# Runs before any script of the page; the browser reports every blocked inline script, style or
# handler as a `securitypolicyviolation` event (and on the console).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(
    event.violatedDirective + " " + event.blockedURI + " " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


@pytest.fixture
def csp_page(browser_page):
    page = browser_page
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.console_violations = []

    def record(message):
        if "Content Security Policy" in message.text:
            page.console_violations.append(message.text)

    page.on("console", record)
    return page


def violations(page, path: str) -> list[str]:
    page.wait_for_load_state("networkidle")
    seen = page.evaluate("window.cspViolations || []") + page.console_violations
    page.console_violations.clear()
    return [f"{path}: {violation}" for violation in seen]


def admin_pages() -> list[str]:
    """The admin's index, every list, change forms with Django's widgets, and the history pages."""
    cadre = Cadre.objects.order_by("pk").first()
    record = cadre.history.first()
    return [
        reverse("admin:index"),
        *sorted(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            for model in admin.site._registry
        ),
        reverse("admin:cadres_cadre_change", args=[cadre.pk]),
        reverse("admin:accounts_user_change", args=[User.objects.get(username="tinhdoan").pk]),
        reverse("admin:cadres_cadre_history", args=[cadre.pk]),
        reverse("admin:cadres_cadre_simple_history", args=[cadre.pk, record.history_id]),
    ]


@pytest.mark.parametrize("username", ["admin", "tinhdoan"])
def test_no_page_breaks_the_content_security_policy(csp_page, live_server, transactional_db, username):
    call_command("seed_demo", cadres=60, verbosity=0)
    page = csp_page
    log_in(page, live_server, username)
    pages = main_pages(username) + (admin_pages() if username == "admin" else [])
    found = []

    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status < 400, (path, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        found += violations(page, path)

    assert found == []


def test_the_pages_still_work_under_the_policy(csp_page, live_server, tree, province_editor, make_cadre):
    make_cadre(tree.commune_a, full_name="Nguyễn Thị Lan")
    page = csp_page
    log_in(page, live_server, "tinhdoan")

    # The unit tree opens and closes.
    page.goto(live_server.url + reverse("cadres:unit-list"))
    expect(page.get_by_role("link", name="Chi đoàn thôn Đông")).to_be_hidden()
    page.get_by_role("button", name="Mở rộng tất cả").click()
    expect(page.get_by_role("link", name="Chi đoàn thôn Đông")).to_be_visible()
    found = violations(page, "units")

    # Tom Select opens its list on the roster's filters.
    page.goto(live_server.url + reverse("cadres:cadre-list"))
    page.locator(".ts-control").first.click()
    expect(page.locator(".ts-dropdown").first).to_be_visible()
    found += violations(page, "cadres")

    # The date picker opens on the new-cadre form.
    page.goto(live_server.url + reverse("cadres:cadre-create"))
    page.locator("input.flatpickr-input + input").first.click()
    expect(page.locator(".flatpickr-calendar.open")).to_be_visible()
    found += violations(page, "cadre form")

    # The progress of an export polls with htmx, its bar as wide as the share done.
    job = ExportJob.objects.create(
        user=User.objects.get(username="tinhdoan"), stage="write", done=2, total=4, updated_at=timezone.now()
    )
    page.goto(live_server.url + job.get_absolute_url())
    bar = page.locator("#job-progress .progress-bar")
    expect(bar).to_have_text("50%")
    wait_for_bar_share(page, 0.5)
    ExportJob.objects.filter(pk=job.pk).update(done=3, updated_at=timezone.now())
    expect(bar).to_have_text("75%")  # swapped in by the poll
    wait_for_bar_share(page, 0.75)
    found += violations(page, "export job")

    assert found == []


def wait_for_bar_share(page, share: float) -> None:
    """The bar's width, set by app.js from data-percent, reaches the share of its track (after
    Bootstrap's width transition)."""
    page.wait_for_function(
        """share => {
          const bar = document.querySelector('#job-progress .progress-bar');
          return bar && Math.abs(bar.offsetWidth / bar.parentElement.clientWidth - share) < 0.02;
        }""",
        arg=share,
    )
