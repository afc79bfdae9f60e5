"use strict";
// Private notes on the page the viewer shows (see docs/notes.md): a text box and pen strokes
// drawn with pointer events on a canvas over the page image. They are the signed-in user's
// alone. Strokes are stored as compact point lists: whole numbers 0..10000 of the page's
// width and height as displayed. A change is saved a moment after the last stroke or key; a
// save that cannot reach the server is kept on the device and sent again when it can.
(function () {
  // The page's own scripts (api.js) load after this one: start once they all have.
  function init() {
    const viewer = document.getElementById("viewer");
    const panel = document.getElementById("notes");
    const frame = document.getElementById("page-frame");
    const img = document.getElementById("page-image");
    if (!viewer || !panel || !frame || !img || !window.MeetingApi) return;
    const api = window.MeetingApi;
    const stringsNode = document.getElementById("notes-strings");
    const strings = stringsNode ? JSON.parse(stringsNode.textContent) : {};
    const t = (key, values) => {
      let text = strings[key] || key;
      for (const [k, v] of Object.entries(values || {})) text = text.replace("{" + k + "}", v);
      return text;
    };
    const userId = document.body.dataset.userId || "";
    const SCALE = 10000;
    const MAX_POINTS = 4000;  // per stroke, as the server allows
    const COLORS = [["#c62828", "Red"], ["#1565c0", "Blue"], ["#111111", "Black"]];

    let current = null;  // {documentId, version, page, pageCount}
    let loadedVersion = null;
    const notes = new Map();  // page -> {text, strokes, from_version}
    let drawing = false;
    let color = COLORS[0][0];
    let stroke = null;

    function el(tag, attrs, text) {
      const node = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
      if (text !== undefined) node.textContent = text;
      return node;
    }

    // ── the panel ──────────────────────────────────────────────────────────────────────────
    const title = el("h2", { id: "notes-title" }, t("My private notes"));
    const privacy = el("p", { class: "meta" }, t("Only you see these notes."));
    const tools = el("div", { class: "notes-tools", role: "group" });
    const pen = el("button", { type: "button", class: "secondary", id: "notes-pen", "aria-pressed": "false" }, "✎ " + t("Pen"));
    const colorSelect = el("select", { id: "notes-color", "aria-label": t("Pen") });
    for (const [value, name] of COLORS) colorSelect.appendChild(el("option", { value: value }, t(name)));
    const undo = el("button", { type: "button", class: "secondary", id: "notes-undo" }, t("Undo stroke"));
    const clear = el("button", { type: "button", class: "secondary", id: "notes-clear" }, t("Clear drawing"));
    tools.append(pen, colorSelect, undo, clear);
    const label = el("label", { for: "notes-text", id: "notes-label" });
    const text = el("textarea", { id: "notes-text", maxlength: "10000", rows: "4" });
    const mark = el("p", { class: "from-version", id: "notes-from-version", hidden: "" });
    const status = el("p", { class: "meta notes-status", id: "notes-status", role: "status" });
    const download = el("a", { id: "notes-download" }, t("Download my copy with notes"));
    panel.append(title, privacy, tools, label, text, mark, status, download);
    panel.hidden = false;

    const canvas = el("canvas", { class: "notes-canvas", id: "notes-canvas", "aria-hidden": "true" });
    frame.appendChild(canvas);

    // ── where things are kept while unsaved ────────────────────────────────────────────────
    const pendingKey = (doc, page) => "notes-pending:" + userId + ":" + doc + ":" + page;
    function keepPending(doc, page, body) {
      try { localStorage.setItem(pendingKey(doc, page), JSON.stringify(body)); } catch (e) { /* storage off */ }
    }
    function dropPending(doc, page, body) {
      try {
        const kept = localStorage.getItem(pendingKey(doc, page));
        if (kept === JSON.stringify(body)) localStorage.removeItem(pendingKey(doc, page));
      } catch (e) { /* storage off */ }
    }
    function pendingOf(doc) {
      const found = [];
      try {
        const prefix = "notes-pending:" + userId + ":" + doc + ":";
        for (let i = 0; i < localStorage.length; i++) {
          const key = localStorage.key(i);
          if (key && key.startsWith(prefix)) found.push([Number(key.slice(prefix.length)), JSON.parse(localStorage.getItem(key))]);
        }
      } catch (e) { /* storage off */ }
      return found;
    }

    // ── saving, with retries ───────────────────────────────────────────────────────────────
    const timers = new Map();
    let retryTimer = null;
    function setStatus(state) {
      status.dataset.state = state;
      status.textContent = state === "saved" ? t("Saved") : state === "saving" ? t("Saving…")
        : state === "pending" ? t("Not saved yet: will retry when the connection returns.") : "";
    }
    function scheduleSave(page) {
      const doc = current.documentId;
      const note = notes.get(page) || { text: "", strokes: [] };
      const body = { version: current.version, text: note.text, strokes: note.strokes };
      keepPending(doc, page, body);
      setStatus("saving");
      clearTimeout(timers.get(page));
      timers.set(page, setTimeout(() => save(doc, page, body), 700));
    }
    async function save(doc, page, body) {
      try {
        await api.call("PUT", "/api/documents/" + doc + "/notes/" + page, body);
        dropPending(doc, page, body);
        if (current && current.documentId === doc && current.page === page) {
          const note = notes.get(page);
          if (note) note.from_version = null;
          renderMark();
        }
        if (!pendingOf(doc).length) setStatus("saved");
      } catch (error) {
        if (error.status === 0) {  // unreachable: kept, sent again later
          setStatus("pending");
          clearTimeout(retryTimer);
          retryTimer = setTimeout(retryAll, 5000);
        } else {
          dropPending(doc, page, body);
          status.dataset.state = "error";
          status.textContent = error.message;
        }
      }
    }
    function retryAll() {
      if (!current) return;
      for (const [page, body] of pendingOf(current.documentId)) save(current.documentId, page, body);
    }
    window.addEventListener("online", retryAll);
    document.addEventListener("meeting-online", retryAll);

    // ── loading a document's notes ─────────────────────────────────────────────────────────
    async function load() {
      const doc = current.documentId, version = current.version;
      loadedVersion = doc + ":" + version;
      notes.clear();
      try {
        const found = await api.call("GET", "/api/documents/" + doc + "/notes?version=" + version);
        for (const note of found.notes) notes.set(note.page, { text: note.text, strokes: note.strokes, from_version: note.from_version });
      } catch (error) {
        status.dataset.state = "error";
        status.textContent = t("Could not load your notes.");
      }
      for (const [page, body] of pendingOf(doc)) {  // what was written offline wins
        notes.set(page, { text: body.text, strokes: body.strokes, from_version: null });
      }
      if (pendingOf(doc).length) retryAll();
      showPage();
    }

    function renderMark() {
      const note = current && notes.get(current.page);
      if (note && note.from_version) {
        mark.textContent = t("from version {n}", { n: note.from_version });
        mark.hidden = false;
      } else {
        mark.hidden = true;
      }
    }

    function showPage() {
      const note = notes.get(current.page) || { text: "", strokes: [] };
      label.textContent = t("Note on page {n}", { n: current.page });
      text.value = note.text;
      download.href = "/api/documents/" + current.documentId + "/notes/pdf?version=" + current.version;
      renderMark();
      layout();
    }

    // ── the canvas over the page image ─────────────────────────────────────────────────────
    function layout() {
      const width = img.clientWidth, height = img.clientHeight;
      if (!width || !height) return;
      const ratio = window.devicePixelRatio || 1;
      canvas.style.left = img.offsetLeft + "px";
      canvas.style.top = img.offsetTop + "px";
      canvas.style.width = width + "px";
      canvas.style.height = height + "px";
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      redraw();
    }
    function paint(ctx, s) {
      const p = s.p;
      ctx.strokeStyle = s.c;
      ctx.lineWidth = Math.max(1, s.w / 1000 * canvas.width);
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(p[0] / SCALE * canvas.width, p[1] / SCALE * canvas.height);
      if (p.length === 2) ctx.lineTo(p[0] / SCALE * canvas.width + 0.1, p[1] / SCALE * canvas.height);
      for (let i = 2; i < p.length; i += 2) ctx.lineTo(p[i] / SCALE * canvas.width, p[i + 1] / SCALE * canvas.height);
      ctx.stroke();
    }
    function redraw() {
      const ctx = canvas.getContext("2d");
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      if (!current) return;
      const note = notes.get(current.page);
      for (const s of (note ? note.strokes : [])) paint(ctx, s);
      if (stroke) paint(ctx, stroke);
    }
    if (window.ResizeObserver) new ResizeObserver(layout).observe(img);
    img.addEventListener("load", layout);
    window.addEventListener("resize", layout);

    function point(event) {
      const box = canvas.getBoundingClientRect();
      const x = Math.round((event.clientX - box.left) / box.width * SCALE);
      const y = Math.round((event.clientY - box.top) / box.height * SCALE);
      return [Math.min(SCALE, Math.max(0, x)), Math.min(SCALE, Math.max(0, y))];
    }
    function add(event) {
      const [x, y] = point(event);
      const p = stroke.p, n = p.length;
      if (n >= 2 && Math.abs(p[n - 2] - x) + Math.abs(p[n - 1] - y) < 15) return;  // compact
      if (n / 2 < MAX_POINTS) p.push(x, y);
    }
    canvas.addEventListener("pointerdown", (event) => {
      if (!drawing || !current) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      stroke = { c: color, w: 3, p: [] };
      add(event);
      redraw();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!stroke) return;
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      for (const e of (events.length ? events : [event])) add(e);
      redraw();
    });
    function finish() {
      if (!stroke || !current) { stroke = null; return; }
      const note = notes.get(current.page) || { text: text.value, strokes: [], from_version: null };
      note.strokes = note.strokes.concat([stroke]);
      notes.set(current.page, note);
      stroke = null;
      redraw();
      scheduleSave(current.page);
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    // While the pen is on, a stroke never turns the page nor zooms (the viewer listens on the frame).
    for (const name of ["touchstart", "touchend", "dblclick"]) {
      canvas.addEventListener(name, (event) => { if (drawing) event.stopPropagation(); });
    }

    pen.addEventListener("click", () => {
      drawing = !drawing;
      pen.setAttribute("aria-pressed", drawing ? "true" : "false");
      canvas.classList.toggle("drawing", drawing);
    });
    colorSelect.addEventListener("change", () => { color = colorSelect.value; });
    undo.addEventListener("click", () => {
      const note = current && notes.get(current.page);
      if (!note || !note.strokes.length) return;
      note.strokes = note.strokes.slice(0, -1);
      redraw();
      scheduleSave(current.page);
    });
    clear.addEventListener("click", () => {
      const note = current && notes.get(current.page);
      if (!note || !note.strokes.length) return;
      note.strokes = [];
      redraw();
      scheduleSave(current.page);
    });
    text.addEventListener("input", () => {
      if (!current) return;
      const note = notes.get(current.page) || { text: "", strokes: [], from_version: null };
      note.text = text.value;
      notes.set(current.page, note);
      scheduleSave(current.page);
    });

    function onPage(detail) {
      const changedDocument = !current || loadedVersion !== detail.documentId + ":" + detail.version;
      current = { documentId: detail.documentId, version: detail.version, page: detail.page, pageCount: detail.pageCount };
      stroke = null;
      if (changedDocument) load(); else showPage();
    }
    document.addEventListener("viewer:page", (event) => onPage(event.detail));
    if (window.MeetingViewer && window.MeetingViewer.current) onPage(window.MeetingViewer.current);
  }
  // Deferred scripts run in document order, before DOMContentLoaded: api.js may come later.
  if (window.MeetingApi) init(); else document.addEventListener("DOMContentLoaded", init);
})();
