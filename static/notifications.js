"use strict";
// The home page's notifications: opening one marks it read; "mark all as read" marks them all;
// the form sets where they are emailed. Loaded from the page's body, before api.js: it starts
// once the document (and so api.js) has loaded.
document.addEventListener("DOMContentLoaded", function () {
  const api = window.MeetingApi;
  for (const link of document.querySelectorAll("#notifications .notification-link")) {
    link.addEventListener("click", () => {
      const id = link.closest("li").dataset.id;
      // Not awaited: the link opens at once; keepalive lets the request finish.
      fetch("/api/notifications/" + id + "/read", { method: "POST", credentials: "same-origin", keepalive: true });
    });
  }
  const emailForm = document.getElementById("email-form");
  if (emailForm) {
    api.onSubmit(emailForm, async (data, key) => {
      await api.call("PUT", "/api/users/" + emailForm.dataset.userId + "/email",
                     { email: (data.get("email") || "").trim() || null }, { key });
      location.reload();
    });
  }
  const all = document.getElementById("read-all");
  if (all) {
    all.addEventListener("click", () => {
      api.act(all, document.getElementById("read-all-error"), async (key) => {
        await api.call("POST", "/api/notifications/read", {}, { key });
        location.reload();
      });
    });
  }
});
