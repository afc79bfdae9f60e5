#!/usr/bin/env python3
"""Generate the PDF documents of the demo meeting in ``agendas/demo/``.

The demo meeting is modelled on a real kind of meeting: the half-year session of a
city's Steering Committee for administrative reform (Ban Chỉ đạo cải cách hành chính
thành phố), 2019-07-05.  The city ("thành phố Sông Lam"), its districts and all people
are fictional; titles, bodies, legal references and the layout of the documents follow
real Vietnamese administrative practice (national header, số/ký hiệu, place and date,
numbered sections, tables, "Nơi nhận:" list, signature block).

Run:  /work/venv/bin/python agendas/make_demo_pdfs.py [OUT_DIR]

Output is deterministic: fixed metadata dates, a PDF identifier derived from the file
name, no timestamps.  Figures that appear in several documents (numbers of procedures,
online services, case files) are computed from one set of data below, so the documents
agree with each other and every total and percentage adds up.
"""

from __future__ import annotations

import hashlib
import html
import subprocess
import sys
import unicodedata
from pathlib import Path

from weasyprint import HTML

HERE = Path(__file__).resolve().parent
OUT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE / "demo"

CITY = "Sông Lam"                       # fictional city
CITY_UP = CITY.upper()
UBND_TP = f"UBND THÀNH PHỐ {CITY_UP}"

# People (fictional) — keep in step with agenda.toml.
CHAIR = "Trần Văn Minh"          # Phó Chủ tịch UBND thành phố
GD_SNV = "Phạm Thị Lan"          # Giám đốc Sở Nội vụ
GD_STTTT = "Hoàng Đức Thắng"     # Giám đốc Sở Thông tin và Truyền thông
CVP = "Lê Quang Huy"             # Chánh Văn phòng UBND thành phố
PCT_MTTQ = "Đặng Văn Hùng"       # Phó Chủ tịch Ủy ban MTTQ Việt Nam thành phố
TB_TCD = "Ngô Thanh Sơn"         # Trưởng Ban Tiếp công dân thành phố (not a user)

DISTRICTS = [  # fictional districts: (name, number of communes/wards)
    ("Quận Trung Lam", 14), ("Quận Đông Lam", 16), ("Quận Bắc Lam", 15),
    ("Quận Nam Lam", 13), ("Quận Hòa Bến", 12), ("Quận Cẩm Giang", 11),
    ("Huyện Phú Lam", 28), ("Huyện Thanh Đàm", 27), ("Huyện Vĩnh Lam", 25),
]
N_COMMUNES = sum(n for _, n in DISTRICTS)   # 161


# --------------------------------------------------------------------------- helpers

