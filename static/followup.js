"use strict";
// The follow-up item ("Kiểm điểm việc thực hiện kết luận"): the earlier meetings' open tasks,
// overdue first, each with its last progress report and the decisions taken on it here. The
// secretary adds the item from the console (picking the earlier meetings); the chair or the
// secretary records a decision per task: extend, close, reassign. Refreshed as the meeting
// changes (the live state), at most once a second.
(function () {
  // The page's own scripts (api.js) load after this one: start once they all have.
  function init() {
    const section = document.getElementById("followup");
    const list = document.getElementById("followup-items");
    if (!section || !list || !window.MeetingApi) return;
    const api = window.MeetingApi;
    const meetingId = section.dataset.meetingId;
    const manage = section.dataset.manage === "true";
    const stringsNode = document.getElementById("followup-strings");
    const strings = stringsNode ? JSON.parse(stringsNode.textContent) : {};
    const t = (key, values) => {
      let text = strings[key] || key;
      for (const [k, v] of Object.entries(values || {})) text = text.replace("{" + k + "}", v);
      return text;
    };
    const vndate = (iso) => iso ? iso.slice(8, 10) + "/" + iso.slice(5, 7) + "/" + iso.slice(0, 4) : "";
    const DECIDED = { extend: "Deadline extended to {date}", close: "Closed", reassign: "Reassigned to {unit}" };

    function el(tag, attrs, ...children) {
      const node = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
      for (const c of children) node.append(c);
      return node;
    }

    // The units a task may be reassigned to, by name (the server's codes are the values).
    let units = null;
    async function loadUnits() {
      if (units) return units;
      const found = await api.call("GET", "/api/units");
      units = found.units.filter((u) => u.active !== false);
      return units;
    }
    const unitName = (code) => {
      const found = (units || []).find((u) => u.code === code);
      return found ? found.name : code;
    };

    // Each decision shows, and sends, only its own fields: a deadline typed for "extend" and
    // left behind is not sent with "reassign" (the fields of the others are disabled).
    function field(label, input, decisions) {
      return el("label", { class: "followup-field", "data-for": decisions.join(" ") }, label, input);
    }
    function decisionForm(itemId, entry) {
      const form = el("form", { class: "followup-decision", "data-task-id": entry.task.id });
      const choice = el("select", { name: "decision" },
        el("option", { value: "extend" }, t("Extend to")),
        el("option", { value: "close" }, t("Close as done")),
        el("option", { value: "cancel" }, t("Cancel the task")),
        el("option", { value: "reassign" }, t("Reassign to another unit")));
      const due = el("input", { type: "date", name: "due_date", required: "" });
      const unit = el("select", { name: "lead_unit", required: "" },
        el("option", { value: "" }, t("Choose a unit")));
      for (const u of units || []) {
        if (u.code !== entry.task.lead_unit) unit.append(el("option", { value: u.code }, u.name));
      }
      const newDue = el("input", { type: "date", name: "new_due_date" });
      const note = el("input", { type: "text", name: "note", maxlength: "2000" });
      const fields = [
        field(t("Decision"), choice, ["extend", "close", "cancel", "reassign"]),
        field(t("New deadline"), due, ["extend"]),
        field(t("New lead unit"), unit, ["reassign"]),
        field(t("New deadline (optional)"), newDue, ["reassign"]),
        field(t("Note"), note, ["extend", "close", "cancel", "reassign"]),
      ];
      function show() {
        for (const box of fields) {
          const used = box.dataset.for.split(" ").indexOf(choice.value) >= 0;
          box.hidden = !used;
          for (const input of box.querySelectorAll("input, select")) input.disabled = !used;
        }
      }
      choice.addEventListener("change", show);
      show();
      form.append(...fields, el("button", { type: "submit" }, t("Record the decision")),
        el("p", { class: "error", role: "alert", hidden: "" }));
      api.onSubmit(form, async (data, key) => {
        const picked = data.get("decision");
        const body = { task_id: entry.task.id, decision: picked === "cancel" ? "close" : picked,
                       note: data.get("note") || "" };
        if (picked === "cancel") body.status = "cancelled";
        if (picked === "extend") body.due_date = data.get("due_date");
        if (picked === "reassign") {
          body.lead_unit = data.get("lead_unit");
          if (data.get("new_due_date")) body.due_date = data.get("new_due_date");
        }
        await api.call("POST", "/api/agenda-items/" + itemId + "/follow-up/decisions", body, { key });
        refresh(true);
      });
      return form;
    }

    function renderItem(view) {
      // The item is usually titled as the section is ("Kiểm điểm việc thực hiện kết luận"):
      // then its heading names only its place in the agenda, so the title is read once.
      const heading = document.getElementById("followup-heading");
      const same = heading && heading.textContent.trim().toLocaleLowerCase() ===
        view.agenda_item.title.trim().toLocaleLowerCase();
      const box = el("div", { class: "followup-item", "data-agenda-item-id": view.agenda_item.id },
        el("h3", {}, same ? t("Agenda item {n}", { n: view.agenda_item.position })
          : view.agenda_item.position + ". " + view.agenda_item.title));
      if (!view.tasks.length) box.append(el("p", { class: "meta" }, t("Nothing to follow up.")));
      const ol = el("ol", { class: "followup-tasks" });
      for (const entry of view.tasks) {
        const task = entry.task;
        const li = el("li", { class: "followup-task" + (task.overdue ? " overdue" : ""), "data-task-id": task.id },
          el("div", { class: "task-title" }, task.title),
          el("div", { class: "meta" }, t("Meeting: {title}", { title: entry.meeting_title }) + " · " +
            t("Lead unit") + ": " + task.lead_unit_name + " · " + t("Deadline") + ": " +
            (task.ongoing ? t("ongoing") : vndate(task.due_date)) + (task.overdue ? " · " + t("overdue") : "")));
        const report = entry.last_report;
        li.append(el("p", { class: "last-report" }, report
          ? t("Last report") + " (" + vndate(report.created_at) + "): " + report.note
          : t("No progress reported yet.")));
        for (const d of entry.decisions) {
          li.append(el("p", { class: "decided" }, t(DECIDED[d.decision], { date: vndate(d.due_date), unit: d.lead_unit ? unitName(d.lead_unit) : "" }) +
            (d.note ? " — " + d.note : "") + " (" + (d.decided_by_name || "") + ")"));
        }
        if (view.can_decide) li.append(decisionForm(view.agenda_item.id, entry));
        ol.append(li);
      }
      box.append(ol);
      return box;
    }

    async function addForm() {
      const form = el("form", { id: "followup-add" });
      try {
        const found = await api.call("GET", "/api/meetings/" + meetingId + "/follow-up-candidates");
        if (!found.meetings.length) return el("p", { class: "meta" }, t("No earlier meeting has open tasks to follow up."));
        const fieldset = el("fieldset", {}, el("legend", {}, t("Earlier meetings with open tasks")));
        for (const m of found.meetings) {
          fieldset.append(el("label", { class: "inline" },
            el("input", { type: "checkbox", name: "meeting_ids", value: m.id, checked: "" }),
            " " + m.title + " (" + vndate(m.starts_at) + ") · " + t("{n} open tasks", { n: m.open_tasks })));
        }
        form.append(fieldset, el("button", { type: "submit" }, t("Add the follow-up item")),
          el("p", { class: "error", role: "alert", hidden: "" }));
        api.onSubmit(form, async (data, key) => {
          const ids = data.getAll("meeting_ids").map(Number);
          await api.call("POST", "/api/meetings/" + meetingId + "/follow-up", { meeting_ids: ids }, { key });
          refresh(true);
        });
      } catch (e) {
        return el("p", { class: "error", role: "alert" }, e.message || "");
      }
      return form;
    }

    let busy = false, again = false, lastRun = 0;
    // A refresh leaves alone a list being typed in, unless it follows the user's own change.
    async function refresh(force) {
      if (busy) { again = true; return; }
      busy = true;
      try {
        const found = await api.call("GET", "/api/meetings/" + meetingId + "/follow-up");
        if (found.agenda_item_ids.length) await loadUnits();
        const views = await Promise.all(found.agenda_item_ids.map((id) =>
          api.call("GET", "/api/agenda-items/" + id + "/follow-up")));
        const open = !force && document.activeElement && list.contains(document.activeElement);
        if (!open) {
          list.replaceChildren(...views.map(renderItem));
          if (manage) list.append(await addForm());
        }
        section.hidden = !views.length && !manage;
      } catch (e) {
        /* offline: what is shown stays */
      } finally {
        busy = false;
        lastRun = Date.now();
        if (again) { again = false; setTimeout(refresh, 1000); }
      }
    }
    document.addEventListener("meeting-state", () => {
      if (Date.now() - lastRun > 1000) refresh(); else if (!again) { again = true; setTimeout(() => { again = false; refresh(); }, 1000); }
    });
    refresh();
  }
  // Deferred scripts run in document order, before DOMContentLoaded: api.js may come later.
  if (window.MeetingApi) init(); else document.addEventListener("DOMContentLoaded", init);
})();
