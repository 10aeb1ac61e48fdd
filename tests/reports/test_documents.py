"""The yearly plan as its official documents: the PDF (WeasyPrint) and the Word file (python-docx)
from one ``OfficialDocument``, parsed back — the Vietnamese text, the head, "KẾ HOẠCH", each
target's sentence, the steering group, the lower units' deadline, "Nơi nhận" and the signature;
A4 portrait with the official margins, the shipped font, page numbers from page 2 — and the
downloads' scope (another unit's plan: 404; the upper plan that asks for ours: readable)."""

import datetime
import io
import re
import subprocess
import unicodedata
from decimal import Decimal

import docx
import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports import documents
from reports.markup import BULLET, SUB_BULLET
from reports.models import AnnualPlan, Comparison, SteeringMember, SteeringRole, Target
from tests.common.test_pdf import font_names
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2026
NUMBER = "12-KH/TĐTN-TCKT"
SUBJECT = "Công tác cán bộ Đoàn năm 2026"
BASIS = (
    "Căn cứ Chương trình công tác năm 2026 của Ban Chấp hành Tỉnh đoàn; nhằm xây dựng đội ngũ cán bộ "
    "Đoàn đủ về số lượng, vững về bản lĩnh, Ban Thường vụ Tỉnh đoàn ban hành kế hoạch công tác cán bộ "
    "năm 2026 như sau:"
)
PURPOSE = """1. Mục đích:

- Cụ thể hoá các giải pháp quy hoạch, đào tạo, bồi dưỡng, bố trí và đánh giá cán bộ Đoàn trong năm.

- Nâng cao **chất lượng** đội ngũ cán bộ Đoàn *từ tỉnh đến cơ sở*.

2. Yêu cầu:

- Bám sát quy hoạch đã được phê duyệt; thực hiện đồng bộ ở các cấp bộ Đoàn."""
CONTENT = """1. Công tác quy hoạch và tạo nguồn cán bộ:

1.1. Cấp tỉnh:

- Rà soát, bổ sung quy hoạch các chức danh chủ chốt nhiệm kỳ 2027 – 2032.

1.2. Cơ sở Đoàn: Kịp thời kiện toàn Ban Chấp hành khi khuyết.

a) Đoàn xã, phường:

+ Giới thiệu đoàn viên ưu tú làm nguồn cán bộ."""
DUTIES = "Cụ thể hoá kế hoạch thành chương trình hằng quý; theo dõi, đôn đốc các đơn vị thực hiện."
ORGANISATION = (
    "Trên đây là Kế hoạch công tác cán bộ năm 2026, đề nghị các đơn vị nghiêm túc triển khai thực hiện."
)
RECIPIENTS = (
    "Ban Tổ chức Trung ương Đoàn (b/c);\nThường trực Tỉnh ủy (b/c);\nCác cơ sở Đoàn trực thuộc;\nLưu VP"
)
SIGNER = "Rơ Châm Thị Hạnh"
DEADLINE = datetime.date(2026, 3, 15)
# (text, metric, params, comparison, goal)
TARGETS = [
    ("100% Bí thư Đoàn cơ sở đạt trình độ đại học trở lên", "secretary_degree_share", {}, "gte", 100),
    ("Ít nhất 03 cán bộ được đào tạo trung cấp lý luận chính trị", "course_completions", {}, "gte", 3),
    ("100% cán bộ chuyên trách thực hiện đủ định mức “1+2”", "fieldwork_quota_share", {}, "gte", 100),
]
# (name, role, title, order)
STEERING = [
    ("Lê Văn Thành", SteeringRole.MEMBER, "Trưởng Ban Tổ chức – Kiểm tra Tỉnh đoàn", 2),
    (SIGNER, SteeringRole.HEAD, "Bí thư Tỉnh đoàn", 1),
    ("Nguyễn Thị Phương", SteeringRole.DEPUTY, "Phó Bí thư Thường trực Tỉnh đoàn", 1),
    ("Đinh Văn Sơn", SteeringRole.MEMBER, "Ủy viên Ban Thường vụ Tỉnh đoàn", 1),
    ("Ksor H’Bia", SteeringRole.SECRETARY, "Chuyên viên Ban Tổ chức – Kiểm tra", 1),
]


