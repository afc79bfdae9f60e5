"use strict";
// The task tracker: progress reports are posted and the page reloads with the new history.
(function () {
  // One report per submission (api.js): a double click sends it once; errors in the page's
  // language, in the form.
  const api = window.MeetingApi;
  for (const form of document.querySelectorAll(".progress-form")) {
    api.onSubmit(form, async (data, key) => {
      const body = { note: data.get("note") };
      if (data.get("status")) body.status = data.get("status");
      await api.call("POST", "/api/tasks/" + form.dataset.taskId + "/updates", body, { key });
      location.reload();
    });
  }
})();
