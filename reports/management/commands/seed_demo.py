"""Demo data for every area of the app. Idempotent: a re-run updates, never duplicates."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, User
from cadres import demo as cadres_demo
from cadres.models import Unit

DEMO_USERS = [
    # username, full name (last, first), role, unit code (None: the whole system), title
    ("admin", ("Quản trị", "Hệ thống"), Role.ADMIN, None, "Quản trị hệ thống"),
    (
        "tinhdoan",
        ("Nguyễn Thị", "Thu Hà"),
        Role.EDITOR,
        cadres_demo.PROVINCE_CODE,
        "Chuyên viên Ban Tổ chức – Kiểm tra Tỉnh đoàn",
    ),
    ("xa", ("Trần Văn", "Minh"), Role.EDITOR, cadres_demo.DEMO_COMMUNE_CODE, "Phó Bí thư Đoàn phường"),
    ("lanhdao", ("Lê Hoàng", "Nam"), Role.APPROVER, cadres_demo.PROVINCE_CODE, "Phó Bí thư Tỉnh đoàn"),
    ("xem", ("Phạm Ngọc", "Anh"), Role.VIEWER, cadres_demo.PROVINCE_CODE, "Cán bộ theo dõi"),
]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (đơn vị, người dùng, cán bộ…). Chạy lại nhiều lần không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo12345", help="Mật khẩu của các tài khoản mẫu.")
        parser.add_argument("--seed", type=int, default=2025, help="Hạt giống ngẫu nhiên.")
        parser.add_argument(
            "--cadres",
            type=int,
            default=1500,
            help=f"Số cán bộ mẫu (tối đa {cadres_demo.MAX_CADRES:,}); chạy lại chỉ thêm phần còn thiếu.",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Chỉ nạp khi cơ sở dữ liệu chưa có đơn vị nào."
        )

    def handle(self, *args, password: str, seed: int, cadres: int, if_empty: bool, **options):
        if not 0 <= cadres <= cadres_demo.MAX_CADRES:
            raise CommandError(f"--cadres phải từ 0 đến {cadres_demo.MAX_CADRES}.")
        if if_empty and Unit.objects.exists():
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu: bỏ qua nạp dữ liệu mẫu.")
            return
        self._seed_units_and_users(password)
        result = cadres_demo.seed_cadres(count=cadres, seed=seed, log=self.stdout.write)
        self.stdout.write(f"Cán bộ: thêm {result.created}, đã có {result.existing} ({result.seconds:.1f} s).")
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu."))

    @transaction.atomic
    def _seed_units_and_users(self, password: str) -> None:
        cadres_demo.seed_units()
        self.stdout.write(f"Đơn vị: {Unit.objects.count()}")
        for username, (last_name, first_name), role, unit_code, title in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.last_name, user.first_name = last_name, first_name
            user.role = role
            user.unit = Unit.objects.get(code=unit_code) if unit_code else None
            user.position_title = title
            user.is_superuser = username == "admin"
            user.set_password(password)
            user.save()
