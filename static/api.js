"use strict";
// Talking to the API from the pages, the same way everywhere:
// - one Idempotency-Key per user action: a retry after a dropped connection reuses it, so the
//   server makes the change once; a double click is one action (the control is disabled and
//   a second click while the first is in flight does nothing);
// - errors in the page's language (Accept-Language is the page's), shown inline in the
//   action's error box, never in alert();
// - forgetting everything of the signed-in user (caches, stored state) on sign-out and before
//   another user signs in on the same tablet.
(function () {
  const lang = document.documentElement.lang || "vi";
  const stringsNode = document.getElementById("api-strings");
  const strings = stringsNode ? JSON.parse(stringsNode.textContent) : {};
  const unreachable = strings.unreachable || "Cannot reach the server. Check the connection and try again.";
  const failed = strings.failed || "Something went wrong";

  class ApiError extends Error {
    constructor(status, code, message, details) {
      super(message);
      this.status = status;
      this.code = code;
      this.details = details || {};
    }
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function headers(method, key, json) {
    const h = { "Accept-Language": lang };
    if (json) h["Content-Type"] = "application/json";
    if (method !== "GET" && method !== "HEAD") h["Idempotency-Key"] = key || newKey();
    return h;
  }

  async function answer(response) {
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch (e) { data = null; }
    }
    if (!response.ok) {
      const error = data && data.error ? data.error : {};
      throw new ApiError(response.status, error.code || "error", error.message || failed, error);
    }
    return data;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // One request; with the same key it may be sent again when the network failed, since the
  // server answers a repeated key with the first answer.
  async function call(method, url, body, options) {
    const key = (options && options.key) || newKey();
    const form = body instanceof FormData;
    const init = { method: method, headers: headers(method, key, body !== undefined && !form),
                   body: body === undefined ? undefined : form ? body : JSON.stringify(body) };
    const attempts = method === "GET" ? 1 : 3;
    for (let attempt = 1; ; attempt++) {
      let response;
      try {
        response = await fetch(url, init);
      } catch (e) {
        if (attempt >= attempts || !navigator.onLine) throw new ApiError(0, "unreachable", unreachable);
        await sleep(400 * attempt);
        continue;
      }
      return answer(response);
    }
  }

  // An upload with progress (XMLHttpRequest: fetch cannot report it).
  function upload(url, form, onProgress, options) {
    const key = (options && options.key) || newKey();
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("POST", url);
      request.setRequestHeader("Idempotency-Key", key);
      request.setRequestHeader("Accept-Language", lang);
      request.upload.onprogress = (event) => {
        if (event.lengthComputable && onProgress) onProgress(Math.round(100 * event.loaded / event.total));
      };
      request.onload = () => {
        let data = null;
        try { data = JSON.parse(request.responseText); } catch (e) { data = null; }
        if (request.status >= 200 && request.status < 300) { resolve(data); return; }
        const error = data && data.error ? data.error : {};
        reject(new ApiError(request.status, error.code || "error", error.message || failed, error));
      };
      request.onerror = () => reject(new ApiError(0, "unreachable", unreachable));
      request.send(form);
    });
  }

  // What a person reads for a field: the text of its label (not of the control inside it),
  // the legend of a group of checkboxes or radio buttons, or a data-label on the control.
  function ownText(node) {
    return Array.from(node.childNodes)
      .filter((child) => !(child instanceof Element && child.matches("input, select, textarea, button")))
      .map((child) => child.textContent).join(" ").replace(/\s+/g, " ").trim();
  }

  function fieldLabel(scope, field) {
    if (!scope || !field) return "";
    const controls = Array.from(scope.querySelectorAll("[name]")).filter((c) => c.name === field);
    if (!controls.length) return "";
    const first = controls[0];
    if (first.dataset.label) return first.dataset.label;
    if (controls.length > 1 || first.type === "checkbox" || first.type === "radio") {
      const legend = first.closest("fieldset") && first.closest("fieldset").querySelector("legend");
      if (legend) return ownText(legend);
    }
    if (first.labels && first.labels.length) return ownText(first.labels[0]);
    return first.getAttribute("aria-label") || "";
  }

  // An API error names the field it is about by its API name ("Trường 'text' dài quá…"); on a
  // page the field is shown by its label, so the message names the label instead.
  function messageFor(box, error) {
    const field = error.details && error.details.field;
    const label = field ? fieldLabel(box.closest("form, dialog, section") || document, field) : "";
    return label ? error.message.split("'" + field + "'").join("“" + label + "”") : error.message;
  }

  function showError(box, error) {
    if (!box) return;
    box.textContent = error ? messageFor(box, error) : "";
    box.hidden = !error;
  }

  function controlsOf(trigger) {
    if (trigger instanceof HTMLFormElement) {
      return Array.from(trigger.querySelectorAll("button, input[type=submit]"));
    }
    return [trigger];
  }

  // A user action: `work(key)` runs once at a time for `trigger` (a form or a button), with
  // one Idempotency-Key, the trigger's buttons disabled meanwhile and its error shown in `box`.
  // Returns what `work` returned, or undefined when it failed or was already running.
  async function act(trigger, box, work) {
    if (trigger.dataset.busy === "true") return undefined;
    trigger.dataset.busy = "true";
    const controls = controlsOf(trigger);
    const before = controls.map((c) => c.disabled);
    for (const c of controls) c.disabled = true;
    trigger.setAttribute("aria-busy", "true");
    showError(box, null);
    try {
      return await work(newKey());
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showError(box, error);
      return undefined;
    } finally {
      delete trigger.dataset.busy;
      trigger.removeAttribute("aria-busy");
      controls.forEach((c, i) => { if (c.isConnected) c.disabled = before[i]; });
    }
  }

  // A form whose submission is one action; `work(data, key)` gets its FormData.
  function onSubmit(form, work) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act(form, form.querySelector(".error"), (key) => work(new FormData(form), key));
    });
  }

  // Everything of the signed-in user kept on this device: the service worker's caches of
  // pages and page images (not the app's own scripts and styles), and the stored state.
  async function forgetEverything() {
    try { sessionStorage.clear(); } catch (e) { /* storage may be off */ }
    try { localStorage.clear(); } catch (e) { /* storage may be off */ }
    if (!window.caches) return;
    try {
      const names = await caches.keys();
      await Promise.all(names.filter((n) => !n.startsWith("shell-")).map((n) => caches.delete(n)));
    } catch (e) { /* no cache storage */ }
  }

  window.MeetingApi = { call, upload, act, onSubmit, showError, newKey, forgetEverything, ApiError, lang };
})();
