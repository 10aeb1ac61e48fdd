"""common.pdf: PDFs in the shipped fonts, and the official document's head and tail."""

import datetime
import io
import unicodedata
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from pypdf import PdfReader

from common.pdf import DocumentHead, Signature, StaticOnlyFetcher, official_date, render_pdf

HEAD = DocumentHead(
    issuer="BCH ĐOÀN TỈNH GIA LAI",
    number="12-KH/TĐTN-BTC",
    place="Gia Lai",
    date=datetime.date(2026, 11, 22),
)
SIGNATURE = Signature(
    signer="Rơ Châm Hồng Đào",
    title="PHÓ BÍ THƯ",
    recipients=["Ban Bí thư Trung ương Đoàn (b/c);", "Các cơ sở Đoàn trực thuộc", "Lưu VP"],
)


@pytest.fixture
def templates(settings, tmp_path):
    """Write test templates into a directory searched first."""
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    def write(name: str, body: str) -> str:
        (tmp_path / name).write_text(body, encoding="utf-8")
        return name

    return write


@pytest.fixture
def plan_template(templates):
    return templates(
        "plan.html",
        '<!doctype html><html lang="vi"><body>'
        '{% include "common/includes/_official_header.html" %}'
        "<h1>KẾ HOẠCH</h1><p>Công tác cán bộ Đoàn năm 2026</p>"
        '{% include "common/includes/_signature.html" %}'
        "</body></html>",
    )


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def font_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            # Subset fonts are named "/ABCDEF+Liberation-Serif-Bold".
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def cell(html: str, css_class: str) -> str:
    """The content of the table cell of that class."""
    start = html.index(f'<td class="{css_class}">')
    return html[start : html.index("</td>", start)]


def test_it_renders_vietnamese_text_in_the_shipped_font(templates):
    name = templates("probe.html", '<html lang="vi"><body><p>{{ greeting }}</p></body></html>')

    # Decomposed input: the PDF must still show one glyph per letter.
    pdf = render_pdf(name, {"greeting": unicodedata.normalize("NFD", "Thử chữ Việt: Đoàn, ượ, ỹ")})

    reader = PdfReader(io.BytesIO(pdf))
    assert "Thử chữ Việt: Đoàn, ượ, ỹ" in text_of(reader)
    assert font_names(reader) == {"Liberation-Serif"}


def test_it_renders_the_official_head_and_tail_in_bold_and_italic_of_the_shipped_font(plan_template):
    reader = PdfReader(io.BytesIO(render_pdf(plan_template, {"head": HEAD, "signature": SIGNATURE})))

    text = text_of(reader)
    for part in (
        "BCH ĐOÀN TỈNH GIA LAI",
        "***",
        "Số: 12-KH/TĐTN-BTC",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "Gia Lai, ngày 22 tháng 11 năm 2026",
        "Nơi nhận:",
        "- Lưu VP.",
        "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN",
        "PHÓ BÍ THƯ",
        "Rơ Châm Hồng Đào",
    ):
        assert part in text
    assert font_names(reader) == {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",  # the date
        "Liberation-Serif-Bold-Italic",  # "Nơi nhận:"
    }


def test_the_head_puts_the_issuer_and_number_left_and_the_youth_union_and_date_right(plan_template):
    html = render_to_string(plan_template, {"head": HEAD, "signature": SIGNATURE})

    left, right = cell(html, "doc-issuer"), cell(html, "doc-heading")
    assert "BCH ĐOÀN TỈNH GIA LAI" in left and "***" in left and "Số: 12-KH/TĐTN-BTC" in left
    assert "ĐOÀN TNCS HỒ CHÍ MINH" in right and "Gia Lai, ngày 22 tháng 11 năm 2026" in right
    assert "ĐOÀN TNCS" not in left and "Số:" not in right


