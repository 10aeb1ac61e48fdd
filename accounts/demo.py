"""Demo data of the accounts app (``seed_demo`` calls ``seed``): one account per role."""

from collections.abc import Callable

from django.db import transaction

from units.demo import DEMO_COMMUNE_CODE, PROVINCE_CODE
from units.models import Unit

from .models import Role, User

DEMO_PASSWORD = "demo12345"
DEMO_USERS = [
    # username, full name (last, first), role, unit code (None: the whole system), title
    ("admin", ("Quản trị", "Hệ thống"), Role.ADMIN, None, "Quản trị hệ thống"),
    (
        "tinhdoan",
        ("Nguyễn Thị", "Thu Hà"),
        Role.EDITOR,
        PROVINCE_CODE,
        "Chuyên viên Ban Tổ chức – Kiểm tra Tỉnh đoàn",
    ),
    ("xa", ("Trần Văn", "Minh"), Role.EDITOR, DEMO_COMMUNE_CODE, "Phó Bí thư Đoàn phường"),
    ("lanhdao", ("Lê Hoàng", "Nam"), Role.APPROVER, PROVINCE_CODE, "Phó Bí thư Tỉnh đoàn"),
    ("xem", ("Phạm Ngọc", "Anh"), Role.VIEWER, PROVINCE_CODE, "Cán bộ theo dõi"),
]


def add_arguments(parser) -> None:
    parser.add_argument("--password", default=DEMO_PASSWORD, help="Mật khẩu của các tài khoản mẫu.")


@transaction.atomic
def seed(*, password: str, log: Callable[[str], None], **options) -> None:
    for username, (last_name, first_name), role, unit_code, title in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.last_name, user.first_name = last_name, first_name
        user.role = role
        user.unit = Unit.objects.get(code=unit_code) if unit_code else None
        user.position_title = title
        user.is_superuser = username == "admin"
        user.set_password(password)
        user.save()
    log(f"Tài khoản mẫu: {', '.join(username for username, *_ in DEMO_USERS)}")
