"use strict";
// The tablet view of a meeting: re-renders the agenda from the live state.
(function () {
  const list = document.getElementById("agenda");
  const root = document.querySelector("[data-live-meeting]");
  if (!root) return;
  const meetingId = root.dataset.liveMeeting;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const name in attrs || {}) node.setAttribute(name, attrs[name]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function vndate(iso) {
    const [y, m, d] = iso.split("-");
    if (document.documentElement.lang === "en") {
      return new Date(Date.UTC(+y, +m - 1, +d)).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    }
    return d + "/" + m + "/" + y;
  }

  function renderConclusions(state, t) {
    const box = document.getElementById("conclusions");
    if (!box) return;
    const fresh = document.createDocumentFragment();
    const ordered = state.conclusions.slice().sort((a, b) => a.number - b.number);
    for (const c of ordered) {
      const li = el("li", { class: "conclusion", id: `conclusion-${c.id}`, "data-conclusion-id": c.id });
      li.appendChild(el("div", { class: "conclusion-text" }, c.text));
      const mine = state.tasks.filter((x) => x.conclusion_id === c.id).sort((a, b) => a.id - b.id);
      if (mine.length) {
        const ul = el("ul", { class: "tasks" });
        for (const task of mine) {
          const row = el("li", { class: "task" + (task.overdue ? " overdue" : ""), "data-task-id": task.id });
          row.appendChild(el("span", { class: "task-title" }, task.title));
          let meta = t("Lead") + ": " + task.lead_unit_name;
          if (task.support_unit_names.length) meta += " · " + t("Supporting") + ": " + task.support_unit_names.join(", ");
          meta += " · " + t("Deadline") + ": " + (task.ongoing ? t("ongoing") : vndate(task.due_date));
          if (task.overdue) meta += " · " + overdueWords(task, t);
          row.appendChild(el("span", { class: "meta" }, " " + meta));
          ul.appendChild(row);
        }
        li.appendChild(ul);
      }
      fresh.appendChild(li);
    }
    if (!ordered.length) fresh.appendChild(el("li", { class: "empty" }, t("No conclusions yet.")));
    box.replaceChildren(fresh);
  }

  const checkin = document.getElementById("checkin");
  if (checkin) {
    checkin.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-status]");
      if (!button) return;
      const api = window.MeetingApi;
      api.act(button, checkin.querySelector(".error"), (key) => api.call(
        "POST", "/api/meetings/" + meetingId + "/attendance", { status: button.dataset.status }, { key }));
    });
  }

  // The meeting page follows the presenter: when the room is shown a document (another one, or
  // one after none), the tablet opens it at the presenter's page. What was already shown when
  // the page opened is offered in the meeting's bar instead: the reader came here on purpose.
  const followBox = document.getElementById("follow-meeting");
  if (followBox) {
    const key = "follow-" + meetingId;
    const chosen = sessionStorage.getItem(key);
    followBox.checked = followBox.dataset.lead === "true" ? chosen === "on" : chosen !== "off";
    let shown;  // the document presented when last seen; undefined before the first state
    const go = (p) => location.assign("/meetings/" + meetingId + "/documents/" + p.document_id + "?page=" + p.page);
    followBox.addEventListener("change", () => {
      sessionStorage.setItem(key, followBox.checked ? "on" : "off");
      const state = window.MeetingLive.state();
      if (followBox.checked && state && state.presenter) go(state.presenter);
    });
    document.addEventListener("meeting-state", (event) => {
      const p = event.detail.presenter;
      const before = shown;
      shown = p ? p.document_id : null;
      if (before !== undefined && p && shown !== before && followBox.checked) go(p);
    });
  }

  // "overdue by 12 days", counted on the server's date.
  const today = Date.parse((document.body.dataset.now || "").slice(0, 10));
  function overdueWords(task, t) {
    const days = task.due_date ? Math.round((today - Date.parse(task.due_date)) / 86400000) : 0;
    if (!(days > 0)) return t("overdue");
    return days === 1 ? t("overdue by 1 day") : t("overdue by {n} days", { n: days });
  }

  function renderPublications(state, t) {
    const box = document.getElementById("publications");
    if (!box) return;
    const rows = state.publications.slice().sort((a, b) => a.id - b.id).map((p) => {
      const li = el("li");
      li.appendChild(el("a", { href: "/publications/" + p.id }, t(p.kind) + " · " + t("version {n}", { n: p.version })));
      let meta = " " + t("publication " + p.status);
      if (p.published_at) meta += " · " + vndate(p.published_at.slice(0, 10));
      li.appendChild(el("span", { class: "meta" }, meta));
      return li;
    });
    if (!rows.length) rows.push(el("li", { class: "empty meta" }, t("Nothing published yet.")));
    box.replaceChildren(...rows);
  }

  function renderParticipants(state, t) {
    const box = document.getElementById("people");
    if (!box) return;
    box.replaceChildren(...state.participants.map((p) => {
      const li = el("li", {}, p.name + " ");
      li.appendChild(el("span", { class: "meta" }, [p.title, t(p.role), t(p.attendance)].filter(Boolean).join(" · ")));
      return li;
    }));
  }

  document.addEventListener("meeting-state", function (event) {
    const state = event.detail;
    const t = window.MeetingLive.t;
    renderConclusions(state, t);
    renderPublications(state, t);
    renderParticipants(state, t);
    if (checkin) {
      const me = state.participants.find((p) => String(p.user_id) === checkin.dataset.userId);
      document.getElementById("my-attendance").textContent = me ? t(me.attendance) : "";
      for (const b of checkin.querySelectorAll("button")) b.setAttribute("aria-pressed", me && me.attendance === b.dataset.status ? "true" : "false");
    }
    if (!list) return;
    const items = state.agenda_items.slice().sort((a, b) => a.position - b.position);
    const fresh = document.createDocumentFragment();
    for (const item of items) {
      const li = el("li", { class: "agenda-item", id: `item-${item.id}`, "data-item-id": item.id });
      if (item.id === state.current_item_id) li.setAttribute("aria-current", "true");
      li.appendChild(el("div", { class: "item-title" }, item.title));
      if (item.presenter) li.appendChild(el("div", { class: "meta" }, t("Presenter") + ": " + item.presenter));
      if (item.duration_minutes) li.appendChild(el("div", { class: "meta" }, t("{n} minutes", { n: item.duration_minutes })));
      const docs = state.documents.filter((d) => d.agenda_item_id === item.id).sort((a, b) => a.id - b.id);
      if (docs.length) {
        const ul = el("ul", { class: "documents" });
        for (const d of docs) {
          const row = el("li");
          row.appendChild(el("a", { href: "/meetings/" + meetingId + "/documents/" + d.id }, d.title));
          let meta = " " + t("{n} pages", { n: d.page_count });
          if (d.version > 1) meta += " · " + t("version {n}", { n: d.version });
          row.appendChild(el("span", { class: "meta" }, meta));
          ul.appendChild(row);
        }
        li.appendChild(ul);
      }
      fresh.appendChild(li);
    }
    if (!items.length) fresh.appendChild(el("li", { class: "empty" }, t("The agenda is empty.")));
    list.replaceChildren(fresh);
    const current = list.querySelector('[aria-current="true"]');
    const banner = document.getElementById("current-item");
    if (banner) banner.textContent = current ? current.querySelector(".item-title").textContent : "";
  });
})();
