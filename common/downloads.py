"""Responses that hand the user a file: named in ASCII for old clients and in Vietnamese for the
rest (RFC 6266 / RFC 5987 ``filename*``), kept out of shared caches, and echoing the page's
download token in a cookie so that static/js/app.js can end its "Đang tạo tệp…" indicator.

A link opts in with ``data-download``: the script adds ``?download_token=…`` to its URL and
watches for the cookie; the view calls ``mark_download_ready(request, response)``.
"""

import mimetypes
import re
import tempfile
from collections.abc import Iterable
from typing import IO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from .text import fold

DOWNLOAD_TOKEN_COOKIE = "download_token"
DOWNLOAD_TOKEN = re.compile(r"[A-Za-z0-9]{8,40}")
_CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
}
_NOT_IN_ASCII_NAMES = re.compile(r"[^A-Za-z0-9._-]+")
_DASHES_BY_SEPARATOR = re.compile(r"-*([._])-*")
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')  # what no OS accepts in a file name


def ascii_filename(name: str, *, default: str = "tep") -> str:
    """ "Cán bộ_Đoàn phường Quy Nhơn_2026-11-22.xlsx" → "can-bo_doan-phuong-quy-nhon_2026-11-22.xlsx"."""
    stem, dot, extension = fold(name).rpartition(".")
    if not dot:
        stem, extension = extension, ""
    stem = _DASHES_BY_SEPARATOR.sub(r"\1", _NOT_IN_ASCII_NAMES.sub("-", stem)).strip("-._") or default
    extension = _NOT_IN_ASCII_NAMES.sub("", extension)
    return f"{stem}.{extension}" if extension else stem


def readable_filename(name: str) -> str:
    """The name as people wrote it, with the characters no file name may hold replaced by "-"."""
    return _NOT_IN_FILE_NAMES.sub("-", name).strip() or "tep"


def content_disposition(filename: str, *, ascii_name: str = "", inline: bool = False) -> str:
    """``attachment; filename="can-bo.xlsx"; filename*=UTF-8''C%C3%A1n%20b%E1%BB%99.xlsx``: the
    ASCII name for old clients, the UTF-8 one for every current browser. ``filename`` is the
    name people see, Vietnamese or not; ``ascii_name`` (by default derived from it) the one for
    clients that read only ``filename``. A name that is ASCII already gets no ``filename*``."""
    readable = readable_filename(filename)
    plain = ascii_name or readable
    plain = readable_filename(plain) if plain.isascii() else ascii_filename(plain)
    header = f'{"inline" if inline else "attachment"}; filename="{plain}"'
    if readable != plain:
        header += f"; filename*=UTF-8''{quote(readable, safe='')}"
    return header


def content_type_for(filename: str) -> str:
    extension = "." + filename.rpartition(".")[2].lower()
    return _CONTENT_TYPES.get(extension) or mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _name(response, filename: str, *, ascii_name: str, inline: bool, private: bool):
    response["Content-Disposition"] = content_disposition(filename, ascii_name=ascii_name, inline=inline)
    if private:
        # Personal data: kept out of shared caches and the browser's disk cache.
        response["Cache-Control"] = "private, no-store"
    return response


def file_response(
    file: IO[bytes],
    filename: str,
    *,
    ascii_name: str = "",
    content_type: str | None = None,
    inline: bool = False,
    private: bool = True,
) -> FileResponse:
    """Stream an open binary file (rewound first: typically a spooled file just written). The
    response closes the file once it is sent."""
    if file.seekable():
        file.seek(0)
    response = FileResponse(file, content_type=content_type or content_type_for(filename))
    return _name(response, filename, ascii_name=ascii_name, inline=inline, private=private)


def bytes_response(
    content: bytes,
    filename: str,
    *,
    ascii_name: str = "",
    content_type: str | None = None,
    inline: bool = False,
    private: bool = True,
) -> HttpResponse:
    """A file already in memory, e.g. a rendered PDF (``inline=True`` opens it in the browser)."""
    response = HttpResponse(content, content_type=content_type or content_type_for(filename))
    return _name(response, filename, ascii_name=ascii_name, inline=inline, private=private)


def streaming_response(
    chunks: Iterable[bytes],
    filename: str,
    *,
    ascii_name: str = "",
    content_type: str | None = None,
    inline: bool = False,
    private: bool = True,
) -> StreamingHttpResponse:
    """A file produced piece by piece (a generator), sent as it is produced."""
    response = StreamingHttpResponse(chunks, content_type=content_type or content_type_for(filename))
    return _name(response, filename, ascii_name=ascii_name, inline=inline, private=private)


def spooled_file() -> IO[bytes]:
    """A temporary file to write a download into: it lives on disk, not in memory, and goes away
    once closed, which ``file_response`` does after sending it (so no with-block around it)."""
    return tempfile.TemporaryFile()


def mark_download_ready(request, response) -> None:
    """Echo the page's download token in a cookie: the page's script watches for it to end its
    "preparing the file" indicator, since a download never loads a new page. Anything that is
    not a plain token is ignored, so nothing from the query string reaches a header unchecked."""
    token = request.GET.get(DOWNLOAD_TOKEN_COOKIE, "")
    if DOWNLOAD_TOKEN.fullmatch(token):
        response.set_cookie(
            DOWNLOAD_TOKEN_COOKIE, token, max_age=120, samesite="Lax", secure=request.is_secure()
        )