def serif_stack() -> str:
    """CSS font-family list of serif fonts that fully cover Vietnamese.

    Real documents use Times New Roman; Liberation Serif 2.x (Debian: fonts-liberation2) has the
    same metrics and covers Vietnamese, but Liberation Serif 1.07 (fonts-liberation) does not, and
    mixing it with a fallback font glyph by glyph looks broken.  So only families that fontconfig
    reports as covering Vietnamese (``fc-list :lang=vi``) are listed, best first.
    """
    preferred = ["Times New Roman", "Liberation Serif", "Tinos", "DejaVu Serif Condensed", "DejaVu Serif"]
    try:
        out = subprocess.run(["fc-list", ":lang=vi", "family"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    have = {name.strip() for line in out.splitlines() for name in line.split(",")}
    chosen = [f for f in preferred if f in have]
    if not chosen:
        print("warning: no serif font with Vietnamese coverage found (install fonts-liberation2 "
              "or fonts-dejavu-core)", file=sys.stderr)
        chosen = ["Liberation Serif", "DejaVu Serif"]
    return ", ".join(f'"{f}"' for f in chosen) + ", serif"


FONT = serif_stack()


def fn(x: int) -> str:
    """Vietnamese thousands separator: 186432 -> '186.432'."""
    return f"{x:,}".replace(",", ".")


def fp(x: float, d: int = 2) -> str:
    """Vietnamese decimal comma: 98.276 -> '98,28'."""
    return f"{x:.{d}f}".replace(".", ",")


def pct(a: float, b: float, d: int = 2) -> str:
    return fp(100.0 * a / b, d) if b else "-"


def e(s: str) -> str:
    return html.escape(s, quote=False)


def blanks(s: str) -> str:
    """Escape, keeping runs of spaces (blanks left for a number or a day in drafts)."""
    return e(s).replace("  ", "&nbsp;&nbsp;")


CSS = """
@page {
  size: A4;
  margin: 20mm 15mm 20mm 30mm;
  @top-center { content: counter(page); font-family: FONT; font-size: 12pt; }
}
@page :first { @top-center { content: none; } }
@page wide {
  size: A4 landscape;
  margin: 15mm 15mm 12mm 20mm;
}
html { font-family: FONT; font-size: 13pt; line-height: 1.32; color: #000; }
body { margin: 0; }
p { margin: 0 0 5pt 0; text-indent: 10mm; text-align: justify; hyphens: manual; }
p.ni { text-indent: 0; }
.hdr { width: 100%; border-collapse: collapse; margin-bottom: 8pt; }
.hdr td { vertical-align: top; text-align: center; padding: 0; border: none; }
.hdr td.l { width: 40%; font-size: 12.5pt; }
.hdr td.r { width: 60%; }
.hdr .org { font-weight: bold; font-size: 13pt; }
.hdr .qh { font-weight: bold; font-size: 12.5pt; white-space: nowrap; }
.hdr .tn { font-weight: bold; font-size: 13.5pt; }
.hdr .rule { border-top: 0.75pt solid #000; margin: 1pt auto 5pt auto; width: 32%; }
.hdr .rule.long { width: 58%; }
.hdr .so { font-size: 13pt; padding-top: 4pt; }
.hdr .date { font-style: italic; font-size: 13pt; padding-top: 4pt; }
.hdr .trich { font-size: 11.5pt; padding-top: 2pt; }
.draft { float: right; border: 1pt solid #000; font-weight: bold; font-size: 12pt; padding: 1pt 6pt; margin-top: -14mm; }
.mau { text-align: right; font-style: italic; font-size: 12pt; margin-bottom: 4pt; }
h1 { text-align: center; font-size: 14pt; font-weight: bold; margin: 14pt 0 0 0; line-height: 1.25; }
.sub { text-align: center; font-size: 14pt; font-weight: bold; margin: 2pt 0 0 0; line-height: 1.25; }
.subi { text-align: center; font-style: italic; font-size: 13pt; margin: 2pt 0 0 0; }
.tline { border-top: 0.75pt solid #000; width: 28%; margin: 7pt auto 12pt auto; }
.kg { text-align: center; margin: 6pt 0 10pt 0; }
.authority { text-align: center; font-weight: bold; font-size: 13.5pt; margin: 10pt 0 8pt 0; }
.cancu p { font-style: italic; }
.qd { text-align: center; font-weight: bold; margin: 8pt 0; }
h2 { font-size: 13pt; font-weight: bold; margin: 9pt 0 4pt 0; text-indent: 10mm; text-align: left; break-after: avoid; }
h3 { font-size: 13pt; font-weight: bold; margin: 6pt 0 3pt 0; text-indent: 10mm; }
h4 { font-size: 13pt; font-weight: bold; font-style: italic; margin: 4pt 0 3pt 0; text-indent: 10mm; }
.dieu { text-indent: 10mm; margin: 4pt 0; text-align: justify; }
.dieu b { font-weight: bold; }
table.t { width: 100%; border-collapse: collapse; font-size: 11pt; line-height: 1.2; margin: 4pt 0 8pt 0; page-break-inside: auto; }
table.t th, table.t td { border: 0.6pt solid #000; padding: 2.5pt 3pt; vertical-align: middle; }
table.t th { font-weight: bold; text-align: center; }
table.t td.c { text-align: center; }
table.t td.n { text-align: right; white-space: nowrap; }
table.t tr.tot td { font-weight: bold; }
table.t tr.grp td { font-weight: bold; background: #f0f0f0; }
table.t thead { display: table-header-group; }
table.t tr { page-break-inside: avoid; }
.cap { text-align: center; font-weight: bold; font-size: 12pt; margin: 6pt 0 0 0; break-after: avoid; }
table.t.keep { break-inside: avoid; }
.capn { text-align: right; font-style: italic; font-size: 11pt; margin: 0; break-after: avoid; }
.src { font-style: italic; font-size: 11pt; margin: -4pt 0 8pt 0; text-indent: 0; }
.chart { text-align: center; margin: 2pt 0 6pt 0; break-inside: avoid; }
.sig { width: 100%; border-collapse: collapse; margin-top: 12pt; page-break-inside: avoid; }
.sig td { vertical-align: top; border: none; padding: 0; }
.sig td.nn { width: 50%; font-size: 11pt; line-height: 1.25; }
.sig td.nn .h { font-weight: bold; font-style: italic; font-size: 12pt; }
.sig td.ky { width: 50%; text-align: center; font-weight: bold; font-size: 13pt; }
.sig td.ky2 { width: 50%; text-align: center; font-weight: bold; font-size: 13pt; }
.sig .dk { font-weight: normal; font-style: italic; margin: 16pt 0 22pt 0; font-size: 12pt; }
.sig .sp { height: 62pt; }
.nn2 { font-size: 11pt; line-height: 1.25; margin-top: 10pt; page-break-inside: avoid; }
.nn2 .h { font-weight: bold; font-style: italic; font-size: 12pt; }
.annex { page-break-before: always; }
.wide { page: wide; }
.wide table.t { font-size: 9.5pt; table-layout: fixed; margin-top: 2pt; }
.wide table.t th, .wide table.t td { padding: 1.6pt 3pt; }
.note { font-size: 11pt; font-style: italic; text-indent: 0; }
.box { display: inline-block; width: 8pt; height: 8pt; border: 0.7pt solid #000; margin: 0 3pt 0 8pt; vertical-align: -0.5pt; }
.form p { text-indent: 0; text-align: left; }
.opt { white-space: nowrap; }
.dl { white-space: nowrap; overflow: hidden; margin: 0 0 2pt 0; }
.form table.t td.c .box { margin: 0; }
.end { text-align: center; font-weight: bold; margin-top: 10pt; }
"""


def national_header(issuer: list[str], number: str, date: str, *, draft: bool = False,
                    issuer_bold_from: int = 1) -> str:
    """The two-column header of a Vietnamese administrative document.

    issuer: lines of the issuing body; lines from ``issuer_bold_from`` on are bold.
    """
    lines = []
    for i, line in enumerate(issuer):
        cls = "org" if i >= issuer_bold_from else "up"
        lines.append(f'<div class="{cls}">{e(line)}</div>')
    out = []
    if draft:
        out.append('<div class="draft">DỰ THẢO</div>')
    out.append(f"""
<table class="hdr">
<tr>
 <td class="l">{''.join(lines)}<div class="rule"></div></td>
 <td class="r"><div class="qh">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>
  <div class="tn">Độc lập - Tự do - Hạnh phúc</div><div class="rule long"></div></td>
</tr>
<tr>
 <td class="l so">Số: {blanks(number)}</td>
 <td class="r date">{blanks(date)}</td>
</tr>
</table>""")
    return "".join(out)


def title(kind: str, *lines: str, italic: str | None = None) -> str:
    out = [f"<h1>{e(kind)}</h1>"]
    for line in lines:
        out.append(f'<div class="sub">{e(line)}</div>')
    if italic:
        out.append(f'<div class="subi">{e(italic)}</div>')
    out.append('<div class="tline"></div>')
    return "".join(out)


def paras(text: str, cls: str | None = None) -> str:
    """One <p> per non-empty line of ``text`` (already trusted HTML)."""
    attr = f' class="{cls}"' if cls else ""
    return "".join(f"<p{attr}>{line.strip()}</p>" for line in text.strip().splitlines() if line.strip())


def table(headers: list[str], rows: list[list], *, widths: list[int] | None = None,
          aligns: str | None = None, total: list | None = None, head_html: str | None = None) -> str:
    """A bordered table; aligns is a string of l/c/n per column (n = right-aligned number)."""
    ncol = len(headers) if headers else len(rows[0])
    aligns = aligns or "l" * ncol
    keep = " keep" if len(rows) <= 12 else ""
    out = [f'<table class="t{keep}">']
    if widths:
        out.append("<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>")
    if head_html:
        out.append(f"<thead>{head_html}</thead>")
    else:
        out.append("<thead><tr>" + "".join(f"<th>{h}</th>" for h in headers) + "</tr></thead>")
    out.append("<tbody>")

    def row(cells, cls=""):
        tds = []
        for a, c in zip(aligns, cells, strict=False):
            klass = {"c": ' class="c"', "n": ' class="n"'}.get(a, "")
            tds.append(f"<td{klass}>{c}</td>")
        return f'<tr{cls}>' + "".join(tds) + "</tr>"

    for r in rows:
        if isinstance(r, str):  # group row
            out.append(f'<tr class="grp"><td colspan="{ncol}">{r}</td></tr>')
        else:
            out.append(row(r))
    if total:
        out.append(row(total, ' class="tot"'))
    out.append("</tbody></table>")
    return "".join(out)


def caption(text: str, unit: str | None = None) -> str:
    out = f'<div class="cap">{text}</div>'
    if unit:
        out += f'<div class="capn">{unit}</div>'
    return out


def signature(recipients: list[str], lines: list[str], name: str, *, signed: bool = True) -> str:
    rec = "".join(f"<div>- {r}</div>" for r in recipients)
    head = "".join(f"<div>{e(x)}</div>" for x in lines)
    mid = '<div class="dk">(Đã ký)</div>' if signed else '<div class="sp"></div>'
    return f"""
<table class="sig"><tr>
 <td class="nn"><div class="h">Nơi nhận:</div>{rec}</td>
 <td class="ky">{head}{mid}<div>{e(name)}</div></td>
</tr></table>"""


def joint_signature(left: tuple[list[str], str], right: tuple[list[str], str], recipients: list[str]) -> str:
    def block(lines, name):
        head = "".join(f"<div>{e(x) or '&nbsp;'}</div>" for x in lines)
        return f'{head}<div class="dk">(Đã ký)</div><div>{e(name)}</div>'
    rec = "".join(f"<div>- {r}</div>" for r in recipients)
    return f"""
<table class="sig"><tr>
 <td class="ky2">{block(*left)}</td>
 <td class="ky2">{block(*right)}</td>
</tr></table>
<div class="nn2"><div class="h">Nơi nhận:</div>{rec}</div>"""


def render(fname: str, *, doc_title: str, author: str, subject: str, keywords: str,
           created: str, body: str) -> Path:
    page = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{e(doc_title)}</title>
<meta name="author" content="{html.escape(author)}">
<meta name="description" content="{html.escape(subject)}">
<meta name="keywords" content="{html.escape(keywords)}">
<meta name="generator" content="agendas/make_demo_pdfs.py">
<meta name="dcterms.created" content="{created}">
<meta name="dcterms.modified" content="{created}">
<style>{CSS.replace("FONT", FONT)}</style></head>
<body>{body}</body></html>"""
    page = unicodedata.normalize("NFC", page)
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / fname
    HTML(string=page, base_url=str(OUT)).write_pdf(
        target, pdf_identifier=hashlib.md5(fname.encode()).hexdigest().encode())
    return target


# --------------------------------------------------------------------------- shared data

# Online public services by agency, as of 25/6/2019:
# (agency, procedures, level-3 services, level-4 services, level-3/4 services with files,
#  files received online in H1/2019, files received in total in H1/2019)
DVC_AGENCIES = [
    ("Sở Kế hoạch và Đầu tư", 142, 38, 46, 52, 6842, 9315),
    ("Sở Tài chính", 68, 12, 3, 6, 214, 1926),
    ("Sở Công Thương", 141, 44, 31, 29, 3118, 12604),
    ("Sở Xây dựng", 68, 21, 4, 12, 412, 3587),
    ("Sở Giao thông vận tải", 126, 30, 18, 21, 8950, 41230),
    ("Sở Tài nguyên và Môi trường", 112, 18, 2, 7, 236, 5874),
    ("Sở Nông nghiệp và Phát triển nông thôn", 121, 26, 9, 14, 397, 4118),
    ("Sở Y tế", 173, 41, 12, 22, 1684, 6932),
    ("Sở Giáo dục và Đào tạo", 98, 24, 14, 17, 2745, 8216),
    ("Sở Lao động - Thương binh và Xã hội", 134, 38, 16, 26, 3902, 11458),
    ("Sở Văn hóa và Thể thao", 95, 28, 7, 11, 286, 1754),
    ("Sở Du lịch", 37, 9, 6, 5, 143, 712),
    ("Sở Khoa học và Công nghệ", 58, 19, 8, 9, 98, 463),
    ("Sở Thông tin và Truyền thông", 44, 16, 12, 14, 532, 1108),
    ("Sở Tư pháp", 154, 32, 9, 18, 5216, 38470),
    ("Sở Nội vụ", 91, 22, 5, 8, 164, 2031),
    ("Sở Ngoại vụ", 8, 3, 2, 2, 47, 215),
    ("Thanh tra thành phố", 9, 0, 0, 0, 0, 86),
    ("Ban Quản lý các khu công nghiệp", 64, 17, 11, 13, 1318, 2207),
]
DVC_DISTRICT = ("UBND quận, huyện (TTHC cấp huyện)", 262, 34, 8, 21, 9416, 214370)
DVC_COMMUNE = ("UBND xã, phường, thị trấn (TTHC cấp xã)", 138, 12, 3, 9, 4870, 398615)


def _sum(rows, i):
    return sum(r[i] for r in rows)


TP_TTHC = _sum(DVC_AGENCIES, 1)
ALL_ROWS = DVC_AGENCIES + [DVC_DISTRICT, DVC_COMMUNE]
ALL_TTHC = _sum(ALL_ROWS, 1)
ALL_M3 = _sum(ALL_ROWS, 2)
ALL_M4 = _sum(ALL_ROWS, 3)
ALL_PS = _sum(ALL_ROWS, 4)
ALL_ONLINE = _sum(ALL_ROWS, 5)
ALL_FILES = _sum(ALL_ROWS, 6)

# Case files by level: (level, received, resolved, of which late, in progress)
def _level(name, received, resolved_ratio, late_ratio):
    resolved = round(received * resolved_ratio)
    late = round(resolved * late_ratio)
    return (name, received, resolved, resolved - late, late, received - resolved)


FILES_BY_LEVEL = [
    _level("Cấp thành phố", _sum(DVC_AGENCIES, 6), 0.9618, 0.0172),
    _level("Cấp huyện", DVC_DISTRICT[6], 0.9755, 0.0168),
    _level("Cấp xã", DVC_COMMUNE[6], 0.9970, 0.0013),
]
FILES_LATE = sum(r[4] for r in FILES_BY_LEVEL)
APOLOGIES = 5284

# The 40 inter-connected procedure sets, grouped:
# (name, receiving body, coordinating bodies, days by current rules, days when inter-connected)
LIENTHONG = [
    ("A. Lĩnh vực hộ tịch, cư trú, tư pháp", [
        ("Đăng ký khai sinh – Đăng ký thường trú – Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
         "UBND cấp xã", "Công an cấp huyện; Bảo hiểm xã hội cấp huyện", 13, 8),
        ("Đăng ký khai tử – Xóa đăng ký thường trú – Giải quyết mai táng phí, trợ cấp tử tuất",
         "UBND cấp xã", "Công an cấp huyện; Bảo hiểm xã hội cấp huyện; Phòng Lao động - Thương binh và Xã hội", 18, 12),
        ("Đăng ký kết hôn – Đăng ký thay đổi nơi thường trú",
         "UBND cấp xã", "Công an cấp huyện", 10, 7),
        ("Thay đổi, cải chính, bổ sung thông tin hộ tịch – Điều chỉnh thông tin trong sổ hộ khẩu",
         "UBND cấp xã", "Công an cấp huyện", 11, 7),
        ("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài cư trú tại Việt Nam",
         "Sở Tư pháp", "Công an thành phố", 10, 8),
        ("Chứng thực hợp đồng chuyển nhượng quyền sử dụng đất – Đăng ký biến động đất đai",
         "UBND cấp xã", "Chi nhánh Văn phòng đăng ký đất đai; Chi cục Thuế", 15, 10),
    ]),
    ("B. Lĩnh vực đăng ký kinh doanh, đầu tư", [
        ("Đăng ký thành lập doanh nghiệp – Đăng ký sử dụng hóa đơn – Thông báo mẫu con dấu",
         "Sở Kế hoạch và Đầu tư", "Cục Thuế thành phố", 8, 3),
        ("Đăng ký thành lập doanh nghiệp – Đăng ký tham gia bảo hiểm xã hội lần đầu cho người lao động",
         "Sở Kế hoạch và Đầu tư", "Bảo hiểm xã hội thành phố", 10, 5),
        ("Đăng ký thành lập hộ kinh doanh – Đăng ký thuế",
         "Phòng Tài chính - Kế hoạch cấp huyện", "Chi cục Thuế", 6, 3),
        ("Đăng ký thành lập hợp tác xã – Đăng ký thuế – Thông báo mẫu con dấu",
         "Phòng Tài chính - Kế hoạch cấp huyện", "Chi cục Thuế", 8, 5),
        ("Giải thể doanh nghiệp – Quyết toán, chấm dứt hiệu lực mã số thuế – Chốt sổ bảo hiểm xã hội",
         "Sở Kế hoạch và Đầu tư", "Cục Thuế thành phố; Bảo hiểm xã hội thành phố", 45, 30),
        ("Quyết định chủ trương đầu tư – Cấp Giấy chứng nhận đăng ký đầu tư (dự án ngoài khu công nghiệp)",
         "Sở Kế hoạch và Đầu tư", "Sở Xây dựng; Sở Tài nguyên và Môi trường; Sở Tài chính", 50, 35),
        ("Cấp Giấy chứng nhận đăng ký đầu tư – Thành lập tổ chức kinh tế có vốn đầu tư nước ngoài",
         "Sở Kế hoạch và Đầu tư", "Cục Thuế thành phố", 18, 12),
        ("Cấp Giấy chứng nhận đăng ký đầu tư – Cấp Giấy phép xây dựng trong khu công nghiệp",
         "Ban Quản lý các khu công nghiệp", "Sở Xây dựng; Cảnh sát phòng cháy và chữa cháy", 45, 30),
    ]),
    ("C. Lĩnh vực đất đai, xây dựng, môi trường", [
        ("Cấp Giấy chứng nhận quyền sử dụng đất lần đầu – Xác định nghĩa vụ tài chính",
         "Chi nhánh Văn phòng đăng ký đất đai", "Chi cục Thuế; UBND cấp xã", 30, 20),
        ("Đăng ký biến động do chuyển nhượng quyền sử dụng đất – Kê khai thuế thu nhập cá nhân, lệ phí trước bạ",
         "Chi nhánh Văn phòng đăng ký đất đai", "Chi cục Thuế", 10, 7),
        ("Chuyển mục đích sử dụng đất – Cấp Giấy chứng nhận – Thu tiền sử dụng đất",
         "Phòng Tài nguyên và Môi trường cấp huyện", "Chi cục Thuế; Chi nhánh Văn phòng đăng ký đất đai", 25, 15),
        ("Tách thửa, hợp thửa đất – Cấp đổi Giấy chứng nhận",
         "Chi nhánh Văn phòng đăng ký đất đai", "UBND cấp xã; Phòng Tài nguyên và Môi trường", 20, 12),
        ("Cấp Giấy chứng nhận cho người mua nhà ở thương mại – Nộp lệ phí trước bạ",
         "Văn phòng đăng ký đất đai thành phố", "Cục Thuế thành phố; Sở Xây dựng", 30, 15),
        ("Giao đất, cho thuê đất – Xác định giá đất cụ thể – Thu tiền sử dụng đất, tiền thuê đất",
         "Sở Tài nguyên và Môi trường", "Sở Tài chính; Cục Thuế thành phố", 60, 45),
        ("Thẩm định thiết kế cơ sở – Thẩm duyệt thiết kế về phòng cháy và chữa cháy",
         "Sở Xây dựng", "Cảnh sát phòng cháy và chữa cháy", 40, 25),
        ("Cấp Giấy phép xây dựng công trình – Thỏa thuận đấu nối hạ tầng giao thông",
         "Sở Xây dựng", "Sở Giao thông vận tải; Cảnh sát phòng cháy và chữa cháy", 45, 30),
        ("Cấp Giấy phép xây dựng nhà ở riêng lẻ – Cấp số nhà",
         "Phòng Quản lý đô thị cấp huyện", "UBND cấp xã", 20, 15),
        ("Phê duyệt báo cáo đánh giá tác động môi trường – Cấp Giấy phép xây dựng",
         "Sở Tài nguyên và Môi trường", "Sở Xây dựng", 60, 40),
        ("Phê duyệt phương án bồi thường, hỗ trợ, tái định cư – Giao đất tái định cư",
         "UBND cấp huyện", "Trung tâm Phát triển quỹ đất; Phòng Tài nguyên và Môi trường", 40, 30),
    ]),
    ("D. Lĩnh vực lao động, thương binh và xã hội, y tế", [
        ("Cấp Giấy phép lao động cho người nước ngoài – Cấp thẻ tạm trú",
         "Sở Lao động - Thương binh và Xã hội", "Phòng Quản lý xuất nhập cảnh, Công an thành phố", 12, 8),
        ("Giải quyết hưởng trợ cấp thất nghiệp – Hỗ trợ học nghề – Cấp thẻ bảo hiểm y tế",
         "Trung tâm Dịch vụ việc làm", "Bảo hiểm xã hội thành phố", 25, 15),
        ("Xác nhận người có công với cách mạng – Giải quyết trợ cấp ưu đãi – Cấp thẻ bảo hiểm y tế",
         "Sở Lao động - Thương binh và Xã hội", "UBND cấp huyện; Bảo hiểm xã hội thành phố", 50, 35),
        ("Trợ cấp xã hội hằng tháng cho đối tượng bảo trợ xã hội – Cấp thẻ bảo hiểm y tế",
         "Phòng Lao động - Thương binh và Xã hội", "UBND cấp xã; Bảo hiểm xã hội cấp huyện", 27, 17),
        ("Cấp Giấy phép hoạt động khám bệnh, chữa bệnh – Thẩm định điều kiện phòng cháy và chữa cháy",
         "Sở Y tế", "Cảnh sát phòng cháy và chữa cháy", 60, 45),
        ("Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm – Đăng ký hộ kinh doanh dịch vụ ăn uống",
         "Phòng Tài chính - Kế hoạch cấp huyện", "Phòng Y tế cấp huyện", 18, 12),
    ]),
    ("E. Lĩnh vực giao thông, công thương, văn hóa, giáo dục", [
        ("Đăng ký, cấp biển số xe mô tô, xe gắn máy – Kê khai, nộp lệ phí trước bạ",
         "Công an cấp huyện", "Chi cục Thuế", 4, 2),
        ("Đăng ký phương tiện thủy nội địa – Kê khai, nộp lệ phí trước bạ",
         "Sở Giao thông vận tải", "Cục Thuế thành phố", 6, 3),
        ("Cấp phép thi công trên đường bộ đang khai thác – Cấp phép tạm sử dụng lòng đường, hè phố",
         "Sở Giao thông vận tải", "UBND cấp huyện; Phòng Cảnh sát giao thông", 15, 10),
        ("Cấp Giấy phép bán lẻ rượu – Đăng ký hộ kinh doanh",
         "Phòng Kinh tế cấp huyện", "Phòng Tài chính - Kế hoạch cấp huyện", 20, 12),
        ("Cấp Giấy phép sử dụng vật liệu nổ công nghiệp – Thẩm định phương án bảo đảm an ninh, trật tự",
         "Sở Công Thương", "Công an thành phố", 20, 14),
        ("Cấp Giấy phép kinh doanh karaoke – Xác nhận đủ điều kiện về an ninh, trật tự và phòng cháy, chữa cháy",
         "Sở Văn hóa và Thể thao", "Công an thành phố; Cảnh sát phòng cháy và chữa cháy", 25, 15),
        ("Cấp Giấy phép tổ chức biểu diễn nghệ thuật – Thỏa thuận phương án bảo đảm an ninh, trật tự",
         "Sở Văn hóa và Thể thao", "Công an thành phố; UBND cấp huyện", 12, 7),
        ("Cấp Giấy phép xây dựng công trình quảng cáo – Tiếp nhận thông báo sản phẩm quảng cáo",
         "Sở Xây dựng", "Sở Văn hóa và Thể thao", 20, 12),
        ("Cho phép thành lập trường mầm non, tiểu học ngoài công lập – Cho phép hoạt động giáo dục",
         "Phòng Giáo dục và Đào tạo", "UBND cấp huyện; Cảnh sát phòng cháy và chữa cháy", 40, 25),
    ]),
]
LT_ALL = [p for _, g in LIENTHONG for p in g]
assert len(LT_ALL) == 40, len(LT_ALL)
LT_BEFORE = sum(p[3] for p in LT_ALL)
LT_AFTER = sum(p[4] for p in LT_ALL)

RECIPIENTS_BCD = [
    "Bộ Nội vụ (Vụ Cải cách hành chính);",
    "Thường trực Thành ủy;",
    "Thường trực HĐND thành phố;",
    "Chủ tịch, các PCT UBND thành phố;",
    "Thành viên Ban Chỉ đạo CCHC thành phố;",
]


# --------------------------------------------------------------------------- 1. SNV report

def par_chart() -> str:
    """PAR INDEX of the city 2015–2018 as a simple inline SVG bar chart."""
    data = [("2015", 79.86, 21), ("2016", 80.92, 17), ("2017", 80.14, 13), ("2018", 83.27, 9)]
    w, h, left, base = 420, 190, 46, 160
    lo, hi = 70.0, 90.0
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" viewBox="0 0 {w} {h}" '
           f'font-family="{html.escape(FONT)}" font-size="11">']
    for v in (70, 75, 80, 85, 90):
        y = base - (v - lo) / (hi - lo) * 140
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - 10}" y2="{y:.1f}" stroke="#bbb" stroke-width="0.5"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    slot = (w - 10 - left) / len(data)
    for i, (year, v, rank) in enumerate(data):
        x = left + i * slot + slot * 0.25
        bw = slot * 0.5
        y = base - (v - lo) / (hi - lo) * 140
        fill = "#1f4e79" if year == "2018" else "#7f9fbf"
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{base - y:.1f}" fill="{fill}"/>')
        out.append(f'<text x="{x + bw / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-weight="bold">{fp(v)}</text>')
        out.append(f'<text x="{x + bw / 2:.1f}" y="{base + 14}" text-anchor="middle">{year} (hạng {rank}/63)</text>')
    out.append(f'<line x1="{left}" y1="{base}" x2="{w - 10}" y2="{base}" stroke="#000" stroke-width="0.8"/>')
    out.append(f'<text x="12" y="{base - 70}" transform="rotate(-90 12 {base - 70})" text-anchor="middle">điểm (%)</text>')
    out.append("</svg>")
    return '<div class="chart">' + "".join(out) + "</div>"


def doc_snv_report() -> Path:
    plan = [
        ("Cải cách thể chế", 6, 3, 3, 0),
        ("Cải cách thủ tục hành chính", 10, 4, 6, 0),
        ("Cải cách tổ chức bộ máy hành chính nhà nước", 6, 2, 4, 0),
        ("Xây dựng, nâng cao chất lượng đội ngũ CBCCVC", 8, 3, 4, 1),
        ("Cải cách tài chính công", 4, 1, 3, 0),
        ("Hiện đại hóa hành chính", 8, 2, 5, 1),
        ("Chỉ đạo, điều hành và thông tin, tuyên truyền", 4, 4, 0, 0),
    ]
    for _, n, a, b, c in plan:
        assert n == a + b + c
    n_tasks, n_done, n_doing, n_todo = (sum(r[i] for r in plan) for i in (1, 2, 3, 4))
    plan_rows = [[str(i + 1), name, str(n), str(a), str(b), str(c), pct(a, n, 1)]
                 for i, (name, n, a, b, c) in enumerate(plan)]
    t_plan = table(["STT", "Lĩnh vực", "Số nhiệm vụ", "Đã hoàn thành", "Đang triển khai", "Chưa triển khai",
                    "Tỷ lệ hoàn thành (%)"], plan_rows, widths=[6, 40, 10, 11, 11, 11, 11], aligns="clccccc",
                   total=["", "Tổng cộng", str(n_tasks), str(n_done), str(n_doing), str(n_todo),
                          pct(n_done, n_tasks, 1)])

    files_rows = []
    for i, (lvl, rec, res, ontime, late, doing) in enumerate(FILES_BY_LEVEL):
        files_rows.append([str(i + 1), lvl, fn(rec), fn(res), fn(ontime), fn(late), pct(ontime, res), fn(doing)])
    tot = [sum(r[j] for r in FILES_BY_LEVEL) for j in range(1, 6)]
    head = ("<tr><th rowspan='2'>STT</th><th rowspan='2'>Cấp giải quyết</th><th rowspan='2'>Tổng số hồ sơ tiếp nhận</th>"
            "<th colspan='4'>Đã giải quyết</th><th rowspan='2'>Đang giải quyết</th></tr>"
            "<tr><th>Tổng số</th><th>Đúng hạn</th><th>Trễ hạn</th><th>Tỷ lệ đúng hạn (%)</th></tr>")
    t_files = table([""] * 8, files_rows, widths=[6, 20, 14, 13, 13, 10, 11, 13], aligns="clnnnncn",
                    head_html=head,
                    total=["", "Tổng cộng", fn(tot[0]), fn(tot[1]), fn(tot[2]), fn(tot[3]),
                           pct(tot[2], tot[1]), fn(tot[4])])

    org = [
        ("Phòng và tương đương thuộc sở, ban, ngành", 187, 183),
        ("Chi cục và tương đương thuộc sở", 24, 22),
        ("Đơn vị sự nghiệp công lập", 694, 683),
        ("Cấp trưởng, cấp phó các phòng thuộc sở", 498, 484),
        ("Thôn, tổ dân phố", 1246, 1018),
    ]
    t_org = table(["STT", "Chỉ tiêu", "Tại thời điểm 01/01/2019", "Đến ngày 25/6/2019", "Tăng (+), giảm (-)"],
                  [[str(i + 1), a, fn(b), fn(c), f"{c - b:+d}".replace("-", "- ")] for i, (a, b, c) in enumerate(org)],
                  widths=[7, 45, 16, 16, 16], aligns="clnnn")

    autonomy = [
        ("Tự bảo đảm chi thường xuyên và chi đầu tư", 6),
        ("Tự bảo đảm chi thường xuyên", 38),
        ("Tự bảo đảm một phần chi thường xuyên", 214),
        ("Do ngân sách nhà nước bảo đảm chi thường xuyên", 425),
    ]
    n_auto = sum(n for _, n in autonomy)
    assert n_auto == org[2][2]
    t_auto = table(["STT", "Mức độ tự chủ tài chính", "Số đơn vị", "Tỷ lệ (%)"],
                   [[str(i + 1), a, str(n), pct(n, n_auto)] for i, (a, n) in enumerate(autonomy)],
                   widths=[8, 60, 16, 16], aligns="clnn", total=["", "Tổng cộng", str(n_auto), "100,00"])

    par = [
        ("Công tác chỉ đạo, điều hành cải cách hành chính", 14.5, 13.12),
        ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật", 10.0, 8.65),
        ("Cải cách thủ tục hành chính", 13.5, 11.84),
        ("Cải cách tổ chức bộ máy hành chính nhà nước", 10.5, 9.21),
        ("Xây dựng và nâng cao chất lượng đội ngũ CBCCVC", 14.0, 11.17),
        ("Đổi mới cơ chế quản lý tài chính công", 9.5, 7.94),
        ("Hiện đại hóa hành chính", 12.0, 9.38),
        ("Tác động của CCHC đến người dân, tổ chức và phát triển kinh tế - xã hội", 16.0, 11.96),
    ]
    par_max = sum(m for _, m, _ in par)
    par_got = sum(g for _, _, g in par)
    assert abs(par_max - 100) < 1e-9 and abs(par_got - 83.27) < 1e-9
    t_par = table(["STT", "Lĩnh vực đánh giá", "Điểm tối đa", "Điểm đạt được", "Tỷ lệ (%)"],
                  [[str(i + 1), a, fp(m, 1), fp(g), pct(g, m)] for i, (a, m, g) in enumerate(par)],
                  widths=[7, 57, 12, 12, 12], aligns="clnnn",
                  total=["", "Chỉ số CCHC năm 2018 (PAR INDEX)", fp(par_max, 1), fp(par_got), pct(par_got, par_max)])

    sipas = [
        ("Tiếp cận dịch vụ hành chính công", 86.14, 85.32),
        ("Thủ tục hành chính", 84.31, 82.67),
        ("Sự phục vụ của công chức", 87.52, 85.09),
        ("Kết quả giải quyết thủ tục hành chính", 83.93, 82.41),
        ("Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị", 72.38, 70.86),
    ]
    t_sipas = table(["STT", "Yếu tố đánh giá", "Năm 2017 (%)", "Năm 2018 (%)", "Tăng (+), giảm (-)"],
                    [[str(i + 1), a, fp(b), fp(c), f"{c - b:+.2f}".replace(".", ",").replace("-", "- ")]
                     for i, (a, c, b) in enumerate(sipas)],
                    widths=[7, 49, 14, 14, 16], aligns="clnnn",
                    total=["", "Chỉ số hài lòng chung (SIPAS)", "81,07", "84,62", "+3,55"])

    _rec_tp, res_tp = FILES_BY_LEVEL[0][1], FILES_BY_LEVEL[0][2]
    _all_rec, all_res, all_ontime = tot[0], tot[1], tot[2]

    body = national_header([UBND_TP, "SỞ NỘI VỤ"], "125/BC-SNV", f"{CITY}, ngày 28 tháng 6 năm 2019")
    body += title("BÁO CÁO", "Kết quả công tác cải cách hành chính 6 tháng đầu năm 2019",
                  "và nhiệm vụ trọng tâm 6 tháng cuối năm 2019")
    body += paras("""
Thực hiện Kế hoạch số 28/KH-UBND ngày 15 tháng 01 năm 2019 của Ủy ban nhân dân thành phố về cải cách hành chính năm 2019 và Chương trình công tác năm 2019 của Ban Chỉ đạo cải cách hành chính thành phố, Sở Nội vụ (cơ quan thường trực Ban Chỉ đạo) báo cáo kết quả công tác cải cách hành chính (CCHC) 6 tháng đầu năm 2019 và nhiệm vụ trọng tâm 6 tháng cuối năm 2019 như sau:
""")
    body += "<h2>I. KẾT QUẢ THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH 6 THÁNG ĐẦU NĂM 2019</h2>"
    body += "<h3>1. Công tác chỉ đạo, điều hành</h3>"
    body += "<h4>a) Ban hành văn bản chỉ đạo, điều hành</h4>"
    body += paras(f"""
Ngay từ đầu năm, Ủy ban nhân dân thành phố đã ban hành Kế hoạch CCHC năm 2019 với {n_tasks} nhiệm vụ cụ thể thuộc 7 lĩnh vực, giao rõ cơ quan chủ trì, thời hạn hoàn thành và sản phẩm đầu ra; ban hành Kế hoạch tuyên truyền CCHC, Kế hoạch kiểm tra CCHC và Kế hoạch rà soát, đánh giá thủ tục hành chính (TTHC) năm 2019. Chủ tịch Ủy ban nhân dân thành phố ban hành Chỉ thị số 05/CT-UBND ngày 12 tháng 3 năm 2019 về tăng cường kỷ luật, kỷ cương hành chính trong giải quyết TTHC cho người dân, doanh nghiệp.
Đến nay, 19/19 sở, ban, ngành và 9/9 Ủy ban nhân dân quận, huyện đã ban hành kế hoạch CCHC năm 2019 của cơ quan, đơn vị; {N_COMMUNES}/{N_COMMUNES} Ủy ban nhân dân xã, phường, thị trấn đã xây dựng kế hoạch triển khai. Kết quả CCHC được xác định là tiêu chí đánh giá, xếp loại mức độ hoàn thành nhiệm vụ của người đứng đầu cơ quan, đơn vị.
""")
    body += "<h4>b) Tình hình thực hiện Kế hoạch CCHC năm 2019</h4>"
    body += paras(f"""
Tính đến ngày 25 tháng 6 năm 2019, các cơ quan, đơn vị đã hoàn thành {n_done}/{n_tasks} nhiệm vụ (đạt {pct(n_done, n_tasks, 1)}%), đang triển khai {n_doing} nhiệm vụ, còn {n_todo} nhiệm vụ chưa triển khai do phụ thuộc văn bản hướng dẫn của Trung ương. Kết quả cụ thể theo từng lĩnh vực tại Bảng 1.
""")
    body += caption("Bảng 1. Tình hình thực hiện Kế hoạch CCHC năm 2019 theo lĩnh vực", "Đơn vị tính: nhiệm vụ")
    body += t_plan
    body += "<h4>c) Công tác kiểm tra CCHC</h4>"
    body += paras("""
Đoàn kiểm tra của Ban Chỉ đạo đã kiểm tra tại 12 cơ quan, đơn vị (05 sở, ngành; 03 Ủy ban nhân dân quận, huyện; 04 Ủy ban nhân dân xã, phường). Qua kiểm tra đã phát hiện, yêu cầu chấn chỉnh 37 tồn tại, chủ yếu về niêm yết công khai TTHC không đầy đủ, sổ theo dõi hồ sơ chưa cập nhật kịp thời và việc chậm gửi thư xin lỗi đối với hồ sơ trễ hạn. Ngoài ra, Sở Nội vụ phối hợp Văn phòng Ủy ban nhân dân thành phố kiểm tra đột xuất 06 lượt tại Trung tâm Phục vụ hành chính công thành phố và Bộ phận một cửa cấp huyện.
""")
    body += "<h4>d) Công tác thông tin, tuyên truyền</h4>"
    body += paras(f"""
Báo {CITY} và Đài Phát thanh - Truyền hình thành phố duy trì chuyên mục “Cải cách hành chính - Vì nhân dân phục vụ” với 24 chuyên mục, 186 tin, bài. Cuộc thi trực tuyến “Tìm hiểu về cải cách hành chính thành phố {CITY} năm 2019” thu hút 14.268 lượt người dự thi. Cổng thông tin điện tử thành phố đăng tải 312 tin, bài và công khai 100% TTHC đang có hiệu lực.
""")
    body += "<h3>2. Cải cách thể chế</h3>"
    body += paras("""
Hội đồng nhân dân thành phố ban hành 05 nghị quyết, Ủy ban nhân dân thành phố ban hành 09 quyết định quy phạm pháp luật, bảo đảm đúng trình tự, thủ tục theo Luật Ban hành văn bản quy phạm pháp luật năm 2015. Sở Tư pháp thẩm định 23 dự thảo văn bản, 100% dự thảo được lấy ý kiến rộng rãi trên Cổng thông tin điện tử thành phố.
Công tác kiểm tra, rà soát văn bản được thực hiện thường xuyên: đã tự kiểm tra 312 văn bản, phát hiện 11 văn bản có sai sót về thể thức, kỹ thuật trình bày và 03 văn bản có nội dung chưa phù hợp, đã kiến nghị xử lý theo quy định. Qua rà soát, kiến nghị bãi bỏ 17 văn bản, sửa đổi, bổ sung 09 văn bản không còn phù hợp.
""")
    body += "<h3>3. Cải cách thủ tục hành chính</h3>"
    body += "<h4>a) Kiểm soát, công bố, công khai thủ tục hành chính</h4>"
    body += paras(f"""
Chủ tịch Ủy ban nhân dân thành phố đã ban hành 11 quyết định công bố 286 TTHC (ban hành mới 97, sửa đổi, bổ sung 124, bãi bỏ 65). Đến ngày 25 tháng 6 năm 2019, tổng số TTHC thuộc thẩm quyền giải quyết của các cấp chính quyền thành phố là {fn(ALL_TTHC)} thủ tục (cấp thành phố {fn(TP_TTHC)}, cấp huyện {DVC_DISTRICT[1]}, cấp xã {DVC_COMMUNE[1]}); 100% TTHC được cập nhật trên Cơ sở dữ liệu quốc gia về TTHC và niêm yết công khai tại nơi tiếp nhận hồ sơ.
Thực hiện rà soát, đơn giản hóa TTHC năm 2019, các sở, ngành đã kiến nghị đơn giản hóa 46 TTHC; ước tính chi phí tuân thủ cắt giảm được khoảng 18,6 tỷ đồng/năm.
""")
    body += "<h4>b) Thực hiện cơ chế một cửa, một cửa liên thông</h4>"
    body += paras(f"""
Triển khai Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ, Trung tâm Phục vụ hành chính công thành phố chính thức hoạt động từ ngày 02 tháng 01 năm 2019, tiếp nhận {fn(TP_TTHC)} TTHC của 19 sở, ban, ngành; 9/9 quận, huyện và {N_COMMUNES}/{N_COMMUNES} xã, phường, thị trấn đã kiện toàn Bộ phận tiếp nhận và trả kết quả theo quy định. Kết quả tiếp nhận, giải quyết hồ sơ TTHC 6 tháng đầu năm tại Bảng 2.
""")
    body += caption("Bảng 2. Kết quả giải quyết hồ sơ thủ tục hành chính 6 tháng đầu năm 2019",
                    "Đơn vị tính: hồ sơ; số liệu từ ngày 16/12/2018 đến ngày 15/6/2019")
    body += t_files
    body += paras(f"""
Tỷ lệ hồ sơ giải quyết đúng hạn chung của thành phố đạt {pct(all_ontime, all_res)}%, trong đó cấp thành phố đạt {pct(FILES_BY_LEVEL[0][3], res_tp)}%. Đối với {fn(FILES_LATE)} hồ sơ trễ hạn, các cơ quan đã gửi {fn(APOLOGIES)} thư xin lỗi người dân, tổ chức (đạt {pct(APOLOGIES, FILES_LATE, 1)}%, số còn lại chưa thực hiện); số hồ sơ trễ hạn tập trung ở lĩnh vực đất đai, xây dựng và đăng ký biện pháp bảo đảm.
""")
    body += "<h4>c) Tiếp nhận, xử lý phản ánh, kiến nghị</h4>"
    body += paras("""
Trong kỳ, thành phố tiếp nhận 47 phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính và hành vi hành chính; đã xử lý 45 phản ánh, kiến nghị (đạt 95,7%), 02 phản ánh đang trong thời hạn xử lý. Kết quả xử lý được công khai trên Cổng thông tin điện tử thành phố.
""")
    body += "<h4>d) Xây dựng các bộ thủ tục hành chính liên thông</h4>"
    body += paras("""
Văn phòng Ủy ban nhân dân thành phố chủ trì, phối hợp với Sở Tư pháp và các cơ quan liên quan xây dựng dự thảo Quyết định công bố 40 bộ TTHC liên thông giữa các cơ quan hành chính nhà nước cùng cấp và giữa các cấp chính quyền; dự thảo đã được lấy ý kiến các sở, ngành, Ủy ban nhân dân các quận, huyện và trình Ban Chỉ đạo tại phiên họp này.
""")
    body += "<h3>4. Cải cách tổ chức bộ máy hành chính nhà nước</h3>"
    body += paras("""
Thực hiện Nghị quyết số 18-NQ/TW và Nghị quyết số 19-NQ/TW ngày 25 tháng 10 năm 2017 của Ban Chấp hành Trung ương Đảng khóa XII, thành phố tiếp tục sắp xếp, kiện toàn tổ chức bộ máy theo hướng tinh gọn, hoạt động hiệu lực, hiệu quả. Kết quả sắp xếp trong 6 tháng đầu năm tại Bảng 3.
""")
    body += caption("Bảng 3. Kết quả sắp xếp tổ chức bộ máy 6 tháng đầu năm 2019")
    body += t_org
    body += paras("""
Việc sắp xếp, sáp nhập thôn, tổ dân phố được thực hiện đúng quy trình, có sự đồng thuận cao của Nhân dân (tỷ lệ cử tri đồng ý bình quân đạt 91,4%); số người hoạt động không chuyên trách ở thôn, tổ dân phố giảm 684 người, tiết kiệm ngân sách khoảng 5,2 tỷ đồng/năm.
""")
    body += "<h3>5. Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức</h3>"
    body += paras("""
Tổng biên chế công chức được giao năm 2019 là 2.846 biên chế, thực hiện 2.761 người; số người làm việc trong đơn vị sự nghiệp công lập giảm 1,8% so với năm 2015, đúng lộ trình tinh giản biên chế. Trong 6 tháng, thành phố giải quyết tinh giản biên chế 87 trường hợp theo Nghị định số 108/2014/NĐ-CP; tổ chức thi tuyển công chức với 36 chỉ tiêu; mở 42 lớp đào tạo, bồi dưỡng cho 2.145 lượt cán bộ, công chức, viên chức.
Công tác kiểm tra công vụ được tăng cường: qua 18 cuộc kiểm tra đột xuất, đã xử lý kỷ luật 09 cán bộ, công chức, viên chức, trong đó 02 trường hợp liên quan đến giải quyết TTHC chậm trễ, gây phiền hà cho người dân.
""")
    body += "<h3>6. Cải cách tài chính công</h3>"
    body += paras(f"""
100% cơ quan hành chính tiếp tục thực hiện cơ chế tự chủ, tự chịu trách nhiệm về sử dụng biên chế và kinh phí quản lý hành chính theo Nghị định số 130/2005/NĐ-CP và Nghị định số 117/2013/NĐ-CP của Chính phủ. Việc giao quyền tự chủ tài chính cho {n_auto} đơn vị sự nghiệp công lập theo Nghị định số 16/2015/NĐ-CP được thể hiện tại Bảng 4.
""")
    body += caption("Bảng 4. Giao quyền tự chủ tài chính cho đơn vị sự nghiệp công lập năm 2019")
    body += t_auto
    body += "<h3>7. Hiện đại hóa hành chính</h3>"
    body += paras(f"""
Hệ thống quản lý văn bản và điều hành được triển khai liên thông 4 cấp; tỷ lệ văn bản trao đổi dưới dạng điện tử giữa các cơ quan hành chính đạt 87,4%; đã cấp 1.864 chứng thư số cho cá nhân, tổ chức. Đến ngày 25 tháng 6 năm 2019, thành phố cung cấp {ALL_M3} dịch vụ công trực tuyến mức độ 3 và {ALL_M4} dịch vụ công trực tuyến mức độ 4 (chiếm {pct(ALL_M3 + ALL_M4, ALL_TTHC, 1)}% tổng số TTHC); tỷ lệ hồ sơ nộp trực tuyến đạt {pct(ALL_ONLINE, ALL_FILES, 1)}% (chi tiết tại Báo cáo của Sở Thông tin và Truyền thông).
100% sở, ngành, Ủy ban nhân dân quận, huyện và 152/{N_COMMUNES} Ủy ban nhân dân xã, phường ({pct(152, N_COMMUNES, 1)}%) đã công bố áp dụng Hệ thống quản lý chất lượng theo tiêu chuẩn TCVN ISO 9001:2015. Từ tháng 5 năm 2019, Ủy ban nhân dân thành phố thí điểm phòng họp không giấy cho các phiên họp thường kỳ.
""")
    body += "<h3>8. Kết quả các chỉ số đánh giá CCHC năm 2018</h3>"
    body += "<h4>a) Chỉ số cải cách hành chính (PAR INDEX)</h4>"
    body += paras(f"""
Theo kết quả do Bộ Nội vụ công bố tháng 5 năm 2019, Chỉ số CCHC năm 2018 của thành phố đạt {fp(par_got)}%, xếp thứ 9/63 tỉnh, thành phố trực thuộc Trung ương, tăng 04 bậc so với năm 2017. Có 6/8 lĩnh vực đạt trên 80% số điểm; lĩnh vực “Tác động của CCHC” và “Hiện đại hóa hành chính” còn thấp (Bảng 5, Biểu đồ 1).
""")
    body += caption("Bảng 5. Chỉ số CCHC năm 2018 của thành phố theo lĩnh vực", "Đơn vị tính: điểm")
    body += t_par
    body += caption("Biểu đồ 1. Chỉ số CCHC của thành phố giai đoạn 2015 - 2018")
    body += par_chart()
    body += "<h4>b) Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)</h4>"
    body += paras("""
Chỉ số SIPAS năm 2018 của thành phố đạt 84,62%, tăng 3,55 điểm phần trăm so với năm 2017, cao hơn mức trung bình của cả nước. Cả 05 yếu tố đều tăng; tuy vậy, yếu tố “Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị” vẫn thấp nhất (Bảng 6).
""")
    body += caption("Bảng 6. Chỉ số hài lòng của người dân, tổ chức (SIPAS) năm 2017 - 2018")
    body += t_sipas
    body += "<h4>c) Chỉ số CCHC của các sở, ngành và Ủy ban nhân dân quận, huyện</h4>"
    body += paras("""
Kết quả xác định Chỉ số CCHC năm 2018 của 19 sở, ngành và 9 Ủy ban nhân dân quận, huyện: 04 đơn vị xếp loại tốt (từ 90% trở lên), 18 đơn vị xếp loại khá, 06 đơn vị xếp loại trung bình, không có đơn vị xếp loại yếu. Dẫn đầu khối sở, ngành là Sở Kế hoạch và Đầu tư (92,18%); dẫn đầu khối quận, huyện là Quận Trung Lam (91,45%).
""")
    body += "<h2>II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN</h2>"
    body += "<h3>1. Tồn tại, hạn chế</h3>"
    body += paras(f"""
a) Một số nhiệm vụ trong Kế hoạch CCHC năm 2019 triển khai chậm so với tiến độ, nhất là nhiệm vụ về xây dựng vị trí việc làm trong đơn vị sự nghiệp và kết nối, chia sẻ dữ liệu giữa các hệ thống thông tin.
b) Vẫn còn {fn(FILES_LATE)} hồ sơ TTHC giải quyết trễ hạn, tập trung ở lĩnh vực đất đai, xây dựng; một số cơ quan chưa thực hiện nghiêm việc xin lỗi người dân khi để hồ sơ trễ hạn.
c) Tỷ lệ hồ sơ nộp trực tuyến còn thấp ({pct(ALL_ONLINE, ALL_FILES, 1)}%); nhiều dịch vụ công trực tuyến mức độ 3, 4 chưa phát sinh hồ sơ.
d) Việc tiếp nhận, xử lý phản ánh, kiến nghị của người dân chưa được quan tâm đúng mức, thể hiện ở yếu tố có điểm thấp nhất của Chỉ số SIPAS.
đ) Một bộ phận cán bộ, công chức còn né tránh, đùn đẩy trách nhiệm; kỷ luật, kỷ cương hành chính ở một số nơi chưa nghiêm.
""", "ni")
    body += "<h3>2. Nguyên nhân</h3>"
    body += paras("""
