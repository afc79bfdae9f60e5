"""The demo meeting's notice and minutes as a Văn phòng UBND issues them (Nghị định 30/2020,
Phụ lục I; QĐ 45/2018): rendered by pdftoppm, read through poppler's text layer."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from official import (
    ABSENCE_REASON,
    ABSENT_UNIT,
    DEADLINES,
    OPINION,
    Page,
    official_template,
    poppler_pages,
)
from PIL import Image

from conftest import Template

MM = 72 / 25.4
TOP_MARGIN = 20 * MM
#: The centre of the text block: A4 with margins of 30 mm (left) and 15 mm (right).
TEXT_CENTRE = (30 + (210 - 15)) / 2 * MM


@pytest.fixture(scope="session")
def official(tmp_path_factory: pytest.TempPathFactory, demo_template: Template) -> Template:
    return official_template(tmp_path_factory, demo_template)


@dataclass(frozen=True)
class Issued:
    pdf: bytes
    pages: list[Page]

    @property
    def text(self) -> str:
        """All the pages' text, blanks and line ends made single spaces."""
        return " ".join(" ".join(page.text.split()) for page in self.pages)


def issued(template: Template, kind: str, folder: Path) -> Issued:
    sha256 = template.facts[kind]["sha256"]
    pdf = (template.path / "publications" / sha256[:2] / f"{sha256}.pdf").read_bytes()
    return Issued(pdf, poppler_pages(pdf, folder / kind))


@pytest.fixture(scope="module")
def notice(official: Template, tmp_path_factory: pytest.TempPathFactory) -> Issued:
    return issued(official, "notice", tmp_path_factory.mktemp("layout"))


@pytest.fixture(scope="module")
def minutes(official: Template, tmp_path_factory: pytest.TempPathFactory) -> Issued:
    return issued(official, "minutes", tmp_path_factory.mktemp("layout"))


def lines(page: Page) -> list[str]:
    return [line for line in page.flat.splitlines() if line]


def column(page: Page, left: bool, below: str) -> list[str]:
    """The lines of one half of the page from the word ``below`` down (the two columns of a
    footer are side by side in the text layer)."""
    start = min(w.y_min for w in page.words if w.text == below)
    half = page.width / 2
    found: dict[float, list[tuple[float, str]]] = {}
    for w in page.words:
        if w.y_min >= start - 1 and (w.x_min < half) == left:
            found.setdefault(round(w.y_min), []).append((w.x_min, w.text))
    return [" ".join(t for _, t in sorted(words)) for _, words in sorted(found.items())]


# ---------------------------------------------------------------------------- the notice


def test_the_notice_is_rendered_to_images(notice: Issued) -> None:
    assert len(notice.pages) >= 2
    for page in notice.pages:
        with Image.open(page.image) as image:
            histogram = image.convert("L").histogram()
        assert 1 - histogram[255] / sum(histogram) > 0.01, page.image


@pytest.mark.parametrize("line", ["UBND THÀNH PHỐ SÔNG LAM", "VĂN PHÒNG",
                                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                  "Độc lập - Tự do - Hạnh phúc"])
def test_the_notice_has_the_header_lines(notice: Issued, line: str) -> None:
    assert any(line in text for text in lines(notice.pages[0])), notice.pages[0].text


def test_the_issuer_and_the_national_title_share_the_first_line(notice: Issued) -> None:
    first = lines(notice.pages[0])[0]
    assert first == "UBND THÀNH PHỐ SÔNG LAM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_the_notice_has_its_number_and_symbol(notice: Issued) -> None:
    assert any("Số: 152/TB-VP" in line for line in lines(notice.pages[0]))


def test_the_place_and_the_padded_date_are_one_line(notice: Issued) -> None:
    assert any(line.endswith("Sông Lam, ngày 09 tháng 7 năm 2019")
               for line in lines(notice.pages[0]))


def test_the_summary_leaves_no_word_alone(notice: Issued) -> None:
    page = lines(notice.pages[0])
    start = next(i for i, line in enumerate(page) if line.startswith("Kết luận của"))
    end = next(i for i, line in enumerate(page) if line.startswith("Ngày 05 tháng 7"))
    summary = page[start:end]
    assert page[start - 1] == "THÔNG BÁO"
    assert " ".join(summary).endswith("6 tháng đầu năm 2019")
    assert all(len(line.split()) > 1 for line in summary), summary


