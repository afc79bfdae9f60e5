"""What a publication shows: a snapshot of the meeting record and the editable fields.

The snapshot is taken when the draft is made (and on refresh); the fields are what the secretary
and the chair edit. Publishing freezes both into HTML and PDF.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from meeting_server.deadlines import task_wording
from meeting_server.settings import Settings

ATTENDANCE_VI = {"present": "có mặt", "online": "dự trực tuyến", "absent": "vắng mặt",
                 "unknown": "chưa điểm danh"}


def vietnamese_date(day: date) -> str:
    """"ngày 05 tháng 7 năm 2019", as the date line of an administrative document."""
    return f"ngày {day.day:02d} tháng {day.month} năm {day.year}"


def short_date(iso: str | None) -> str:
    if not iso:
        return ""
    return date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")


def deadline_words(task: dict[str, Any]) -> str:
    """The deadline as the notice prints it, once, in the official wording."""
    return task_wording(task)


def occasion(title: str) -> str:
    """"cuộc họp …", unless the title already says what kind of meeting it is."""
    for word in ("phiên họp", "cuộc họp", "hội nghị", "họp"):
        if title.lower().startswith(word):
            return title[0].lower() + title[1:]
    return f"cuộc họp {title}"


def snapshot(state: dict[str, Any]) -> dict[str, Any]:
    """The meeting record as the publication shows it, from the meeting state."""
    meeting = state["meeting"]
    start = datetime.fromisoformat(meeting["starts_at"])
    people = state["participants"]
    chair = next((p for p in people if p["role"] == "chair"), None)
    secretary = next((p for p in people if p["role"] == "secretary"), None)
    tasks_by_conclusion: dict[int, list[dict[str, Any]]] = {}
    units: dict[str, str] = {}
    for task in sorted(state["tasks"], key=lambda t: t["id"]):
        tasks_by_conclusion.setdefault(task["conclusion_id"], []).append({
            "title": task["title"], "lead_unit": task["lead_unit_name"],
            "support_units": task["support_unit_names"], "due_date": task["due_date"],
            "due_text": task["due_text"], "ongoing": task["ongoing"],
            "deadline": deadline_words(task),
        })
        units[task["lead_unit"]] = task["lead_unit_name"]
        units.update(zip(task["support_units"], task["support_unit_names"], strict=True))
    documents: dict[int, list[str]] = {}
    for doc in state["documents"]:
        documents.setdefault(doc["agenda_item_id"], []).append(doc["title"])
    return {
        "title": meeting["title"],
        "occasion": occasion(meeting["title"]),
        "location": meeting["location"],
        "starts_at": meeting["starts_at"],
        "time_text": f"{start:%H} giờ {start:%M}, {vietnamese_date(start.date())}",
        "chair": _person(chair),
        "secretary": _person(secretary),
        "attendees": [{**_person(p), "attendance": ATTENDANCE_VI.get(p["attendance"], ""),
                       "absent": p["attendance"] == "absent",
                       "reason": p["absence_reason"] or ""}
                      for p in people if p["role"] not in ("chair", "secretary")],
        "agenda": [{"id": item["id"], "position": item["position"], "title": item["title"],
                    "presenter": item["presenter"], "documents": documents.get(item["id"], [])}
                   for item in state["agenda_items"]],
        "conclusions": [{"number": c["number"], "text": c["text"],
                         "tasks": tasks_by_conclusion.get(c["id"], [])}
                        for c in sorted(state["conclusions"], key=lambda c: c["number"])],
        "units_with_tasks": sorted(units.values()),
        "participant_units": sorted({p["unit_name"] for p in people if p["unit_name"]}),
    }


def _person(person: dict[str, Any] | None) -> dict[str, Any]:
    if person is None:
        return {"name": "", "title": "", "unit": ""}
    return {"name": person["name"], "title": person["title"], "unit": person["unit_name"] or ""}


def default_fields(kind: str, record: dict[str, Any], settings: Settings,
                   today: date) -> dict[str, Any]:
    """Editable parts with sensible first drafts, in the house style of a city office."""
    chair = record["chair"]
    chair_words = f"{chair['title']} {chair['name']}".strip() or "chủ trì cuộc họp"
    attendees = ", ".join(sorted({a["unit"] for a in record["attendees"] if a["unit"]}))
    if kind == "notice":
        introduction = (
            f"Vào lúc {record['time_text']}, tại {record['location'] or 'trụ sở'}, "
            f"{chair_words} đã chủ trì {record['occasion']}."
            + (f" Tham dự cuộc họp có đại diện lãnh đạo: {attendees}." if attendees else "")
            + f" Sau khi nghe báo cáo và ý kiến của các đại biểu dự họp, {chair_words} "
            "kết luận như sau:"
        )
        recipients = (["Như trên"] + record["units_with_tasks"]
                      + [u for u in record["participant_units"]
                         if u not in record["units_with_tasks"]] + ["Lưu: VT"])
        signer_title = "TL. CHỦ TỊCH\nCHÁNH VĂN PHÒNG"
    else:
        introduction = f"Biên bản {record['occasion']}."
        recipients = ["Các thành viên dự họp", "Lưu: VT"]
        signer_title = "CHỦ TRÌ"
    return {
        "issuer_parent": settings.issuer_parent,
        "issuer": settings.issuer,
        "place": settings.place,
        "number": "",
        "date": today.isoformat(),
        "introduction": introduction,
        "opinions": {str(item["id"]): "" for item in record["agenda"]},
        "closing": ("Văn phòng thông báo để các cơ quan, đơn vị biết, thực hiện./."
                    if kind == "notice" else "Cuộc họp kết thúc vào lúc …, cùng ngày./."),
        "signer_title": signer_title,
        "signer_name": chair["name"] if kind == "minutes" else "",
        "recipients": recipients,
    }