a) Nguyên nhân khách quan: hệ thống văn bản pháp luật trong một số lĩnh vực thay đổi nhiều, chưa đồng bộ; hạ tầng và cơ sở dữ liệu dùng chung của Trung ương chưa hoàn thiện, chưa kết nối với hệ thống của thành phố; thói quen giao dịch trực tiếp của người dân.
b) Nguyên nhân chủ quan: người đứng đầu một số cơ quan, đơn vị chưa thực sự quan tâm chỉ đạo công tác CCHC; công tác phối hợp giữa các cơ quan trong giải quyết hồ sơ liên thông chưa chặt chẽ; công tác kiểm tra, giám sát chưa thường xuyên.
""", "ni")
    body += "<h2>III. NHIỆM VỤ TRỌNG TÂM 6 THÁNG CUỐI NĂM 2019</h2>"
    body += paras(f"""
1. Tập trung hoàn thành {n_doing + n_todo} nhiệm vụ còn lại của Kế hoạch CCHC năm 2019; người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước Chủ tịch Ủy ban nhân dân thành phố về kết quả thực hiện.
2. Công bố, vận hành 40 bộ TTHC liên thông trong tháng 7 năm 2019; tiếp tục rà soát, đơn giản hóa TTHC, nhất là trong lĩnh vực đất đai, xây dựng, đầu tư.
3. Nâng cao tỷ lệ hồ sơ giải quyết đúng hạn lên trên 99%; thực hiện nghiêm việc công khai xin lỗi người dân, tổ chức khi để hồ sơ trễ hạn.
4. Rà soát, nâng cấp dịch vụ công trực tuyến mức độ 3, mức độ 4, bảo đảm thống nhất về kỹ thuật và kết nối với Hệ thống thông tin một cửa điện tử thành phố; đẩy mạnh tuyên truyền, hướng dẫn người dân nộp hồ sơ trực tuyến.
5. Phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam thành phố tổ chức khảo sát mức độ hài lòng của người dân, tổ chức năm 2019 bảo đảm khách quan, đúng phương pháp.
6. Hoàn thành sắp xếp các đơn vị sự nghiệp công lập theo đề án đã được phê duyệt; thực hiện tinh giản biên chế đúng lộ trình.
7. Tăng cường kiểm tra công vụ, kiểm tra CCHC đột xuất; xử lý nghiêm cán bộ, công chức có hành vi nhũng nhiễu, gây phiền hà.
8. Chuẩn bị tốt các nội dung phục vụ xác định Chỉ số CCHC, Chỉ số SIPAS năm 2019 của thành phố.
""")
    body += "<h2>IV. ĐỀ XUẤT, KIẾN NGHỊ</h2>"
    body += paras("""
