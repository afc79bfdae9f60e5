"use strict";
// Reading readiness: the viewer dispatches "viewer:page" {documentId, version, page, pageCount}
// for each page shown; the pages seen are queued here and reported in batches to
// POST /api/reading. Meeting-room Wi-Fi is flaky: the queue is kept in localStorage (per user)
// until the server has it, retried with a growing pause, sent again when the tablet is back
// online, and handed to sendBeacon when the page goes away. A page reported twice is harmless
// (the server keeps the first time it was seen).
(function () {
  const userId = document.body.dataset.userId;
  if (!userId) return;
  const storeKey = "reading-queue-" + userId;
  const BATCH = 200;
  const DELAY = 2000;
  let queue = load();
  let timer = null;
  let pause = DELAY;
  let sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
  }

  function save() {
    try { localStorage.setItem(storeKey, JSON.stringify(queue.slice(-5000))); } catch (e) { /* full or private */ }
  }

  function add(detail) {
    if (!detail || !detail.documentId || !detail.version || !detail.page) return;
    const entry = { document_id: Number(detail.documentId), version: Number(detail.version), page: Number(detail.page) };
    if (!queue.some((p) => p.document_id === entry.document_id && p.version === entry.version && p.page === entry.page)) {
      queue.push(entry);
      save();
    }
    schedule(DELAY);
  }

  function schedule(ms) {
    if (timer) return;
    timer = setTimeout(() => { timer = null; flush(); }, ms);
  }

  async function flush() {
    if (sending || !queue.length) return;
    if (navigator.onLine === false) return;  // the "online" event sends it
    sending = true;
    const batch = queue.slice(0, BATCH);
    try {
      const response = await fetch("/api/reading", {
        method: "POST", credentials: "same-origin", keepalive: true,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ pages: batch }),
      });
      if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)) {
        // Stored, or refused for good (signed out, malformed): either way not sent again.
        queue = queue.slice(batch.length);
        save();
        pause = DELAY;
        if (queue.length) schedule(0);
      } else {
        retry();
      }
    } catch (e) {
      retry();
    } finally {
      sending = false;
    }
  }

  function retry() {
    pause = Math.min(pause * 2, 60000);
    schedule(pause);
  }

  function beacon() {
    if (!queue.length || !navigator.sendBeacon) return;
    const blob = new Blob([JSON.stringify({ pages: queue.slice(0, BATCH) })], { type: "application/json" });
    navigator.sendBeacon("/api/reading", blob);  // the queue stays: sent again next time if lost
  }

  document.addEventListener("viewer:page", (event) => add(event.detail));
  if (window.MeetingViewer && window.MeetingViewer.current) add(window.MeetingViewer.current);
  window.addEventListener("online", () => { pause = DELAY; flush(); });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") beacon(); });
  window.addEventListener("pagehide", beacon);
  if (queue.length) schedule(0);
  window.MeetingReading = { pending: () => queue.length, flush };
})();
