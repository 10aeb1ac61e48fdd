"""Bad input, everywhere it can be typed. Every page of the app and of Django admin, walked from
the URL configuration (tests/test_permission_matrix.py), is opened as the system admin and as a
province editor; every form it renders (GET and POST, uploads included) and every query
parameter its links carry is submitted again with one field replaced by one bad value of each
kind that fits the field, the other fields as rendered. A form added tomorrow is covered the
day it renders.

Every answer must be a form error, a refusal (400, 403, 404, 405) or a redirect — never a 500
nor a stack trace — and an answer that is not a successful POST must leave every table of the
project as it was. Each case runs in a savepoint of the module's data, undone after it.

Impossible values that the models' rules refuse (a birth date in 2999, a CCCD of emoji) are
asked separately: ``test_it_saves_no_impossible_value``."""

import hashlib
import io
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve

from accounts.models import Role
from cadres.models import Unit, UnitKind, UnitLevel
from common.models import Snapshot
from tests.factories import CadreFactory, UnitFactory, UserFactory
from tests.test_permission_matrix import SYSTEM_ADMIN, URLS, Url, jobs_of, paths
from tests.test_permission_matrix import world as matrix_world

# The permission matrix's data, built once for the module and undone at its end.
world = matrix_world

PROVINCE_EDITOR = "province_editor"
# Pages that are files, probes or the way out: nothing to fill in.
NOT_FORMS = {"healthz", "logout", "login", "admin:logout", "admin:login", "admin:<catch-all>"}
ALLOWED = {200, 302, 400, 403, 404, 405}
# Logs of who tried what: a refused log-in is recorded on purpose.
LOG_TABLES = {"django_session", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"}
# Figures computed from the data, not data: a page re-shown with its errors may store them.
DERIVED_TABLES = {Snapshot._meta.db_table}


# --- the corpus ------------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


TEXT = {
    "empty": "",
    "over-long": "x" * 5000,
    "script": '<script>alert("x")</script><b onmouseover=alert(1)>đậm</b>',
    "sql": "'; DROP TABLE cadres_cadre; -- OR 1=1",
    "control": "a\x00b\x07\x1b[31m\r\n",
    "emoji": "👩‍👩‍👧 Lan 🇻🇳",
    "decomposed": unicodedata.normalize("NFD", "Nguyễn Thị Lan"),
    "full-width digits": "１２３４",
    "other digits": "٣٤٥",
}
NUMBERS = {"negative": "-1", "huge": "9" * 30, "out of range": "1e400"}
DATES = {"year 1": "0001-01-01", "year 1900": "1900-01-01", "year 2999": "2999-12-31"}
CHOICES = {"unknown choice": "khong-co-lua-chon"}  # and "outside the scope", found per field
UPLOADS = {
    "corrupt xlsx": ("ds.xlsx", b"PK\x03\x04" + b"\x00garbage" * 100),
    "zip bomb": (
        "ds.xlsx",
        _zip({"xl/worksheets/sheet1.xml": b"<" * 5_000_000, "[Content_Types].xml": b"<"}),
    ),
    "not xlsx": ("ds.xlsx", b"%PDF-1.7 not a workbook"),
    "wrong extension": ("ds.exe", b"MZ"),
    "empty file": ("ds.xlsx", b""),
    "huge name": ("x" * 1000 + ".xlsx", b"PK\x05\x06" + b"\x00" * 18),
    "name with NUL": ("d\x00s.xlsx", b"PK\x05\x06" + b"\x00" * 18),
}
# Fields whose impossible values the models refuse (their clean()): a redirect after one of
# these is a record saved with an impossible value.
RULED_DATES = {
    "birth_date",
    "party_joined_on",
    "party_official_on",
    "union_joined_on",
    "left_on",
    "started_on",
    "ended_on",
    "awarded_on",
    "decided_on",
    "effective_on",
}
RULED_IDENTIFIERS = {"national_id", "phone"}
IMPOSSIBLE_DATES = {"year 1": DATES["year 1"], "year 2999": DATES["year 2999"]}
IMPOSSIBLE_IDENTIFIERS = {
    "letters": "abcdefghijkl",
    "emoji": TEXT["emoji"],
    "Arabic-Indic digits": "٠٩٠٥١٢٣٤٥٦",  # full-width ones are folded to ASCII, and stand
    "too long": "9" * 30,
}


@dataclass
class Field:
    name: str
    value: str
    kind: str  # an input's type, "select", "textarea"
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field]

    def key(self) -> tuple:
        return (urlsplit(self.action).path, self.method, tuple(sorted(f.name for f in self.fields)))

    def data(self) -> list[tuple[str, str]]:
        return [(f.name, f.value) for f in self.fields if f.kind != "file"]