1. Đề nghị Ban Chỉ đạo chỉ đạo các sở, ngành, Ủy ban nhân dân các quận, huyện tập trung khắc phục các tồn tại, hạn chế nêu trên; đưa kết quả thực hiện nhiệm vụ CCHC vào tiêu chí đánh giá, xếp loại người đứng đầu năm 2019.
2. Đề nghị Ủy ban nhân dân thành phố sớm ban hành Quyết định công bố 40 bộ TTHC liên thông và bố trí kinh phí nâng cấp dịch vụ công trực tuyến mức độ 4 trong năm 2019.
3. Đề nghị Bộ Nội vụ, Văn phòng Chính phủ sớm hướng dẫn kết nối, chia sẻ dữ liệu giữa hệ thống của địa phương với cơ sở dữ liệu quốc gia.
Trên đây là báo cáo kết quả công tác cải cách hành chính 6 tháng đầu năm và nhiệm vụ trọng tâm 6 tháng cuối năm 2019, Sở Nội vụ kính trình Ban Chỉ đạo cải cách hành chính thành phố xem xét, chỉ đạo./.
""")
    body += signature(RECIPIENTS_BCD + [
        "Văn phòng UBND thành phố;",
        "Các sở, ban, ngành thành phố;",
        "UBND các quận, huyện;",
        "Giám đốc, các PGĐ Sở;",
        "Lưu: VT, CCHC.",
    ], ["GIÁM ĐỐC"], GD_SNV)
    return render("01-bao-cao-cchc-snv.pdf",
                  doc_title="Báo cáo số 125/BC-SNV về kết quả cải cách hành chính 6 tháng đầu năm 2019",
                  author="Sở Nội vụ thành phố " + CITY,
                  subject="Kết quả công tác cải cách hành chính 6 tháng đầu năm 2019 và nhiệm vụ 6 tháng cuối năm",
                  keywords="cải cách hành chính, PAR INDEX, SIPAS, thủ tục hành chính",
                  created="2019-06-28T09:00:00+07:00", body=body)


# --------------------------------------------------------------------------- 2. STTTT report

def doc_stttt_report() -> Path:
    levels = [
        ("Cấp thành phố", DVC_AGENCIES),
        ("Cấp huyện", [DVC_DISTRICT]),
        ("Cấp xã", [DVC_COMMUNE]),
    ]
    lvl_rows = []
    for i, (name, rows) in enumerate(levels):
        t, m3, m4 = _sum(rows, 1), _sum(rows, 2), _sum(rows, 3)
        lvl_rows.append([str(i + 1), name, fn(t), fn(t - m3 - m4), fn(m3), fn(m4), pct(m3 + m4, t, 1)])
    t_levels = table(["STT", "Cấp chính quyền", "Tổng số TTHC", "Mức độ 2", "Mức độ 3", "Mức độ 4",
                      "Tỷ lệ mức độ 3, 4 (%)"], lvl_rows, widths=[7, 27, 14, 13, 13, 13, 13], aligns="clnnnnn",
                     total=["", "Tổng cộng", fn(ALL_TTHC), fn(ALL_TTHC - ALL_M3 - ALL_M4), fn(ALL_M3), fn(ALL_M4),
                            pct(ALL_M3 + ALL_M4, ALL_TTHC, 1)])
    file_rows = []
    for i, (name, rows) in enumerate(levels):
        on, tot = _sum(rows, 5), _sum(rows, 6)
        file_rows.append([str(i + 1), name, fn(tot), fn(on), pct(on, tot)])
    t_online = table(["STT", "Cấp chính quyền", "Tổng số hồ sơ tiếp nhận", "Hồ sơ nộp trực tuyến",
                      "Tỷ lệ (%)"], file_rows, widths=[7, 33, 22, 22, 16], aligns="clnnn",
                     total=["", "Tổng cộng", fn(ALL_FILES), fn(ALL_ONLINE), pct(ALL_ONLINE, ALL_FILES)])
    top = [
        ("Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp", "Sở Giao thông vận tải", 7412),
        ("Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", "Sở Tư pháp", 4836),
        ("Đăng ký thành lập doanh nghiệp, đăng ký thay đổi nội dung đăng ký doanh nghiệp", "Sở Kế hoạch và Đầu tư", 5968),
        ("Cấp bản sao trích lục hộ tịch", "UBND cấp xã", 3214),
        ("Cấp Giấy xác nhận khai báo hóa chất", "Sở Công Thương", 1907),
    ]
    t_top = table(["STT", "Tên dịch vụ công trực tuyến", "Cơ quan giải quyết", "Số hồ sơ trực tuyến"],
                  [[str(i + 1), a, b, fn(c)] for i, (a, b, c) in enumerate(sorted(top, key=lambda r: -r[2]))],
                  widths=[7, 55, 24, 14], aligns="clln")
    n34 = ALL_M3 + ALL_M4
    no_files = n34 - ALL_PS

    # landscape annex
    wide_rows = []
    for i, (name, t, m3, m4, ps, on, tot) in enumerate(ALL_ROWS):
        note = ""
        if name in ("Sở Xây dựng", "Sở Tài nguyên và Môi trường", "Sở Giao thông vận tải"):
            note = "Phần mềm riêng"
        elif name == "Thanh tra thành phố":
            note = "Chưa có DVC"
        elif on and 100.0 * on / tot >= 50:
            note = "Đạt chỉ tiêu"
        wide_rows.append([str(i + 1), name, fn(t), fn(t - m3 - m4), fn(m3), fn(m4), pct(m3 + m4, t, 1),
                          fn(ps), pct(ps, m3 + m4, 1) if m3 + m4 else "-", fn(tot), fn(on), pct(on, tot, 1), note])
    head = ("<tr><th rowspan='2'>STT</th><th rowspan='2'>Cơ quan, đơn vị</th><th rowspan='2'>Tổng số TTHC</th>"
            "<th colspan='4'>Dịch vụ công trực tuyến</th><th colspan='2'>DVC mức độ 3, 4 có phát sinh hồ sơ</th>"
            "<th colspan='3'>Hồ sơ tiếp nhận 6 tháng đầu năm 2019</th><th rowspan='2'>Ghi chú</th></tr>"
            "<tr><th>Mức độ 2</th><th>Mức độ 3</th><th>Mức độ 4</th><th>Tỷ lệ mức độ 3, 4 (%)</th>"
            "<th>Số DVC</th><th>Tỷ lệ (%)</th><th>Tổng số</th><th>Trực tuyến</th><th>Tỷ lệ trực tuyến (%)</th></tr>")
    t_wide = table([""] * 13, wide_rows, widths=[4, 22, 6, 5.5, 5.5, 5.5, 7, 5.5, 5.5, 7.5, 7, 7, 12], aligns="clnnnnnnnnnnl",
                   head_html=head,
                   total=["", "Tổng cộng", fn(ALL_TTHC), fn(ALL_TTHC - n34), fn(ALL_M3), fn(ALL_M4),
                          pct(n34, ALL_TTHC, 1), fn(ALL_PS), pct(ALL_PS, n34, 1), fn(ALL_FILES), fn(ALL_ONLINE),
                          pct(ALL_ONLINE, ALL_FILES, 1), ""])

    body = national_header([UBND_TP, "SỞ THÔNG TIN", "VÀ TRUYỀN THÔNG"], "98/BC-STTTT",
                           f"{CITY}, ngày 01 tháng 7 năm 2019")
    body += title("BÁO CÁO", "Tình hình cung cấp dịch vụ công trực tuyến mức độ 3, mức độ 4",
                  "6 tháng đầu năm 2019 và giải pháp 6 tháng cuối năm 2019")
    body += '<div class="kg">Kính gửi: Ban Chỉ đạo cải cách hành chính thành phố.</div>'
    body += paras("""