def make_plan(unit, make_cadre, *, year: int = YEAR, content: str = CONTENT, **fields) -> AnnualPlan:
    values = {
        "number": NUMBER,
        "issuer": "BCH ĐOÀN TỈNH THỬ",
        "place": "Thử",
        "issued_on": datetime.date(year, 2, 5),
        "subject": SUBJECT,
        "basis": BASIS,
        "purpose": PURPOSE,
        "targets_intro": "Phấn đấu trong năm 2026 đạt các chỉ tiêu sau:",
        "content": content,
        "organisation": ORGANISATION,
        "steering_duties": DUTIES,
        "lower_deadline": DEADLINE,
        "recipients": RECIPIENTS,
        "signer_name": SIGNER,
        **fields,
    }
    plan = AnnualPlan.objects.create(unit=unit, year=year, **values)
    for index, (name, role, title, order) in enumerate(STEERING):
        cadre = make_cadre(unit, full_name=name, code="bi-thu" if index == 1 else "uv-bch")
        SteeringMember.objects.create(plan=plan, cadre=cadre, role=role, title=title, order=order)
    for order, (text, metric, params, comparison, goal) in enumerate(TARGETS, start=1):
        Target.objects.create(
            unit=unit,
            year=year,
            order=order,
            text=text,
            metric=metric,
            params=params,
            comparison=comparison,
            goal=Decimal(goal),
        )
    return plan


@pytest.fixture
def plan(tree, make_cadre):
    return make_plan(tree.province, make_cadre)


def long_content(sections: int) -> str:
    """Section III of a long plan: ``sections`` numbered parts, each with sub-parts and bullets."""
    parts = []
    for number in range(1, sections + 1):
        parts.append(f"{number}. Nhóm nhiệm vụ thứ {number}:")
        for sub in (1, 2):
            parts.append(f"{number}.{sub}. Cấp {'tỉnh' if sub == 1 else 'cơ sở'}:")
            parts += [
                f"- Tổ chức rà soát, đánh giá đội ngũ cán bộ Đoàn theo tiêu chuẩn chức danh; bồi dưỡng "
                f"kỹ năng công tác, ngoại ngữ, chuyển đổi số cho cán bộ trẻ mới nhận nhiệm vụ (ý {item})."
                for item in range(1, 4)
            ]
            parts.append("+ Ưu tiên cán bộ trong quy hoạch, cán bộ nữ, cán bộ người dân tộc thiểu số.")
    return "\n\n".join(parts)


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(reader: PdfReader) -> str:
    return flat(" ".join(page.extract_text() for page in reader.pages))


def docx_of(response):
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"].endswith("wordprocessingml.document")
    return docx.Document(io.BytesIO(response.content))


def docx_text(word) -> str:
    """Every paragraph's text, the tables' cells included, in order."""
    parts = []
    body = word.element.body
    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            parts.append("".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")))
        elif child.tag.endswith("}tbl"):
            parts += ["".join(node.text or "" for node in child.iter() if node.tag.endswith("}t"))]
    return flat(" ".join(parts))


def client_for(client, user):
    client.force_login(user)
    return client


# --- The document -------------------------------------------------------------------------------


def test_it_assembles_the_plan_in_the_official_order(plan):
    document = documents.plan_document(plan)

    assert document.kind == "KẾ HOẠCH" and document.subject == SUBJECT
    assert document.head.number == NUMBER and document.head.issuer == "BCH ĐOÀN TỈNH THỬ"
    assert document.head.date_line == "Thử, ngày 05 tháng 02 năm 2026"
    assert [section.heading for section in document.sections] == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. HỆ THỐNG CHỈ TIÊU",
        "III. NỘI DUNG THỰC HIỆN",
        "IV. TỔ CHỨC THỰC HIỆN",
    ]
    targets = document.sections[1].blocks
    assert targets[0].text == "Phấn đấu trong năm 2026 đạt các chỉ tiêu sau:"
    assert [block.text for block in targets[1:]] == [f"- {text}." for text, *_ in TARGETS]


