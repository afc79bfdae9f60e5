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
  let previewTimer = null;
  dueText.addEventListener("input", () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      const text = dueText.value.trim();
      if (!text) { preview.textContent = ""; return; }
      const response = await fetch("/api/deadline?meeting_id=" + meetingId + "&text=" + encodeURIComponent(text));
      const data = await response.json();
      preview.classList.toggle("bad", !response.ok);
      if (!response.ok) { preview.textContent = data.error.message; return; }
      preview.textContent = data.ongoing ? "→ " + t("ongoing")
        : "→ " + data.due_date.split("-").reverse().join("/");
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
    for (const li of document.querySelectorAll("#console-agenda .agenda-item")) {
      if (Number(li.dataset.itemId) === state.current_item_id) li.setAttribute("aria-current", "true");
      else li.removeAttribute("aria-current");
    }
    for (const li of document.querySelectorAll("#conclusions .conclusion")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link delete-conclusion";
      button.dataset.conclusionId = li.dataset.conclusionId;
      button.textContent = t("Delete");
      li.appendChild(button);
    }
  });
})();
