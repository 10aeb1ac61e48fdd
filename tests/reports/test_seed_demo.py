import datetime
import io
import re
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from accounts.models import Role, User
from cadres.models import (
    Appointment,
    AppointmentKind,
    Cadre,
    CadreStatus,
    Commendation,
    Discipline,
    Unit,
)
from cadres.standards import StandardBook, years_before

MODELS = (Unit, User, Cadre, Appointment, Commendation, Discipline)


@pytest.fixture(scope="module", autouse=True)
def _fast_password_hashing():
    # seed_demo sets the demo passwords on every run; the production hasher is slow on purpose.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_it_seeds_a_smaller_roster_with_cadres_300(db):
    before = Cadre.objects.count()
    seed("--cadres", "300", "--seed", "7")
    after = Cadre.objects.count()
    seed("--cadres", "300", "--seed", "7")

    assert after - before == 300
    assert Cadre.objects.count() == after


def test_it_refuses_a_negative_or_too_large_number_of_cadres(db):
    for value in ("-1", "1000001"):
        with pytest.raises(CommandError):
            seed("--cadres", value)
    assert Cadre.objects.count() == 0


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The default demo data, seeded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        yield counts()
        transaction.set_rollback(True)


def test_it_seeds_the_default_demo_once_however_often_it_runs(demo, db):
    seed()

    assert counts() == demo
    assert demo["Cadre"] >= 1500
    assert demo["Appointment"] > demo["Cadre"]
    assert demo["Commendation"] > 0
    assert demo["Discipline"] > 0


def test_it_gives_about_45_percent_women_and_10_percent_minorities(demo, db):
    total = Cadre.objects.count()
    women = Cadre.objects.filter(gender="female").count()
    minorities = Cadre.objects.exclude(ethnicity="Kinh").count()

    assert 0.40 <= women / total <= 0.50
    assert 0.07 <= minorities / total <= 0.13
    assert Cadre.objects.filter(ethnicity="Gia Rai", full_name__startswith="Rơ Mah").exists()


def test_it_keeps_ages_between_18_and_42_with_some_over_the_limits(demo, db):
    today = datetime.date.today()
    youngest = Cadre.objects.order_by("-birth_date").first()
    oldest = Cadre.objects.order_by("birth_date").first()
    book = StandardBook(today)
    active = Cadre.objects.active()
    over = active.filter(book.over_age_q()).count()
    near = active.filter(book.near_age_q()).count()

    assert youngest.birth_date <= years_before(today, 18)
    assert oldest.birth_date > years_before(today, 43)
    assert 0 < over < 0.06 * active.count()
    assert near > over
    assert active.filter(book.below_standard_q()).exists()


def test_it_keeps_each_active_cadres_post_equal_to_its_open_main_appointment(demo, db):
    open_main = {}
    for cadre_id, unit_id, position_id in (
        Appointment.objects.open()
        .exclude(kind=AppointmentKind.CONCURRENT)
        .values_list("cadre_id", "unit_id", "position_id")
    ):
        assert cadre_id not in open_main, "one open main appointment per cadre"
        open_main[cadre_id] = (unit_id, position_id)
    active = Cadre.objects.active().values_list("pk", "unit_id", "position_id")

    assert {pk: (unit, position) for pk, unit, position in active} == open_main
    assert Appointment.objects.open().filter(kind=AppointmentKind.CONCURRENT).exists()


def test_it_archives_a_few_cadres_with_date_reason_and_closed_posts(demo, db):
    archived = Cadre.objects.exclude(status=CadreStatus.ACTIVE)

    assert 0 < archived.count() < 0.1 * Cadre.objects.count()
    assert set(archived.values_list("status", flat=True)) == {
        CadreStatus.TRANSFERRED,
        CadreStatus.RESIGNED,
        CadreStatus.MATURED,
    }
    assert not archived.filter(left_on__isnull=True).exists()
    assert not archived.filter(leaving_reason="").exists()
    assert not Appointment.objects.open().filter(cadre__in=archived).exists()


def test_it_gives_valid_unique_cadre_numbers_phones_and_searchable_nfc_names(demo, db):
    fields = ("national_id", "birth_date", "gender", "phone", "full_name", "search_text")
    rows = Cadre.objects.values_list(*fields)
    for national_id, birth_date, gender, phone, full_name, search_text in rows:
        assert re.fullmatch(r"0\d{2}[0-3]\d{8}", national_id), national_id
        century_and_gender = (birth_date.year // 100 - 19) * 2 + (gender == "female")
        assert national_id[3:6] == f"{century_and_gender}{birth_date.year % 100:02d}"
        assert re.fullmatch(r"09\d{8}", phone)
        assert unicodedata.is_normalized("NFC", full_name)
        assert national_id in search_text
    assert Cadre.objects.search("nguyen thi").exists()


def test_it_staffs_the_demo_commune_of_xa(demo, db):
    commune = Unit.objects.get(code="GL-P01")
    staff = Cadre.objects.active().filter(unit=commune)

    assert staff.filter(position__code="bi-thu").count() == 1
    assert 1 <= staff.filter(position__code="pho-bi-thu").count() <= 2
    assert staff.filter(position__code="uv-btv").exists()
    assert staff.filter(position__code="uv-bch").count() >= 5
    assert staff.filter(full_name="Trần Văn Minh", position__code="pho-bi-thu").exists()
    for branch in commune.subtree().exclude(pk=commune.pk):
        assert Cadre.objects.active().filter(unit=branch, position__code="bi-thu").count() == 1


def test_it_creates_the_demo_users_with_their_units_and_roles(demo, db):
    expected = {
        "admin": (Role.ADMIN, None),
        "tinhdoan": (Role.EDITOR, "GL"),
        "xa": (Role.EDITOR, "GL-P01"),
        "lanhdao": (Role.APPROVER, "GL"),
        "xem": (Role.VIEWER, "GL"),
    }
    for username, (role, unit_code) in expected.items():
        user = User.objects.get(username=username)

        assert user.check_password("demo12345"), username
        assert user.is_active
        assert user.role == role
        assert (user.unit.code if user.unit else None) == unit_code
