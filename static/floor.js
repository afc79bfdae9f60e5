"use strict";
// The speakers' list, on the tablets and the console: a participant asks for the floor on the
// item under discussion and may withdraw; the chair and the secretary move requests up and
// down, give the floor and end it. The speaker's time counts down on every tablet from the
// start time and the limit the server sent, on the server's clock (body[data-now]).
// Its partial (_floor.html) comes before live.js and api.js in the page: it starts once all
// the page's scripts have run.
document.addEventListener("DOMContentLoaded", function () {
  const root = document.getElementById("floor");
  if (!root || !window.MeetingLive) return;
  const api = () => window.MeetingApi;
  const meetingId = root.dataset.meetingId;
  const me = Number(root.dataset.userId);
  const lead = root.dataset.lead === "true";
  const strings = JSON.parse(document.getElementById("floor-strings").textContent);
  const t = (key, values) => {
    let text = strings[key] || key;
    for (const name in values || {}) text = text.replace("{" + name + "}", values[name]);
    return text;
  };
  const offset = Date.parse(document.body.dataset.now) - Date.now();
  const now = () => Date.now() + (isNaN(offset) ? 0 : offset);
  const error = document.getElementById("floor-error");
  const queue = document.getElementById("floor-queue");
  const spoken = document.getElementById("floor-spoken");
  const ask = document.getElementById("floor-ask");
  const withdrawButton = document.getElementById("floor-withdraw");
  let state = null;

  const ORDER = { done: 0, speaking: 1, waiting: 2 };
  function sorted(list) {
    return list.slice().sort((a, b) => ORDER[a.status] - ORDER[b.status]
      || (a.position || 0) - (b.position || 0)
      || (a.started_at || "").localeCompare(b.started_at || "") || a.id - b.id);
  }
  function renumber(list) {
    const waiting = list.filter((r) => r.status === "waiting")
      .sort((a, b) => a.position - b.position || a.id - b.id);
    return list.map((r) => {
      const at = waiting.indexOf(r);
      return at < 0 ? r : Object.assign({}, r, { position: at + 1 });
    });
  }

  // The floor's events, as the server changes its list (tests/floor_votes_client.py alike).
  function applyFloor(s, event) {
    const d = event.data;
    const floor = s.floor;
    switch (event.event) {
      case "floor.requested":
      case "floor.given":
      case "floor.ended": {
        let list = floor.requests.filter((r) => r.id !== d.request.id);
        if (event.event === "floor.given") list = renumber(list);
        floor.requests = sorted(list.concat([d.request]));
        return true;
      }
      case "floor.withdrawn":
        floor.requests = sorted(renumber(floor.requests.filter((r) => r.id !== d.request_id)));
        return true;
      case "floor.reordered":
        floor.requests = sorted(floor.requests.map((r) => {
          const at = d.order.indexOf(r.id);
          return at < 0 ? r : Object.assign({}, r, { position: at + 1 });
        }));
        return true;
      case "floor.limit_set":
        floor.limit_seconds = d.limit_seconds;
        return true;
      default:
        return false;
    }
  }
  const previous = window.MeetingLive.extra;
  window.MeetingLive.extra = (s, event) => {
    if (!applyFloor(s, event) && previous) previous(s, event);
  };

  function clock(ms) {
    const s = Math.floor(Math.abs(ms) / 1000);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function who(r) {
    return r.name + (r.unit_name ? " (" + r.unit_name + ")" : "");
  }

  function button(label, cls, work) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = label;
    b.addEventListener("click", () => api().act(b, error, work));
    return b;
  }

  function itemTitle(id) {
    const item = state.agenda_items.find((i) => i.id === id);
    return item ? t("Agenda item {n}", { n: item.position }) : "";
  }

  function render() {
    if (!state) return;
    const requests = state.floor.requests;
    const speaking = requests.find((r) => r.status === "speaking");
    const box = document.getElementById("floor-speaker");
    box.hidden = !speaking;
    if (speaking) {
      document.getElementById("floor-speaker-name").textContent = t("Speaking: {name}", { name: who(speaking) });
      box.dataset.requestId = String(speaking.id);
      tick();
    }
    const end = document.getElementById("floor-end");
    if (end) end.hidden = !speaking;
    const waiting = requests.filter((r) => r.status === "waiting");
    queue.replaceChildren(...waiting.map((r, i) => {
      const li = document.createElement("li");
      li.className = "floor-request";
      li.dataset.requestId = String(r.id);
      li.dataset.userId = String(r.user_id);
      const name = document.createElement("span");
      name.className = "floor-name";
      name.textContent = who(r);
      li.append(name);
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = [itemTitle(r.agenda_item_id), r.note].filter(Boolean).join(" · ");
      li.append(" ", meta);
      if (lead) {
        const ids = waiting.map((x) => x.id);
        li.append(button(t("Give the floor"), "floor-give", (key) =>
          api().call("POST", "/api/floor/" + r.id + "/give", undefined, { key })));
        if (i > 0) {
          li.append(button("↑", "secondary floor-up", (key) => {
            const order = ids.slice(); order.splice(i, 1); order.splice(i - 1, 0, r.id);
            return api().call("PUT", "/api/meetings/" + meetingId + "/floor/order", { order }, { key });
          }));
        }
      }
      if (lead || r.user_id === me) {
        li.append(button(t("Withdraw"), "secondary floor-remove", (key) =>
          api().call("DELETE", "/api/floor/" + r.id, undefined, { key })));
      }
      return li;
    }));
    document.getElementById("floor-empty").hidden = requests.length > 0;
    if (spoken) {
      const done = requests.filter((r) => r.status === "done");
      spoken.textContent = done.length ? t("Have spoken: {names}", { names: done.map((r) => r.name).join(", ") }) : "";
    }
    const mine = requests.find((r) => r.user_id === me && (r.status === "waiting" || r.status === "speaking"));
    if (ask) ask.hidden = Boolean(mine);
    if (withdrawButton) {
      withdrawButton.hidden = !mine || mine.status !== "waiting";
      withdrawButton.dataset.requestId = mine ? String(mine.id) : "";
    }
    const pick = document.querySelector("#floor-add-form select");
    if (pick && document.activeElement !== pick) {
      const chosen = pick.value;
      const blank = document.createElement("option");
      blank.value = ""; blank.textContent = "—";
      pick.replaceChildren(blank, ...state.participants.filter((p) => !requests.some((r) =>
        r.user_id === p.user_id && (r.status === "waiting" || r.status === "speaking"))).map((p) => {
        const o = document.createElement("option");
        o.value = String(p.user_id); o.textContent = p.name;
        return o;
      }));
      pick.value = chosen;
    }
    const limit = document.getElementById("floor-limit");
    if (limit && document.activeElement !== limit) {
      limit.value = state.floor.limit_seconds ? String(Math.round(state.floor.limit_seconds / 60 * 10) / 10) : "";
    }
  }

  function tick() {
    if (!state) return;
    const speaking = state.floor.requests.find((r) => r.status === "speaking");
    const timer = document.getElementById("floor-timer");
    if (!speaking || !speaking.started_at) { timer.textContent = ""; return; }
    // never more than the limit: the page's estimate of the server's clock may be a little off
    const left = Math.min(speaking.limit_seconds * 1000,
                          speaking.limit_seconds * 1000 - (now() - Date.parse(speaking.started_at)));
    timer.textContent = left >= 0 ? t("{time} left", { time: clock(left) }) : t("Over by {time}", { time: clock(left) });
    timer.classList.toggle("over", left < 0);
    timer.dataset.left = String(Math.round(left / 1000));
  }

  if (ask) {
    ask.addEventListener("click", () => api().act(ask, error, (key) =>
      api().call("POST", "/api/meetings/" + meetingId + "/floor", {}, { key })));
  }
  if (withdrawButton) {
    withdrawButton.addEventListener("click", () => api().act(withdrawButton, error, (key) =>
      api().call("DELETE", "/api/floor/" + withdrawButton.dataset.requestId, undefined, { key })));
  }
  const end = document.getElementById("floor-end");
  if (end) {
    end.addEventListener("click", () => api().act(end, error, (key) =>
      api().call("POST", "/api/floor/" + document.getElementById("floor-speaker").dataset.requestId + "/end", undefined, { key })));
  }
  const add = document.getElementById("floor-add-form");
  if (add) {
    api().onSubmit(add, async (data, key) => {
      await api().call("POST", "/api/meetings/" + meetingId + "/floor", { user_id: Number(data.get("user_id")) }, { key });
      add.reset();
    });
  }
  const form = document.getElementById("floor-limit-form");
  if (form) {
    api().onSubmit(form, (data, key) => {
      const minutes = Number(data.get("minutes"));
      const seconds = data.get("minutes") === "" ? null : Math.round(minutes * 60);
      return api().call("PUT", "/api/meetings/" + meetingId + "/floor/limit", { limit_seconds: seconds }, { key });
    });
  }
  document.addEventListener("meeting-state", (event) => { state = event.detail; render(); });
  if (window.MeetingLive.state()) { state = window.MeetingLive.state(); render(); }
  setInterval(tick, 1000);
});