TEXT_KINDS = {"text", "textarea", "search", "email", "tel", "url", "password"}
CHOICE_KINDS = {"select", "checkbox", "radio"}


def is_date(form_field: Field) -> bool:
    name = form_field.name.rsplit("-", 1)[-1]
    return form_field.kind == "date" or "date" in name or name.endswith(("_on", "_0"))


def fits(category: str, form_field: Field) -> bool:
    """Whether a bad value of ``category`` is one a person (or a script) could put in the field."""
    if form_field.kind == "file":
        return category in UPLOADS
    if category in UPLOADS:
        return False
    if category in {"empty", "over-long", "sql", "control"}:
        return True
    if category == "unknown choice":
        return form_field.kind in CHOICE_KINDS
    if form_field.kind in CHOICE_KINDS:
        return False
    if category in DATES:
        return is_date(form_field)
    if category in NUMBERS:
        return form_field.kind in {"number", "hidden"} or is_date(form_field)
    return form_field.kind in TEXT_KINDS or is_date(form_field) or category in {"script"}


CATEGORIES = {**TEXT, **NUMBERS, **DATES, **CHOICES}
# Values that pass a field's own checks and reach the form's clean(), the services and the
# database: each is also tried in one field at a time, the others as rendered.
ONE_FIELD_AT_A_TIME = {**DATES, "negative": NUMBERS["negative"], "huge": NUMBERS["huge"]}


def fits_alone(category: str, form_field: Field) -> bool:
    if category in NUMBERS:
        return form_field.kind in {"number", "hidden"}
    return fits(category, form_field)


def cases(form: Form, outside_pks: list[int], *, one_at_a_time: bool) -> list[tuple[str, dict[str, object]]]:
    """(what, {field: value}) to submit: each category in every field it fits at once; then,
    if ``one_at_a_time``, the values that get past a field's checks one field at a time, a
    record beyond the user's scope in each select, each bad file in each file field."""
    found = []
    for category, value in CATEGORIES.items():
        names = {f.name: value for f in form.fields if fits(category, f)}
        if names:
            found.append((f"every field={category}", names))
    for form_field in form.fields if one_at_a_time else []:
        if form_field.kind == "file":
            found += [
                (f"{form_field.name}={kind}", {form_field.name: SimpleUploadedFile(name, data)})
                for kind, (name, data) in UPLOADS.items()
            ]
        for category, value in ONE_FIELD_AT_A_TIME.items():
            if fits_alone(category, form_field):
                found.append((f"{form_field.name}={category}", {form_field.name: value}))
        if form_field.kind == "select":
            taken = set(form_field.options)
            outside = next((str(pk) for pk in outside_pks if str(pk) not in taken), None)
            if outside:
                found.append((f"{form_field.name}=outside the scope", {form_field.name: outside}))
    return found


# --- the forms of a page ---------------------------------------------------------------------------


class PageForms(HTMLParser):
    """Every form of a page, with its fields as a browser would submit them, and the query
    parameters of its links (one GET "form" per path they lead to)."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.forms: list[Form] = []
        self.links: dict[str, dict[str, str]] = {}
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "?" in (attrs.get("href") or ""):
            href = urlsplit(attrs["href"])
            if not href.netloc:
                params = self.links.setdefault(href.path or self.path, {})
                params.update(parse_qsl(href.query, keep_blank_values=True))
        if tag == "form":
            action = attrs.get("action") or self.path
            self._form = Form(action, attrs.get("method", "get").lower(), [])
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                value = None
            else:
                value = attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")
            self._form.fields.append(Field(attrs["name"], value, kind))
        elif tag == "select" and attrs.get("name"):
            self._select = Field(attrs["name"], None, "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.value = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = Field(attrs["name"], "", "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select is not None and self._select.value is None:
                self._select.value = self._select.options[0] if self._select.options else ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def all_forms(self) -> list[Form]:
        """The forms, then the links' parameters as GET forms; unchecked boxes are left out."""
        forms = [
            Form(
                form.action, form.method, [f for f in form.fields if f.value is not None or f.kind == "radio"]
            )
            for form in self.forms
        ]
        for form in forms:
            for form_field in form.fields:
                if form_field.value is None:
                    form_field.value = "on"
        forms += [
            Form(path, "get", [Field(name, value, "text") for name, value in params.items()])
            for path, params in self.links.items()
        ]
        for form in forms:
            # The admin's template of an inline row: sent by browsers, read by no one.
            form.fields = [f for f in form.fields if "__prefix__" not in f.name]
        return [form for form in forms if form.fields and in_app(form.action)]


