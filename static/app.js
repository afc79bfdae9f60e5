"use strict";
(function () {
  const form = document.getElementById("login-form");
  if (form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = form.querySelector(".error");
      error.hidden = true;
      const data = new FormData(form);
      try {
        const response = await fetch("/api/session", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ username: data.get("username"), password: data.get("password") }),
        });
        if (response.ok) {
          window.location.assign(form.dataset.next || "/");
          return;
        }
        error.textContent = error.dataset.invalid;
      } catch (e) {
        error.textContent = error.dataset.failed;
      }
      error.hidden = false;
    });
  }
  const pairForm = document.getElementById("pair-form");
  if (pairForm) {
    const submit = async () => {
      const error = pairForm.querySelector(".error");
      error.hidden = true;
      try {
        const response = await fetch("/api/session/pair", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ code: new FormData(pairForm).get("code") }),
        });
        if (response.ok) { window.location.replace("/"); return; }
        error.textContent = error.dataset.invalid;
      } catch (e) {
        error.textContent = error.dataset.failed;
      }
      error.hidden = false;
    };
    pairForm.addEventListener("submit", (event) => { event.preventDefault(); submit(); });
    if (pairForm.elements.code.value) submit();
  }
  const signOut = document.getElementById("sign-out");
  if (signOut) {
    signOut.addEventListener("click", async () => {
      await fetch("/api/session", { method: "DELETE" });
      window.location.assign("/login");
    });
  }
})();
