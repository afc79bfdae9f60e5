"use strict";
// The new-meeting form: creates the meeting (one action, api.js), then opens its console.
(function () {
  const form = document.getElementById("meeting-form");
  if (!form) return;
  const api = window.MeetingApi;
  api.onSubmit(form, async (data, key) => {
    const body = { title: data.get("title"), starts_at: data.get("date") + "T" + data.get("time"),
                   location: data.get("location") || "" };
    if (data.get("chair_id")) body.chair_id = Number(data.get("chair_id"));
    const meeting = await api.call("POST", "/api/meetings", body, { key });
    location.assign("/meetings/" + meeting.id + "/console");
  });
})();
