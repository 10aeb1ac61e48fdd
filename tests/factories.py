import datetime

import factory

from accounts.models import Role, User
from cadres.models import Cadre, Gender, Position, Unit, UnitKind, UnitLevel


class UnitFactory(factory.django.DjangoModelFactory):
    """``UnitFactory(parent=unit)`` adds a child; without a parent, a new root."""

    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Đoàn đơn vị {n}")
    code = factory.Sequence(lambda n: f"U{n:05d}")
    level = UnitLevel.BASE
    kind = UnitKind.GRASSROOTS

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        unit = model_class(*args, **kwargs)
        if parent is None:
            return Unit.objects.add_root(instance=unit)
        return Unit.objects.add_child(Unit.objects.get(pk=parent.pk), instance=unit)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Lan"
    last_name = "Nguyễn Thị"
    role = Role.EDITOR
    password = factory.PostGenerationMethodCall("set_password", "demo12345")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CadreFactory(factory.django.DjangoModelFactory):
    """A cadre without appointments; use ``appointment_add`` (cadres.services) for posts."""

    class Meta:
        model = Cadre

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Cán {n}")
    gender = Gender.MALE
    birth_date = datetime.date(1995, 6, 15)
    national_id = factory.Sequence(lambda n: f"{n:012d}")
    unit = None


def position(code: str) -> Position:
    """A seeded catalogue position (migration 0003): bi-thu, pho-bi-thu, uv-btv, uv-bch…"""
    return Position.objects.get(code=code)


def xlsx_bytes(rows: list[list], *, title: str = "Danh sách") -> bytes:
    """An .xlsx file whose first sheet holds ``rows`` (header row included). A string that
    starts with "=" becomes a formula cell, as when typed into Excel."""
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
