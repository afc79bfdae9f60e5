"use strict";
// The console's attendance card: who takes part and whether they are here (live), adding and
// removing participants, an absence with its reason, and a pairing code for a tablet, offered
// only for the accounts the secretary may pair (access.may_pair).
(function () {
  const table = document.getElementById("attendance");
  const root = document.getElementById("console");
  if (!table || !root) return;
  const api = window.MeetingApi;
  const meetingId = root.dataset.meetingId;
  const data = JSON.parse(document.getElementById("console-people").textContent);
  const pairable = new Set(data.pairable);
  const strings = JSON.parse(document.getElementById("edit-strings").textContent);
  const t = (key, values) => {
    let text = strings[key] || key;
    for (const name in values || {}) text = text.replace("{" + name + "}", values[name]);
    return text;
  };
  const error = document.getElementById("attendance-error");
  const adding = document.getElementById("participant-form");
  let state = null;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const name in attrs || {}) node.setAttribute(name, attrs[name]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render() {
    const body = table.querySelector("tbody");
    body.replaceChildren(...state.participants.map((p) => {
      const tr = el("tr", { "data-user-id": p.user_id });
      const who = el("td");
      who.appendChild(el("div", {}, p.name));
      who.appendChild(el("div", { class: "meta" }, [p.title, t(p.role)].filter(Boolean).join(" · ")));
      const tools = el("div", { class: "row-tools" });
      if (pairable.has(p.user_id)) {
        tools.appendChild(el("button", { type: "button", class: "secondary pair", "data-user-id": p.user_id, "data-name": p.name }, t("Pair tablet")));
      }
      if (data.manage) {
        tools.appendChild(el("button", { type: "button", class: "link remove-participant", "data-user-id": p.user_id, "data-name": p.name }, t("Remove")));
      }
      if (tools.childElementCount) who.appendChild(tools);
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
      return tr;
    }));
    if (adding) {
      const select = adding.elements.user_id;
      const chosen = select.value;
      const taking = new Set(state.participants.map((p) => p.user_id));
      const first = el("option", { value: "" }, "—");
      select.replaceChildren(first, ...data.people.filter((u) => !taking.has(u.id)).map((u) =>
        el("option", { value: u.id }, u.name + (u.unit_name ? " · " + u.unit_name : u.title ? " · " + u.title : ""))));
      if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
    }
  }

  function mark(userId, status, reason, key) {
    const body = { status: status, user_id: userId };
    if (reason) body.reason = reason;
    return api.call("POST", "/api/meetings/" + meetingId + "/attendance", body, { key });
  }

  table.addEventListener("change", (event) => {
    const select = event.target.closest("select.attendance");
    if (!select) return;
    const userId = Number(select.dataset.userId);
    if (select.value !== "absent") {
      api.act(select, error, (key) => mark(userId, select.value, null, key));
      return;
    }
    const dialog = window.ConsoleEdit.openDialog("absence-dialog", (form) => {
      form.querySelector(".who").textContent = select.getAttribute("aria-label");
    }, (values, key) => mark(userId, "absent", values.get("reason"), key));
    dialog.addEventListener("close", () => render(), { once: true });  // cancelled: as it was
  });

  table.addEventListener("click", (event) => {
    const pair = event.target.closest("button.pair");
    const remove = event.target.closest("button.remove-participant");
    if (pair) {
      api.act(pair, error, async (key) => {
        const code = await api.call("POST", "/api/pairing-codes", { user_id: Number(pair.dataset.userId) }, { key });
        document.getElementById("pair-name").textContent = pair.dataset.name;
        document.getElementById("pair-qr").src = code.qr_svg;
        document.getElementById("pair-code").textContent = code.code;
        document.getElementById("pair-expires").textContent = t("Valid until {time}", { time: code.expires_at.slice(11, 16) });
        document.getElementById("pair-dialog").showModal();
      });
    } else if (remove) {
      window.ConsoleEdit.confirmThen(t("Remove {name} from the meeting?", { name: remove.dataset.name }), (key) =>
        api.call("DELETE", "/api/meetings/" + meetingId + "/participants/" + remove.dataset.userId, undefined, { key }),
      t("Remove"));
    }
  });

  if (adding) {
    api.onSubmit(adding, async (values, key) => {
      await api.call("POST", "/api/meetings/" + meetingId + "/participants",
                     { user_id: Number(values.get("user_id")), role: values.get("role") }, { key });
      adding.elements.user_id.value = "";
    });
  }

  document.addEventListener("meeting-state", (event) => { state = event.detail; render(); });
})();
