"""Page text for search, read by PDFium: the Vietnamese demo agendas word for word, and the
cleaning that makes PDFium's text at least as good as pypdf's on each point (docs/documents.md)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pdfs
from pypdf import PdfReader

from meeting_server.pdf.ingest import clean_page_text, extract_texts

DEMO = Path(__file__).resolve().parents[1] / "agendas" / "demo"

# The start of the demo's Tờ trình, as the search index keeps it: every line, NFC.
TO_TRINH_START = """UBND THÀNH PHỐ SÔNG LAM
VĂN PHÒNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 57/TTr-VP Sông Lam, ngày 01 tháng 7 năm 2019
TỜ TRÌNH
Về việc công bố 40 bộ thủ tục hành chính liên thông
trên địa bàn thành phố Sông Lam
Kính gửi: Ủy ban nhân dân thành phố Sông Lam.
Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ về
kiểm soát thủ tục hành chính; Nghị định số 92/2017/NĐ-CP ngày 07 tháng 8 năm 2017
của Chính phủ sửa đổi, bổ sung một số điều của các nghị định liên quan đến kiểm soát
thủ tục hành chính;
"""


def test_the_demo_to_trinh_text_is_pinned() -> None:
    texts = extract_texts(str(DEMO / "03a-to-trinh-vpubnd.pdf"))

    assert len(texts) == 2
    assert texts[0].startswith(TO_TRINH_START)


def test_demo_text_is_nfc_with_the_same_words_as_pypdf_or_better() -> None:
    for path in sorted(DEMO.glob("*.pdf")):
        ours = extract_texts(str(path))
        theirs = [page.extract_text() for page in PdfReader(path).pages]
        assert len(ours) == len(theirs)
        for page, (text, other) in enumerate(zip(ours, theirs, strict=True), start=1):
            assert text == unicodedata.normalize("NFC", text), (path.name, page)
            assert "\r" not in text and "\ufffe" not in text and "\x02" not in text
            words, other_words = set(text.split()), set(other.split())
            # every word pypdf finds is found here too, but for the rows of dots of a form
            # and the words pypdf glues across lines ("quyếtTổng"), which are here apart
            glued = "".join(text.split())
            missing = {w for w in other_words - words if w.strip(".") and w not in glued}
            assert not missing, (path.name, page, sorted(missing)[:5])


def test_a_vietnamese_word_of_the_demo_is_in_its_page() -> None:
    texts = extract_texts(str(DEMO / "01-bao-cao-cchc-snv.pdf"))

    assert "cải cách hành chính" in texts[0]
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)


def test_pdfium_hyphenation_marks_join_the_word() -> None:
    # PDFium writes a word hyphenated at a line end as "adip\ufffeiscing" (the hyphen and the
    # line break gone): search needs the word whole.
    assert clean_page_text("consectetuer adip\ufffeiscing elit\r\nnext") == \
        "consectetuer adipiscing elit\nnext"
    assert clean_page_text("con\x02sectetuer") == "consectetuer"


def test_decomposed_letters_and_compatibility_signs_become_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Quyết định")
    assert clean_page_text(decomposed) == "Quyết định"
    assert clean_page_text("\u2126") == "\u03a9"  # OHM SIGN, as the thesis of the corpus has


def test_a_lone_surrogate_cannot_reach_storage() -> None:
    assert clean_page_text("a\ud800b").encode("utf-8") == "a\ufffdb".encode()


def test_generated_documents_keep_their_page_order(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    path.write_bytes(pdfs.many_pages(12))

    texts = extract_texts(str(path))

    assert len(texts) == 12
    assert all(str(n) in text for n, text in enumerate(texts, start=1))
