"""Every filter form (a GET form on a page), checked the way a browser submits it.

A select without an empty "Tất cả" first choice submits its first real choice and silently
narrows every search: this is how "nguyen thi" + Enter once found 20 cadres instead of 119.
These tests walk every page of the app that takes no URL argument, find its GET forms, and
check that (1) every select offers "Tất cả" first, with an empty value; (2) submitting the form
as loaded lists as many rows as the page itself; (3) the page has a browser test that fills
and submits the form (tests/browser/test_filter_forms.py), so a new list page cannot land
without one.
"""

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role
from tests.browser.test_filter_forms import FILTER_FORM_PAGES
from tests.factories import UserFactory

# Pages that are not HTML pages a person fills in: files, probes, the admin (its own machinery).
NOT_PAGES = {
    "healthz",
    "logout",
    "cadres:cadre-export",
    "cadres:cadre-import-template",
    "planning:source-export",
}


class FormParser(HTMLParser):
    """The GET forms of a page: each with its fields as a browser would submit them, and its
    selects' options. Also the total a list page shows (``data-total``)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.total: str | None = None
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-total" in attrs and self.total is None:
            self.total = attrs["data-total"]
        if tag == "form" and attrs.get("method", "get").lower() == "get":
            self._form = {"id": attrs.get("id", ""), "fields": [], "selects": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            if kind not in {"submit", "button", "reset"}:
                self._form["fields"].append(
                    (attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
                )
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "options": [], "selected": None}
            self._form["selects"][attrs["name"]] = self._select
        elif tag == "option" and self._select is not None:
            self._select["options"].append([attrs.get("value", ""), ""])
            if "selected" in attrs:
                self._select["selected"] = attrs.get("value", "")

    def handle_data(self, data):
        if self._select is not None and self._select["options"]:
            self._select["options"][-1][1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = self._select["selected"]
            self._form["fields"].append(
                (self._select["name"], chosen if chosen is not None else options[0][0])
            )
            self._select = None


def pages_without_arguments() -> list[tuple[str, str]]:
    """(URL name, path) of every named page that takes no argument, outside Django admin."""
    found = []

    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
                name = namespace + entry.name
                if name not in NOT_PAGES and "<" not in str(entry.pattern):
                    found.append((name, "/" + prefix + str(entry.pattern)))

    walk(get_resolver().url_patterns)
    return found


PAGES = pages_without_arguments()


def get_forms(client, path: str, query: str = "") -> FormParser:
    response = client.get(path + (f"?{query}" if query else ""))
    assert response.status_code < 500, (path, response.status_code)
    parser = FormParser()
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        parser.feed(response.content.decode())
    return parser


@pytest.fixture
def editor_client(client, tree, make_cadre):
    make_cadre(tree.commune_a, full_name="Nguyễn Thị Lan", education=0, political_theory=0)
    make_cadre(tree.commune_b, full_name="Trần Văn Hùng", education=4, political_theory=2)
    make_cadre(tree.branch_a, full_name="Lê Thị Mai", education=3, political_theory=1)
    client.force_login(UserFactory(username="tinhdoan", unit=tree.province, role=Role.EDITOR))
    return client


def test_it_finds_the_pages_it_walks():
    names = {name for name, _ in PAGES}
    assert {"cadres:cadre-list", "cadres:unit-list", "reports:dashboard"} <= names


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_every_filter_form_offers_all_first_and_does_not_narrow_when_submitted(editor_client, name, path):
    page = get_forms(editor_client, path)
    for form in page.forms:
        for select in form["selects"].values():
            value, label = select["options"][0]
            assert (value, label.strip()) == ("", "Tất cả"), (
                f"{name}: the select {select['name']!r} must start with an empty “Tất cả” choice"
            )
        if page.total is None:
            continue
        # Submitted as loaded (Enter in the search box, or the button): the same rows as the page.
        submitted = get_forms(editor_client, path, urlencode(form["fields"]))
        assert submitted.total == page.total, f"{name}: submitting the untouched form narrowed the list"


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_every_page_with_a_filter_form_has_a_browser_test(editor_client, name, path):
    if get_forms(editor_client, path).forms:
        assert name in FILTER_FORM_PAGES, (
            f"{name} has a filter form: add a browser test that fills and submits it "
            "(tests/browser/test_filter_forms.py) and list the page in FILTER_FORM_PAGES"
        )


def test_every_listed_browser_test_exists():
    import importlib

    for name, test in FILTER_FORM_PAGES.items():
        module_name, _, function = test.rpartition(".")
        module = importlib.import_module(module_name or "tests.browser.test_filter_forms")
        assert callable(getattr(module, function, None)), (name, test)
