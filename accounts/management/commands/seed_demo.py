"""Demo data for every area of the app, from each app's own ``demo`` module, in the order of
INSTALLED_APPS (units, accounts, cadres, planning, training, fieldwork, reports: each builds on
the ones before). Idempotent: a re-run updates, never duplicates.

A ``demo`` module has ``seed(*, seed: int, log, **options)`` and, if it takes options of its
own, ``add_arguments(parser)``. The command lives here, in the app that owns users, and finds
the modules by name, so that no app imports one above it.
"""

from types import ModuleType

from django.core.management.base import BaseCommand
from django.db import connection

from common.discovery import app_submodules
from units.models import Unit


def demo_modules() -> list[ModuleType]:
    return app_submodules("demo")


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (đơn vị, người dùng, cán bộ…). Chạy lại nhiều lần không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025, help="Hạt giống ngẫu nhiên.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Chỉ nạp khi cơ sở dữ liệu chưa có đơn vị nào."
        )
        for module in demo_modules():
            if hasattr(module, "add_arguments"):
                module.add_arguments(parser)

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Unit.objects.exists():
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu: bỏ qua nạp dữ liệu mẫu.")
            return
        for module in demo_modules():
            module.seed(log=self.stdout.write, **options)
        analyze()
        self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu."))


def analyze() -> None:
    """Refresh PostgreSQL's planner statistics of every table the demo filled (a few seconds at
    a million cadres). Autovacuum does it in time; until then the planner takes the other apps'
    tables (trips, enrolments, evaluations…) for nearly empty, and the dashboard's count of the
    1+2 quota at a million cadres ran for minutes instead of seconds."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