def in_app(action: str) -> bool:
    target = urlsplit(action)
    if target.netloc:
        return False
    try:
        resolve(target.path)
    except Resolver404:
        return False
    return True


# --- the module's data -----------------------------------------------------------------------------


@dataclass
class Corpus:
    clients: dict[str, Client]
    objects: dict[str, dict]
    outside_pks: list[int]
    impossible_subjects: set[str] = field(default_factory=set)
    counts: Counter = field(default_factory=Counter)
    seen: set = field(default_factory=set)
    pages: dict[tuple[str, str], list[Form]] = field(default_factory=dict)  # (role, path) → forms

    def forms_of(self, role: str, path: str) -> list[Form]:
        """The page's forms, read once for both tests."""
        if (role, path) not in self.pages:
            self.pages[role, path] = forms_of(ready(self.clients[role]), path)
        return self.pages[role, path]


@pytest.fixture(scope="module")
def corpus(request, django_db_blocker):
    """The matrix's data (``world``), with an editor of the whole province (every record of it in scope) and
    a province beyond it, whose records no one but the system admin may name."""
    world = request.getfixturevalue("world")
    with django_db_blocker.unblock():
        province = Unit.objects.get(code="M")
        editor = UserFactory(username="bad-input-editor", unit=province, role=Role.EDITOR)
        beyond = UnitFactory(name="Tỉnh đoàn Xa", code="BX", level=UnitLevel.PROVINCE, kind=UnitKind.PROVINCE)
        beyond_cadre = CadreFactory(unit=beyond, full_name="Phạm Văn Xa")
        clients = {SYSTEM_ADMIN: Client(raise_request_exception=False)}
        clients[PROVINCE_EDITOR] = Client(raise_request_exception=False)
        clients[SYSTEM_ADMIN].force_login(world.users[SYSTEM_ADMIN])
        clients[PROVINCE_EDITOR].force_login(editor)
        cookies = {
            role: client.cookies[settings.SESSION_COOKIE_NAME].value for role, client in clients.items()
        }
        for role, client in clients.items():
            client.session_cookie = cookies[role]
        yield Corpus(
            clients=clients,
            objects={
                SYSTEM_ADMIN: world.inside | world.jobs[SYSTEM_ADMIN],
                PROVINCE_EDITOR: world.inside | jobs_of(editor),
            },
            outside_pks=sorted({beyond.pk, beyond_cadre.pk}, reverse=True),
        )


def snapshot() -> str:
    """A hash of every row of the project's tables, the logs of log-ins and sessions and the stored
    figures computed from the data aside."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in sorted(
            set(connection.introspection.django_table_names(only_existing=True)) - LOG_TABLES - DERIVED_TABLES
        ):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(map(repr, cursor.fetchall()))
            digest.update(f"{table}:{len(rows)}:{''.join(rows)}".encode())
    return digest.hexdigest()


def ready(client: Client) -> Client:
    client.cookies.clear()
    client.cookies[settings.SESSION_COOKIE_NAME] = client.session_cookie
    return client


@pytest.fixture
def quiet(settings, tmp_path, monkeypatch):
    """Files in a temporary folder, tasks within the request, no PDF rendering (it has its own
    tests), no logged tracebacks: a 500 is reported by the test."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr("cadres.views.cv.render_pdf", lambda *args, **kwargs: b"%PDF-1.7", raising=False)


def roles_for(url: Url) -> list[str]:
    return [SYSTEM_ADMIN] if url.model is not None else [PROVINCE_EDITOR, SYSTEM_ADMIN]


