"""Demo data of the units app (``seed_demo`` calls ``seed``): a post-2025 province (no district
level) with its communes, wards, schools, enterprises and chi đoàn."""

from collections.abc import Callable

from django.db import transaction

from .models import Sector, Unit, UnitKind, UnitLevel

PROVINCE_CODE = "GL"
DEMO_COMMUNE_CODE = "GL-P01"

# (name, kind) of the commune and ward Youth Unions after the 2025 reorganisation.
COMMUNES = [
    ("Đoàn phường Quy Nhơn", UnitKind.WARD),
    ("Đoàn phường Quy Nhơn Đông", UnitKind.WARD),
    ("Đoàn phường Quy Nhơn Tây", UnitKind.WARD),
    ("Đoàn phường Quy Nhơn Nam", UnitKind.WARD),
    ("Đoàn phường Quy Nhơn Bắc", UnitKind.WARD),
    ("Đoàn phường Pleiku", UnitKind.WARD),
    ("Đoàn phường Hội Phú", UnitKind.WARD),
    ("Đoàn phường Thống Nhất", UnitKind.WARD),
    ("Đoàn phường Diên Hồng", UnitKind.WARD),
    ("Đoàn phường An Nhơn", UnitKind.WARD),
    ("Đoàn phường Bình Định", UnitKind.WARD),
    ("Đoàn phường Hoài Nhơn", UnitKind.WARD),
    ("Đoàn phường Tam Quan", UnitKind.WARD),
    ("Đoàn phường An Khê", UnitKind.WARD),
    ("Đoàn phường Ayun Pa", UnitKind.WARD),
    ("Đoàn xã Tuy Phước", UnitKind.COMMUNE),
    ("Đoàn xã Phù Cát", UnitKind.COMMUNE),
    ("Đoàn xã Vân Canh", UnitKind.COMMUNE),
    ("Đoàn xã Ia Grai", UnitKind.COMMUNE),
    ("Đoàn xã Chư Sê", UnitKind.COMMUNE),
    ("Đoàn xã Kbang", UnitKind.COMMUNE),
    ("Đoàn xã Đak Pơ", UnitKind.COMMUNE),
    ("Đoàn xã Krông Pa", UnitKind.COMMUNE),
    ("Đoàn xã Ia Pa", UnitKind.COMMUNE),
]
# Border and mountain communes where the relaxed age limits apply.
HARDSHIP_COMMUNES = {"Đoàn xã Ia Grai", "Đoàn xã Kbang", "Đoàn xã Krông Pa", "Đoàn xã Ia Pa"}

SCHOOLS = [
    ("Đoàn trường THPT chuyên Lê Quý Đôn", Sector.HIGH_SCHOOL),
    ("Đoàn trường THPT Hùng Vương", Sector.HIGH_SCHOOL),
    ("Đoàn trường THPT Pleiku", Sector.HIGH_SCHOOL),
    ("Đoàn trường Đại học Quy Nhơn", Sector.HIGHER_EDUCATION),
    ("Đoàn trường Cao đẳng Kỹ thuật Công nghệ Quy Nhơn", Sector.HIGHER_EDUCATION),
]
ENTERPRISES = [
    "Đoàn Thanh niên Công ty Cổ phần Cảng Quy Nhơn",
    "Đoàn cơ sở Công ty TNHH MTV Cao su Chư Păh",
    "Đoàn Thanh niên Tổng Công ty Điện lực miền Trung – Điện lực Gia Lai",
]
PROVINCE_EQUIVALENT = "Đoàn Thanh niên các cơ quan Đảng tỉnh Gia Lai"
POLICE = "Đoàn Thanh niên Công an tỉnh"

BRANCHES_RESIDENTIAL = ["Chi đoàn thôn {}", "Chi đoàn tổ dân phố {}"]
BRANCHES_SCHOOL = ["Chi đoàn lớp 10A{}", "Chi đoàn lớp 11A{}", "Chi đoàn lớp 12A{}"]
BRANCHES_UNIVERSITY = ["Chi đoàn lớp K{}", "Liên chi đoàn khoa {}"]