def test_it_opens_section_iv_with_the_steering_group_by_role_then_order(plan):
    blocks = documents.plan_document(plan).sections[3].blocks

    assert [block.text for block in blocks] == [
        "Ban Chỉ đạo công tác cán bộ năm 2026 gồm các đồng chí:",
        f"- Trưởng ban: Đ/c {SIGNER} – Bí thư Tỉnh đoàn.",
        "- Phó ban: Đ/c Nguyễn Thị Phương – Phó Bí thư Thường trực Tỉnh đoàn.",
        "- Thành viên:",
        "+ Đ/c Đinh Văn Sơn – Ủy viên Ban Thường vụ Tỉnh đoàn.",
        "+ Đ/c Lê Văn Thành – Trưởng Ban Tổ chức – Kiểm tra Tỉnh đoàn.",
        "- Thư ký: Đ/c Ksor H’Bia – Chuyên viên Ban Tổ chức – Kiểm tra.",
        f"Nhiệm vụ của Ban Chỉ đạo: {DUTIES}",
        "Các đơn vị trực thuộc xây dựng kế hoạch công tác cán bộ năm 2026 của đơn vị, gửi về Ban Thường vụ "
        "Tỉnh đoàn Thử trước ngày 15/03/2026.",
        ORGANISATION,
    ]
    assert [blocks[3].kind, blocks[4].kind] == [BULLET, SUB_BULLET]


def test_it_leaves_out_what_the_plan_does_not_have(tree, make_cadre):
    plan = AnnualPlan.objects.create(
        unit=tree.commune_a, year=YEAR, issuer="BCH ĐOÀN XÃ AN BÌNH", place="An Bình", subject=SUBJECT
    )

    document = documents.plan_document(plan)

    assert document.head.number == "……" and document.head.date_line == "An Bình, ngày … tháng … năm …"
    assert [block.text for block in document.sections[0].blocks] == ["……"]
    assert document.sections[3].blocks == (documents.paragraph("……"),)
    # "Nơi nhận" always ends with a "Lưu" line.
    assert document.signature.recipient_lines == ["- Lưu VP."]


def test_it_ends_the_recipients_with_the_plans_own_filing_line(plan):
    lines = documents.plan_document(plan).signature.recipient_lines

    assert lines == [
        "- Ban Tổ chức Trung ương Đoàn (b/c);",
        "- Thường trực Tỉnh ủy (b/c);",
        "- Các cơ sở Đoàn trực thuộc;",
        "- Lưu VP.",
    ]


# --- The PDF ------------------------------------------------------------------------------------


def test_it_prints_the_plan_as_an_official_pdf(client, plan, province_editor):
    response = client_for(client, province_editor).get(reverse("reports:plan-pdf", args=[plan.pk]))
    reader = pdf_of(response)
    text = pdf_text(reader)

    assert unicodedata.is_normalized("NFC", text)
    for expected in (
        "BCH ĐOÀN TỈNH THỬ",
        "***",
        f"Số: {NUMBER}",
        "ĐOÀN TNCS HỒ CHÍ MINH",
        "Thử, ngày 05 tháng 02 năm 2026",
        "KẾ HOẠCH",
        SUBJECT,
        flat(BASIS),
        "I. MỤC ĐÍCH, YÊU CẦU",
        "- Nâng cao chất lượng đội ngũ cán bộ Đoàn từ tỉnh đến cơ sở.",
        "II. HỆ THỐNG CHỈ TIÊU",
        *(f"- {text}." for text, *_ in TARGETS),
        "1.2. Cơ sở Đoàn: Kịp thời kiện toàn Ban Chấp hành khi khuyết.",
        f"- Trưởng ban: Đ/c {SIGNER} – Bí thư Tỉnh đoàn.",
        "+ Đ/c Đinh Văn Sơn – Ủy viên Ban Thường vụ Tỉnh đoàn.",
        "trước ngày 15/03/2026.",
        "Nơi nhận:",
        "- Ban Tổ chức Trung ương Đoàn (b/c);",
        "- Lưu VP.",
        "TM. BAN THƯỜNG VỤ",
        "BÍ THƯ",
        SIGNER,
    ):
        assert expected in text, expected
    assert font_names(reader) == {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }


