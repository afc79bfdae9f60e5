"""What a publication shows: a snapshot of the meeting record and the editable fields.

The snapshot is taken when the draft is made (and on refresh); the fields are what the secretary
and the chair edit. Publishing freezes both into HTML and PDF. The wording follows
:mod:`meeting_server.publishing.forms`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from meeting_server.deadlines import task_wording
from meeting_server.publishing.forms import (
    document_symbol,
    title_in_unit,
    unit_beside,
    vietnamese_date,
)
from meeting_server.settings import Settings

__all__ = ["deadline_words", "default_fields", "short_date", "snapshot", "vietnamese_date"]

ATTENDANCE_VI = {"present": "có mặt", "online": "dự trực tuyến", "absent": "vắng mặt",
                 "unknown": "chưa điểm danh"}
#: Who is listed as attending: present in the room or online; not the absent, and not those
#: whose attendance was never recorded.
ATTENDING = ("present", "online")


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


def held_times(meeting: dict[str, Any]) -> tuple[datetime, datetime | None]:
    """When the meeting started and ended, as the minutes first say it: the times the app
    recorded when the meeting was started and ended in the console, in the zone of its
    scheduled start; before it started, the scheduled start (and no end)."""
    scheduled = datetime.fromisoformat(meeting["starts_at"])

    def local(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value).astimezone(scheduled.tzinfo) if value else None

    return local(meeting.get("started_at")) or scheduled, local(meeting.get("ended_at"))


def record_times(record: dict[str, Any]) -> dict[str, str]:
    """The minutes' ``start_time`` and ``end_time`` (HH:MM) as the record gives them; a record
    taken before the actual times were kept gives the scheduled start and no end."""
    return {"start_time": record.get("start_time")
            or datetime.fromisoformat(record["starts_at"]).strftime("%H:%M"),
            "end_time": record.get("end_time") or ""}


def snapshot(state: dict[str, Any]) -> dict[str, Any]:
    """The meeting record as the publication shows it, from the meeting state."""
    meeting = state["meeting"]
    start, end = held_times(meeting)
    people = state["participants"]
    chair = next((p for p in people if p["role"] == "chair"), None)
    secretary = next((p for p in people if p["role"] == "secretary"), None)
    others = [p for p in people if p["role"] not in ("chair", "secretary")]
    tasks_by_conclusion: dict[int, list[dict[str, Any]]] = {}
    units: dict[str, str] = {}
    for task in sorted(state["tasks"], key=lambda t: t["id"]):
        if task["status"] == "cancelled":
            continue
        tasks_by_conclusion.setdefault(task["conclusion_id"], []).append({
            "title": task["title"], "lead_unit": task["lead_unit_name"],
            "support_units": task["support_unit_names"], "due_date": task["due_date"],
            "due_text": task["due_text"], "ongoing": task["ongoing"],
            "deadline": deadline_words(task),
        })
        units.setdefault(task["lead_unit"], task["lead_unit_name"])
        for code, name in zip(task["support_units"], task["support_unit_names"], strict=True):
            units.setdefault(code, name)
    documents: dict[int, list[str]] = {}
    for doc in state["documents"]:
        documents.setdefault(doc["agenda_item_id"], []).append(doc["title"])
    attending = [p for p in others if p["attendance"] in ATTENDING]
    # Once attendance is taken, a participant never checked in was not there: the minutes list
    # them as absent (the chair and the secretary are named in their roles). If it was never
    # taken at all, the minutes say so rather than "no one absent".
    taken = any(p["attendance"] != "unknown" for p in people)
    return {
        "title": meeting["title"],
        "occasion": occasion(meeting["title"]),
        "location": meeting["location"],
        "starts_at": meeting["starts_at"],
        "started_at": meeting.get("started_at"),
        "ended_at": meeting.get("ended_at"),
        "day": start.date().isoformat(),
        "date_text": vietnamese_date(start.date()),
        "time_text": f"{start:%H} giờ {start:%M}, {vietnamese_date(start.date())}",
        "start_time": f"{start:%H:%M}",
        "end_time": f"{end:%H:%M}" if end else "",
        # "cùng ngày" unless the meeting ended on another day than it started.
        "end_date_text": vietnamese_date(end.date()) if end and end.date() != start.date()
        else "",
        "chair": _person(chair),
        "secretary": _person(secretary),
        "attendees": [{**_person(p), "attendance": ATTENDANCE_VI.get(p["attendance"], ""),
                       "attending": p["attendance"] in ATTENDING,
                       "absent": p["attendance"] == "absent",
                       "reason": p["absence_reason"] or ""}
                      for p in others],
        "attending_units": list(dict.fromkeys(p["unit_name"] for p in attending
                                              if p["unit_name"])),
        "attendees_by_unit": _by_unit(attending),
        "absent": [{**_person(p), "reason": p["absence_reason"] or "",
                    "unrecorded": p["attendance"] != "absent"}
                   for p in people if p["attendance"] == "absent"
                   or (taken and p["role"] not in ("chair", "secretary")
                       and p["attendance"] not in ATTENDING)],
        "attendance_taken": taken,
        "unrecorded": [p["name"] for p in people if p["attendance"] not in
                       (*ATTENDING, "absent")],
        "agenda": [{"id": item["id"], "position": item["position"], "title": item["title"],
                    "presenter": item["presenter"], "documents": documents.get(item["id"], [])}
                   for item in state["agenda_items"]],
        "conclusions": [{"number": c["number"], "text": c["text"],
                         "agenda_item_id": c["agenda_item_id"],
                         "tasks": tasks_by_conclusion.get(c["id"], [])}
                        for c in sorted(state["conclusions"], key=lambda c: c["number"])],
        "units_with_tasks": list(units.values()),
        **floor_and_votes(state),
        "participant_units": list(dict.fromkeys(p["unit_name"] for p in people
                                                if p["unit_name"])),
    }


def floor_and_votes(state: dict[str, Any]) -> dict[str, Any]:
    """Who spoke on each agenda item, in the order they spoke (``speakers``, keyed by the item
    id as text, "" for none), and the closed votes with their results (``votes``)."""
    speakers: dict[str, list[dict[str, Any]]] = {}
    spoken = [r for r in state.get("floor", {}).get("requests", [])
              if r["status"] in ("speaking", "done")]
    for r in sorted(spoken, key=lambda r: (r["started_at"] or "", r["id"])):
        speakers.setdefault(str(r["agenda_item_id"] or ""), []).append(
            {"name": r["name"], "title": r["title"],
             "unit": unit_beside(r["title"] or "", r["unit_name"] or "")})
    return {"speakers": speakers,
            "votes": [vote_record(v) for v in state.get("votes", []) if v["status"] == "closed"
                      and v["result"] is not None]}


QUORUM_VI = {"none": "", "present": "quá nửa số thành viên có mặt",
             "members": "quá nửa tổng số thành viên"}
MAJORITY_VI = {"cast": "số phiếu biểu quyết", "present": "số thành viên có mặt",
               "members": "tổng số thành viên"}
THRESHOLD_VI = {"half": "quá nửa", "two_thirds": "ít nhất hai phần ba"}


def _share(value: float) -> str:
    return f"{value:.1f}".replace(".", ",").replace(",0", "") + "%"


def vote_record(vote: dict[str, Any]) -> dict[str, Any]:
    """A closed vote as the minutes print it, in words."""
    result = vote["result"]
    counts = [f"{label}: {n}/{result['cast']} phiếu ({_share(share)})" for label, n, share
              in zip(vote["options"], result["counts"], result["percentages"], strict=True)]
    rule = (f"{THRESHOLD_VI[vote['threshold']]} {MAJORITY_VI[vote['majority']]},"
            f" tức {result['majority_needed']} phiếu")
    quorum = ""
    if vote["quorum"] != "none":
        quorum = (f"Yêu cầu tham gia biểu quyết: {QUORUM_VI[vote['quorum']]}"
                  f" ({result['quorum_needed']} phiếu); "
                  + ("đủ" if result["quorum_met"] else "không đủ") + ".")
    names = {o: label for o, label in enumerate(vote["options"])}
    return {
        "agenda_item_id": vote["agenda_item_id"], "question": vote["question"],
        "kind": "bỏ phiếu kín" if vote["secret"] else "công khai",
        "counts": counts, "rule": rule, "quorum": quorum,
        "attendance": (f"Có mặt {result['present']}/{result['eligible']} thành viên,"
                       f" {result['cast']} phiếu biểu quyết"),
        "passed": result["passed"], "first_option": vote["options"][0],
        "ballots": [f"{b['name']}: {names.get(b['choice'], '')}" for b in
                    result.get("ballots", [])],
    }


def _person(person: dict[str, Any] | None) -> dict[str, Any]:
    if person is None:
        return {"name": "", "title": "", "unit": ""}
    return {"name": person["name"], "title": person["title"], "unit": person["unit_name"] or ""}


def _by_unit(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attendees grouped by unit, in the order the units first appear, each person's title
    without the unit's name; people of no unit last."""
    groups: dict[str, list[dict[str, str]]] = {}
    for p in sorted(people, key=lambda p: p["unit_name"] is None):
        unit = p["unit_name"] or ""
        groups.setdefault(unit, []).append(
            {"name": p["name"], "title": title_in_unit(p["title"], unit)})
    return [{"unit": unit, "people": found} for unit, found in groups.items()]


