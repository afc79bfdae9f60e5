"use strict";
// The administration page: units and user accounts, each change one action (api.js) and the
// page shown again from the server once it is saved.
(function () {
  const api = window.MeetingApi;
  if (!document.getElementById("users")) return;

  // A row's edit form opens in place of its text.
  document.addEventListener("click", (event) => {
    const open = event.target.closest(".open-edit");
    const cancel = event.target.closest("form .cancel");
    if (open) {
      const row = open.closest("tr");
      const form = row.querySelector("form");
      form.hidden = false;
      open.hidden = true;
      const shown = row.querySelector(".shown");
      if (shown) shown.hidden = true;
      form.querySelector("input, select").focus();
    } else if (cancel) {
      const row = cancel.closest("tr");
      row.querySelector("form").hidden = true;
      row.querySelector(".open-edit").hidden = false;
      const shown = row.querySelector(".shown");
      if (shown) shown.hidden = false;
    }
  });

  api.onSubmit(document.getElementById("unit-form"), async (data, key) => {
    await api.call("POST", "/api/units", { code: data.get("code"), name: data.get("name") }, { key });
    location.reload();
  });

  for (const form of document.querySelectorAll("form.edit-unit")) {
    api.onSubmit(form, async (data, key) => {
      await api.call("PATCH", "/api/units/" + form.closest("tr").dataset.unitId, { name: data.get("name") }, { key });
      location.reload();
    });
  }

  api.onSubmit(document.getElementById("user-form"), async (data, key) => {
    await api.call("POST", "/api/users", {
      username: data.get("username"), name: data.get("name"), title: data.get("title"),
      role: data.get("role"), unit: data.get("unit") || null, password: data.get("password"),
    }, { key });
    location.reload();
  });

  for (const form of document.querySelectorAll("form.edit-user")) {
    api.onSubmit(form, async (data, key) => {
      const body = { name: data.get("name"), title: data.get("title"), role: data.get("role"),
                     unit: data.get("unit") || null };
      if (data.get("password")) body.password = data.get("password");
      await api.call("PATCH", "/api/users/" + form.closest("tr").dataset.userId, body, { key });
      location.reload();
    });
  }

  // Deactivating asks once more, on the button itself; reactivating does not.
  for (const button of document.querySelectorAll(".set-active, .set-unit-active")) {
    const label = button.textContent;
    button.addEventListener("click", () => {
      const activate = button.dataset.active === "true";
      if (!activate && button.dataset.armed !== "true") {
        button.dataset.armed = "true";
        button.textContent = button.dataset.confirm;
        setTimeout(() => { button.dataset.armed = "false"; button.textContent = label; }, 5000);
        return;
      }
      const row = button.closest("tr");
      const url = row.dataset.userId ? "/api/users/" + row.dataset.userId : "/api/units/" + row.dataset.unitId;
      api.act(button, row.querySelector(".actions .error"), async (key) => {
        await api.call("PATCH", url, { active: activate }, { key });
        location.reload();
      });
    });
  }
})();