Thực hiện Nghị định số 43/2011/NĐ-CP ngày 13 tháng 6 năm 2011 của Chính phủ quy định về việc cung cấp thông tin và dịch vụ công trực tuyến trên trang thông tin điện tử hoặc cổng thông tin điện tử của cơ quan nhà nước; Nghị quyết số 17/NQ-CP ngày 07 tháng 3 năm 2019 của Chính phủ về một số nhiệm vụ, giải pháp trọng tâm phát triển Chính phủ điện tử giai đoạn 2019 - 2020, định hướng đến 2025 và chỉ đạo của Ủy ban nhân dân thành phố, Sở Thông tin và Truyền thông báo cáo tình hình cung cấp dịch vụ công (DVC) trực tuyến mức độ 3, mức độ 4 trên địa bàn thành phố như sau:
""")
    body += "<h2>I. KẾT QUẢ TRIỂN KHAI</h2>"
    body += "<h3>1. Hạ tầng, nền tảng dùng chung</h3>"
    body += paras(f"""
Cổng dịch vụ công trực tuyến thành phố (dichvucong.songlam.gov.vn) và Hệ thống thông tin một cửa điện tử thành phố được triển khai thống nhất cho 19 sở, ban, ngành, 9 Ủy ban nhân dân quận, huyện và {N_COMMUNES} Ủy ban nhân dân xã, phường, thị trấn. Nền tảng tích hợp, chia sẻ dữ liệu của thành phố (LGSP) đã kết nối với 07 hệ thống thông tin chuyên ngành; hệ thống xác thực một lần (SSO) cho phép người dân dùng một tài khoản để nộp hồ sơ trên tất cả các dịch vụ.
""")
    body += "<h3>2. Số lượng dịch vụ công trực tuyến</h3>"
    body += paras(f"""
Trong 6 tháng đầu năm, Ủy ban nhân dân thành phố phê duyệt nâng cấp thêm 96 DVC lên mức độ 3 và 41 DVC lên mức độ 4. Đến ngày 25 tháng 6 năm 2019, toàn thành phố cung cấp {ALL_M3} DVC mức độ 3 và {ALL_M4} DVC mức độ 4 trên tổng số {fn(ALL_TTHC)} TTHC (đạt {pct(n34, ALL_TTHC, 1)}%); 100% TTHC còn lại được cung cấp ở mức độ 2 (Bảng 1; chi tiết từng cơ quan tại Phụ lục kèm theo).
""")
    body += caption("Bảng 1. Số lượng dịch vụ công trực tuyến theo cấp chính quyền", "Số liệu đến ngày 25/6/2019")
    body += t_levels
    body += "<h3>3. Tình hình tiếp nhận hồ sơ trực tuyến</h3>"
    body += paras(f"""
Trong 6 tháng đầu năm, các cơ quan tiếp nhận {fn(ALL_ONLINE)} hồ sơ trực tuyến trên tổng số {fn(ALL_FILES)} hồ sơ (đạt {pct(ALL_ONLINE, ALL_FILES)}%), tăng 2,1 lần so với cùng kỳ năm 2018. Tuy nhiên, chỉ có {ALL_PS}/{n34} DVC mức độ 3, 4 phát sinh hồ sơ ({pct(ALL_PS, n34, 1)}%); {no_files} DVC chưa phát sinh hồ sơ nào.
""")
    body += caption("Bảng 2. Hồ sơ tiếp nhận trực tuyến 6 tháng đầu năm 2019", "Đơn vị tính: hồ sơ")
    body += t_online
    body += paras("Các DVC trực tuyến có số lượng hồ sơ lớn nhất được thể hiện tại Bảng 3.")
    body += caption("Bảng 3. Năm dịch vụ công trực tuyến có nhiều hồ sơ nhất")
    body += t_top
    body += "<h3>4. Tiếp nhận hồ sơ, trả kết quả qua dịch vụ bưu chính công ích</h3>"
    body += paras("""
Thực hiện Quyết định số 45/2016/QĐ-TTg ngày 19 tháng 10 năm 2016 của Thủ tướng Chính phủ, Bưu điện thành phố đã tiếp nhận 3.652 hồ sơ và chuyển trả 18.436 kết quả giải quyết TTHC tới người dân, tổ chức, giúp giảm số lần đi lại và chi phí cho người dân.
""")
    body += "<h2>II. TỒN TẠI, HẠN CHẾ</h2>"
    body += paras("""
1. Tỷ lệ DVC mức độ 3, 4 phát sinh hồ sơ thấp; nhiều DVC được nâng cấp nhưng chưa được tuyên truyền, hướng dẫn, người dân chưa biết để sử dụng.
2. Sở Xây dựng, Sở Tài nguyên và Môi trường, Sở Giao thông vận tải đang sử dụng phần mềm chuyên ngành riêng theo các dự án đã ký hợp đồng trong các năm 2017 - 2018, chưa thống nhất về kỹ thuật và chưa kết nối đầy đủ với Hệ thống thông tin một cửa điện tử thành phố, dẫn đến người dân phải khai báo lại thông tin.
3. Chưa triển khai thanh toán phí, lệ phí trực tuyến; nhiều DVC mức độ 4 trên thực tế vẫn yêu cầu nộp bản giấy khi nhận kết quả.
4. Công tác bảo đảm an toàn thông tin cho các hệ thống còn hạn chế: trong 6 tháng đã phát hiện và ngăn chặn 214 lượt tấn công, dò quét vào Cổng DVC trực tuyến.
""")
    body += "<h2>III. NHIỆM VỤ, GIẢI PHÁP 6 THÁNG CUỐI NĂM 2019</h2>"
    body += paras(f"""
1. Rà soát toàn bộ {ALL_M4} DVC mức độ 4: các dự án đã ký hợp đồng tiếp tục thực hiện nhưng phải rà soát bảo đảm thống nhất về kỹ thuật, kết nối qua nền tảng LGSP; không đầu tư mới phần mềm riêng lẻ.
2. Nâng cấp thêm 120 DVC lên mức độ 4, ưu tiên các TTHC có số lượng hồ sơ lớn và 40 bộ TTHC liên thông sau khi được công bố.
3. Triển khai thanh toán trực tuyến phí, lệ phí cho ít nhất 30 DVC có số hồ sơ lớn; phối hợp Bưu điện thành phố mở rộng dịch vụ bưu chính công ích.
4. Phối hợp với Báo {CITY}, Đài Phát thanh - Truyền hình thành phố và Ủy ban nhân dân các xã, phường tuyên truyền, hướng dẫn người dân sử dụng DVC trực tuyến.
5. Tổ chức diễn tập, kiểm tra, đánh giá an toàn thông tin cho Cổng DVC trực tuyến và Hệ thống thông tin một cửa điện tử.
""")
    body += "<h2>IV. KIẾN NGHỊ</h2>"
    body += paras("""
Đề nghị Ban Chỉ đạo giao chỉ tiêu tỷ lệ hồ sơ trực tuyến cho từng sở, ngành, Ủy ban nhân dân quận, huyện và đưa vào tiêu chí xác định Chỉ số CCHC năm 2019; chỉ đạo Sở Xây dựng, Sở Tài nguyên và Môi trường, Sở Giao thông vận tải hoàn thành kết nối hệ thống chuyên ngành với Hệ thống thông tin một cửa điện tử thành phố trong quý III năm 2019.
Sở Thông tin và Truyền thông kính báo cáo Ban Chỉ đạo cải cách hành chính thành phố./.
""")
    body += signature(["Như trên;", "Chủ tịch, các PCT UBND thành phố;", "Sở Nội vụ;", "Văn phòng UBND thành phố;",
                       "Giám đốc, các PGĐ Sở;", "Lưu: VT, CNTT."], ["GIÁM ĐỐC"], GD_STTTT)
    body += f"""<div class="wide">
