"use strict";
// Editing a draft of minutes or a notice, and publishing it.
(function () {
  const form = document.getElementById("publication-form");
  if (!form) return;
  const id = form.dataset.publicationId;
  const error = form.querySelector(".error");

  async function call(method, url, body) {
    const response = await fetch(url, {
      method: method,
      headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      const data = await response.json();
      error.textContent = data.error.message;
      error.hidden = false;
      throw new Error(data.error.code);
    }
    return response.json();
  }

  function fields() {
    const data = new FormData(form);
    const opinions = {};
    for (const area of form.querySelectorAll("textarea[data-item-id]")) opinions[area.dataset.itemId] = area.value;
    const body = {
      number: data.get("number"), introduction: data.get("introduction"), closing: data.get("closing"),
      addressees: data.get("addressees"),
      recipients: data.get("recipients").split("\n").map((s) => s.trim()).filter(Boolean),
    };
    if (form.dataset.kind === "notice") {
      body.signer = { title: data.get("signer_title"), name: data.get("signer_name"),
                      authority: data.get("signer_authority") };
    } else {
      body.start_time = data.get("start_time");
      body.end_time = data.get("end_time");
    }
    if (data.get("date")) body.date = data.get("date");
    if (Object.keys(opinions).length) body.opinions = opinions;
    return body;
  }

  // Choosing a person from the list fills in their position.
  const signerName = form.querySelector("[name=signer_name]");
  if (signerName) {
    signerName.addEventListener("change", () => {
      const option = [...document.querySelectorAll("#signer-people option")]
        .find((o) => o.value === signerName.value);
      if (option) form.querySelector("[name=signer_title]").value = option.dataset.title;
    });
  }

  // Saving, refreshing and publishing are one action each (api.js): the buttons are disabled
  // while it is in flight, so a double click publishes once; errors show in the form.
  const api = window.MeetingApi;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    api.act(form, error, async (key) => {
      await api.call("PATCH", "/api/publications/" + id, fields(), { key });
      location.reload();
    });
  });
  document.getElementById("refresh-draft").addEventListener("click", () => {
    api.act(form, error, async (key) => {
      await api.call("POST", "/api/publications/" + id + "/refresh", undefined, { key });
      location.reload();
    });
  });
  const publish = document.getElementById("publish");
  publish.addEventListener("click", () => {
    api.act(form, error, async (key) => {
      if (!confirm(publish.dataset.confirm)) return;
      await api.call("PATCH", "/api/publications/" + id, fields(), { key: key + "-saved" });
      await api.call("POST", "/api/publications/" + id + "/publish", undefined, { key });
      location.reload();
    });
  });
})();
