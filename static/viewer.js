"use strict";
// The document viewer: page images, next/previous, following (or leading) the presenter.
(function () {
  const viewer = document.getElementById("viewer");
  if (!viewer) return;
  const docId = Number(viewer.dataset.documentId);
  const meetingId = viewer.dataset.meetingId;
  const canLead = viewer.dataset.canLead === "true";
  const img = document.getElementById("page-image");
  const number = document.getElementById("page-number");
  const prev = document.getElementById("prev-page");
  const next = document.getElementById("next-page");
  const follow = document.getElementById("follow");
  const present = document.getElementById("present");
  const newer = document.getElementById("newer-version");
  let version = Number(viewer.dataset.version);
  let pageCount = Number(viewer.dataset.pageCount);
  let page = Number(viewer.dataset.page);
  let following = follow ? follow.checked : false;
  let presenting = false;
  // Each page's [width, height], from a JSON block (the pages allow no inline script).
  const sizesBlock = document.getElementById("page-sizes");
  const PAGE_SIZES = sizesBlock ? JSON.parse(sizesBlock.textContent) : [];

  function src(n) { return "/api/documents/" + docId + "/pages/" + n + "?version=" + version; }

  function show(n) {
    page = Math.max(1, Math.min(n, pageCount));
    img.src = src(page);
    img.alt = window.MeetingLive.t("Page {n}", { n: page });
    number.textContent = window.MeetingLive.t("Page {n} of {total}", { n: page, total: pageCount });
    viewer.dataset.page = String(page);
    prev.disabled = page <= 1;
    next.disabled = page >= pageCount;
    history.replaceState(null, "", "?version=" + version + "&page=" + page);
    const newest = document.querySelector("#newer-version a");
    if (newest) newest.href = "?page=" + page;
    const size = PAGE_SIZES[page - 1];
    if (size) img.style.aspectRatio = size[0] + " / " + size[1];
    for (const thumb of document.querySelectorAll("#thumbnails button")) {
      if (Number(thumb.dataset.page) === page) {
        thumb.setAttribute("aria-current", "true");
        const strip = thumb.parentElement;  // scroll the strip only, never the page
        strip.scrollLeft = thumb.offsetLeft - strip.offsetLeft - strip.clientWidth / 2;
      }
      else thumb.removeAttribute("aria-current");
    }
    for (let k = page + 1; k <= Math.min(page + 2, pageCount); k++) { new Image().src = src(k); }
    if (presenting) window.MeetingLive.send({ type: "presenter.page", document_id: docId, page: page });
  }

  function step(delta) {
    if (following && !presenting) setFollowing(false);
    show(page + delta);
  }

  function setFollowing(on) {
    following = on;
    if (follow) follow.checked = on;
    if (on) { presenting = false; if (present) present.setAttribute("aria-pressed", "false"); }
    if (on && window.MeetingLive.state()) followPresenter(window.MeetingLive.state());
  }

  function followPresenter(state) {
    const p = state.presenter;
    if (!following || presenting || !p || p.document_id === null) return;
    if (p.document_id !== docId) {
      location.assign("/meetings/" + meetingId + "/documents/" + p.document_id + "?page=" + p.page);
      return;
    }
    if (p.version !== version) {
      location.replace("/meetings/" + meetingId + "/documents/" + docId +
                       "?version=" + p.version + "&page=" + p.page);
      return;
    }
    if (p.page !== page) show(p.page);
  }

  prev.addEventListener("click", () => step(-1));
  next.addEventListener("click", () => step(1));
  document.addEventListener("keydown", (e) => {
    if (e.key === "ArrowRight" || e.key === "PageDown") step(1);
    if (e.key === "ArrowLeft" || e.key === "PageUp") step(-1);
  });
  if (follow) follow.addEventListener("change", () => setFollowing(follow.checked));
  const thumbnails = document.getElementById("thumbnails");
  if (thumbnails) {
    thumbnails.addEventListener("click", (event) => {
      const thumb = event.target.closest("button[data-page]");
      if (!thumb) return;
      if (following && !presenting) setFollowing(false);
      show(Number(thumb.dataset.page));
    });
  }
  // Touch: a horizontal swipe turns the page (and detaches from the presenter); a double tap zooms.
  const frame = document.getElementById("page-frame");
  let touchX = null, touchY = null, lastTap = 0;
  frame.addEventListener("touchstart", (e) => {
    if (e.touches.length === 1) { touchX = e.touches[0].clientX; touchY = e.touches[0].clientY; }
    else touchX = null;
  }, { passive: true });
  frame.addEventListener("touchend", (e) => {
    if (touchX === null || frame.classList.contains("zoomed")) return;
    const dx = e.changedTouches[0].clientX - touchX, dy = e.changedTouches[0].clientY - touchY;
    touchX = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) { step(dx < 0 ? 1 : -1); return; }
    const now = Date.now();
    if (now - lastTap < 300) { frame.classList.toggle("zoomed"); lastTap = 0; } else lastTap = now;
  });
  frame.addEventListener("dblclick", () => frame.classList.toggle("zoomed"));
  if (present && canLead) {
    present.addEventListener("click", () => {
      presenting = !presenting;
      present.setAttribute("aria-pressed", presenting ? "true" : "false");
      if (presenting) { following = false; if (follow) follow.checked = false; show(page); }
    });
  }
  document.addEventListener("meeting-online", () => {
    if (presenting) window.MeetingLive.send({ type: "presenter.page", document_id: docId, page: page });
  });
  document.addEventListener("meeting-state", (event) => {
    const state = event.detail;
    const doc = state.documents.find((d) => d.id === docId);
    if (newer && doc && doc.version > version) newer.hidden = false;
    followPresenter(state);
  });
  show(page);
  if (canLead && present && new URLSearchParams(location.search).get("present") === "1") present.click();
})();
