"use strict";
// The meeting's bar, on the console and on the tablets: the meeting's status as it changes, how
// long it has been going on, how long the item under discussion has taken against its planned
// minutes (red when over), and what is being presented, with a link to it (and, for the chair
// and the secretary, "Stop presenting"). The secretary starts, ends and reopens the meeting.
// Times are counted on the server's clock (body[data-now]), whatever the tablet's says.
(function () {
  const bar = document.getElementById("meeting-bar");
  const root = document.querySelector("[data-live-meeting]");
  if (!bar || !root) return;
  const api = () => window.MeetingApi;  // api.js comes later in the page
  const meetingId = root.dataset.liveMeeting;
  const strings = JSON.parse(document.getElementById("bar-strings").textContent);
  const t = (key, values) => {
    let text = strings[key] || key;
    for (const name in values || {}) text = text.replace("{" + name + "}", values[name]);
    return text;
  };
  const offset = Date.parse(document.body.dataset.now) - Date.now();
  const now = () => Date.now() + (isNaN(offset) ? 0 : offset);
  const error = document.getElementById("meeting-bar-error");
  const banner = document.getElementById("presenting-banner");
  let state = null;

  function duration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const hh = Math.floor(s / 3600), mm = Math.floor(s / 60) % 60, ss = s % 60;
    const two = (n) => String(n).padStart(2, "0");
    return (hh ? hh + ":" + two(mm) : String(mm)) + ":" + two(ss);
  }

  function show(node, text) {
    node.hidden = !text;
    node.textContent = text || "";
  }

  function render() {
    if (!state) return;
    const m = state.meeting;
    bar.dataset.status = m.status;
    const status = document.getElementById("meeting-status");
    status.textContent = t("meeting " + m.status);
    status.className = "status status-" + m.status;
    const started = m.started_at ? Date.parse(m.started_at) : null;
    const until = m.ended_at ? Date.parse(m.ended_at) : now();
    show(document.getElementById("meeting-timer"),
         started ? t("Meeting time {time}", { time: duration(until - started) }) : "");
    const itemTimer = document.getElementById("item-timer");
    const item = state.agenda_items.find((i) => i.id === state.current_item_id);
    if (m.status === "in_progress" && item && m.current_item_at) {
      const spent = now() - Date.parse(m.current_item_at);
      let text = t("Item {n}: {time}", { n: item.position, time: duration(spent) });
      if (item.duration_minutes) text += " / " + t("{n} minutes", { n: item.duration_minutes });
      show(itemTimer, text);
      itemTimer.classList.toggle("over", Boolean(item.duration_minutes) && spent > item.duration_minutes * 60000);
    } else {
      show(itemTimer, "");
    }
    for (const button of bar.querySelectorAll(".set-status")) {
      const wanted = button.id === "start-meeting" ? "scheduled" : button.id === "end-meeting" ? "in_progress" : "ended";
      button.hidden = m.status !== wanted;
    }
    renderPresenting();
  }

  function renderPresenting() {
    if (!banner) return;
    const p = state.presenter;
    const doc = p ? state.documents.find((d) => d.id === p.document_id) : null;
    banner.hidden = !doc;
    if (!doc) return;
    document.getElementById("presenting-what").textContent = t("Being presented: {title}, page {n}", { title: doc.title, n: p.page });
    document.getElementById("presenting-open").href = "/meetings/" + meetingId + "/documents/" + doc.id + "?page=" + p.page;
  }

  for (const button of bar.querySelectorAll(".set-status")) {
    const label = button.textContent;
    button.addEventListener("click", () => {
      // Ending asks once more, on the button itself.
      if (button.dataset.confirm && button.dataset.armed !== "true") {
        button.dataset.armed = "true";
        button.textContent = button.dataset.confirm;
        setTimeout(() => { button.dataset.armed = "false"; button.textContent = label; }, 5000);
        return;
      }
      button.dataset.armed = "false";
      button.textContent = label;
      api().act(button, error, (key) => api().call("PATCH", "/api/meetings/" + meetingId,
                                                   { status: button.dataset.status }, { key }));
    });
  }
  const stop = document.getElementById("presenting-stop");
  if (stop) {
    stop.addEventListener("click", () => api().act(stop, error, (key) =>
      api().call("DELETE", "/api/meetings/" + meetingId + "/presenter", undefined, { key })));
  }

  document.addEventListener("meeting-state", (event) => { state = event.detail; render(); });
  setInterval(render, 1000);
})();
