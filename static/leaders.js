"use strict";
// The administration page: naming who sees the leader's dashboard (PUT /api/users/{id}/leader-scope).
(function () {
  function init() {
    const form = document.getElementById("leader-form");
    if (!form || !window.MeetingApi) return;
    window.MeetingApi.onSubmit(form, async (data, key) => {
      const scope = data.get("scope") || null;
      await window.MeetingApi.call("PUT", "/api/users/" + data.get("user_id") + "/leader-scope", { scope: scope }, { key });
      location.reload();
    });
  }
  // Deferred scripts run in document order, before DOMContentLoaded: api.js may come later.
  if (window.MeetingApi) init(); else document.addEventListener("DOMContentLoaded", init);
})();
