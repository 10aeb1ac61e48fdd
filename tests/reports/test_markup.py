"""reports.markup: the light markup of the plan's sections, read into blocks, and their HTML."""

import unicodedata

from reports.markup import BULLET, HEADING, PARAGRAPH, SUB_BULLET, Block, Span, parse, to_html


def kinds(blocks: list[Block]) -> list[tuple[str, int]]:
    return [(block.kind, block.level) for block in blocks]


def test_it_separates_paragraphs_by_a_blank_line_and_joins_their_lines():
    blocks = parse("Đoạn thứ nhất\nvẫn là đoạn thứ nhất.\n\n\nĐoạn thứ hai.")

    assert [block.text for block in blocks] == ["Đoạn thứ nhất vẫn là đoạn thứ nhất.", "Đoạn thứ hai."]
    assert kinds(blocks) == [(PARAGRAPH, 0), (PARAGRAPH, 0)]


def test_it_reads_headings_by_level():
    blocks = parse("1. Mục đích:\n1.1. Cấp tỉnh:\na) Đoàn xã:\n1.1.1. Chi tiết\n12. Mười hai")

    assert kinds(blocks) == [(HEADING, 1), (HEADING, 2), (HEADING, 3), (HEADING, 3), (HEADING, 1)]
    assert blocks[0].spans == (Span("1. Mục đích:", bold=True),)
    assert blocks[1].spans == (Span("1.1. Cấp tỉnh:", bold=True, italic=True),)
    assert blocks[2].spans == (Span("a) Đoàn xã:", italic=True),)


def test_it_keeps_a_headings_text_after_the_colon_in_plain_type():
    (block,) = parse("3.2. Cơ sở Đoàn: Chủ động tham mưu cấp ủy.")

    assert block.spans == (
        Span("3.2. Cơ sở Đoàn:", bold=True, italic=True),
        Span(" Chủ động tham mưu cấp ủy."),
    )


def test_it_starts_a_paragraph_after_a_heading_line():
    blocks = parse("1. Mục đích:\nNâng cao chất lượng đội ngũ.\ntiếp theo")

    assert kinds(blocks) == [(HEADING, 1), (PARAGRAPH, 0)]
    assert blocks[1].text == "Nâng cao chất lượng đội ngũ. tiếp theo"


def test_it_reads_bullets_and_sub_bullets_with_their_continuations():
    blocks = parse("- Thứ nhất\ncòn tiếp\n+ Ý nhỏ\n- Thứ hai\n– Gạch ngang dài")

    assert kinds(blocks) == [(BULLET, 0), (SUB_BULLET, 0), (BULLET, 0), (BULLET, 0)]
    assert [block.text for block in blocks] == [
        "- Thứ nhất còn tiếp",
        "+ Ý nhỏ",
        "- Thứ hai",
        "- Gạch ngang dài",
    ]


def test_it_reads_bold_and_italic_inside_a_line():
    (block,) = parse("Có **100% Bí thư** đạt *đại học*, và **đậm *nghiêng* đậm**.")

    assert block.spans == (
        Span("Có "),
        Span("100% Bí thư", bold=True),
        Span(" đạt "),
        Span("đại học", italic=True),
        Span(", và "),
        Span("đậm ", bold=True),
        Span("nghiêng", bold=True, italic=True),
        Span(" đậm", bold=True),
        Span("."),
    )


def test_it_leaves_a_lone_asterisk_and_numbers_that_are_not_headings_as_text():
    blocks = parse("* Nhiệm vụ: 5 * 3 = 15\n\n100% cán bộ\n\n2026. Năm\n\n1.Không cách")

    assert kinds(blocks) == [(PARAGRAPH, 0)] * 4
    assert blocks[0].text == "* Nhiệm vụ: 5 * 3 = 15"


def test_it_gives_nfc_text_whatever_was_typed():
    decomposed = unicodedata.normalize("NFD", "- Bồi dưỡng cán bộ Đoàn")

    (block,) = parse(decomposed)

    assert block.text == "- Bồi dưỡng cán bộ Đoàn"
    assert unicodedata.is_normalized("NFC", block.text)


def test_it_reads_nothing_from_empty_text():
    assert parse("") == []
    assert parse("  \n\n \r\n") == []
    assert parse(None) == []


def test_it_escapes_everything_typed_in_the_html():
    html = to_html(parse('- <script>alert("x")</script> & **<b>đậm</b>**\n\n1. <img src=x onerror=1>'))

    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>&lt;b&gt;đậm&lt;/b&gt;</strong>" in html
    assert html.startswith('<p class="doc-p doc-bullet">- ')
    assert '<p class="doc-p doc-heading doc-h1"><strong>1. &lt;img' in html


def test_it_writes_only_its_own_tags():
    html = to_html(parse("Đoạn *nghiêng*.\n\n+ Ý nhỏ\n\na) Mục"))

    assert html == (
        '<p class="doc-p">Đoạn <em>nghiêng</em>.</p>\n'
        '<p class="doc-p doc-sub-bullet">+ Ý nhỏ</p>\n'
        '<p class="doc-p doc-heading doc-h3"><em>a) Mục</em></p>'
    )
