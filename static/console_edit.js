"use strict";
// The console's editors (templates/_console_dialogs.html): a conclusion, a task (reassigned,
// re-dated, its status), a task cancelled with its reason, an agenda item, an upload with the
// document's title, deletions asked once more. One dialog at a time, over lists that keep
// changing live; each save is one action (api.js): one Idempotency-Key, buttons disabled
// meanwhile, errors in the dialog in the page's language.
(function () {
  const root = document.getElementById("console");
  if (!root) return;
  const api = window.MeetingApi;
  const meetingId = root.dataset.meetingId;
  const strings = JSON.parse(document.getElementById("edit-strings").textContent);
  const t = (key, values) => {
    let text = strings[key] || key;
    for (const name in values || {}) text = text.replace("{" + name + "}", values[name]);
    return text;
  };
  let state = null;
  document.addEventListener("meeting-state", (event) => { state = event.detail; });

  // Opens dialog `id` with its form filled by `fill(form)`; `submit(data, key, form)` saves,
  // and the dialog closes once it did.
  function openDialog(id, fill, submit) {
    const dialog = document.getElementById(id);
    const form = dialog.querySelector("form");
    form.reset();
    fill(form);
    api.showError(form.querySelector(".error"), null);
    form.onsubmit = (event) => {
      event.preventDefault();
      api.act(form, form.querySelector(".error"), async (key) => {
        await submit(new FormData(form), key, form);
        dialog.close();
      });
    };
    dialog.showModal();
    return dialog;
  }
  document.addEventListener("click", (event) => {
    const close = event.target.closest("dialog.editor .close");
    if (close) close.closest("dialog").close();
  });

  // Asks once more before `work(key)`, with `label` on the button that does it.
  function confirmThen(question, work, label) {
    openDialog("confirm-dialog", (form) => {
      form.querySelector(".question").textContent = question;
      form.querySelector("button[type=submit]").textContent = label || t("Delete");
    }, (data, key) => work(key));
  }

  function itemOptions(select, chosen) {
    const whole = document.createElement("option");
    whole.value = "";
    whole.textContent = t("(whole meeting)");
    const items = state.agenda_items.slice().sort((a, b) => a.position - b.position);
    select.replaceChildren(whole, ...items.map((item) => {
      const option = document.createElement("option");
      option.value = item.id;
      option.textContent = item.position + ". " + item.title;
      return option;
    }));
    select.value = chosen === null || chosen === undefined ? "" : String(chosen);
  }

  // The title a file name suggests: "bao_cao-quy-3.pdf" → "bao cao quy 3", without the
  // extension whatever it is ("bad.docx" → "bad"); a number's dot stays ("Số 12.2019").
  function titleFrom(name) {
    let title = name.replace(/\.[a-z][a-z0-9]{0,4}$/i, "").replace(/_+/g, " ");
    if (!/\s/.test(title)) title = title.replace(/-+/g, " ");
    return title.replace(/\s+/g, " ").trim();
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !state) return;
    if (button.classList.contains("edit-conclusion")) {
      const c = state.conclusions.find((x) => String(x.id) === button.dataset.conclusionId);
      openDialog("conclusion-dialog", (form) => {
        form.elements.text.value = c.text;
        itemOptions(form.elements.agenda_item_id, c.agenda_item_id);
      }, (data, key) => api.call("PATCH", "/api/conclusions/" + c.id, {
        text: data.get("text"),
        agenda_item_id: data.get("agenda_item_id") ? Number(data.get("agenda_item_id")) : null,
      }, { key }));
    } else if (button.classList.contains("delete-conclusion")) {
      confirmThen(t("Delete this conclusion and its tasks?"), (key) =>
        api.call("DELETE", "/api/conclusions/" + button.dataset.conclusionId, undefined, { key }));
    } else if (button.classList.contains("edit-task")) {
      const task = state.tasks.find((x) => String(x.id) === button.dataset.taskId);
      openDialog("task-dialog", (form) => {
        form.elements.title.value = task.title;
        form.elements.lead_unit.value = task.lead_unit;
        for (const box of form.querySelectorAll("input[name=support_units]")) {
          box.checked = task.support_units.includes(box.value);
        }
        form.elements.due_text.value = task.due_text || "";
        form.elements.due_date.value = task.due_date || "";
        form.elements.status.value = task.status === "cancelled" ? "assigned" : task.status;
      }, (data, key) => {
        const body = {};
        if (data.get("title") !== task.title) body.title = data.get("title");
        if (data.get("lead_unit") !== task.lead_unit) body.lead_unit = data.get("lead_unit");
        const support = data.getAll("support_units").filter((c) => c !== data.get("lead_unit"));
        if (support.slice().sort().join() !== task.support_units.slice().sort().join()) body.support_units = support;
        if (data.get("due_date") && data.get("due_date") !== task.due_date) body.due_date = data.get("due_date");
        if (data.get("due_text") !== (task.due_text || "") && data.get("due_text")) body.due_text = data.get("due_text");
        if (data.get("status") !== task.status) body.status = data.get("status");
        if (!Object.keys(body).length) return Promise.resolve(null);
        return api.call("PATCH", "/api/tasks/" + task.id, body, { key });
      });
    } else if (button.classList.contains("cancel-task")) {
      const task = state.tasks.find((x) => String(x.id) === button.dataset.taskId);
      openDialog("cancel-task-dialog", (form) => {
        form.querySelector(".task-name").textContent = task.title;
      }, (data, key) => api.call("POST", "/api/tasks/" + task.id + "/updates",
                                 { note: data.get("reason"), status: "cancelled" }, { key }));
    } else if (button.classList.contains("edit-item")) {
      const item = state.agenda_items.find((x) => String(x.id) === button.dataset.itemId);
      openDialog("item-dialog", (form) => {
        form.elements.title.value = item.title;
        form.elements.presenter.value = item.presenter || "";
        form.elements.duration_minutes.value = item.duration_minutes || "";
      }, (data, key) => api.call("PATCH", "/api/agenda-items/" + item.id, {
        title: data.get("title"), presenter: data.get("presenter") || "",
        duration_minutes: data.get("duration_minutes") ? Number(data.get("duration_minutes")) : null,
      }, { key }));
    } else if (button.classList.contains("delete-item")) {
      confirmThen(t("Delete this agenda item and its documents?"), (key) =>
        api.call("DELETE", "/api/agenda-items/" + button.dataset.itemId, undefined, { key }));
    }
  });

  // A file chosen: the dialog asks for the document's title (or what changed, for a new
  // version), then uploads it with a progress bar.
  root.addEventListener("change", (event) => {
    const input = event.target;
    if (!input.files || !input.files.length) return;
    const file = input.files[0];
    const version = input.classList.contains("upload-version");
    if (!version && !input.classList.contains("upload")) return;
    const url = version ? "/api/documents/" + input.dataset.documentId + "/versions"
      : "/api/agenda-items/" + input.dataset.itemId + "/documents";
    input.value = "";
    openDialog("upload-dialog", (form) => {
      form.querySelector(".file-name").textContent = file.name;
      form.querySelector(".for-document").hidden = version;
      form.querySelector(".for-version").hidden = !version;
      form.elements.title.required = !version;
      form.elements.title.value = version ? "" : titleFrom(file.name);
    }, (data, key, form) => {
      const body = new FormData();
      body.append("file", file);
      if (version && data.get("note")) body.append("note", data.get("note"));
      if (!version) body.append("title", data.get("title"));
      const bar = form.querySelector(".upload-progress");
      bar.hidden = false;
      bar.value = 0;
      return api.upload(url, body, (n) => { bar.value = n; bar.textContent = t("Uploading… {n}%", { n: n }); }, { key })
        .finally(() => { bar.hidden = true; });
    });
  });

  window.ConsoleEdit = { openDialog, confirmThen };
})();