<div class="cap" style="font-size:13pt">Phụ lục</div>
<div class="cap" style="font-size:13pt">SỐ LIỆU DỊCH VỤ CÔNG TRỰC TUYẾN MỨC ĐỘ 3, MỨC ĐỘ 4 THEO CƠ QUAN, ĐƠN VỊ</div>
<div class="subi" style="font-size:12pt">(Kèm theo Báo cáo số 98/BC-STTTT ngày 01 tháng 7 năm 2019 của Sở Thông tin và Truyền thông)</div>
<div class="capn">Số liệu tính đến ngày 25/6/2019</div>
{t_wide}
</div>"""
    return render("02-bao-cao-dvctt-stttt.pdf",
                  doc_title="Báo cáo số 98/BC-STTTT về tình hình cung cấp dịch vụ công trực tuyến mức độ 3, mức độ 4",
                  author="Sở Thông tin và Truyền thông thành phố " + CITY,
                  subject="Dịch vụ công trực tuyến mức độ 3, mức độ 4 6 tháng đầu năm 2019",
                  keywords="dịch vụ công trực tuyến, mức độ 3, mức độ 4, một cửa điện tử",
                  created="2019-07-01T09:00:00+07:00", body=body)


# --------------------------------------------------------------------------- 3. VPUBND: 40 inter-connected procedures

def doc_to_trinh() -> Path:
    grp_rows = []
    for i, (g, procs) in enumerate(LIENTHONG):
        b, a = sum(p[3] for p in procs), sum(p[4] for p in procs)
        grp_rows.append([str(i + 1), g.split(". ", 1)[1].capitalize(), str(len(procs)), str(b), str(a), pct(b - a, b, 1)])
    t_grp = table(["STT", "Nhóm lĩnh vực", "Số bộ TTHC liên thông",
                   "Tổng thời gian theo quy định hiện hành (ngày làm việc)",
                   "Tổng thời gian khi thực hiện liên thông (ngày làm việc)", "Tỷ lệ cắt giảm (%)"],
                  grp_rows, widths=[7, 37, 12, 16, 16, 12], aligns="clnnnn",
                  total=["", "Tổng cộng", "40", fn(LT_BEFORE), fn(LT_AFTER), pct(LT_BEFORE - LT_AFTER, LT_BEFORE, 1)])
    body = national_header([UBND_TP, "VĂN PHÒNG"], "57/TTr-VP", f"{CITY}, ngày 01 tháng 7 năm 2019")
    body += title("TỜ TRÌNH", "Về việc công bố 40 bộ thủ tục hành chính liên thông",
                  f"trên địa bàn thành phố {CITY}")
    body += f'<div class="kg">Kính gửi: Ủy ban nhân dân thành phố {CITY}.</div>'
    body += paras("""
Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ về kiểm soát thủ tục hành chính; Nghị định số 92/2017/NĐ-CP ngày 07 tháng 8 năm 2017 của Chính phủ sửa đổi, bổ sung một số điều của các nghị định liên quan đến kiểm soát thủ tục hành chính;
Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính;
Thực hiện Kế hoạch cải cách hành chính năm 2019 của Ủy ban nhân dân thành phố, Văn phòng Ủy ban nhân dân thành phố kính trình Ủy ban nhân dân thành phố xem xét, ban hành Quyết định công bố 40 bộ thủ tục hành chính liên thông như sau:
""")
    body += "<h2>I. SỰ CẦN THIẾT</h2>"
    body += paras("""
Hiện nay, nhiều thủ tục hành chính có liên quan chặt chẽ với nhau nhưng vẫn được giải quyết riêng rẽ tại các cơ quan khác nhau; người dân, doanh nghiệp phải đi lại nhiều lần, nộp nhiều bộ hồ sơ có thông tin trùng lặp. Việc xây dựng và công bố các bộ thủ tục hành chính liên thông nhằm bảo đảm người dân chỉ nộp hồ sơ một lần tại một nơi, các cơ quan tự chuyển hồ sơ, thông tin cho nhau qua Hệ thống thông tin một cửa điện tử, góp phần rút ngắn thời gian, giảm chi phí tuân thủ và nâng cao Chỉ số cải cách hành chính, Chỉ số SIPAS của thành phố.
""")
    body += "<h2>II. QUÁ TRÌNH XÂY DỰNG DỰ THẢO</h2>"
    body += paras(f"""
Văn phòng Ủy ban nhân dân thành phố đã chủ trì, phối hợp với Sở Tư pháp rà soát {fn(ALL_TTHC)} thủ tục hành chính thuộc thẩm quyền giải quyết của các cấp chính quyền thành phố, lựa chọn các nhóm thủ tục có tần suất phát sinh lớn và có mối liên hệ về hồ sơ, kết quả giải quyết. Dự thảo đã được gửi lấy ý kiến 19 sở, ban, ngành, 9 Ủy ban nhân dân quận, huyện, Cục Thuế thành phố, Bảo hiểm xã hội thành phố và Công an thành phố; đã nhận được 31/31 văn bản góp ý, với 64 ý kiến, trong đó tiếp thu 52 ý kiến, giải trình 12 ý kiến.
""")
    body += "<h2>III. NỘI DUNG CHỦ YẾU CỦA DỰ THẢO QUYẾT ĐỊNH</h2>"
    body += paras(f"""
Dự thảo Quyết định công bố 40 bộ thủ tục hành chính liên thông thuộc 5 nhóm lĩnh vực, quy định rõ cơ quan tiếp nhận hồ sơ, cơ quan phối hợp giải quyết và thời gian giải quyết của từng bộ thủ tục. Tổng thời gian giải quyết khi thực hiện liên thông giảm từ {fn(LT_BEFORE)} ngày làm việc xuống còn {fn(LT_AFTER)} ngày làm việc (giảm {pct(LT_BEFORE - LT_AFTER, LT_BEFORE, 1)}%), cụ thể:
""")
    body += caption("Bảng tổng hợp 40 bộ thủ tục hành chính liên thông theo nhóm lĩnh vực")
    body += t_grp
    body += "<h2>IV. KIẾN NGHỊ</h2>"
    body += paras("""
Văn phòng Ủy ban nhân dân thành phố kính trình Ủy ban nhân dân thành phố xem xét, ban hành Quyết định công bố 40 bộ thủ tục hành chính liên thông trong tháng 7 năm 2019; giao Sở Thông tin và Truyền thông cấu hình quy trình điện tử trên Hệ thống thông tin một cửa điện tử thành phố để vận hành từ ngày 01 tháng 8 năm 2019.
(Kèm theo dự thảo Quyết định và Phụ lục danh mục 40 bộ thủ tục hành chính liên thông)./.
""")
    body += signature(["Như trên;", f"PCT UBND thành phố {CHAIR} (để b/c);", "Sở Tư pháp;",
                       "Sở Thông tin và Truyền thông;", "Lưu: VT, KSTTHC."], ["CHÁNH VĂN PHÒNG"], CVP)
    return render("03a-to-trinh-vpubnd.pdf",
                  doc_title="Tờ trình số 57/TTr-VP về việc công bố 40 bộ thủ tục hành chính liên thông",
                  author="Văn phòng UBND thành phố " + CITY,
                  subject="Đề nghị công bố 40 bộ thủ tục hành chính liên thông",
                  keywords="thủ tục hành chính liên thông, một cửa liên thông",
                  created="2019-07-01T10:00:00+07:00", body=body)


def doc_du_thao_qd() -> Path:
    body = national_header(["ỦY BAN NHÂN DÂN", f"THÀNH PHỐ {CITY_UP}"], "        /QĐ-UBND",
                           f"{CITY}, ngày      tháng 7 năm 2019", draft=True, issuer_bold_from=0)
    body += title("QUYẾT ĐỊNH", "Về việc công bố 40 bộ thủ tục hành chính liên thông",
                  f"trên địa bàn thành phố {CITY}")
    body += f'<div class="authority">ỦY BAN NHÂN DÂN THÀNH PHỐ {CITY_UP}</div>'
    body += '<div class="cancu">' + paras("""
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ về kiểm soát thủ tục hành chính; Nghị định số 48/2013/NĐ-CP ngày 14 tháng 5 năm 2013 và Nghị định số 92/2017/NĐ-CP ngày 07 tháng 8 năm 2017 của Chính phủ sửa đổi, bổ sung một số điều của các nghị định liên quan đến kiểm soát thủ tục hành chính;
Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính;
Căn cứ Thông tư số 02/2017/TT-VPCP ngày 31 tháng 10 năm 2017 của Văn phòng Chính phủ hướng dẫn về nghiệp vụ kiểm soát thủ tục hành chính;
Theo đề nghị của Chánh Văn phòng Ủy ban nhân dân thành phố tại Tờ trình số 57/TTr-VP ngày 01 tháng 7 năm 2019.
""") + "</div>"
    body += '<div class="qd">QUYẾT ĐỊNH:</div>'
    body += f"""
<p class="dieu"><b>Điều 1.</b> Công bố kèm theo Quyết định này 40 bộ thủ tục hành chính liên thông thuộc thẩm quyền giải quyết của các cơ quan hành chính nhà nước trên địa bàn thành phố {CITY} (có Phụ lục kèm theo).</p>
<p class="dieu"><b>Điều 2.</b> Trách nhiệm thực hiện</p>
<p class="dieu">1. Văn phòng Ủy ban nhân dân thành phố chủ trì, phối hợp với Sở Tư pháp theo dõi, kiểm tra việc thực hiện; định kỳ hằng quý tổng hợp, báo cáo Chủ tịch Ủy ban nhân dân thành phố.</p>
<p class="dieu">2. Sở Thông tin và Truyền thông cấu hình quy trình điện tử của 40 bộ thủ tục hành chính liên thông trên Hệ thống thông tin một cửa điện tử thành phố, hoàn thành trước ngày 31 tháng 7 năm 2019.</p>
<p class="dieu">3. Các cơ quan tiếp nhận hồ sơ có trách nhiệm hướng dẫn, tiếp nhận hồ sơ một lần và chuyển hồ sơ, thông tin cho cơ quan phối hợp qua Hệ thống thông tin một cửa điện tử; các cơ quan phối hợp giải quyết bảo đảm đúng thời hạn quy định tại Phụ lục; cơ quan nào để trễ hạn phải có văn bản xin lỗi người dân, tổ chức và nêu rõ lý do.</p>
<p class="dieu"><b>Điều 3.</b> Quyết định này có hiệu lực thi hành kể từ ngày 01 tháng 8 năm 2019.</p>
<p class="dieu">Chánh Văn phòng Ủy ban nhân dân thành phố; Giám đốc các sở, Thủ trưởng các ban, ngành thành phố; Chủ tịch Ủy ban nhân dân các quận, huyện, xã, phường, thị trấn và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.</p>
"""
    body += signature(["Như Điều 3;", "Văn phòng Chính phủ (Cục Kiểm soát TTHC);", "TT Thành ủy, TT HĐND thành phố;",
                       "Chủ tịch, các PCT UBND thành phố;", "Cục Thuế, BHXH, Công an thành phố;",
                       "Cổng thông tin điện tử thành phố;", "Lưu: VT, KSTTHC."],
                      ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], CHAIR, signed=False)
    rows = []
    k = 0
    for g, procs in LIENTHONG:
        rows.append(g)
        for name, recv, coop, before, after in procs:
            k += 1
            rows.append([str(k), name, recv, coop, str(before), str(after)])
    head = ("<tr><th rowspan='2'>STT</th><th rowspan='2'>Tên bộ thủ tục hành chính liên thông</th>"
            "<th rowspan='2'>Cơ quan tiếp nhận hồ sơ</th><th rowspan='2'>Cơ quan phối hợp giải quyết</th>"
            "<th colspan='2'>Thời hạn giải quyết (ngày làm việc)</th></tr>"
            "<tr><th>Theo quy định hiện hành</th><th>Khi thực hiện liên thông</th></tr>")
    t = table([""] * 6, rows, widths=[5, 37, 18, 20, 10, 10], aligns="clllcc", head_html=head,
              total=["", "Tổng cộng (40 bộ thủ tục hành chính)", "", "", fn(LT_BEFORE), fn(LT_AFTER)])
    body += f"""<div class="annex">
<div class="cap" style="font-size:13pt">Phụ lục</div>
<div class="cap" style="font-size:13pt">DANH MỤC 40 BỘ THỦ TỤC HÀNH CHÍNH LIÊN THÔNG TRÊN ĐỊA BÀN THÀNH PHỐ {CITY_UP}</div>
<div class="subi" style="font-size:12pt">(Ban hành kèm theo Quyết định số {blanks("      ")}/QĐ-UBND ngày {blanks("      ")}tháng 7 năm 2019 của Ủy ban nhân dân thành phố {CITY})</div>
<div class="tline" style="margin-bottom:6pt"></div>
{t}
<p class="note">Ghi chú: Thời hạn khi liên thông được tính từ ngày cơ quan tiếp nhận nhận đủ hồ sơ hợp lệ đến ngày trả kết quả cuối cùng cho người dân, tổ chức; không bao gồm thời gian người dân thực hiện nghĩa vụ tài chính.</p>
</div>"""
    return render("03b-du-thao-qd-40-bo-tthc.pdf",
                  doc_title="Dự thảo Quyết định công bố 40 bộ thủ tục hành chính liên thông",
                  author="Văn phòng UBND thành phố " + CITY,
                  subject="Dự thảo Quyết định của UBND thành phố công bố 40 bộ thủ tục hành chính liên thông, kèm Phụ lục",
                  keywords="dự thảo, quyết định, thủ tục hành chính liên thông",
                  created="2019-07-01T10:30:00+07:00", body=body)


# --------------------------------------------------------------------------- 4. satisfaction survey

SURVEY_CRITERIA = [
    ("I. Tiếp cận dịch vụ", [
        "Nơi ngồi chờ có đủ chỗ ngồi",
        "Trang thiết bị phục vụ người dân đầy đủ, dễ sử dụng",
        "Thông tin về thủ tục hành chính được niêm yết, công khai đầy đủ, dễ hiểu",
    ]),
    ("II. Thủ tục hành chính", [
        "Thành phần hồ sơ mà Ông/Bà phải nộp đúng với quy định được niêm yết",
        "Phí, lệ phí mà Ông/Bà phải nộp đúng quy định",
        "Thời hạn giải quyết ghi trên giấy hẹn đúng quy định",
    ]),
    ("III. Sự phục vụ của công chức", [
        "Công chức có thái độ giao tiếp lịch sự, tôn trọng",
        "Công chức chú ý lắng nghe ý kiến của Ông/Bà",
        "Công chức hướng dẫn kê khai hồ sơ tận tình, dễ hiểu",
        "Công chức không gây phiền hà, sách nhiễu khi giải quyết hồ sơ",
    ]),
    ("IV. Kết quả giải quyết thủ tục hành chính", [
        "Kết quả giải quyết đúng quy định",
        "Kết quả được trả đúng hẹn",
        "Thông tin trong kết quả đầy đủ, chính xác",
    ]),
    ("V. Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị", [
        "Cơ quan có bố trí hình thức tiếp nhận góp ý, phản ánh, kiến nghị",
        "Ý kiến góp ý, phản ánh của Ông/Bà được tiếp nhận, xử lý tích cực",
        "Ông/Bà được thông báo kết quả xử lý kịp thời",
    ]),
]
N_CRITERIA = sum(len(c) for _, c in SURVEY_CRITERIA)


def doc_ke_hoach_khao_sat() -> Path:
    dist_rows = []
    tot = [0, 0, 0, 0, 0]
    for i, (name, n_comm) in enumerate(DISTRICTS):
        sel = max(3, round(n_comm * 0.3))
        xa = sel * 40
        huyen = 200
        tp = 150
        row = [sel, xa, huyen, tp, xa + huyen + tp]
        tot = [a + b for a, b in zip(tot, row, strict=False)]
        dist_rows.append([str(i + 1), name, str(n_comm)] + [fn(x) for x in row])
    head = ("<tr><th rowspan='2'>STT</th><th rowspan='2'>Quận, huyện</th><th rowspan='2'>Số xã, phường</th>"
            "<th rowspan='2'>Số xã, phường được chọn</th><th colspan='3'>Số phiếu khảo sát theo cấp giải quyết</th>"
            "<th rowspan='2'>Tổng số phiếu</th></tr>"
            "<tr><th>Cấp xã</th><th>Cấp huyện</th><th>Cấp thành phố</th></tr>")
    t_dist = table([""] * 8, dist_rows, widths=[7, 25, 11, 12, 11, 11, 11, 12], aligns="clnnnnnn", head_html=head,
                   total=["", "Tổng cộng", str(N_COMMUNES)] + [fn(x) for x in tot])
    n_phieu = tot[4]
    timeline = [
        ("Ban hành kế hoạch, mẫu phiếu; lập danh sách người dân, tổ chức đã giao dịch", "Sở Nội vụ", "Tháng 7/2019"),
        ("Tập huấn cho điều tra viên và Ban Công tác Mặt trận khu dân cư", "Sở Nội vụ, Ủy ban MTTQ Việt Nam thành phố", "Tháng 7/2019"),
        ("Phát, thu phiếu khảo sát tại hộ gia đình và tổ chức", "Ủy ban MTTQ Việt Nam các cấp", "Tháng 8 - 9/2019"),
        ("Nhập liệu, làm sạch số liệu, xử lý kết quả", "Sở Nội vụ", "Tháng 10/2019"),
        ("Báo cáo Ban Chỉ đạo; công bố kết quả", "Sở Nội vụ, Ủy ban MTTQ Việt Nam thành phố", "Tháng 11/2019"),
    ]
    t_time = table(["STT", "Nội dung công việc", "Đơn vị thực hiện", "Thời gian"],
                   [[str(i + 1), a, b, c] for i, (a, b, c) in enumerate(timeline)],
                   widths=[7, 50, 27, 16], aligns="cllc")

    body = f"""
