"""The printable 2C CV, ``/cadres/<id>/cv.pdf``."""

import datetime
import io
import unicodedata
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from pypdf import PdfReader

from cadres.models import (
    AccessAction,
    AccessLog,
    Appointment,
    AppointmentKind,
    Cadre,
    Commendation,
    Discipline,
    Education,
    Gender,
    PoliticalTheory,
    Position,
    Religion,
)
from cadres.pdf import StaticOnlyFetcher, render_pdf


@pytest.fixture
def cadre(tree):
    # Decomposed (NFD) input on purpose: the model stores NFC and the PDF must show NFC.
    cadre = Cadre.objects.create(
        full_name=unicodedata.normalize("NFD", "Nguyễn Thị Hồng Đào"),
        other_name="Đào",
        gender=Gender.FEMALE,
        birth_date=datetime.date(1994, 3, 5),
        birth_place="Xã An Bình, tỉnh Thử",
        hometown="Xã Đông Hà, tỉnh Thử",
        ethnicity="Tày",
        religion=Religion.BUDDHISM,
        national_id="001194000123",
        phone="0912345678",
        address="Thôn 1, xã An Bình",
        unit=tree.commune_a,
        youth_union_joined_on=datetime.date(2009, 3, 26),
        party_joined_on=datetime.date(2016, 5, 19),
        party_official_on=datetime.date(2017, 5, 19),
        education=Education.BACHELOR,
        major="Quản trị kinh doanh",
        political_theory=PoliticalTheory.INTERMEDIATE,
        foreign_language="Tiếng Anh",
        foreign_language_level=3,
    )
    Appointment.objects.create(
        cadre=cadre,
        unit=tree.branch_a,
        position=Position.objects.get(code="bi-thu"),
        kind=AppointmentKind.ELECTED,
        started_on=datetime.date(2015, 6, 1),
        ended_on=datetime.date(2019, 12, 31),
        decision_number="12-QĐ/ĐTN",
    )
    Appointment.objects.create(
        cadre=cadre,
        unit=tree.commune_a,
        position=Position.objects.get(code="pho-bi-thu"),
        started_on=datetime.date(2020, 1, 1),
        decision_number="45-QĐ/ĐTN",
    )
    Commendation.objects.create(
        cadre=cadre, awarded_on=datetime.date(2022, 3, 26), form="Giấy khen", issuer="Tỉnh đoàn Thử"
    )
    Discipline.objects.create(cadre=cadre, decided_on=datetime.date(2021, 1, 4), form="Khiển trách nhẹ")
    return cadre


def finders_uri(name: str) -> str:
    return Path(finders.find(name)).resolve().as_uri()


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def font_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            # Subset fonts are named "/ABCDEF+Liberation-Serif-Bold".
            names.add(str(font["/BaseFont"]).split("+")[-1].replace("-", ""))
    return names


def test_it_renders_the_2c_cv_with_the_vietnamese_text(client, commune_editor, cadre):
    client.force_login(commune_editor)

    response = client.get(reverse("cadres:cadre-cv", args=[cadre.pk]))

    text = text_of(pdf_of(response))
    assert "SƠ YẾU LÝ LỊCH" in text
    assert "TÓM TẮT QUÁ TRÌNH CÔNG TÁC" in text
    assert "ĐÀO TẠO, BỒI DƯỠNG" in text
    assert "NGUYỄN THỊ HỒNG ĐÀO" in text
    assert "Nguyễn Thị Hồng Đào" in text
    assert "Phó Bí thư, Đoàn xã An Bình" in text
    assert "45-QĐ/ĐTN" in text
    assert "Quản trị kinh doanh" in text
    assert "Người khai ký tên" in text
    assert "Xác nhận của cơ quan, đơn vị quản lý" in text
    assert "Tỉnh/đơn vị quản lý: Tỉnh đoàn Thử" in text


