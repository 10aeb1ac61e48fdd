import io

import pytest
from django.core.management import CommandError, call_command

from cadres.exports import write_import_template
from cadres.models import Cadre, Unit
from tests.factories import xlsx_bytes

HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Đơn vị", "Chức vụ"]
GOOD = [
    HEADER,
    ["Trần Văn Bình", "15/03/1995", "Nam", "001095000001", "Đoàn xã An Bình", "Bí thư"],
    ["Lê Thị Hạnh", "02/09/1997", "Nữ", "001095000002", "Đoàn xã Ngoài", ""],
]


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cadres", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_file(tmp_path, tree):
    path = tmp_path / "tot.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    return path


def test_it_exits_non_zero_printing_every_problem_and_saves_nothing(tmp_path, tree):
    path = tmp_path / "loi.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                HEADER,
                ["Trần Văn Bình", "15/03/1995", "Nam", "001095000001", "Đoàn xã An Bình", ""],
                ["Lê Thị Hạnh", "31/02/1999", "Nữ", "001095000002", "Đoàn xã An Bình", ""],
                ["Hồ Văn Dũng", "15/03/1995", "Nam", "001095000003", "Đoàn xã Không Có", ""],
            ]
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 lỗi; không có dữ liệu nào được lưu"):
        call_command("import_cadres", str(path), stdout=io.StringIO(), stderr=err)
    assert "Dòng 3, cột Ngày sinh: ngày “31/02/1999” không tồn tại." in err.getvalue()
    assert "Dòng 4, cột Đơn vị:" in err.getvalue()
    assert not Cadre.objects.exists()


def test_it_validates_only_on_dry_run(good_file):
    out, _ = run(str(good_file), "--dry-run")
    assert "thêm mới 2, cập nhật 0" in out
    assert not Cadre.objects.exists()


def test_it_imports_for_the_whole_system_by_default(good_file, tree):
    out, _ = run(str(good_file))
    assert "Đã nhập" in out
    assert set(Cadre.objects.values_list("unit", flat=True)) == {tree.commune_a.pk, tree.other_commune.pk}
    binh = Cadre.objects.get(national_id="001095000001")
    assert binh.appointments.get().is_open
    assert binh.history.get().history_user is None

    run(str(good_file))  # a second run updates nothing and duplicates nothing
    assert Cadre.objects.count() == 2


def test_it_imports_within_the_scope_of_a_user(good_file, province_editor):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_cadres", str(good_file), "--user", "tinhdoan", stdout=io.StringIO(), stderr=err)
    assert "Dòng 3, cột Đơn vị: không tìm thấy đơn vị “Đoàn xã Ngoài”" in err.getvalue()
    assert not Cadre.objects.exists()


def test_it_attributes_history_to_the_user(tmp_path, province_editor):
    path = tmp_path / "tot.xlsx"
    path.write_bytes(xlsx_bytes(GOOD[:2]))
    run(str(path), "--user", "tinhdoan")
    assert Cadre.objects.get().history.get().history_user == province_editor


def test_it_refuses_a_viewer_and_unknown_users(good_file, viewer):
    with pytest.raises(CommandError, match="chỉ có quyền xem"):
        run(str(good_file), "--user", "xem")
    with pytest.raises(CommandError, match="Không có tài khoản"):
        run(str(good_file), "--user", "khong-co")
    assert not Cadre.objects.exists()


def test_it_adds_nobody_from_the_unchanged_template(tmp_path, tree):
    path = tmp_path / "mau-nhap-can-bo.xlsx"
    with path.open("wb") as out:
        write_import_template(out, units=Unit.objects.with_parent_name(), example_unit=tree.commune_a)

    for dry_run in ([], ["--dry-run"]):
        with pytest.raises(CommandError, match=r"Tệp không có dòng dữ liệu nào dưới dòng tiêu đề \(dòng 2\)"):
            run(str(path), *dry_run)
    assert not Cadre.objects.exists()


def test_it_refuses_a_row_whose_unit_name_and_code_disagree(tmp_path, tree):
    path = tmp_path / "lech.xlsx"
    header = [*HEADER, "Mã đơn vị"]
    path.write_bytes(
        xlsx_bytes(
            [
                header,
                ["Trần Văn Bình", "15/03/1995", "Nam", "001095000001", "Đoàn xã An Bình", "", "P-A"],
                ["Lê Thị Hạnh", "02/09/1997", "Nữ", "001095000002", "Đoàn phường Bắc Sơn", "", "Q"],
            ]
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi; không có dữ liệu nào được lưu"):
        call_command("import_cadres", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == (
        "Dòng 3, cột Đơn vị: “Đoàn phường Bắc Sơn” nhưng cột Mã đơn vị ghi “Q”, là mã của “Tỉnh đoàn Khác”; "
        "hai cột không khớp nhau, hãy sửa một trong hai cột.\n"
    )
    assert not Cadre.objects.exists()


def test_it_refuses_missing_and_non_xlsx_files(tmp_path, db):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run(str(tmp_path / "khong-co.xlsx"))
    text = tmp_path / "doi-ten.xlsx"
    text.write_text("không phải Excel")
    with pytest.raises(CommandError, match="không phải tệp Excel"):
        run(str(text))
