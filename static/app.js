"use strict";
(function () {
  const api = window.MeetingApi;
  // A sign-in failure: the page's own words for a wrong password or code, else the server's.
  function refused(box, error) {
    if (error.status === 401) throw new api.ApiError(401, error.code, box.dataset.invalid);
    throw error;
  }
  // Two-factor sign-in: asked for a code, the form shows its field and sends it next time.
  function askForCode(form, error) {
    if (error.code !== "otp_required" && error.code !== "invalid_otp") return;
    const field = document.getElementById("otp-field");
    field.hidden = false;
    field.querySelector("input").focus();
    throw error;
  }
  const form = document.getElementById("login-form");
  if (form) {
    const box = form.querySelector(".error");
    api.onSubmit(form, async (data, key) => {
      const body = { username: data.get("username"), password: data.get("password") };
      if (data.get("otp")) body.otp = data.get("otp");
      await api.call("POST", "/api/session", body, { key })
        .catch((error) => { askForCode(form, error); refused(box, error); });
      await api.forgetEverything();  // whoever used this device before
      window.location.assign(form.dataset.next || "/");
    });
  }
  const pairForm = document.getElementById("pair-form");
  if (pairForm) {
    const box = pairForm.querySelector(".error");
    // A tablet paired for someone else starts clean, then lands on its meeting.
    const submit = () => api.act(pairForm, box, async (key) => {
      await api.call("POST", "/api/session/pair", { code: new FormData(pairForm).get("code") },
                     { key }).catch((error) => refused(box, error));
      await api.forgetEverything();
      window.location.replace("/meetings/next");
    });
    pairForm.addEventListener("submit", (event) => { event.preventDefault(); submit(); });
    if (pairForm.elements.code.value) submit();
  }
  const signOut = document.getElementById("sign-out");
  if (signOut) {
    signOut.addEventListener("click", async () => {
      signOut.disabled = true;
      if (window.MeetingLive) window.MeetingLive.stop();
      try { await fetch("/api/session", { method: "DELETE" }); } catch (e) { /* offline */ }
      await api.forgetEverything();
      window.location.replace("/login");
    });
  }
})();
