"""`newscrawl extract`: saved pages in, one JSON line per input out, never a traceback."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import ROOT, cli, json_lines
from tests.pages import LOREM, article_html

VI_TITLE = "Hội nghị toàn quốc tổng kết Ngành Tổ chức xây dựng Đảng"
VI_BODY = [
    "Năm 2023, toàn ngành Tổ chức xây dựng Đảng đã hoàn thành 21 Đề án theo Chương trình làm việc của "
    "Ban Chấp hành Trung ương, Bộ Chính trị, Ban Bí thư. Chủ động tham mưu việc chuẩn bị Đại hội 14 của Đảng.",
    "Tiến hành khảo sát kết quả thi hành Điều lệ Đảng từ năm 2011 đến nay; triển khai hoạt động của "
    "Tiểu ban Điều lệ Đảng; quán triệt, hướng dẫn xây dựng Báo cáo tổng kết công tác xây dựng Đảng.",
]


def encode_cp1258(text: str) -> bytes:
    """cp1258 has no precomposed tone-marked letters: base+diacritic, then a combining tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for i, mark in enumerate(marks):
            composed = unicodedata.normalize("NFC", base + mark)
            rest = "".join(marks[:i] + marks[i + 1:])
            try:
                out += composed.encode("cp1258") + rest.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            out += unicodedata.normalize("NFD", ch).encode("cp1258")
    return bytes(out)


def vi_page(charset: str = "utf-8") -> str:
    return article_html(VI_TITLE, lang="vi", body=VI_BODY, date="2023-12-28T09:47:00+07:00",
                        site_name="Báo Mẫu", charset=charset)


