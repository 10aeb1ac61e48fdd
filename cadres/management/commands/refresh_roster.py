"""Recompute every cadre's derived columns (unit path, post order, age limit, standard flag,
where the cadre counted on past dates):
after editing the database behind the app's back, or to check nothing drifted."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from cadres.derived import refresh_cadres
from cadres.models import Cadre
from cadres.timeline import refresh_timelines


class Command(BaseCommand):
    help = (
        "Tính lại các cột suy ra của hồ sơ cán bộ (đường dẫn đơn vị, thứ tự chức vụ, giới hạn tuổi, chuẩn)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            refresh_cadres()
            refresh_timelines()
        self.stdout.write(
            f"Đã tính lại {Cadre.objects.count():,} hồ sơ ({time.monotonic() - started:.1f} s)."
        )
