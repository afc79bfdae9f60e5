"""The example of DESIGN.md: three tasks from the administrative reform meeting."""

from __future__ import annotations

from typing import Any

import httpx

from conftest import Server


async def enter_example(server: Server) -> tuple[httpx.AsyncClient, int, list[dict[str, Any]]]:
    """The three tasks of the administrative reform meeting, as the secretary enters them."""
    secretary = await server.login("thuky.nguyen")
    meeting = (await secretary.get("/api/meetings")).json()["meetings"][0]
    assert meeting["starts_at"].startswith("2019-07-05")
    mid = meeting["id"]
    r = await secretary.post(f"/api/meetings/{mid}/conclusions", json={
        "text": "Phó Chủ tịch UBND thành phố kết luận về công tác cải cách hành chính.",
        "agenda_item_id": meeting["agenda_items"][1]["id"]})
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1
    conclusion = r.json()["id"]
    created = []
    for body in [
        {"title": "Rà soát dịch vụ công trực tuyến mức độ 4", "lead_unit": "STTTT",
         "due_text": "trước ngày 15/8"},
        {"title": "Đẩy nhanh công bố 40 bộ thủ tục hành chính liên thông",
         "lead_unit": "VPUBND", "support_units": ["STP"], "due_text": "trong tháng 7"},
        {"title": "Phối hợp khảo sát mức độ hài lòng của người dân", "lead_unit": "SBN",
         "support_units": ["MTTQ"], "due_text": "thường xuyên"},
    ]:
        r = await secretary.post(f"/api/conclusions/{conclusion}/tasks", json=body)
        assert r.status_code == 201, r.text
        created.append(r.json())
    return secretary, mid, created