def _unit(parent: Unit | None, *, code: str, **fields) -> Unit:
    """Create the unit under its parent, or update it in place on a re-run."""
    existing = Unit.objects.filter(code=code).first()
    if existing:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        return existing
    unit = Unit(code=code, **fields)
    if parent is None:
        return Unit.objects.add_root(instance=unit)
    return Unit.objects.add_child(Unit.objects.get(pk=parent.pk), instance=unit)


def _branches(parent: Unit, names: list[str], *, count: int, sector: str) -> None:
    for index in range(1, count + 1):
        template = names[(index - 1) % len(names)]
        _unit(
            parent,
            code=f"{parent.code}-C{index:02d}",
            name=template.format(index),
            level=UnitLevel.BRANCH,
            kind=UnitKind.BRANCH,
            sector=sector,
        )


def seed_units() -> Unit:
    province = _unit(
        None,
        code=PROVINCE_CODE,
        name="Tỉnh đoàn Gia Lai",
        short_name="TĐ Gia Lai",
        level=UnitLevel.PROVINCE,
        kind=UnitKind.PROVINCE,
        sector="",
    )
    for index, (name, kind) in enumerate(COMMUNES, start=1):
        commune = _unit(
            province,
            code=f"GL-P{index:02d}" if kind == UnitKind.WARD else f"GL-X{index:02d}",
            name=name,
            short_name=name.removeprefix("Đoàn "),
            level=UnitLevel.BASE,
            kind=kind,
            sector=Sector.RESIDENTIAL,
            is_hardship_area=name in HARDSHIP_COMMUNES,
        )
        _branches(commune, BRANCHES_RESIDENTIAL, count=3 + index % 4, sector=Sector.RESIDENTIAL)
    for index, (name, sector) in enumerate(SCHOOLS, start=1):
        school = _unit(
            province,
            code=f"GL-T{index:02d}",
            name=name,
            level=UnitLevel.BASE,
            kind=UnitKind.SCHOOL,
            sector=sector,
        )
        names = BRANCHES_UNIVERSITY if sector == Sector.HIGHER_EDUCATION else BRANCHES_SCHOOL
        _branches(school, names, count=4, sector=sector)
    for index, name in enumerate(ENTERPRISES, start=1):
        enterprise = _unit(
            province,
            code=f"GL-D{index:02d}",
            name=name,
            level=UnitLevel.BASE,
            kind=UnitKind.ENTERPRISE,
            sector=Sector.WORKERS,
        )
        _branches(enterprise, ["Chi đoàn phân xưởng {}"], count=3, sector=Sector.WORKERS)
    equivalent = _unit(
        province,
        code="GL-CQD",
        name=PROVINCE_EQUIVALENT,
        short_name="Đoàn Khối cơ quan Đảng",
        level=UnitLevel.PROVINCE,
        kind=UnitKind.PROVINCE_EQUIVALENT,
        sector=Sector.PUBLIC_SERVICE,
    )
    _branches(equivalent, ["Chi đoàn cơ quan {}"], count=4, sector=Sector.PUBLIC_SERVICE)
    police = _unit(
        province,
        code="GL-CA",
        name=POLICE,
        level=UnitLevel.BASE,
        kind=UnitKind.ARMED_FORCES,
        sector=Sector.ARMED_FORCES,
    )
    _branches(police, ["Chi đoàn phòng {}"], count=3, sector=Sector.ARMED_FORCES)
    return province


def seed(*, log: Callable[[str], None], **options) -> None:
    """``seed_demo``'s part for this app: the demo province's unit tree."""
    with transaction.atomic():
        seed_units()
    log(f"Đơn vị: {Unit.objects.count()}")
