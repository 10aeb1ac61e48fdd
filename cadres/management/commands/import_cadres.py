"""``python manage.py import_cadres FILE.xlsx [--dry-run] [--user USERNAME]``: the web page's
import, for admins. Any bad row → every problem printed, nothing saved, non-zero exit."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from cadres.imports import Action, ImportFileError, cadre_import_check, cadre_import_commit, check_upload


class Command(BaseCommand):
    help = "Nhập danh sách cán bộ từ tệp Excel (.xlsx): tất cả hoặc không dòng nào."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx (cùng định dạng với trang Nhập từ Excel).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và báo số dòng, không lưu.")
        parser.add_argument(
            "--user",
            help="Nhập với phạm vi và tên của tài khoản này (mặc định: toàn hệ thống, không gắn người dùng).",
        )

    def handle(self, *args, file: str, dry_run: bool, user: str | None, verbosity: int, **options):
        path = Path(file)
        importer = self._user(user)
        progress = self._progress if verbosity >= 2 else None
        try:
            if not path.is_file():
                raise ImportFileError(f"Không tìm thấy tệp {path}.")
            check_upload(path.name, path.stat().st_size)
            run = cadre_import_check if dry_run else cadre_import_commit
            plan = run(path, user=importer, progress=progress)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for problem in plan.problems:
            self.stderr.write(str(problem))
        counts = plan.counts()
        summary = (
            f"{counts['total']} dòng: thêm mới {counts[Action.CREATE]}, cập nhật {counts[Action.UPDATE]}, "
            f"không thay đổi {counts[Action.UNCHANGED]}."
        )
        if plan.problems:
            raise CommandError(f"{len(plan.problems)} lỗi; không có dữ liệu nào được lưu.")
        if dry_run:
            self.stdout.write(f"Kiểm tra xong (chưa lưu) – {summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Đã nhập – {summary}"))

    def _user(self, username: str | None) -> User | None:
        if username is None:
            return None
        try:
            user = User.objects.select_related("unit").get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"Không có tài khoản “{username}”.") from None
        if not user.can_edit:
            raise CommandError(f"Tài khoản “{username}” chỉ có quyền xem, không nhập được dữ liệu.")
        return user

    def _progress(self, stage: str, done: int, total: int | None) -> None:
        self.stderr.write(f"  {stage}: {done}/{total or '?'}")