def test_attendees_come_from_attendance(notice: Issued) -> None:
    attending = re.search(r"Tham dự cuộc họp có đại diện lãnh đạo: (.*?)\.", notice.text)
    assert attending is not None, notice.text
    assert "Sở Nội vụ" in attending[1] and "Ủy ban Mặt trận" in attending[1]
    assert ABSENT_UNIT not in notice.text


def test_the_chair_is_named_with_the_title_recorded(notice: Issued) -> None:
    assert "Kết luận của Phó Chủ tịch UBND thành phố Trần Văn Minh tại phiên họp" in notice.text


#: The tasks' deadlines (official.DEADLINES) as the notice prints them: dates in figures of
#: two digits (deadlines.model.short_date).
PRINTED = ("trước ngày 15/08/2019", "trong tháng 7/2019", "thường xuyên",
           "trước ngày 31/07/2019", "trong tháng 8/2019", "trước ngày 15/09/2019")


@pytest.mark.parametrize("deadline", PRINTED)
def test_each_deadline_is_said_once(notice: Issued, deadline: str) -> None:
    assert notice.text.count(deadline) == 1


def test_every_deadline_is_printed() -> None:
    assert len(PRINTED) == len(DEADLINES)


def test_tasks_are_in_the_official_wording(notice: Issued) -> None:
    assert ("- Giao Văn phòng UBND thành phố chủ trì, phối hợp với Sở Tư pháp đẩy nhanh công "
            "bố 40 bộ thủ tục hành chính liên thông; thời hạn: trong tháng 7") in notice.text
    assert ("- Giao các sở, ban, ngành thành phố chủ trì, phối hợp với Ủy ban Mặt trận Tổ "
            "quốc Việt Nam thành phố phối hợp khảo sát mức độ hài lòng của người dân; thực "
            "hiện thường xuyên.") in notice.text


def test_the_signer_block_of_the_office(notice: Issued) -> None:
    last = notice.pages[-1]
    assert column(last, left=False, below="Nơi")[:1] == ["CHÁNH VĂN PHÒNG"]
    assert column(last, left=False, below="Nơi")[-1] == "Lê Quang Huy"


def test_the_recipients_are_built_from_the_record(notice: Issued) -> None:
    listed = " ".join(column(notice.pages[-1], left=True, below="Nơi"))
    assert listed == (
        "Nơi nhận: - Phó Chủ tịch UBND thành phố Trần Văn Minh (để báo cáo); - Chủ tịch, các "
        "Phó Chủ tịch UBND thành phố; - Sở Thông tin và Truyền thông; - Văn phòng UBND thành "
        "phố; - Sở Tư pháp; - Các sở, ban, ngành thành phố; - Ủy ban Mặt trận Tổ quốc Việt "
        "Nam thành phố; - Sở Nội vụ; - Lưu: VT, TH.")


def test_the_recipients_have_no_blank_gaps(notice: Issued) -> None:
    page = notice.pages[-1]
    start = min(w.y_min for w in page.words if w.text == "Nơi")
    tops = sorted({round(w.y_min) for w in page.words
                   if w.y_min >= start - 1 and w.x_min < page.width / 2})
    assert max(b - a for a, b in zip(tops, tops[1:], strict=False)) < 16, tops


def test_page_two_is_numbered_at_the_top_centre(notice: Issued) -> None:
    second = notice.pages[1]
    numbers = [w for w in second.words if w.y_max < TOP_MARGIN]
    assert [w.text for w in numbers] == ["2"]
    assert abs((numbers[0].x_min + numbers[0].x_max) / 2 - TEXT_CENTRE) < 10


def test_page_one_has_no_number(notice: Issued) -> None:
    assert [w.text for w in notice.pages[0].words if w.y_max < TOP_MARGIN] == []


def test_the_signature_keeps_with_the_closing_paragraph(notice: Issued) -> None:
    signed = next(page for page in notice.pages if "Lê Quang Huy" in page.text)
    assert "Văn phòng thông báo để các cơ quan, đơn vị biết, thực hiện./." in signed.flat


def test_the_notice_pdf_says_what_it_is(notice: Issued) -> None:
    info = pypdf.PdfReader(io.BytesIO(notice.pdf)).metadata
    assert info is not None
    assert info.title is not None and info.title.startswith("Thông báo kết luận số 152/TB-VP")
    assert info.author == "VĂN PHÒNG UBND THÀNH PHỐ SÔNG LAM"
    assert info.subject is not None and info.subject.startswith(
        "Kết luận của Phó Chủ tịch UBND thành phố Trần Văn Minh")
    assert info.creation_date is not None


