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
  const signOut = document.getElementById("sign-out");
  if (signOut) {
    signOut.addEventListener("click", async () => {
      await fetch("/api/session", { method: "DELETE" });
      window.location.assign("/login");
    });
  }
})();
