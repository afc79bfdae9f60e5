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
      signer: { title: data.get("signer_title"), name: data.get("signer_name") },
      recipients: data.get("recipients").split("\n").map((s) => s.trim()).filter(Boolean),
    };
    if (data.get("date")) body.date = data.get("date");
    if (Object.keys(opinions).length) body.opinions = opinions;
    return body;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await call("PATCH", "/api/publications/" + id, fields());
    location.reload();
  });
  document.getElementById("refresh-draft").addEventListener("click", async () => {
    await call("POST", "/api/publications/" + id + "/refresh");
    location.reload();
  });
  const publish = document.getElementById("publish");
  publish.addEventListener("click", async () => {
    if (!confirm(publish.dataset.confirm)) return;
    await call("PATCH", "/api/publications/" + id, fields());
    await call("POST", "/api/publications/" + id + "/publish");
    location.reload();
  });
})();