def test_the_notice_is_pdf_a_2b(notice: Issued) -> None:
    xmp = pypdf.PdfReader(io.BytesIO(notice.pdf)).xmp_metadata
    assert xmp is not None
    data = xmp.stream.get_data().decode()
    assert 'pdfaid:part="2"' in data and 'pdfaid:conformance="B"' in data


def fonts(pdf: bytes) -> list[Any]:
    """Every font of the pages and of their annotations' appearances."""
    found = []
    reader = pypdf.PdfReader(io.BytesIO(pdf))

    def collect(resources: Any) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in resources.get("/Font", {}).values():
            found.append(font.get_object())
        for xobject in resources.get("/XObject", {}).values():
            collect(xobject.get_object().get("/Resources"))

    for page in reader.pages:
        collect(page.get("/Resources"))
        for annotation in page.get("/Annots", []):
            appearance = annotation.get_object().get("/AP", {}).get("/N")
            if appearance is not None:
                collect(appearance.get_object().get("/Resources"))
    return found


def test_every_font_is_embedded(notice: Issued) -> None:
    found = fonts(notice.pdf)
    assert found
    for font in found:
        described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font \
            else font
        descriptor = described["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]


def test_the_font_is_times_new_roman_or_a_metric_twin(notice: Issued) -> None:
    names = {str(font["/BaseFont"]).split("+")[-1].replace("-", "")
             for font in fonts(notice.pdf)}
    assert all(re.match(r"/?(TimesNewRoman|Times|LiberationSerif|Tinos)", n) for n in names), \
        names


# ---------------------------------------------------------------------------- the minutes


def test_the_minutes_have_their_header_and_number(minutes: Issued) -> None:
    assert "Số: 15/BB-VP" in minutes.pages[0].flat
    assert "BIÊN BẢN" in lines(minutes.pages[0])


def test_the_minutes_have_start_and_end_time(minutes: Issued) -> None:
    assert "Thời gian bắt đầu: 08 giờ 00, ngày 05 tháng 7 năm 2019." in minutes.text
    assert "Cuộc họp kết thúc vào lúc 11 giờ 30 cùng ngày./." in minutes.text


def test_the_minutes_list_attendees_by_unit_without_repeating_it(minutes: Issued) -> None:
    assert "- Sở Nội vụ: Phạm Thị Lan, Giám đốc;" in minutes.text
    assert "- Văn phòng UBND thành phố: Lê Quang Huy, Chánh Văn phòng;" in minutes.text


def test_the_minutes_list_the_absent_with_their_reasons(minutes: Issued) -> None:
    absent = minutes.text.split("Vắng mặt:")[1].split("Nội dung cuộc họp")[0]
    assert f"Bùi Minh Tuấn, Giám đốc {ABSENT_UNIT} (lý do: {ABSENCE_REASON})." in absent
    attending = minutes.text.split("Thành phần tham dự:")[1].split("Vắng mặt:")[0]
    assert ABSENT_UNIT not in attending


def test_the_minutes_say_each_item_with_presenter_documents_and_opinions(
        minutes: Issued) -> None:
    item = minutes.text.split("3. Công bố 40 bộ thủ tục hành chính liên thông")[1]
    item = item.split("4. Khảo sát")[0]
    assert "Trình bày: Chánh Văn phòng UBND thành phố (phối hợp Sở Tư pháp)." in item
    assert "Tài liệu: Tờ trình số 57/TTr-VP" in item
    assert f"Ý kiến phát biểu: {OPINION}" in item


def test_the_minutes_carry_the_conclusions_and_both_signatures(minutes: Issued) -> None:
    assert "Kết luận của người chủ trì" in minutes.text
    assert "- Giao Sở Thông tin và Truyền thông chủ trì rà soát" in minutes.text
    last = minutes.pages[-1]
    assert "THƯ KÝ" in last.flat and "CHỦ TRÌ" in last.flat
    assert "Nguyễn Thị Thu Hà" in last.flat and "Trần Văn Minh" in last.flat


def test_the_minutes_print_their_recipients(minutes: Issued) -> None:
    listed = " ".join(column(minutes.pages[-1], left=True, below="Nơi"))
    assert listed == ("Nơi nhận: - Phó Chủ tịch UBND thành phố Trần Văn Minh (để báo cáo); "
                      "- Các đại biểu dự họp; - Lưu: VT, TH.")