def test_the_head_can_name_a_superior_body_and_carry_the_national_motto(plan_template):
    head = DocumentHead(
        issuer="BCH ĐOÀN XÃ IA HRÚ",
        superior="TỈNH ĐOÀN GIA LAI",
        heading="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        motto="Độc lập - Tự do - Hạnh phúc",
    )

    html = render_to_string(plan_template, {"head": head, "signature": SIGNATURE})

    left, right = cell(html, "doc-issuer"), cell(html, "doc-heading")
    assert left.index("TỈNH ĐOÀN GIA LAI") < left.index("BCH ĐOÀN XÃ IA HRÚ")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert "Số:" not in left and "ngày" not in right  # no number, no place: neither line


def test_the_youth_union_line_can_head_the_left_column_instead(plan_template):
    head = DocumentHead(
        issuer="BCH ĐOÀN TỈNH GIA LAI", superior="ĐOÀN TNCS HỒ CHÍ MINH", heading="", place="Gia Lai"
    )

    html = render_to_string(plan_template, {"head": head, "signature": SIGNATURE})

    left, right = cell(html, "doc-issuer"), cell(html, "doc-heading")
    assert left.index("ĐOÀN TNCS HỒ CHÍ MINH") < left.index("BCH ĐOÀN TỈNH GIA LAI") < left.index("***")
    assert "ĐOÀN TNCS" not in right and "Gia Lai, ngày … tháng … năm …" in right


def test_the_signature_block_lists_the_recipients_left_and_signs_for_the_standing_committee_right(
    plan_template,
):
    html = render_to_string(plan_template, {"head": HEAD, "signature": SIGNATURE})

    left, right = cell(html, "doc-recipients"), cell(html, "doc-signer")
    assert "Nơi nhận:" in left
    assert SIGNATURE.recipient_lines == [
        "- Ban Bí thư Trung ương Đoàn (b/c);",
        "- Các cơ sở Đoàn trực thuộc;",
        "- Lưu VP.",
    ]
    assert all(line in left for line in SIGNATURE.recipient_lines)
    positions = [
        right.index(part) for part in ("TM. BAN THƯỜNG VỤ TỈNH ĐOÀN", "PHÓ BÍ THƯ", "Rơ Châm Hồng Đào")
    ]
    assert positions == sorted(positions)


def test_a_signature_without_recipients_has_no_recipient_list(plan_template):
    html = render_to_string(plan_template, {"head": HEAD, "signature": Signature(signer="Nguyễn Văn A")})

    assert "Nơi nhận" not in html
    assert "BÍ THƯ" in cell(html, "doc-signer")


@pytest.mark.parametrize(
    "day, expected",
    [
        (datetime.date(2026, 11, 22), "Gia Lai, ngày 22 tháng 11 năm 2026"),
        (datetime.date(2026, 2, 5), "Gia Lai, ngày 05 tháng 02 năm 2026"),
        (datetime.date(2026, 3, 9), "Gia Lai, ngày 09 tháng 3 năm 2026"),
        (None, "Gia Lai, ngày … tháng … năm …"),
    ],
)
def test_the_official_date_pads_small_days_and_the_first_two_months(day, expected):
    assert official_date("Gia Lai", day) == expected


def test_it_never_fetches_files_outside_the_static_directory_nor_the_network(tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { background: red }")
    fetcher = StaticOnlyFetcher()

    with pytest.raises(ValueError):
        fetcher.fetch(secret.as_uri())
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/font.ttf")
    response = fetcher.fetch(Path(finders.find("fonts/LiberationSerif-Regular.ttf")).as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
    response.close()


def test_it_takes_images_from_the_static_directory_and_from_nowhere_else(templates, tmp_path):
    # An image that cannot be loaded shows its alt text instead.
    outside = tmp_path / "outside.svg"
    outside.write_text(Path(finders.find("img/favicon.svg")).read_text())
    name = templates(
        "logo.html",
        '<html lang="vi"><body><img src="img/favicon.svg" alt="static-logo">'
        '<img src="{{ outside }}" alt="outside-logo"></body></html>',
    )

    text = text_of(PdfReader(io.BytesIO(render_pdf(name, {"outside": outside.as_uri()}))))

    assert "static-logo" not in text  # a relative URL: found in static/
    assert "outside-logo" in text  # refused