def test_it_names_the_files_after_the_plan(client, plan, province_editor):
    client = client_for(client, province_editor)

    pdf = client.get(reverse("reports:plan-pdf", args=[plan.pk]))
    word = client.get(reverse("reports:plan-docx", args=[plan.pk]))

    assert 'filename="ke-hoach-cong-tac-can-bo-2026-tinh-doan-thu.pdf"' in pdf["Content-Disposition"]
    assert 'filename="ke-hoach-cong-tac-can-bo-2026-tinh-doan-thu.docx"' in word["Content-Disposition"]
    assert "filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch" in word["Content-Disposition"]


def test_it_lays_out_a_long_plan_on_a4_portrait_numbered_from_page_2(
    client, tree, make_cadre, province_editor
):
    plan = make_plan(tree.province, make_cadre, content=long_content(8))

    reader = pdf_of(client_for(client, province_editor).get(reverse("reports:plan-pdf", args=[plan.pk])))

    assert len(reader.pages) >= 3
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    lines = [page.extract_text().splitlines() for page in reader.pages]
    # The number is the page's last line; the first page has none.
    assert lines[0][-1].strip() != "1" and "1" not in {line.strip() for line in lines[0]}
    assert lines[1][-1].strip() == "2"
    assert lines[2][-1].strip() == "3"


def test_it_keeps_the_official_margins(client, plan, province_editor, tmp_path):
    """pdftotext's boxes: the text starts 30 mm from the left and 20 mm from the top."""
    response = client_for(client, province_editor).get(reverse("reports:plan-pdf", args=[plan.pk]))
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)

    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    boxes = [
        tuple(float(v) for v in match)
        for match in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', html)
    ]
    to_mm = 25.4 / 72
    assert min(box[0] for box in boxes) * to_mm == pytest.approx(30, abs=1.5)
    assert min(box[1] for box in boxes) * to_mm == pytest.approx(20, abs=2)
    assert max(box[2] for box in boxes) * to_mm == pytest.approx(190, abs=1.5)


# --- The Word file ------------------------------------------------------------------------------


def test_it_gives_the_same_plan_as_a_word_file(client, plan, province_editor):
    word = docx_of(client_for(client, province_editor).get(reverse("reports:plan-docx", args=[plan.pk])))
    text = docx_text(word)

    for line in documents.plan_document(plan).text.splitlines():
        assert flat(line) in text, line
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert tuple(round(value.mm) for value in margins) == (20, 20, 30, 20)
    assert word.styles["Normal"].font.name == "Times New Roman"
    assert word.styles["Normal"].font.size.pt == 14


def test_it_numbers_the_word_pages_from_page_2(client, plan, province_editor):
    word = docx_of(client_for(client, province_editor).get(reverse("reports:plan-docx", args=[plan.pk])))
    section = word.sections[0]

    assert section.different_first_page_header_footer
    first_page = section.first_page_footer._element.xml
    others = section.footer._element.xml
    assert "PAGE" not in first_page
    assert 'w:fldCharType="begin"' in others and " PAGE " in others


def test_it_lays_out_the_word_body_justified_with_a_first_line_indent(client, plan, province_editor):
    word = docx_of(client_for(client, province_editor).get(reverse("reports:plan-docx", args=[plan.pk])))

    basis = next(p for p in word.paragraphs if p.text.startswith("Căn cứ Chương trình"))
    title = next(p for p in word.paragraphs if p.text == "KẾ HOẠCH")
    assert basis.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.JUSTIFY
    assert round(basis.paragraph_format.first_line_indent.mm) == 10
    assert title.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].bold
    head, tail = word.tables[0], word.tables[-1]
    assert head.cell(0, 0).text.splitlines()[0] == "BCH ĐOÀN TỈNH THỬ"
    assert head.cell(0, 1).text.splitlines()[0] == "ĐOÀN TNCS HỒ CHÍ MINH"
    assert tail.cell(0, 0).text.startswith("Nơi nhận:")
    assert tail.cell(0, 1).text.startswith("TM. BAN THƯỜNG VỤ")
    assert 'w:val="nil"' in head._tbl.xml and "<w:cantSplit/>" in tail._tbl.xml