<table class="hdr">
<tr>
 <td class="l"><div class="org">SỞ NỘI VỤ</div><div class="rule" style="width:20%"></div>
   <div class="org">ỦY BAN MTTQ VIỆT NAM</div><div class="org">THÀNH PHỐ {CITY_UP}</div><div class="rule"></div></td>
 <td class="r"><div class="qh">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>
  <div class="tn">Độc lập - Tự do - Hạnh phúc</div><div class="rule long"></div></td>
</tr>
<tr>
 <td class="l so">Số: 12/KHPH-SNV-MTTQ</td>
 <td class="r date">{CITY}, ngày 27 tháng 6 năm 2019</td>
</tr>
</table>"""
    body += title("KẾ HOẠCH PHỐI HỢP", "Khảo sát mức độ hài lòng của người dân, tổ chức đối với sự phục vụ",
                  "của cơ quan hành chính nhà nước trên địa bàn thành phố năm 2019")
    body += paras("""
Căn cứ Quyết định số 2640/QĐ-BNV ngày 10 tháng 10 năm 2017 của Bộ trưởng Bộ Nội vụ phê duyệt Đề án “Đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước giai đoạn 2017 - 2020”;
Căn cứ Quy chế phối hợp công tác giữa Ủy ban nhân dân thành phố và Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam thành phố;
Căn cứ Kế hoạch số 28/KH-UBND ngày 15 tháng 01 năm 2019 của Ủy ban nhân dân thành phố về cải cách hành chính năm 2019;
Sở Nội vụ và Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam thành phố thống nhất ban hành Kế hoạch phối hợp khảo sát mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước năm 2019 như sau:
""")
    body += "<h2>I. MỤC ĐÍCH, YÊU CẦU</h2>"
    body += paras("""
1. Đánh giá khách quan chất lượng cung cấp dịch vụ hành chính công của các cơ quan hành chính nhà nước ba cấp trên địa bàn thành phố; làm cơ sở để các cơ quan, đơn vị có giải pháp cải thiện chất lượng phục vụ.
2. Phát huy vai trò giám sát, phản biện xã hội của Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội; tăng cường sự tham gia của người dân vào công tác cải cách hành chính.
3. Việc khảo sát phải bảo đảm khách quan, trung thực, đúng phương pháp; không gây phiền hà cho người dân; thông tin cá nhân của người được khảo sát được giữ bí mật.
""")
    body += "<h2>II. NỘI DUNG KHẢO SÁT</h2>"
    body += "<h3>1. Đối tượng, phạm vi</h3>"
    body += paras("""
Người dân, đại diện tổ chức đã trực tiếp giao dịch và nhận kết quả giải quyết thủ tục hành chính trong thời gian từ ngày 01 tháng 7 năm 2018 đến ngày 30 tháng 6 năm 2019 tại Trung tâm Phục vụ hành chính công thành phố, Bộ phận tiếp nhận và trả kết quả cấp huyện, cấp xã; tập trung vào các lĩnh vực: đất đai, xây dựng, hộ tịch, chứng thực, đăng ký kinh doanh và lao động - thương binh và xã hội.
""")
    body += "<h3>2. Phương pháp</h3>"
    body += paras(f"""
Chọn mẫu ngẫu nhiên từ danh sách hồ sơ đã giải quyết trên Hệ thống thông tin một cửa điện tử thành phố; phát phiếu và phỏng vấn trực tiếp tại nơi cư trú của người được khảo sát, với sự tham gia của Ban Công tác Mặt trận ở khu dân cư. Phiếu khảo sát gồm {N_CRITERIA} tiêu chí thuộc 5 yếu tố (tiếp cận dịch vụ; thủ tục hành chính; sự phục vụ của công chức; kết quả giải quyết; tiếp nhận, xử lý góp ý, phản ánh), mỗi tiêu chí đánh giá theo thang điểm 5 mức.
""")
    body += "<h3>3. Quy mô mẫu và phân bổ phiếu</h3>"
    body += paras(f"""
Tổng số phiếu khảo sát là {fn(n_phieu)} phiếu, phân bổ cho 9 quận, huyện như sau (mỗi xã, phường được chọn 40 phiếu; mỗi quận, huyện 200 phiếu đối với TTHC cấp huyện và 150 phiếu đối với TTHC cấp thành phố):
""")
    body += caption("Bảng 1. Phân bổ phiếu khảo sát theo quận, huyện", "Đơn vị tính: phiếu")
    body += t_dist
    body += "<h3>4. Tiến độ thực hiện</h3>"
    body += t_time
    body += "<h2>III. KINH PHÍ</h2>"
    body += paras("""
Kinh phí thực hiện khảo sát được bố trí trong dự toán kinh phí cải cách hành chính năm 2019 của Sở Nội vụ (dự kiến 486 triệu đồng), bao gồm chi in phiếu, tập huấn, thù lao điều tra viên, nhập liệu và xử lý số liệu theo quy định hiện hành.
""")
    body += "<h2>IV. TỔ CHỨC THỰC HIỆN</h2>"
    body += paras("""
1. Sở Nội vụ chủ trì xây dựng phiếu khảo sát, lập danh sách mẫu, tập huấn, xử lý số liệu và tổng hợp kết quả, báo cáo Ban Chỉ đạo cải cách hành chính thành phố.
2. Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam thành phố chỉ đạo Ủy ban Mặt trận Tổ quốc Việt Nam các quận, huyện, xã, phường tổ chức phát, thu phiếu; giám sát tính khách quan của quá trình khảo sát.
3. Giám đốc các sở, Thủ trưởng các ban, ngành và Chủ tịch Ủy ban nhân dân các quận, huyện phối hợp cung cấp danh sách người dân, tổ chức đã giao dịch; không can thiệp vào việc trả lời phiếu của người dân.
Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị các cơ quan, đơn vị phản ánh về Sở Nội vụ (Phòng Cải cách hành chính) để phối hợp giải quyết./.
""")
    body += joint_signature(
        (["TM. BAN THƯỜNG TRỰC", "ỦY BAN MTTQ VIỆT NAM TP", "PHÓ CHỦ TỊCH"], PCT_MTTQ),
        (["SỞ NỘI VỤ", "GIÁM ĐỐC", ""], GD_SNV),
        ["Bộ Nội vụ (Vụ Cải cách hành chính);", "Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam;",
         "Chủ tịch, các PCT UBND thành phố;", "Ban Chỉ đạo CCHC thành phố;", "Các sở, ban, ngành thành phố;",
         "UBND, Ủy ban MTTQ Việt Nam các quận, huyện;", "Lưu: VT SNV, VT UBMTTQ."])
    return render("04a-ke-hoach-khao-sat-snv-mttq.pdf",
                  doc_title="Kế hoạch phối hợp số 12/KHPH-SNV-MTTQ khảo sát mức độ hài lòng của người dân, tổ chức năm 2019",
                  author="Sở Nội vụ; Ủy ban Mặt trận Tổ quốc Việt Nam thành phố " + CITY,
                  subject="Khảo sát mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước năm 2019",
                  keywords="khảo sát, hài lòng, SIPAS, Mặt trận Tổ quốc",
                  created="2019-06-27T15:00:00+07:00", body=body)


def doc_phieu_khao_sat() -> Path:
    box = '<span class="box"></span>'

    def choices(*opts):
        return " ".join(f'<span class="opt">{box}{e(o)}</span>' for o in opts)

    head = ("<tr><th rowspan='2'>STT</th><th rowspan='2'>Tiêu chí đánh giá</th>"
            "<th colspan='5'>Mức độ hài lòng</th></tr>"
            "<tr><th>Rất không hài lòng</th><th>Không hài lòng</th><th>Bình thường</th><th>Hài lòng</th>"
            "<th>Rất hài lòng</th></tr>")
    rows = []
    k = 0
    for g, crit in SURVEY_CRITERIA:
        rows.append(g)
        for c in crit:
            k += 1
            rows.append([str(k), c] + [box] * 5)
    t = table([""] * 7, rows, widths=[5, 55, 8, 8, 8, 8, 8], aligns="clccccc", head_html=head)
    body = '<div class="form">'
    body += '<div class="mau">Mẫu số 01 (kèm theo Kế hoạch phối hợp số 12/KHPH-SNV-MTTQ)</div>'
    body += f"""
<table class="hdr"><tr>
 <td class="l"><div class="org">SỞ NỘI VỤ</div><div class="org">ỦY BAN MTTQ VIỆT NAM</div><div class="org">THÀNH PHỐ {CITY_UP}</div><div class="rule"></div></td>
 <td class="r" style="text-align:right; font-size:12pt">Mã phiếu: ...........................</td>
</tr></table>"""
    body += title("PHIẾU KHẢO SÁT", "Ý kiến của người dân, tổ chức về sự phục vụ",
                  "của cơ quan hành chính nhà nước năm 2019")
    body += paras(f"""
Nhằm đánh giá khách quan chất lượng phục vụ của các cơ quan hành chính nhà nước trên địa bàn thành phố {CITY}, Sở Nội vụ phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam thành phố tổ chức khảo sát ý kiến của người dân, tổ chức. Ông/Bà vui lòng đánh dấu (X) vào ô phù hợp. Thông tin cá nhân của Ông/Bà được giữ bí mật và chỉ sử dụng cho mục đích thống kê. Xin trân trọng cảm ơn!
""", "ni")
    body += "<h3 style='text-indent:0'>PHẦN I. THÔNG TIN VỀ THỦ TỤC HÀNH CHÍNH ĐÃ GIAO DỊCH</h3>"
    body += f"""
<p class="dl">1. Tên thủ tục hành chính Ông/Bà đã giao dịch: ........................................................................................................................................................................................................</p>
<p class="dl">........................................................................................................................................................................................................</p>
<p>2. Nơi nộp hồ sơ: {choices("Trung tâm Phục vụ hành chính công thành phố", "Cấp huyện", "Cấp xã")}</p>
<p>3. Hình thức nộp hồ sơ: {choices("Trực tiếp", "Trực tuyến", "Qua dịch vụ bưu chính công ích")}</p>
<p>4. Số lần Ông/Bà phải đi lại để hoàn thành thủ tục: {choices("1 lần", "2 lần", "3 lần", "Trên 3 lần")}</p>
"""
    body += "<h3 style='text-indent:0'>PHẦN II. THÔNG TIN VỀ NGƯỜI TRẢ LỜI PHIẾU</h3>"
    body += f"""
<p>5. Giới tính: {choices("Nam", "Nữ")}</p>
<p>6. Độ tuổi: {choices("Dưới 25", "25 - 34", "35 - 49", "50 - 60", "Trên 60")}</p>
<p>7. Trình độ học vấn: {choices("Tiểu học", "Trung học", "Cao đẳng, đại học", "Sau đại học")}</p>
<p>8. Nghề nghiệp: {choices("Công chức, viên chức", "Doanh nhân", "Công nhân", "Nông dân", "Khác")}</p>
"""
    body += "<h3 style='text-indent:0; break-before: page'>PHẦN III. ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG</h3>"
    body += t
    body += "<h3 style='text-indent:0'>PHẦN IV. GÓP Ý CỦA ÔNG/BÀ</h3>"
    body += paras("""
