"""common.downloads: file names for every browser, private caching, the download token cookie."""

from urllib.parse import unquote

import pytest
from django.http import HttpResponse

from common.downloads import (
    ascii_filename,
    bytes_response,
    content_disposition,
    file_response,
    mark_download_ready,
    spooled_file,
    streaming_response,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_ascii_name_needs_no_utf8_name():
    assert content_disposition("mau-nhap-can-bo.xlsx") == 'attachment; filename="mau-nhap-can-bo.xlsx"'
    assert content_disposition("Report 2026.pdf", inline=True) == 'inline; filename="Report 2026.pdf"'


def test_a_vietnamese_name_gets_an_ascii_name_and_the_utf8_one():
    header = content_disposition("Cán bộ_Đoàn phường Quy Nhơn_2026-11-22.xlsx")

    plain, encoded = header.split("; filename*=UTF-8''")
    assert plain == 'attachment; filename="can-bo_doan-phuong-quy-nhon_2026-11-22.xlsx"'
    assert encoded.isascii() and " " not in encoded
    assert unquote(encoded) == "Cán bộ_Đoàn phường Quy Nhơn_2026-11-22.xlsx"


def test_the_caller_may_name_the_ascii_file_itself():
    header = content_disposition("Sơ yếu lý lịch – Lan.pdf", ascii_name="so-yeu-ly-lich-lan.pdf", inline=True)

    assert header.startswith("inline; filename=\"so-yeu-ly-lich-lan.pdf\"; filename*=UTF-8''")
    assert unquote(header.split("UTF-8''")[1]) == "Sơ yếu lý lịch – Lan.pdf"


def test_no_name_can_break_out_of_the_header():
    header = content_disposition('a"b\r\nSet-Cookie: x=1/..\\c.xlsx')

    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2
    assert header == 'attachment; filename="a-b--Set-Cookie- x=1-..-c.xlsx"'


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Cán bộ Đoàn (xã) Ia Hrú.xlsx", "can-bo-doan-xa-ia-hru.xlsx"),
        ("Đề án.DOCX", "de-an.docx"),
        ("Đ", "d"),
        ("——.pdf", "tep.pdf"),
    ],
)
def test_ascii_names_are_folded_and_slugged(name, expected):
    assert ascii_filename(name) == expected


def test_a_file_response_sends_the_file_from_its_start_as_a_private_attachment():
    out = spooled_file()
    out.write(b"PK\x03\x04 workbook")

    response = file_response(out, "Cán bộ.xlsx", ascii_name="can-bo.xlsx")

    assert b"".join(response.streaming_content) == b"PK\x03\x04 workbook"
    assert response["Content-Type"] == XLSX
    assert (
        response["Content-Disposition"]
        == "attachment; filename=\"can-bo.xlsx\"; filename*=UTF-8''C%C3%A1n%20b%E1%BB%99.xlsx"
    )
    assert response["Cache-Control"] == "private, no-store"
    out.close()


def test_a_pdf_in_memory_opens_inline():
    response = bytes_response(b"%PDF-1.7", "so-yeu-ly-lich.pdf", inline=True)

    assert response.content == b"%PDF-1.7"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="so-yeu-ly-lich.pdf"'


def test_a_public_file_may_be_cached():
    response = bytes_response(b"x", "huong-dan.pdf", private=False)

    assert "Cache-Control" not in response


def test_a_streaming_response_sends_the_pieces_as_they_come():
    response = streaming_response(iter([b"a;b\n", b"1;2\n"]), "Số liệu.csv")

    assert b"".join(response.streaming_content) == b"a;b\n1;2\n"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="so-lieu.csv"' in response["Content-Disposition"]


def test_it_echoes_a_download_token_in_the_cookie_the_page_waits_for(rf):
    response = HttpResponse()

    mark_download_ready(rf.get("/export.xlsx", {"download_token": "abc123xyz"}), response)

    cookie = response.cookies["download_token"]
    assert cookie.value == "abc123xyz"
    assert cookie["max-age"] == 120 and cookie["samesite"] == "Lax"
    assert not cookie["secure"]


def test_the_cookie_is_secure_over_https(rf):
    response = HttpResponse()

    mark_download_ready(rf.get("/x", {"download_token": "abc123xyz"}, secure=True), response)

    assert response.cookies["download_token"]["secure"]


@pytest.mark.parametrize("token", ["", "short", "<script>", "a" * 41, "abc123xyz; Path=/"])
def test_it_ignores_anything_that_is_not_a_plain_token(rf, token):
    response = HttpResponse()

    mark_download_ready(rf.get("/x", {"download_token": token}), response)

    assert "download_token" not in response.cookies