def test_it_shows_the_sensitive_fields_to_an_editor(client, commune_editor, cadre):
    client.force_login(commune_editor)

    text = text_of(pdf_of(client.get(reverse("cadres:cadre-cv", args=[cadre.pk]))))

    assert "Dân tộc: Tày" in text
    assert "Phật giáo" in text
    assert "19/05/2016" in text
    assert "Khiển trách nhẹ" in text


def test_it_leaves_the_sensitive_fields_out_for_a_viewer(client, viewer, cadre):
    client.force_login(viewer)

    text = text_of(pdf_of(client.get(reverse("cadres:cadre-cv", args=[cadre.pk]))))

    assert "Nguyễn Thị Hồng Đào" in text
    assert "Tày" not in text
    assert "Phật giáo" not in text
    assert "19/05/2016" not in text
    assert "19/05/2017" not in text
    assert "Khiển trách nhẹ" not in text
    assert "không hiển thị" in text


def test_it_serves_the_pdf_inline_with_an_ascii_file_name(client, commune_editor, cadre):
    client.force_login(commune_editor)

    response = client.get(reverse("cadres:cadre-cv", args=[cadre.pk]))

    assert response["Content-Disposition"] == 'inline; filename="so-yeu-ly-lich-nguyen-thi-hong-dao.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_it_embeds_the_shipped_liberation_serif_fonts(client, commune_editor, cadre):
    client.force_login(commune_editor)

    names = font_names(pdf_of(client.get(reverse("cadres:cadre-cv", args=[cadre.pk]))))

    assert {"LiberationSerif", "LiberationSerifBold", "LiberationSerifItalic"} <= names
    assert all(name.startswith("LiberationSerif") for name in names), names


def test_it_logs_the_printing_of_a_cv_with_sensitive_data(client, commune_editor, viewer, cadre):
    client.force_login(commune_editor)
    client.get(reverse("cadres:cadre-cv", args=[cadre.pk]))
    client.force_login(viewer)
    client.get(reverse("cadres:cadre-cv", args=[cadre.pk]))

    # Only the editor's copy held sensitive data, so only it is logged.
    logged = list(AccessLog.objects.values_list("user", "action", "cadre"))
    assert logged == [(commune_editor.pk, AccessAction.CV, cadre.pk)]


def test_it_returns_404_for_a_cadre_outside_the_users_scope(client, tree, commune_editor):
    other = Cadre.objects.create(
        full_name="Trần Văn Bắc",
        gender=Gender.MALE,
        birth_date=datetime.date(1995, 1, 1),
        national_id="001195000999",
        unit=tree.commune_b,
    )
    client.force_login(commune_editor)

    response = client.get(reverse("cadres:cadre-cv", args=[other.pk]))

    assert response.status_code == 404


def test_it_lists_the_work_history_oldest_first_with_open_posts_until_now(client, commune_editor, cadre):
    client.force_login(commune_editor)

    text = text_of(pdf_of(client.get(reverse("cadres:cadre-cv", args=[cadre.pk]))))

    first = text.index("06/2015 – 12/2019 Bí thư, Chi đoàn thôn 1 (bầu)")
    assert text.index("01/2020 – nay Phó Bí thư, Đoàn xã An Bình") > first


def test_it_never_fetches_files_outside_the_static_directory_nor_the_network(tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red }")
    fetcher = StaticOnlyFetcher()

    with pytest.raises(ValueError):
        fetcher.fetch(secret.as_uri())
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/font.ttf")
    response = fetcher.fetch(finders_uri("fonts/LiberationSerif-Regular.ttf"))
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
    response.close()


def test_it_renders_any_template_to_pdf_in_the_shipped_font(rf, tmp_path, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    (tmp_path / "probe.html").write_text(
        '<html lang="vi"><body><p>{{ greeting }}</p></body></html>', encoding="utf-8"
    )

    pdf = render_pdf(
        "probe.html", {"greeting": unicodedata.normalize("NFD", "Thử chữ Việt")}, request=rf.get("/")
    )

    reader = PdfReader(io.BytesIO(pdf))
    assert "Thử chữ Việt" in text_of(reader)
    assert font_names(reader) == {"LiberationSerif"}