Để nâng cao chất lượng phục vụ của cơ quan hành chính nhà nước, Ông/Bà có góp ý gì (về thủ tục hành chính, thái độ của công chức, thời gian giải quyết, cơ sở vật chất...)?
""", "ni")
    body += ('<p class="dl">' + "." * 200 + "</p>") * 3
    body += '<div class="end">XIN TRÂN TRỌNG CẢM ƠN ÔNG/BÀ!</div>'
    body += "</div>"
    return render("04b-phieu-khao-sat.pdf",
                  doc_title="Mẫu phiếu khảo sát mức độ hài lòng của người dân, tổ chức năm 2019",
                  author="Sở Nội vụ; Ủy ban Mặt trận Tổ quốc Việt Nam thành phố " + CITY,
                  subject="Phiếu khảo sát ý kiến của người dân, tổ chức về sự phục vụ của cơ quan hành chính nhà nước",
                  keywords="phiếu khảo sát, hài lòng, SIPAS",
                  created="2019-06-27T15:30:00+07:00", body=body)


# --------------------------------------------------------------------------- 5. citizen reception and dialogue

def doc_tiep_cong_dan() -> Path:
    levels = [  # (level, visits, people, cases, large groups)
        ("Ban Tiếp công dân thành phố", 612, 1348, 287, 14),
        ("Các sở, ban, ngành", 524, 806, 311, 5),
        ("UBND các quận, huyện", 1876, 2941, 1102, 21),
        ("UBND các xã, phường, thị trấn", 3215, 3904, 1968, 8),
    ]
    tot = [sum(r[i] for r in levels) for i in (1, 2, 3, 4)]
    t_lv = table(["STT", "Cấp tiếp công dân", "Số lượt tiếp", "Số người", "Số vụ việc", "Đoàn đông người"],
                 [[str(i + 1), a, fn(b), fn(c), fn(d), fn(x)] for i, (a, b, c, d, x) in enumerate(levels)],
                 widths=[7, 39, 13, 13, 14, 14], aligns="clnnnn",
                 total=["", "Tổng cộng", fn(tot[0]), fn(tot[1]), fn(tot[2]), fn(tot[3])])
    topics = [
        ("Đất đai, bồi thường, hỗ trợ, tái định cư", 2271),
        ("Nhà ở, trật tự xây dựng", 504),
        ("Chế độ, chính sách (người có công, bảo hiểm xã hội, lao động)", 396),
        ("Tư pháp, hộ tịch, thi hành án", 187),
        ("Tố cáo cán bộ, công chức", 62),
        ("Lĩnh vực khác (môi trường, giao thông, an ninh trật tự)", 248),
    ]
    n_cases = sum(n for _, n in topics)
    assert n_cases == tot[2], (n_cases, tot[2])
    t_topic = table(["STT", "Nội dung", "Số vụ việc", "Tỷ lệ (%)"],
                    [[str(i + 1), a, fn(n), pct(n, n_cases, 1)] for i, (a, n) in enumerate(topics)],
                    widths=[8, 62, 15, 15], aligns="clnn", total=["", "Tổng cộng", fn(n_cases), "100,0"])
    body = national_header([UBND_TP, "BAN TIẾP CÔNG DÂN"], "86/BC-BTCD", f"{CITY}, ngày 26 tháng 6 năm 2019")
    body += title("BÁO CÁO", "Kết quả công tác tiếp công dân, xử lý đơn thư và đối thoại",
                  "với người dân 6 tháng đầu năm 2019")
    body += paras("""
Thực hiện Luật Tiếp công dân năm 2013, Nghị định số 64/2014/NĐ-CP ngày 26 tháng 6 năm 2014 của Chính phủ quy định chi tiết một số điều của Luật Tiếp công dân và yêu cầu của Ban Chỉ đạo cải cách hành chính thành phố, Ban Tiếp công dân thành phố báo cáo kết quả công tác tiếp công dân, xử lý đơn thư và đối thoại với người dân 6 tháng đầu năm 2019 như sau:
""")
    body += "<h2>I. TÌNH HÌNH CHUNG</h2>"
    body += paras("""
Trong 6 tháng đầu năm 2019, tình hình khiếu nại, tố cáo trên địa bàn thành phố cơ bản ổn định; số lượt công dân đến trụ sở tiếp công dân giảm 6,8% so với cùng kỳ năm 2018. Nội dung khiếu nại, kiến nghị chủ yếu liên quan đến bồi thường, hỗ trợ, tái định cư khi Nhà nước thu hồi đất tại các dự án Khu đô thị mới ven sông Lam, đường Vành đai 2 và cấp giấy chứng nhận quyền sử dụng đất. Vẫn còn một số vụ việc đông người, phức tạp, kéo dài.
""")
    body += "<h2>II. KẾT QUẢ THỰC HIỆN</h2>"
    body += "<h3>1. Công tác tiếp công dân</h3>"
    body += paras(f"""
Các cơ quan hành chính trên địa bàn thành phố đã tiếp {fn(tot[0])} lượt với {fn(tot[1])} người đến trình bày {fn(tot[2])} vụ việc, trong đó có {tot[3]} đoàn đông người. Lãnh đạo Ủy ban nhân dân thành phố tiếp công dân định kỳ 06 kỳ và đột xuất 03 kỳ theo quy định; Chủ tịch Ủy ban nhân dân các quận, huyện tiếp 112 kỳ.
""")
    body += caption("Bảng 1. Kết quả tiếp công dân theo cấp", "Số liệu từ ngày 16/12/2018 đến ngày 15/6/2019")
    body += t_lv
    body += caption("Bảng 2. Phân loại vụ việc theo nội dung")
    body += t_topic
    body += "<h3>2. Công tác xử lý đơn thư</h3>"
    body += paras("""
Tổng số đơn tiếp nhận trong kỳ là 3.412 đơn (kỳ trước chuyển sang 186 đơn), trong đó 2.156 đơn đủ điều kiện xử lý. Đã chuyển 1.347 đơn đến cơ quan có thẩm quyền, hướng dẫn 602 đơn, lưu 1.256 đơn trùng lặp, nặc danh hoặc không đủ điều kiện xử lý. Các cơ quan có thẩm quyền đã giải quyết 487/563 vụ việc khiếu nại, tố cáo thuộc thẩm quyền (đạt 86,5%), trong đó khiếu nại đúng 9,2%, đúng một phần 17,8%, sai 73,0%.
""")
    body += "<h3>3. Công tác đối thoại với người dân</h3>"
    body += paras("""
Ủy ban nhân dân thành phố tổ chức 03 cuộc đối thoại với 146 hộ dân bị ảnh hưởng bởi dự án Khu đô thị mới ven sông Lam và dự án đường Vành đai 2; Ủy ban nhân dân các quận, huyện tổ chức 27 cuộc và Ủy ban nhân dân các xã, phường tổ chức 84 cuộc đối thoại. Qua đối thoại, 61% số vụ việc được giải quyết dứt điểm hoặc công dân rút đơn; các vụ việc còn lại được giao cơ quan chức năng rà soát, trả lời bằng văn bản.
Năm 2019, Ủy ban nhân dân thành phố dự kiến tổ chức Hội nghị đối thoại giữa Chủ tịch Ủy ban nhân dân thành phố với người dân, doanh nghiệp về cải cách hành chính (dự thảo Kế hoạch kèm theo).
""")
    body += "<h2>III. TỒN TẠI, HẠN CHẾ</h2>"
    body += paras("""
1. Một số cơ quan, địa phương chưa thực hiện nghiêm việc người đứng đầu tiếp công dân định kỳ; còn tình trạng ủy quyền cho cấp phó.
2. Việc giải quyết một số vụ việc còn chậm, chưa dứt điểm, để công dân khiếu nại vượt cấp lên thành phố và Trung ương.
3. Việc đối thoại ở một số nơi còn hình thức, chưa chuẩn bị kỹ hồ sơ, chưa mời đủ các cơ quan có liên quan.
""")
    body += "<h2>IV. NHIỆM VỤ 6 THÁNG CUỐI NĂM 2019</h2>"
    body += paras("""
1. Người đứng đầu các cơ quan, đơn vị thực hiện nghiêm việc tiếp công dân định kỳ, đột xuất theo quy định; công khai lịch tiếp công dân trên Cổng thông tin điện tử.
2. Tập trung giải quyết dứt điểm các vụ việc đông người, phức tạp, kéo dài; tăng cường đối thoại ngay từ khi vụ việc mới phát sinh.
3. Tham mưu tổ chức Hội nghị đối thoại giữa Chủ tịch Ủy ban nhân dân thành phố với người dân, doanh nghiệp năm 2019.
4. Đưa vào vận hành phần mềm quản lý công tác tiếp công dân, xử lý đơn thư kết nối với Hệ thống thông tin một cửa điện tử thành phố.
Ban Tiếp công dân thành phố kính báo cáo Ban Chỉ đạo cải cách hành chính thành phố./.
""")
    body += signature(["Ban Chỉ đạo CCHC thành phố;", "Thanh tra Chính phủ (Ban Tiếp công dân Trung ương);",
                       "Chủ tịch, các PCT UBND thành phố;", "Thanh tra thành phố;", "Chánh Văn phòng UBND thành phố;",
                       "Lưu: VT, BTCD."], ["TRƯỞNG BAN"], TB_TCD)
    return render("05a-bao-cao-tiep-cong-dan.pdf",
                  doc_title="Báo cáo số 86/BC-BTCD về công tác tiếp công dân, xử lý đơn thư 6 tháng đầu năm 2019",
                  author="Ban Tiếp công dân thành phố " + CITY,
                  subject="Kết quả công tác tiếp công dân, xử lý đơn thư và đối thoại với người dân 6 tháng đầu năm 2019",
                  keywords="tiếp công dân, đơn thư, đối thoại, khiếu nại",
                  created="2019-06-26T14:00:00+07:00", body=body)


def doc_ke_hoach_doi_thoai() -> Path:
    tasks = [
        ("Tiếp nhận câu hỏi, kiến nghị của người dân, doanh nghiệp qua Cổng thông tin điện tử, đường dây nóng",
         "Văn phòng UBND thành phố", "Sở Thông tin và Truyền thông", "Trước ngày 30/8/2019"),
        ("Tổng hợp, phân loại câu hỏi; chuẩn bị nội dung trả lời", "Văn phòng UBND thành phố",
         "Các sở, ban, ngành; UBND các quận, huyện", "Trước ngày 10/9/2019"),
        ("Mời đại biểu người dân, doanh nghiệp tham dự", "Ủy ban MTTQ Việt Nam thành phố",
         "Hiệp hội Doanh nghiệp thành phố; UBND các quận, huyện", "Trước ngày 13/9/2019"),
        ("Bảo đảm hội trường, truyền hình trực tiếp, an ninh trật tự", "Văn phòng UBND thành phố",
         "Đài Phát thanh - Truyền hình thành phố; Công an thành phố", "Ngày 20/9/2019"),
        ("Thông báo kết luận; theo dõi việc thực hiện các nội dung đã trả lời", "Văn phòng UBND thành phố",
         "Sở Nội vụ; các cơ quan có liên quan", "Trong tháng 10/2019"),
    ]
    t = table(["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"],
              [[str(i + 1), a, b, c, d] for i, (a, b, c, d) in enumerate(tasks)],
              widths=[6, 38, 19, 22, 15], aligns="cllll")
    body = national_header(["ỦY BAN NHÂN DÂN", f"THÀNH PHỐ {CITY_UP}"], "        /KH-UBND",
                           f"{CITY}, ngày      tháng 7 năm 2019", draft=True, issuer_bold_from=0)
    body += title("KẾ HOẠCH", "Tổ chức Hội nghị đối thoại giữa Chủ tịch Ủy ban nhân dân thành phố",
                  "với người dân, doanh nghiệp về cải cách hành chính năm 2019")
    body += paras("""
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật Tiếp công dân ngày 25 tháng 11 năm 2013; Nghị định số 64/2014/NĐ-CP ngày 26 tháng 6 năm 2014 của Chính phủ quy định chi tiết một số điều của Luật Tiếp công dân;
Theo đề nghị của Chánh Văn phòng Ủy ban nhân dân thành phố, Ủy ban nhân dân thành phố ban hành Kế hoạch tổ chức Hội nghị đối thoại như sau:
""")
    body += "<h2>I. MỤC ĐÍCH, YÊU CẦU</h2>"
    body += paras("""
1. Lắng nghe ý kiến, phản ánh, kiến nghị của người dân, doanh nghiệp về thủ tục hành chính, chất lượng phục vụ của cơ quan hành chính nhà nước; kịp thời tháo gỡ khó khăn, vướng mắc.
2. Nâng cao trách nhiệm giải trình của người đứng đầu cơ quan hành chính các cấp; tăng cường sự đồng thuận của Nhân dân.
3. Hội nghị tổ chức trang trọng, dân chủ, thiết thực; các câu hỏi được trả lời rõ ràng, có thời hạn giải quyết cụ thể.
""")
    body += "<h2>II. NỘI DUNG</h2>"
    body += paras(f"""
1. Thời gian: 08 giờ 00, ngày 20 tháng 9 năm 2019 (thứ Sáu).
2. Địa điểm: Hội trường Trung tâm Hội nghị thành phố {CITY}.
3. Chủ trì: Chủ tịch Ủy ban nhân dân thành phố; đồng chủ trì: Phó Chủ tịch Ủy ban nhân dân thành phố {CHAIR}, Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam thành phố.
4. Thành phần: khoảng 300 đại biểu, gồm đại diện người dân, hộ kinh doanh, doanh nghiệp, hiệp hội doanh nghiệp; Giám đốc các sở, Thủ trưởng các ban, ngành thành phố; Chủ tịch Ủy ban nhân dân các quận, huyện.
5. Nội dung đối thoại: thủ tục hành chính trong lĩnh vực đất đai, xây dựng, đầu tư; việc thực hiện cơ chế một cửa, một cửa liên thông và dịch vụ công trực tuyến; thái độ, trách nhiệm của cán bộ, công chức.
6. Hình thức: đối thoại trực tiếp tại hội nghị, truyền hình trực tiếp trên sóng Đài Phát thanh - Truyền hình thành phố và Cổng thông tin điện tử thành phố.
""", "ni")
    body += "<h2>III. TỔ CHỨC THỰC HIỆN</h2>"
    body += t
    body += paras("""
Giao Văn phòng Ủy ban nhân dân thành phố là cơ quan thường trực, theo dõi, đôn đốc các cơ quan, đơn vị thực hiện Kế hoạch này và báo cáo Chủ tịch Ủy ban nhân dân thành phố./.
""")
    body += signature(["Thường trực Thành ủy, HĐND thành phố;", "Ủy ban MTTQ Việt Nam thành phố;",
                       "Chủ tịch, các PCT UBND thành phố;", "Các sở, ban, ngành thành phố;", "UBND các quận, huyện;",
                       "Báo Sông Lam, Đài PT-TH thành phố;", "Lưu: VT, BTCD."],
                      ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], CHAIR, signed=False)
    return render("05b-du-thao-ke-hoach-doi-thoai.pdf",
                  doc_title="Dự thảo Kế hoạch tổ chức Hội nghị đối thoại giữa Chủ tịch UBND thành phố với người dân, doanh nghiệp năm 2019",
                  author="Văn phòng UBND thành phố " + CITY,
                  subject="Dự thảo Kế hoạch đối thoại với người dân, doanh nghiệp về cải cách hành chính năm 2019",
                  keywords="dự thảo, kế hoạch, đối thoại, người dân, doanh nghiệp",
                  created="2019-06-26T15:00:00+07:00", body=body)


DOCUMENTS = [
    doc_snv_report,
    doc_stttt_report,
    doc_to_trinh,
    doc_du_thao_qd,
    doc_ke_hoach_khao_sat,
    doc_phieu_khao_sat,
    doc_tiep_cong_dan,
    doc_ke_hoach_doi_thoai,
]


def main() -> None:
    total = 0
    for make in DOCUMENTS:
        path = make()
        size = path.stat().st_size
        total += size
        print(f"{path.name:40s} {size / 1024:7.1f} KiB")
    print(f"{'total':40s} {total / 1024:7.1f} KiB")


if __name__ == "__main__":
    main()
