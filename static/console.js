"use strict";
// The secretary's console: current item, conclusions and tasks, saved through the API.
(function () {
  const root = document.getElementById("console");
  if (!root) return;
  const meetingId = root.dataset.meetingId;
  const strings = JSON.parse(document.getElementById("console-strings").textContent);
  const t = (key, values) => {
    let text = strings[key] || key;
    for (const name in values || {}) text = text.replace("{" + name + "}", values[name]);
    return text;
  };

  // Every change is one action (api.js): one Idempotency-Key, its button disabled while it is
  // in flight (a double click saves once), its error shown inline in the page's language.
  const api = window.MeetingApi;
  const agendaError = document.getElementById("agenda-error");

  root.addEventListener("click", (event) => {
    const button = event.target.closest(".set-current");
    if (!button) return;
    api.act(button, agendaError, (key) => api.call("PUT", "/api/meetings/" + meetingId + "/current-item",
                                                   { agenda_item_id: Number(button.dataset.itemId) }, { key }));
  });

  const conclusionForm = document.getElementById("conclusion-form");
  api.onSubmit(conclusionForm, async (data, key) => {
    const item = data.get("agenda_item_id");
    await api.call("POST", "/api/meetings/" + meetingId + "/conclusions",
                   { text: data.get("text"), agenda_item_id: item ? Number(item) : null }, { key });
    conclusionForm.elements.text.value = "";
  });

  const taskForm = document.getElementById("task-form");
  const dueText = document.getElementById("due-text");
  const preview = document.getElementById("due-preview");
  const wording = document.createElement("p");
  wording.className = "preview";
  wording.id = "due-wording";
  wording.setAttribute("aria-live", "polite");
  preview.after(wording);
  let previewTimer = null;
  dueText.addEventListener("input", () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      const text = dueText.value.trim();
      if (!text) { preview.textContent = ""; wording.textContent = ""; return; }
      const response = await fetch("/api/deadline?meeting_id=" + meetingId + "&text=" + encodeURIComponent(text));
      const data = await response.json();
      preview.classList.toggle("bad", !response.ok);
      wording.textContent = "";
      if (!response.ok) { preview.textContent = data.error.message; return; }
      // What will be stored (the date, its time) and what the notice will print.
      preview.textContent = data.ongoing ? "→ " + t("ongoing")
        : "→ " + data.due_date.split("-").reverse().join("/") + (data.due_time ? " " + data.due_time : "");
      wording.textContent = t("The notice will print: {wording}", { wording: "“" + data.deadline + "”" });
    }, 250);
  });
  api.onSubmit(taskForm, async (data, key) => {
    const body = {
      title: data.get("title"),
      lead_unit: data.get("lead_unit"),
      support_units: data.getAll("support_units").filter((c) => c !== data.get("lead_unit")),
    };
    if (data.get("due_date")) body.due_date = data.get("due_date");
    if (data.get("due_text")) body.due_text = data.get("due_text");
    await api.call("POST", "/api/conclusions/" + data.get("conclusion_id") + "/tasks", body, { key });
    const keep = data.get("conclusion_id");
    taskForm.reset();
    document.getElementById("task-conclusion").value = keep;
    preview.textContent = "";
    wording.textContent = "";
  });

  for (const button of document.querySelectorAll(".new-publication")) {
    button.addEventListener("click", () => {
      const box = button.parentElement.querySelector(".error");
      api.act(button, box, async (key) => {
        let id;
        try {
          id = (await api.call("POST", "/api/meetings/" + meetingId + "/publications",
                               { kind: button.dataset.kind }, { key })).id;
        } catch (error) {
          id = error.details && error.details.id;  // a draft exists already: open it
          if (!id) throw error;
        }
        location.assign("/publications/" + id);
      });
    });
  }

  document.addEventListener("meeting-state", (event) => {
    const state = event.detail;
    const select = document.getElementById("task-conclusion");
    const chosen = select.value;
    const ordered = state.conclusions.slice().sort((a, b) => a.number - b.number);
    select.replaceChildren(...ordered.map((c) => {
      const option = document.createElement("option");
      option.value = c.id;
      option.textContent = t("Conclusion {n}", { n: c.number }) + ": " + c.text.slice(0, 60);
      return option;
    }));
    if (chosen && ordered.some((c) => String(c.id) === chosen)) select.value = chosen;
    else if (ordered.length) select.value = ordered[ordered.length - 1].id;
    // Each conclusion and task (as meeting.js lists them) gets its editing buttons
    // (console_edit.js opens the editors).
    for (const li of document.querySelectorAll("#conclusions .conclusion")) {
      const tools = document.createElement("div");
      tools.className = "item-tools";
      tools.append(button("secondary edit-conclusion", t("Edit"), { conclusionId: li.dataset.conclusionId }),
                   button("link delete-conclusion", t("Delete"), { conclusionId: li.dataset.conclusionId }));
      li.querySelector(".conclusion-text").after(tools);
    }
    for (const row of document.querySelectorAll("#conclusions li.task")) {
      const task = state.tasks.find((x) => String(x.id) === row.dataset.taskId);
      if (!task || task.status === "cancelled") continue;
      const tools = document.createElement("span");
      tools.className = "task-tools";
      tools.append(button("link edit-task", t("Edit"), { taskId: task.id }),
                   button("link cancel-task", t("Cancel the task"), { taskId: task.id }));
      row.appendChild(tools);
    }
  });

  function button(classes, label, data) {
    const node = document.createElement("button");
    node.type = "button";
    node.className = classes;
    node.textContent = label;
    for (const name in data) node.dataset[name] = data[name];
    return node;
  }

  // Agenda building, documents and attendance (rendered from the live state).
  const agenda = document.getElementById("console-agenda");
  let state = null;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const name in attrs || {}) node.setAttribute(name, attrs[name]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A change from the agenda: one action of `trigger`, its error under the agenda.
  function change(trigger, method, url, body) {
    return api.act(trigger, agendaError, (key) => api.call(method, url, body, { key }));
  }

  function renderAgenda() {
    const items = state.agenda_items.slice().sort((a, b) => a.position - b.position);
    agenda.replaceChildren(...items.map((item) => {
      const li = el("li", { class: "agenda-item", "data-item-id": item.id, draggable: "true" });
      if (item.id === state.current_item_id) li.setAttribute("aria-current", "true");
      li.appendChild(el("div", { class: "item-title" }, item.title));
      if (item.presenter) li.appendChild(el("div", { class: "meta" }, item.presenter));
      const tools = el("div", { class: "item-tools" });
      tools.appendChild(el("button", { type: "button", class: "set-current", "data-item-id": item.id }, t("Discuss now")));
      tools.appendChild(el("button", { type: "button", class: "secondary move", "data-item-id": item.id, "data-to": item.position - 1, "aria-label": t("Move up") }, "↑"));
      tools.appendChild(el("button", { type: "button", class: "secondary move", "data-item-id": item.id, "data-to": item.position + 1, "aria-label": t("Move down") }, "↓"));
      tools.appendChild(el("button", { type: "button", class: "secondary edit-item", "data-item-id": item.id }, t("Edit")));
      tools.appendChild(el("button", { type: "button", class: "secondary delete-item", "data-item-id": item.id }, t("Delete")));
      const label = el("label", { class: "button secondary file-button" }, t("Upload PDF"));
      const input = el("input", { type: "file", accept: "application/pdf,.pdf", class: "upload", "data-item-id": item.id });
      label.appendChild(input);
      tools.appendChild(label);
      li.appendChild(tools);
      const docs = state.documents.filter((d) => d.agenda_item_id === item.id).sort((a, b) => a.id - b.id);
      if (docs.length) {
        const ul = el("ul", { class: "documents" });
        for (const d of docs) {
          const row = el("li", { "data-document-id": d.id });
          row.appendChild(el("a", { href: "/meetings/" + meetingId + "/documents/" + d.id }, d.title));
          row.appendChild(el("span", { class: "meta" }, " " + t("{n} pages", { n: d.page_count }) + " · " + t("version {n}", { n: d.version }) + " "));
          // Present it to the room from page 1, and lead it page by page in the viewer.
          const shown = state.presenter && state.presenter.document_id === d.id;
          row.appendChild(el("button", { type: "button", class: "secondary present-document", "data-document-id": d.id,
                                         "aria-pressed": shown ? "true" : "false" }, t("Present")));
          row.appendChild(el("a", { class: "lead-pages", href: "/meetings/" + meetingId + "/documents/" + d.id + "?present=1" }, t("Present and turn the pages")));
          const again = el("label", { class: "link" }, t("New version"));
          again.appendChild(el("input", { type: "file", accept: "application/pdf,.pdf", class: "upload-version", "data-document-id": d.id, hidden: "" }));
          row.appendChild(again);
          ul.appendChild(row);
        }
        li.appendChild(ul);
      }
      return li;
    }));
  }

  const itemForm = document.getElementById("item-form");
  api.onSubmit(itemForm, async (data, key) => {
    const body = { title: data.get("title"), presenter: data.get("presenter") || "" };
    if (data.get("duration_minutes")) body.duration_minutes = Number(data.get("duration_minutes"));
    await api.call("POST", "/api/meetings/" + meetingId + "/agenda-items", body, { key });
    itemForm.reset();
  });

  // Moving an item, and presenting a document (editing, deleting and uploading are
  // console_edit.js's).
  agenda.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("move")) {
      change(button, "PATCH", "/api/agenda-items/" + button.dataset.itemId, { position: Math.max(1, Number(button.dataset.to)) });
    } else if (button.classList.contains("present-document")) {
      change(button, "PUT", "/api/meetings/" + meetingId + "/presenter", { document_id: Number(button.dataset.documentId), page: 1 });
    }
  });

  let dragged = null;
  agenda.addEventListener("dragstart", (event) => { dragged = event.target.closest(".agenda-item"); });
  agenda.addEventListener("dragover", (event) => event.preventDefault());
  agenda.addEventListener("drop", async (event) => {
    event.preventDefault();
    const target = event.target.closest(".agenda-item");
    if (!dragged || !target || dragged === target) return;
    const to = state.agenda_items.find((x) => String(x.id) === target.dataset.itemId).position;
    change(dragged, "PATCH", "/api/agenda-items/" + dragged.dataset.itemId, { position: to });
    dragged = null;
  });

  function renderItemChoices() {
    const select = document.querySelector("#conclusion-form select[name=agenda_item_id]");
    const previous = { current: select.dataset.current, value: select.value };
    const whole = select.options[0];
    const items = state.agenda_items.slice().sort((a, b) => a.position - b.position);
    select.replaceChildren(whole, ...items.map((item) => el("option", { value: item.id }, item.position + ". " + item.title)));
    const current = state.current_item_id === null ? "" : String(state.current_item_id);
    // follow the item under discussion unless the secretary picked another one
    select.value = previous.value !== previous.current ? previous.value : current;
    if (select.value !== previous.value && previous.value !== previous.current) select.value = current;
    select.dataset.current = current;
  }

  document.addEventListener("meeting-state", (event) => {
    state = event.detail;
    renderAgenda();
    renderItemChoices();
  });

  // On a laptop the three columns (agenda; conclusions; attendance, minutes) fill the screen
  // below the meeting's bar, each scrolling on its own.
  function fitColumns() {
    const top = root.getBoundingClientRect().top + window.scrollY;
    root.style.setProperty("--console-height", Math.max(320, window.innerHeight - top - 12) + "px");
  }
  fitColumns();
  window.addEventListener("resize", fitColumns);
})();
