"""Pages that are UTF-8 but for a byte or two: cut inside their last character (a download
or WARC record truncated at a size limit) or carrying stray Latin-1 bytes."""

from __future__ import annotations

from pipelines.extraction.document import decode_html

VIETNAMESE = "<html><head><meta charset='utf-8'></head><body><p>Hội nghị toàn quốc tổng kết năm 2023</p>"


def test_a_page_cut_inside_its_last_character_stays_utf8() -> None:
    body = (VIETNAMESE + "<p>Hà Nộ").encode("utf-8")
    for cut in (1, 2):  # "ộ" is 3 bytes: cut after its first or second byte
        text = decode_html(body[:-cut])
        assert "Hội nghị toàn quốc" in text
        assert text.endswith("<p>Hà N")


def test_a_few_stray_latin1_bytes_do_not_turn_a_utf8_page_into_cp1252() -> None:
    body = (VIETNAMESE * 3).encode("utf-8") + "<p>Café Müller</p>".encode("latin-1")
    text = decode_html(body, "text/html; charset=utf-8")
    assert text.count("Hội nghị toàn quốc") == 3
    assert "Caf\ufffd M\ufffdller" in text


def test_a_legacy_page_is_still_read_in_its_own_charset() -> None:
    body = "<html><body><p>Café Müller, Straße, naïve</p></body></html>".encode("cp1252")
    assert "Café Müller, Straße, naïve" in decode_html(body)
    one_stray = b"<html><body><p>plain ASCII page with one " + "é".encode("latin-1") + b"</p></body></html>"
    assert "one é" in decode_html(one_stray)
