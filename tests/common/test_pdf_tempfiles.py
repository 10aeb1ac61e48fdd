"""common.pdf: rendering reads the shipped fonts from static/fonts/ and leaves nothing behind.

WeasyPrint copies every @font-face font into a fresh temporary folder, removed only when the
garbage collector reaches its font configuration; a render must not leave such a folder."""

import datetime
import gc
import io
import os
import tempfile

import pytest
from pypdf import PdfReader

from common.pdf import DocumentHead, Signature, render_pdf

RENDERS = 100


@pytest.fixture
def template(settings, tmp_path):
    """A document in the regular, bold and italic faces, in a directory searched first."""
    directory = tmp_path / "templates"
    directory.mkdir()
    (directory / "probe.html").write_text(
        '<!doctype html><html lang="vi"><body>'
        '{% include "common/includes/_official_header.html" %}'
        "<h1>KẾ HOẠCH</h1><p>Thử chữ Việt: Đoàn, ượ, ỹ</p>"
        '{% include "common/includes/_signature.html" %}'
        "</body></html>",
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [directory, *settings.TEMPLATES[0]["DIRS"]]}]
    return "probe.html"


@pytest.fixture
def context():
    return {
        "head": DocumentHead(issuer="BCH ĐOÀN TỈNH GIA LAI", place="Gia Lai", date=datetime.date(2026, 2, 5)),
        "signature": Signature(signer="Rơ Châm Hồng Đào", recipients=["Lưu VP"]),
    }


@pytest.fixture
def temp_dir(tmp_path, monkeypatch):
    """A temporary directory of the test's own, so other processes' files don't count."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setenv("TMPDIR", str(directory))
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    assert tempfile.gettempdir() == str(directory)
    return directory


def test_rendering_leaves_nothing_in_the_temporary_directory(template, context, temp_dir):
    before = set(os.listdir(tempfile.gettempdir()))

    # Without the collector: a file removed only when the collector runs is a leak per worker.
    gc.disable()
    try:
        for _ in range(RENDERS):
            assert render_pdf(template, context).startswith(b"%PDF-")
        after = set(os.listdir(tempfile.gettempdir()))
    finally:
        gc.enable()
    gc.collect()

    assert after == before
    assert set(os.listdir(tempfile.gettempdir())) == before


def test_it_renders_in_the_shipped_fonts_on_a_server_without_fonts(template, context, tmp_path, monkeypatch):
    # An empty fontconfig: no system font at all, so the text can only be set in static/fonts/.
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?><fontconfig></fontconfig>', encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))

    reader = PdfReader(io.BytesIO(render_pdf(template, context)))

    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Thử chữ Việt: Đoàn, ượ, ỹ" in text
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert names == {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",  # the date
        "Liberation-Serif-Bold-Italic",  # "Nơi nhận:"
    }