# --- Scope --------------------------------------------------------------------------------------


def test_it_refuses_another_units_plan(client, tree, make_cadre, commune_editor):
    other = make_plan(tree.commune_b, make_cadre)
    client = client_for(client, commune_editor)

    for name in ("reports:plan-pdf", "reports:plan-docx"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404


def test_it_lets_a_lower_unit_read_the_upper_plan_that_asks_for_its_own(client, plan, tree, commune_editor):
    client = client_for(client, commune_editor)

    assert client.get(reverse("reports:plan-pdf", args=[plan.pk])).status_code == 200
    assert client.get(reverse("reports:plan-docx", args=[plan.pk])).status_code == 200
    AnnualPlan.objects.filter(pk=plan.pk).update(lower_deadline=None)
    assert client.get(reverse("reports:plan-pdf", args=[plan.pk])).status_code == 404


def test_it_lets_a_viewer_download_and_refuses_a_post(client, plan, viewer):
    client = client_for(client, viewer)

    assert client.get(reverse("reports:plan-pdf", args=[plan.pk])).status_code == 200
    assert client.post(reverse("reports:plan-docx", args=[plan.pk])).status_code == 405


def test_it_answers_404_to_a_huge_or_unknown_id(client, province_editor):
    client = client_for(client, province_editor)

    assert client.get("/reports/plans/99999999999999999999.pdf").status_code == 404
    assert client.get(reverse("reports:plan-docx", args=[987654])).status_code == 404


def test_it_sends_the_anonymous_to_the_login_page(client, plan):
    response = client.get(reverse("reports:plan-pdf", args=[plan.pk]))

    assert response.status_code == 302 and "login" in response["Location"]


def test_it_reads_the_plan_in_a_constant_number_of_queries(
    client, tree, make_cadre, province_editor, django_assert_max_num_queries
):
    plan = make_plan(tree.province, make_cadre)
    client = client_for(client, province_editor)
    client.get(reverse("reports:plan-docx", args=[plan.pk]))  # the session, warmed
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("reports:plan-docx", args=[plan.pk]))
    for index in range(12):
        cadre = make_cadre(tree.province, full_name=f"Thành viên {index}")
        SteeringMember.objects.create(
            plan=plan, cadre=cadre, role=SteeringRole.MEMBER, title="Ủy viên", order=5
        )
        Target.objects.create(
            unit=tree.province,
            year=YEAR,
            text=f"Chỉ tiêu {index}",
            metric="course_completions",
            comparison=Comparison.AT_LEAST,
            goal=1,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("reports:plan-docx", args=[plan.pk]))


def test_a_user_without_a_unit_sees_no_plan(client, plan):
    nobody = UserFactory(unit=None)

    assert client_for(client, nobody).get(reverse("reports:plan-pdf", args=[plan.pk])).status_code == 404


def test_it_prints_text_with_control_characters_without_them(client, tree, make_cadre, province_editor):
    """Whatever was typed: Word refuses control characters, so no document holds them."""
    noisy = "Công tác\x07 cán bộ\x1b[31m Đoàn\x0c"  # NUL: refused by the forms and by PostgreSQL
    plan = make_plan(
        tree.province, make_cadre, subject=noisy, basis=noisy, content=f"- {noisy}", number="1\x07-KH"
    )
    Target.objects.filter(unit=tree.province).update(text=noisy)
    client = client_for(client, province_editor)

    pdf = pdf_text(pdf_of(client.get(reverse("reports:plan-pdf", args=[plan.pk]))))
    word = docx_text(docx_of(client.get(reverse("reports:plan-docx", args=[plan.pk]))))

    for text in (pdf, word):
        assert "Công tác cán bộ[31m Đoàn" in text and "- Công tác cán bộ[31m Đoàn" in text
        assert "Số: 1-KH" in text
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