def forms_of(client: Client, path: str) -> list[Form]:
    with transaction.atomic():
        response = client.get(path)
        transaction.set_rollback(True)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = PageForms(path)
    parser.feed(response.content.decode())
    return parser.all_forms()


def submit(client: Client, form: Form, values: dict[str, object]) -> object:
    data = [(name, value) for name, value in form.data() if name not in values]
    data += list(values.items())
    if form.method == "get":
        return client.get(form.action, data)
    payload: dict = {}
    for name, value in data:
        payload.setdefault(name, []).append(value)
    return client.post(form.action, payload)


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode(errors="replace")


def check(client: Client, form: Form, what: str, values: dict[str, object], baseline: str) -> str | None:
    """Submit one case in a savepoint undone after it; what went wrong, if anything."""
    with transaction.atomic():
        response = submit(ready(client), form, values)
        # A POST redirected has done its work; a GET answered with a file logged its export.
        saved = (response.status_code == 302 and form.method == "post") or response.has_header(
            "Content-Disposition"
        )
        changed = not saved and snapshot() != baseline
        transaction.set_rollback(True)
    where = f"{form.method.upper()} {form.action} {what}"
    if response.status_code not in ALLOWED:
        return f"{where}: {response.status_code}"
    if "Traceback" in body_of(response):
        return f"{where}: a stack trace in the page"
    if changed:
        return f"{where}: answered {response.status_code} but changed the data"
    return None


# A URL the matrix has no row for yet fails there; here its arguments are unknown.
URL_CASES = [
    (url, role) for url in URLS if url.key not in NOT_FORMS and url.expect for role in roles_for(url)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role"), URL_CASES, ids=[f"{url.key}-{role}" for url, role in URL_CASES])
def test_it_answers_bad_input_without_an_error(corpus, quiet, url, role):
    client = corpus.clients[role]
    wrong = []
    for path in paths(url, corpus.objects[role]):
        baseline = snapshot()
        for form in corpus.forms_of(role, path):
            # A form is the same whoever sees it; the editor, first, sees records beyond its scope.
            if form.key() in corpus.seen:
                continue
            corpus.seen.add(form.key())
            # Django admin's forms are ModelForms of the models the app's forms save, under the
            # same rules: every field at once is enough there (one at a time would take minutes).
            for what, values in cases(form, corpus.outside_pks, one_at_a_time=url.model is None):
                corpus.counts[f"{form.method.upper()} {urlsplit(form.action).path} ({role})"] += 1
                wrong.append(check(client, form, what, values, baseline))
    assert not [problem for problem in wrong if problem], "\n".join(filter(None, wrong))


def impossible_values(form_field: Field) -> dict[str, str]:
    name = form_field.name.rsplit("-", 1)[-1]
    if name in RULED_DATES:
        return IMPOSSIBLE_DATES
    if name in RULED_IDENTIFIERS:
        return IMPOSSIBLE_IDENTIFIERS
    return {}


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "role"), URL_CASES, ids=[f"{url.key}-{role}" for url, role in URL_CASES])
def test_it_saves_no_impossible_value(corpus, quiet, url, role):
    """A date in year 1 or 2999, a CCCD or phone number that is not one: refused, not saved."""
    client = corpus.clients[role]
    through = []
    for path in paths(url, corpus.objects[role]):
        baseline = snapshot()
        for form in corpus.forms_of(role, path):
            if form.method != "post":
                continue
            for form_field in form.fields:
                for kind, value in impossible_values(form_field).items():
                    with transaction.atomic():
                        submit(ready(client), form, {form_field.name: value})
                        saved = snapshot() != baseline
                        transaction.set_rollback(True)
                    if saved:
                        through.append(f"POST {form.action} {form_field.name}={kind} ({value!r}): saved")
    assert not through, "\n".join(through)


@pytest.mark.django_db  # runs with the module's other database tests, before any that empty the tables
def test_it_counts_its_cases(corpus):
    """The corpus's size, per form, in the test's output (pytest -rP): run after the others."""
    if not corpus.counts:
        pytest.skip("the corpus did not run in this session")
    for form, count in sorted(corpus.counts.items()):
        print(f"{count:5d}  {form}")
    print(f"{sum(corpus.counts.values()):5d}  cases in {len(corpus.counts)} forms")