def test_bad_inputs_each_get_an_error_line(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    good = gzip.compress(vi_page().encode("utf-8"))
    (tmp_path / "truncated.html.gz").write_bytes(good[: len(good) // 2])
    (tmp_path / "huge.html").write_bytes(b"<html><body>" + b"<p>x</p>" * (20 * 1024 * 1024 // 8) + b"</body></html>")
    (tmp_path / "listing.html").write_text("<html><body><h1>Tags</h1><a href='/a'>A</a></body></html>")
    # under the size cap, but 150,000 table cells: trafilatura would take gigabytes on it
    (tmp_path / "cells.html").write_text(
        "<html><body><h1>Results</h1><table>" + "<tr><td>1</td><td>2</td></tr>" * 50_000 + "</table></body></html>")
    result = cli("extract", *(str(tmp_path / n) for n in
                     ("empty.html", "image.html", "truncated.html.gz", "huge.html", "listing.html", "cells.html")))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = {Path(line["input"]).name: line["error"] for line in json_lines(result.stdout)}
    assert errors["empty.html"].startswith("empty:")
    assert errors["image.html"].startswith("not_html:")
    assert errors["truncated.html.gz"] == "unreadable: truncated gzip file"
    assert errors["huge.html"].startswith("too_large:")
    assert errors["listing.html"].startswith("not_article:")
    assert errors["cells.html"].startswith("too_complex: the page has more than 100,000 elements")


def test_good_and_bad_inputs_mixed(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").mkdir()
    (tmp_path / "a" / "one.html").write_text(vi_page(), encoding="utf-8")
    (tmp_path / "a" / "b" / "two.html.gz").write_bytes(gzip.compress(vi_page().encode("utf-8")))
    (tmp_path / "a" / "notes.txt").write_text("not a page")
    (tmp_path / "a" / "empty.htm").write_bytes(b"")
    result = cli("extract", str(tmp_path / "a"))
    lines = json_lines(result.stdout)
    assert [Path(line["input"]).name for line in lines] == ["two.html.gz", "empty.htm", "one.html"]
    assert [("error" in line) for line in lines] == [False, True, False]
    assert result.returncode == 1


def test_windows_1258_page_decodes_to_nfc(tmp_path: Path) -> None:
    page = tmp_path / "cp1258.html"
    page.write_bytes(encode_cp1258(vi_page(charset="windows-1258")))
    result = cli("extract", str(page), "--url", "https://baomau.vn/a.html")
    assert result.returncode == 0, result.stdout + result.stderr
    [record] = json_lines(result.stdout)
    assert record["title"] == VI_TITLE
    assert unicodedata.is_normalized("NFC", record["text"])
    assert VI_BODY[0] in record["text"]
    assert record["published_at"] == "2023-12-28T09:47:00+07:00"


def test_mislabeled_charset_utf8_page(tmp_path: Path) -> None:
    page = tmp_path / "mislabeled.html"
    page.write_bytes(vi_page(charset="iso-8859-1").encode("utf-8"))  # says latin-1, is UTF-8
    result = cli("extract", str(page))
    assert result.returncode == 0, result.stdout
    [record] = json_lines(result.stdout)
    assert record["title"] == VI_TITLE
    assert record["language"] == "vi"


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(vi_page(), encoding="utf-8")
    twice = cli("extract", str(page), str(page), "--url", "https://example.com/a")
    assert twice.returncode == 2
    assert twice.stderr.strip().splitlines() == [
        "newscrawl extract: error: --url gives one page's URL, but several input files were given"]
    bad_url = cli("extract", str(page), "--url", "ftp://example.com/a")
    assert bad_url.returncode == 2 and "unsupported URL scheme" in bad_url.stderr
    bad_out = cli("extract", str(page), "-o", str(tmp_path / "no" / "such" / "dir" / "out.jsonl"))
    assert bad_out.returncode == 2 and "does not exist" in bad_out.stderr
    for result in (twice, bad_url, bad_out):
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_output_file(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(vi_page(), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = cli("extract", str(page), "-o", str(out))
    assert result.returncode == 0 and result.stdout == ""
    [record] = json_lines(out.read_text(encoding="utf-8"))
    assert record["title"] == VI_TITLE
    # Not a quiet success: what was written, and where, on stderr.
    assert result.stderr.strip() == f"newscrawl extract: 1 record from 1 input -> {out}"
    (tmp_path / "empty.html").write_bytes(b"")
    mixed = cli("extract", str(page), str(tmp_path / "empty.html"), "-o", str(out))
    assert mixed.returncode == 1
    summary = f"newscrawl extract: 1 record, 1 error line (no article) from 2 inputs -> {out}"
    assert mixed.stderr.strip() == summary


def test_a_stray_control_character_does_not_lose_the_article(tmp_path: Path) -> None:
    controls = ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f"]
    paths = []
    for ch in controls:
        body = [f"{LOREM} (paragraph {i + 1}.)" for i in range(12)]
        body[5] = body[5].replace("budget", f"bud{ch}get", 1)  # one character in one of 12 paragraphs
        path = tmp_path / f"control-{ord(ch):02x}.html"
        path.write_text(article_html("A story with a stray control character", body=body), encoding="utf-8")
        paths.append(str(path))
    result = cli("extract", *paths, "-j", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    records = json_lines(result.stdout)
    assert len(records) == len(controls)
    for record in records:
        paragraphs = record["text"].split("\n")
        assert len(paragraphs) == 12 and paragraphs[5].startswith("The city council approved the new budget on")
        assert not any(ord(c) < 32 and c not in "\n\t" for c in record["text"])


def without_permission_bypass() -> list[str]:
    """As root, permission bits do not apply: run the command without the capabilities that bypass them."""
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []


@pytest.mark.slow  # a subprocess, without the permission bypass root has
def test_fifo_and_unreadable_directory_are_error_lines_not_a_hang(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    (pages / "locked").mkdir(parents=True)
    (pages / "a.html").write_text(article_html("A readable story"), encoding="utf-8")
    (pages / "locked" / "b.html").write_text(article_html("A story in a locked folder"), encoding="utf-8")
    os.mkfifo(pages / "pipe.html")
    os.mkfifo(tmp_path / "named.html")
    (pages / "locked").chmod(0)
    try:
        result = subprocess.run([*without_permission_bypass(), sys.executable, "-m", "crawler.cli", "extract",
                                 str(pages), str(tmp_path / "named.html"), "-j", "0"], cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                                timeout=60)
    finally:
        (pages / "locked").chmod(0o755)
    assert result.returncode == 1, result.stderr
    lines = json_lines(result.stdout)
    assert {line["input"]: line["error"] for line in lines if "error" in line} == {
        str(pages / "locked"): "unreadable: directory not readable: Permission denied",
        str(pages / "pipe.html"): "unreadable: not a regular file but a FIFO",
        str(tmp_path / "named.html"): "unreadable: not a regular file but a FIFO",
    }
    assert [line["title"] for line in lines if "title" in line] == ["A readable story"]
    assert "1 record, 3 error lines (no article) from 4 inputs" in result.stderr
