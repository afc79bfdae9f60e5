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

  async function call(method, url, body) {
    const response = await fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json();
    if (!response.ok) throw new Error(data && data.error ? data.error.message : String(response.status));
    return data;
  }

  function showError(form, error) {
    const box = form.querySelector(".error");
    box.textContent = t("Could not save: {message}", { message: error.message });
    box.hidden = false;
  }

  root.addEventListener("click", async (event) => {
    const button = event.target.closest(".set-current");
    if (!button) return;
    button.disabled = true;
    try {
      await call("PUT", "/api/meetings/" + meetingId + "/current-item",
                 { agenda_item_id: Number(button.dataset.itemId) });
    } finally { button.disabled = false; }
  });

  const conclusionForm = document.getElementById("conclusion-form");
  conclusionForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(conclusionForm);
    const item = data.get("agenda_item_id");
    try {
      await call("POST", "/api/meetings/" + meetingId + "/conclusions",
                 { text: data.get("text"), agenda_item_id: item ? Number(item) : null });
      conclusionForm.reset();
      conclusionForm.querySelector(".error").hidden = true;
    } catch (error) { showError(conclusionForm, error); }
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
  taskForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(taskForm);
    const body = {
      title: data.get("title"),
      lead_unit: data.get("lead_unit"),
      support_units: data.getAll("support_units").filter((c) => c !== data.get("lead_unit")),
    };
    if (data.get("due_date")) body.due_date = data.get("due_date");
    if (data.get("due_text")) body.due_text = data.get("due_text");
    try {
      await call("POST", "/api/conclusions/" + data.get("conclusion_id") + "/tasks", body);
      const keep = data.get("conclusion_id");
      taskForm.reset();
      document.getElementById("task-conclusion").value = keep;
      preview.textContent = "";
      wording.textContent = "";
      taskForm.querySelector(".error").hidden = true;
    } catch (error) { showError(taskForm, error); }
  });

  for (const button of document.querySelectorAll(".new-publication")) {
    button.addEventListener("click", async () => {
      const response = await fetch("/api/meetings/" + meetingId + "/publications", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ kind: button.dataset.kind }),
      });
      const data = await response.json();
      const id = response.ok ? data.id : data.error.id;
      if (id) location.assign("/publications/" + id);
    });
  }

  document.getElementById("conclusions").addEventListener("click", async (event) => {
    const button = event.target.closest(".delete-conclusion");
    if (!button || !confirm(t("Delete this conclusion and its tasks?"))) return;
    await call("DELETE", "/api/conclusions/" + button.dataset.conclusionId);
  });

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
    for (const li of document.querySelectorAll("#conclusions .conclusion")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link delete-conclusion";
      button.dataset.conclusionId = li.dataset.conclusionId;
      button.textContent = t("Delete");
      li.appendChild(button);
    }
  });

  // Agenda building, documents and attendance (rendered from the live state).
  const agenda = document.getElementById("console-agenda");
  let state = null;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const name in attrs || {}) node.setAttribute(name, attrs[name]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  async function change(method, url, body) {
    try {
      return await call(method, url, body);
    } catch (error) {
      alert(t("Could not save: {message}", { message: error.message }));
      throw error;
    }
  }

  function upload(url, file, bar) {
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      const form = new FormData();
      form.append("file", file);
      request.open("POST", url);
      request.setRequestHeader("Idempotency-Key", crypto.randomUUID());
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) {
          const n = Math.round(100 * event.loaded / event.total);
          bar.hidden = false; bar.value = n; bar.textContent = t("Uploading… {n}%", { n: n });
        }
      };
      request.onload = () => {
        bar.hidden = true;
        if (request.status >= 300) {
          let message = String(request.status);
          try { message = JSON.parse(request.responseText).error.message; } catch (e) { /* keep status */ }
          alert(t("Could not save: {message}", { message: message }));
        }
        resolve();
      };
      request.onerror = () => { bar.hidden = true; alert(t("Cannot reach the server. Check the connection and try again.")); resolve(); };
      request.send(form);
    });
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
      const bar = el("progress", { max: "100", value: "0", class: "upload-progress" });
      bar.hidden = true;
      li.appendChild(bar);
      const docs = state.documents.filter((d) => d.agenda_item_id === item.id).sort((a, b) => a.id - b.id);
      if (docs.length) {
        const ul = el("ul", { class: "documents" });
        for (const d of docs) {
          const row = el("li");
          row.appendChild(el("a", { href: "/meetings/" + meetingId + "/documents/" + d.id + "?present=1" }, d.title));
          row.appendChild(el("span", { class: "meta" }, " " + t("{n} pages", { n: d.page_count }) + " · " + t("version {n}", { n: d.version }) + " "));
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

  function renderAttendance() {
    const body = document.querySelector("#attendance tbody");
    body.replaceChildren(...state.participants.map((p) => {
      const tr = el("tr", { "data-user-id": p.user_id });
      const who = el("td");
      who.appendChild(el("div", {}, p.name));
      who.appendChild(el("div", { class: "meta" }, [p.title, t(p.role)].filter(Boolean).join(" · ")));
      tr.appendChild(who);
      const cell = el("td");
      const select = el("select", { class: "attendance", "data-user-id": p.user_id, "aria-label": p.name });
      for (const status of ["unknown", "present", "online", "absent"]) {
        const option = el("option", { value: status }, t(status));
        if (status === p.attendance) option.selected = true;
        select.appendChild(option);
      }
      cell.appendChild(select);
      if (p.attendance === "absent" && p.absence_reason) cell.appendChild(el("div", { class: "meta" }, p.absence_reason));
      tr.appendChild(cell);
      const pairCell = el("td");
      pairCell.appendChild(el("button", { type: "button", class: "secondary pair", "data-user-id": p.user_id, "data-name": p.name }, t("Pair tablet")));
      tr.appendChild(pairCell);
      return tr;
    }));
  }

  document.getElementById("item-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const data = new FormData(form);
    const body = { title: data.get("title"), presenter: data.get("presenter") || "" };
    if (data.get("duration_minutes")) body.duration_minutes = Number(data.get("duration_minutes"));
    await change("POST", "/api/meetings/" + meetingId + "/agenda-items", body);
    form.reset();
  });

  agenda.addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const id = button.dataset.itemId;
    if (button.classList.contains("move")) {
      await change("PATCH", "/api/agenda-items/" + id, { position: Math.max(1, Number(button.dataset.to)) });
    } else if (button.classList.contains("edit-item")) {
      const item = state.agenda_items.find((x) => String(x.id) === id);
      const title = prompt(t("New title"), item.title);
      if (title && title.trim()) await change("PATCH", "/api/agenda-items/" + id, { title: title.trim() });
    } else if (button.classList.contains("delete-item")) {
      if (confirm(t("Delete this agenda item and its documents?"))) await change("DELETE", "/api/agenda-items/" + id);
    }
  });

  agenda.addEventListener("change", async (event) => {
    const input = event.target;
    if (!input.files || !input.files.length) return;
    const bar = input.closest(".agenda-item").querySelector(".upload-progress");
    if (input.classList.contains("upload")) {
      await upload("/api/agenda-items/" + input.dataset.itemId + "/documents", input.files[0], bar);
    } else if (input.classList.contains("upload-version")) {
      await upload("/api/documents/" + input.dataset.documentId + "/versions", input.files[0], bar);
    }
    input.value = "";
  });

  let dragged = null;
  agenda.addEventListener("dragstart", (event) => { dragged = event.target.closest(".agenda-item"); });
  agenda.addEventListener("dragover", (event) => event.preventDefault());
  agenda.addEventListener("drop", async (event) => {
    event.preventDefault();
    const target = event.target.closest(".agenda-item");
    if (!dragged || !target || dragged === target) return;
    const to = state.agenda_items.find((x) => String(x.id) === target.dataset.itemId).position;
    await change("PATCH", "/api/agenda-items/" + dragged.dataset.itemId, { position: to });
    dragged = null;
  });

  const attendance = document.getElementById("attendance");
  attendance.addEventListener("change", async (event) => {
    const select = event.target.closest("select.attendance");
    if (!select) return;
    const body = { status: select.value, user_id: Number(select.dataset.userId) };
    if (select.value === "absent") {
      const reason = prompt(t("Reason for absence"));
      if (!reason) { renderAttendance(); return; }
      body.reason = reason;
    }
    await change("POST", "/api/meetings/" + meetingId + "/attendance", body);
  });
  attendance.addEventListener("click", async (event) => {
    const button = event.target.closest("button.pair");
    if (!button) return;
    const code = await change("POST", "/api/pairing-codes", { user_id: Number(button.dataset.userId) });
    document.getElementById("pair-name").textContent = button.dataset.name;
    document.getElementById("pair-qr").src = code.qr_svg;
    document.getElementById("pair-code").textContent = code.code;
    document.getElementById("pair-expires").textContent = t("Valid until {time}", { time: code.expires_at.slice(11, 16) });
    document.getElementById("pair-dialog").showModal();
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
    renderAttendance();
    renderItemChoices();
  });
})();
