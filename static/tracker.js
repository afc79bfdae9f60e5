"use strict";
// The task tracker: progress reports are posted and the page reloads with the new history.
(function () {
  for (const form of document.querySelectorAll(".progress-form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const body = { note: data.get("note") };
      if (data.get("status")) body.status = data.get("status");
      const response = await fetch("/api/tasks/" + form.dataset.taskId + "/updates", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
        body: JSON.stringify(body),
      });
      if (response.ok) { location.reload(); return; }
      const error = form.querySelector(".error");
      error.textContent = (await response.json()).error.message;
      error.hidden = false;
    });
  }
})();
