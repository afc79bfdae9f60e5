"use strict";
// The secretary notes the participants' opinions on the item under discussion, from the console;
// they go into the draft of the minutes (made when the first opinion is saved), per agenda item.
(function () {
  const form = document.getElementById("opinion-form");
  if (!form) return;
  const api = window.MeetingApi;
  const meetingId = form.dataset.meetingId;
  const strings = JSON.parse(document.getElementById("opinion-strings").textContent);
  const t = (key, values) => {
    let text = strings[key] || key;
    for (const name in values || {}) text = text.replace("{" + name + "}", values[name]);
    return text;
  };
  const area = form.querySelector("textarea");
  const button = form.querySelector("button");
  const label = document.getElementById("opinion-item");
  const status = document.getElementById("opinion-status");
  let draftId = null;
  let itemId = null;
  let edited = false;

  function knownDraft(state) {
    if (draftId === null && state) {
      const found = state.publications.find((p) => p.kind === "minutes" && p.status === "draft");
      if (found) draftId = found.id;
    }
    return draftId;
  }

  // The minutes' draft: the one the state lists, else a new one (or the one that exists).
  async function draft(key) {
    if (knownDraft(window.MeetingLive.state()) !== null) return draftId;
    try {
      const made = await api.call("POST", "/api/meetings/" + meetingId + "/publications",
                                  { kind: "minutes" }, { key: key + "-draft" });
      draftId = made.id;
    } catch (error) {
      if (error.code !== "draft_exists") throw error;
      draftId = error.details.id;
    }
    return draftId;
  }

  async function show(state) {
    const item = state.agenda_items.find((i) => i.id === state.current_item_id);
    if (!item) {
      itemId = null;
      label.textContent = t("No item is under discussion.");
      area.value = ""; area.disabled = true; button.disabled = true;
      return;
    }
    label.textContent = t("Opinions on item {n}: {title}", { n: item.position, title: item.title });
    area.disabled = false; button.disabled = false;
    if (item.id === itemId) return;
    itemId = item.id; edited = false; area.value = ""; status.textContent = "";
    if (knownDraft(state) === null) return;
    const found = await api.call("GET", "/api/publications/" + draftId);
    if (!edited && itemId === item.id) area.value = (found.fields.opinions || {})[String(item.id)] || "";
  }

  area.addEventListener("input", () => { edited = true; status.textContent = ""; });
  document.addEventListener("meeting-state", (event) => { show(event.detail).catch(() => {}); });
  api.onSubmit(form, async (data, key) => {
    if (itemId === null) return;
    const id = await draft(key);
    await api.call("PATCH", "/api/publications/" + id,
                   { opinions: { [String(itemId)]: data.get("opinion") } }, { key: key + "-text" });
    await api.call("POST", "/api/publications/" + id + "/refresh", undefined, { key });
    edited = false;
    status.textContent = t("Saved in the minutes draft.");
  });
})();
