"use strict";
// Written opinions: the secretary sends a request and reminds; a member answers (editable
// until the deadline). Each submission is one action (api.js): one Idempotency-Key, errors in
// the page's language in the form.
(function () {
  const api = window.MeetingApi;
  const node = document.getElementById("consultation-strings");
  const strings = node ? JSON.parse(node.textContent) : {};

  const create = document.getElementById("new-consultation");
  if (create) {
    api.onSubmit(create, async (data, key) => {
      // no checkbox can be required on its own: nobody ticked is said here, in words
      if (!data.getAll("recipients").length) {
        throw new api.ApiError(422, "no_recipients", strings["Choose at least one person to ask."] ||
                               "Choose at least one person to ask.");
      }
      const local = data.get("deadline");
      const body = {
        title: data.get("title"), question: data.get("question"),
        deadline: local && local.length === 16 ? local + ":00" : local,
        recipients: data.getAll("recipients").map(Number),
      };
      const made = await api.call("POST", "/api/consultations", body, { key });
      location.href = "/consultations/" + made.id;
    });
  }

  const answer = document.getElementById("answer-form");
  if (answer) {
    api.onSubmit(answer, async (data, key) => {
      const body = { answer: data.get("answer"), comment: data.get("comment") || "" };
      await api.call("PUT", "/api/consultations/" + answer.dataset.id + "/answer", body, { key });
      const saved = document.getElementById("answer-saved");
      saved.textContent = strings["Answer recorded"] || "Answer recorded";
      saved.hidden = false;
    });
  }

  const remind = document.getElementById("remind");
  if (remind) {
    remind.addEventListener("click", () => {
      api.act(remind, document.getElementById("remind-error"), async (key) => {
        const done = await api.call("POST", "/api/consultations/" + remind.dataset.id + "/reminders", {}, { key });
        const shown = document.getElementById("reminded");
        shown.textContent = (strings["Reminded: {n}"] || "Reminded: {n}").replace("{n}", done.reminded);
        shown.hidden = false;
      });
    });
  }
})();