def _default_signer(record: dict[str, Any], head: str) -> dict[str, str]:
    """Who signs a notice, first guess: the participant who heads the issuing body, else a
    deputy; else nobody yet (publishing asks for a name)."""
    people = [record["chair"], record["secretary"], *record["attendees"]]
    for prefix in (head, f"Phó {head}"):
        for person in people:
            if person["name"] and person["title"].casefold().startswith(prefix.casefold()):
                return {"title": person["title"], "name": person["name"]}
    return {"title": head, "name": ""}


def default_fields(kind: str, record: dict[str, Any], settings: Settings,
                   today: date) -> dict[str, Any]:
    """Editable parts with first drafts, as a city office writes them. An empty
    ``introduction`` means the one written from the record (attendance included)."""
    chair = record["chair"]
    chair_line = " ".join(f"{chair['title']} {chair['name']}".split())
    recipients = [f"{chair_line} (để báo cáo)"] if chair_line else []
    if kind == "notice":
        signer = _default_signer(record, settings.issuer_head)
        recipients += [*settings.leadership_recipients, *record["units_with_tasks"]]
        issuer_name = settings.issuer.splitlines()[0].capitalize() if settings.issuer else ""
        closing = f"{issuer_name} thông báo để các cơ quan, đơn vị biết, thực hiện./.".strip()
    else:
        signer = {"title": "", "name": ""}
        recipients.append("Các đại biểu dự họp")
        closing = ""
    recipients.append(f"Lưu: VT, {settings.drafting_unit}".rstrip(", "))
    return {
        "issuer_parent": settings.issuer_parent,
        "issuer": settings.issuer,
        "symbol": document_symbol(kind, settings.issuer_symbol),
        "issuer_head": settings.issuer_head,
        "issuer_collective": settings.issuer_collective,
        "place": settings.place,
        "number": "",
        # The minutes are of the day of the meeting; the notice is dated when it is issued.
        "date": (today if kind == "notice"
                 else date.fromisoformat(record.get("day") or record["starts_at"][:10])
                 ).isoformat(),
        "addressees": "",
        "introduction": "",
        "opinions": {str(item["id"]): "" for item in record["agenda"]},
        "closing": closing,
        # When the meeting started and ended, from the record; the secretary may correct them.
        **(record_times(record) if kind == "minutes" else {"end_time": ""}),
        "signer_title": signer["title"],
        "signer_name": signer["name"],
        "signer_authority": "",
        "recipients": recipients,
        "replaces": None,
    }
