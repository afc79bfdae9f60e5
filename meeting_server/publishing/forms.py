"""The forms of Nghị định 30/2020/NĐ-CP, Phụ lục I, as plain functions over text.

Dates ("ngày 05 tháng 01 năm 2020"), numbers and symbols ("Số: 152/TB-VP"), the signer's
authority (TM., KT., TL., TUQ.), the official wording of an assigned task, and the small rules of
typesetting that the templates cannot express (no word left alone on the last line).
"""

from __future__ import annotations

from datetime import date
from typing import Any

NBSP = "\u00a0"
#: The kinds of document and their abbreviations (Phụ lục III): thông báo, biên bản.
KIND_ABBREVIATIONS = {"notice": "TB", "minutes": "BB"}
#: How the signer signs when they are neither the head nor a deputy: thừa lệnh (by order of
#: the head, the usual case for a chief of office) or thừa ủy quyền (authorised by the head).
AUTHORITIES = ("TL", "TUQ")
#: Units whose head's title starts with the unit's own first words: "Chánh Văn phòng".
_HEADED_BY_CHANH = ("Văn phòng", "Thanh tra")


def vietnamese_date(day: date) -> str:
    """"ngày 05 tháng 7 năm 2019": the day, and the months January and February, get a
    leading zero, so that nothing can be written in front of them."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def document_symbol(kind: str, issuer_symbol: str) -> str:
    """"TB-VP": the kind of document and the issuing body."""
    return f"{KIND_ABBREVIATIONS[kind]}-{issuer_symbol}"


def document_number(number: str, symbol: str) -> str:
    """"152/TB-VP"; numbers under 10 get a leading zero ("05/TB-VP"); without a number, the
    space a clerk would fill in."""
    if not number:
        return f"{NBSP * 6}/{symbol}"
    return f"{int(number):02d}/{symbol}"


def no_orphan(text: str) -> str:
    """The last two words joined by a no-break space: no word stands alone on the last line."""
    words = text.split()
    if len(words) < 2:
        return text.strip()
    return " ".join(words[:-2] + [f"{words[-2]}{NBSP}{words[-1]}"])


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """The first letter in lower case, unless the first word is an abbreviation ("UBND") or the
    text opens with a name ("Sở Tư pháp …", two capitalised words)."""
    words = text.split(maxsplit=2)
    if not words or words[0].isupper() or (len(words[0]) > 1 and not words[0][1:].islower()):
        return text
    if len(words) > 1 and words[1][:1].isupper():
        return text
    return text[:1].lower() + text[1:]


def title_in_unit(title: str, unit: str) -> str:
    """A person's title without their unit's name, for lists grouped by unit: "Giám đốc Sở Nội
    vụ" in "Sở Nội vụ" is "Giám đốc"; "Chánh Văn phòng UBND thành phố" in "Văn phòng UBND thành
    phố" is "Chánh Văn phòng"."""
    if not unit or not title.casefold().endswith(unit.casefold()):
        return title
    kept = title[: len(title) - len(unit)].rstrip(" ,")
    if kept.split()[-1:] == ["Chánh"]:
        for noun in _HEADED_BY_CHANH:
            if unit.startswith(noun):
                return f"{kept} {noun}"
    return kept or title


def unit_beside(title: str, unit: str) -> str:
    """The unit to print in parentheses after a person's title: none when the title already
    names it ("Giám đốc Sở Nội vụ" of "Sở Nội vụ"), else the unit ("Chánh Văn phòng" of "Văn
    phòng UBND thành phố")."""
    if not unit or " ".join(unit.split()).casefold() in " ".join(title.split()).casefold():
        return ""
    return unit


def signer_lines(head: str, collective: str, position: str, authority: str) -> list[str]:
    """The signer's authority and position, in capitals, one per line (Phụ lục I, mục II.8).

    ``head`` is the position of the issuing body's head ("Chánh Văn phòng"), ``collective`` the
    name of a collective body ("Ủy ban nhân dân", or empty), ``position`` the signer's own
    ("Phó Chánh Văn phòng UBND thành phố"), ``authority`` "TL" or "TUQ" for a signer who is
    neither the head nor a deputy (default TL):

    - the head signs as such: CHÁNH VĂN PHÒNG;
    - a deputy signs for the head: KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG;
    - for a collective body both go under TM. ỦY BAN NHÂN DÂN;
    - anyone else signs by order (TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG) or by authorisation
      (TUQ. CHỦ TỊCH / GIÁM ĐỐC SỞ TƯ PHÁP) of the head.
    """
    chief = " ".join(head.split()).upper()
    said = " ".join(position.split()).upper() or chief
    if said.startswith(f"PHÓ {chief}"):
        lines = [f"KT. {chief}", f"PHÓ {chief}"]
    elif said.startswith(chief):
        lines = [chief]
    else:
        return [f"{authority if authority in AUTHORITIES else 'TL'}. {chief}", said]
    if collective.strip():
        lines.insert(0, f"TM. {' '.join(collective.split()).upper()}")
    return lines


def task_sentence(task: dict[str, Any]) -> str:
    """A task in the wording of a conclusion notice: "Giao Sở Tư pháp chủ trì, phối hợp với Sở
    Nội vụ rà soát …; thời hạn: trong tháng 7 (hạn 31/07/2019)." The deadline is said once: a
    title that ends with the deadline's own words loses them."""
    title = " ".join(task["title"].split()).rstrip(" .;")
    words = " ".join((task.get("due_text") or "").split()).rstrip(" .;")
    if words and title.casefold().endswith(words.casefold()) and len(title) > len(words):
        title = title[: len(title) - len(words)].rstrip(" ,;")
    lead = f"Giao {_unit_in_sentence(task['lead_unit'])} chủ trì"
    if task["support_units"]:
        supports = ", ".join(_unit_in_sentence(u) for u in task["support_units"])
        lead += f", phối hợp với {supports}"
    deadline = task["deadline"].strip().rstrip(" .;")
    if deadline.casefold().startswith("thực hiện"):
        when = deadline
    elif task.get("ongoing"):
        when = f"thực hiện {deadline}"
    else:
        when = f"thời hạn: {deadline}"
    return f"{lead} {lower_first(title)}; {when}."


def _unit_in_sentence(name: str) -> str:
    """A unit's name inside a sentence: names keep their capitals ("Sở Tư pháp", "Văn phòng
    UBND thành phố"); a group ("Các sở, ban, ngành") does not."""
    return lower_first(name) if name.startswith("Các ") else name


def recipient_lines(recipients: list[str]) -> list[str]:
    """Each line ends with ";" and the last with "." (Phụ lục I, mục II.10)."""
    cleaned = [r.strip().rstrip(" .;,") for r in recipients if r.strip()]
    return [f"- {r}{'.' if i == len(cleaned) - 1 else ';'}" for i, r in enumerate(cleaned)]


def says_as_above(recipients: list[str]) -> bool:
    """Whether the recipients name "Như trên" (the addressees of a "Kính gửi" line)."""
    return any(r.strip().rstrip(" .;,").casefold() == "như trên" for r in recipients)
