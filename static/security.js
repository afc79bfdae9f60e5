"use strict";
// The two-factor sign-in page: enrol an authenticator app (QR code, confirm with a code, show
// the recovery codes once), turn it off, and (administrators) who must use it.
(function () {
  const page = document.getElementById("security");
  if (!page) return;
  const lang = document.documentElement.lang || "vi";

  async function send(method, url, body) {
    let response;
    try {
      response = await fetch(url, {
        method: method,
        headers: { "Content-Type": "application/json", "Accept-Language": lang },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new Error(page.dataset.failed);
    }
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) throw new Error(data && data.error ? data.error.message : response.statusText);
    return data;
  }

  function failed(box, error) {
    box.textContent = error.message;
    box.hidden = false;
  }

  const start = document.getElementById("totp-start");
  const setup = document.getElementById("totp-setup");
  start.addEventListener("click", async () => {
    start.disabled = true;
    try {
      const found = await send("POST", "/api/me/totp");
      document.getElementById("totp-qr").src = found.qr_svg;
      document.getElementById("totp-secret").textContent = found.secret;
      setup.hidden = false;
      start.hidden = true;
      setup.querySelector("input").focus();
    } catch (error) {
      start.disabled = false;
      failed(setup.querySelector(".error"), error);
      setup.hidden = false;
    }
  });

  const confirm = document.getElementById("totp-confirm");
  confirm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = confirm.querySelector(".error");
    box.hidden = true;
    try {
      const done = await send("POST", "/api/me/totp/confirm",
                              { code: new FormData(confirm).get("code") });
      const list = document.getElementById("recovery-codes");
      list.replaceChildren(...done.recovery_codes.map((code) => {
        const item = document.createElement("li");
        item.textContent = code;
        return item;
      }));
      setup.hidden = true;
      document.getElementById("recovery").hidden = false;
      document.getElementById("totp-state").dataset.enabled = "true";
    } catch (error) {
      failed(box, error);
    }
  });

  const off = document.getElementById("totp-off");
  if (off) {
    off.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await send("DELETE", "/api/me/totp", { code: new FormData(off).get("code") });
        window.location.reload();
      } catch (error) {
        failed(off.querySelector(".error"), error);
      }
    });
  }

  const policy = document.getElementById("policy");
  if (policy) {
    policy.addEventListener("submit", async (event) => {
      event.preventDefault();
      const roles = new FormData(policy).getAll("role");
      policy.querySelector(".error").hidden = true;
      try {
        await send("PUT", "/api/security-policy", { second_factor_roles: roles });
        document.getElementById("policy-saved").hidden = false;
      } catch (error) {
        failed(policy.querySelector(".error"), error);
      }
    });
  }
})();
