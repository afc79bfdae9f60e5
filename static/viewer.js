"use strict";
// The document viewer: page images, next/previous, following (or leading) the presenter,
// fitting the page to the width or whole to the screen.
//
// The chair and the secretary present any document with "Present this document" (the room
// follows them page by page) and stop with "Stop presenting"; they do not follow the presenter
// unless they tick it. Everyone else follows by default, to other documents too. The address
// is never rewritten to one the service worker has not kept: the page being read is kept in
// sessionStorage, so that a reload, online or not, comes back to it.
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
  const stop = document.getElementById("stop-presenting");
  const note = document.getElementById("presenting-note");
  const errorBox = document.getElementById("viewer-error");
  const api = window.MeetingApi;
  const followKey = "follow-" + meetingId;
  const presentingKey = "presenting-" + meetingId;
  const pageKey = "viewer-page-" + docId + "-" + viewer.dataset.version;
  const viewerStrings = JSON.parse((document.getElementById("viewer-strings") || { textContent: "{}" }).textContent);
  const say = (key, values) => {
    let text = viewerStrings[key] || key;
    for (const name in values || {}) text = text.replace("{" + name + "}", values[name]);
    return text;
  };
  const chosen = sessionStorage.getItem(followKey);
  let following = canLead ? chosen === "on" : chosen !== "off";
  if (follow) follow.checked = following;
  // Presenting: "off", "on" (the room's presenter is this document, confirmed or resumed), or
  // "starting" (asked, not yet seen in the meeting's state: an older state must not stop it).
  const params = new URLSearchParams(location.search);
  let presenting = canLead && sessionStorage.getItem(presentingKey) === String(docId) ? "on" : "off";
  const askedToPresent = canLead && params.get("present") === "1";
  const kept = Number(sessionStorage.getItem(pageKey));
  if (!params.has("page") && kept >= 1 && kept <= pageCount) page = kept;
  // A link that asks to present does it once, not on each reload; the page asked for is then
  // the page being read, which sessionStorage keeps. What is left of the address (the path, and
  // an older version if asked) is one the service worker keeps the page under.
  if (params.has("present") || params.has("page")) {
    params.delete("present");
    params.delete("page");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : ""));
  }
  // Each page's [width, height, rotation], asked for once per version (the service worker
  // keeps it), never in the page, which weighs the same for 2 pages or 2,000. Until it comes
  // the image has its place from the page (its aspect-ratio).
  let PAGE_SIZES = [];
  fetch("/api/documents/" + docId + "/page-sizes?version=" + version)
    .then((response) => response.ok ? response.json() : null)
    .then((found) => { if (found) { PAGE_SIZES = found.page_sizes; applyFit(); } })
    .catch(() => { /* offline and never kept: each page keeps its own size */ });

  function src(n) { return "/api/documents/" + docId + "/pages/" + n + "?version=" + version; }
  // Right-sized images: the browser takes the width the screen shows (the page is as wide as
  // the screen) times its pixel ratio, among the server's few widths; each is kept for good
  // (immutable, per version), so a page turned back to is not asked for again.
  const WIDTHS = [800, 1200, 1600];
  const SIZES = "100vw";
  function srcset(n) { return WIDTHS.map((w) => src(n) + "&w=" + w + " " + w + "w").join(", "); }
  const THUMB_WIDTH = 160;  // thumbnails are small images of their own
  function prefetch(n) {
    const image = new Image();
    image.sizes = SIZES;
    image.srcset = srcset(n);  // the same choice as the page's image: the same address
    image.src = src(n);
  }

  function show(n) {
    page = Math.max(1, Math.min(n, pageCount));
    img.sizes = SIZES;
    img.srcset = srcset(page);
    img.src = src(page);
    img.alt = window.MeetingLive.t("Page {n}", { n: page });
    number.textContent = window.MeetingLive.t("Page {n} of {total}", { n: page, total: pageCount });
    viewer.dataset.page = String(page);
    prev.disabled = page <= 1;
    next.disabled = page >= pageCount;
    sessionStorage.setItem(pageKey, String(page));
    const newest = document.querySelector("#newer-version a");
    if (newest) newest.href = "?page=" + page;
    const size = PAGE_SIZES[page - 1];
    if (size) img.style.aspectRatio = size[0] + " / " + size[1];
    markThumb(page);
    for (let k = page + 1; k <= Math.min(page + 2, pageCount); k++) prefetch(k);
    applyFit();
    // While starting, the page goes out once the room's state has this document (below): a
    // page turn sent now could reach the server before the request that starts presenting.
    if (presenting === "on") sendPage();
    renderPresenting();
    announcePage();
  }

  // Other scripts on this page (reading readiness, private notes) learn which page is shown:
  // once on load and whenever it changes (window.MeetingViewer.current holds the last one).
  let announced = "";
  function announcePage() {
    const key = version + ":" + page + ":" + pageCount;
    if (key === announced) return;
    announced = key;
    const detail = { documentId: docId, version: version, page: page, pageCount: pageCount };
    window.MeetingViewer = { current: detail };  // for a script that loads after the first event
    document.dispatchEvent(new CustomEvent("viewer:page", { detail: detail }));
  }

  function step(delta) {
    if (following && presenting === "off") setFollowing(false, false);
    show(page + delta);
  }

  // `chosenByUser`: ticked or unticked on purpose, remembered for this meeting (the meeting
  // page follows the same choice); turning a page oneself only stops following here.
  function setFollowing(on, chosenByUser) {
    following = on;
    if (follow) follow.checked = on;
    if (chosenByUser) sessionStorage.setItem(followKey, on ? "on" : "off");
    if (on) setPresenting("off");
    if (on && window.MeetingLive.state()) followPresenter(window.MeetingLive.state());
  }

  // The pages this window has put before the room while leading it: a page the room shows
  // that is not one of them was turned by another window (or person), which leads now.
  const sentPages = new Set();
  let resumed = presenting === "on";  // after a reload: the room's page is taken as ours once
  function sendPage() {
    sentPages.add(page);
    window.MeetingLive.send({ type: "presenter.page", document_id: docId, page: page });
  }

  function setPresenting(mode) {
    presenting = mode;
    if (mode !== "on") sentPages.clear();
    if (mode === "off") {
      if (sessionStorage.getItem(presentingKey) === String(docId)) sessionStorage.removeItem(presentingKey);
    } else {
      sessionStorage.setItem(presentingKey, String(docId));
      if (following) { following = false; if (follow) follow.checked = false; }
    }
    renderPresenting();
  }

  function startPresenting(trigger) {
    return api.act(trigger, errorBox, async (key) => {
      setPresenting("starting");
      try {
        sentPages.add(page);
        await api.call("PUT", "/api/meetings/" + meetingId + "/presenter",
                       { document_id: docId, page: page }, { key });
      } catch (error) { setPresenting("off"); throw error; }
    });
  }

  function stopPresenting() {
    return api.act(stop, errorBox, async (key) => {
      await api.call("DELETE", "/api/meetings/" + meetingId + "/presenter", undefined, { key });
      setPresenting("off");
    });
  }

  // What the room is shown: this tablet presenting, another document (with a link), or this
  // one while not following it.
  function renderPresenting() {
    const state = window.MeetingLive && window.MeetingLive.state();
    const p = state ? state.presenter : null;
    const shownHere = p && p.document_id === docId;
    if (stop) stop.hidden = presenting === "off" && !shownHere;
    // This document is presented, but not from this window (another tab, another session or
    // another person): page turns here reach nobody, which must not pass unnoticed. One click
    // takes the lead from here (the room then follows this window's page).
    const elsewhere = Boolean(canLead && presenting === "off" && shownHere && !following);
    if (present) present.hidden = presenting !== "off" || elsewhere;
    if (!note) return;
    note.replaceChildren();
    note.classList.toggle("notice", elsewhere);
    if (presenting !== "off") {
      note.textContent = say("Presenting to the room: page {n}", { n: page });
    } else if (elsewhere) {
      note.append(say("This window is not leading the room: the tablets show page {n} of this document, and pages turned here do not reach them.", { n: p.page }) + " ");
      const take = document.createElement("button");
      take.type = "button";
      take.id = "take-over";
      take.textContent = say("Lead the room from this window");
      take.addEventListener("click", () => startPresenting(take));
      note.append(take);
    } else if (p && !(shownHere && following)) {
      const doc = state.documents.find((d) => d.id === p.document_id);
      note.append(say("Being presented: {title}, page {n}", { title: doc ? doc.title : "", n: p.page }) + " ");
      if (!shownHere || p.page !== page) {
        const link = document.createElement("a");
        link.href = "/meetings/" + meetingId + "/documents/" + p.document_id + "?page=" + p.page;
        link.textContent = say("Open the presented page");
        note.append(link);
      }
    }
  }

  function followPresenter(state) {
    const p = state.presenter;
    if (!following || presenting !== "off" || !p || p.document_id === null) return;
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

  // Fit: the page's width to the screen's, or the whole page on the screen (the default in
  // landscape, where a page fitted to the width is taller than the screen); the choice is
  // remembered for each orientation.
  const fitWidth = document.getElementById("fit-width");
  const fitPage = document.getElementById("fit-page");
  const pager = viewer.querySelector(".pager");
  const frame = document.getElementById("page-frame");
  const fitKey = () => "viewer-fit-" + (innerWidth > innerHeight ? "landscape" : "portrait");
  const fitMode = () => {
    try { return localStorage.getItem(fitKey()) || (innerWidth > innerHeight ? "page" : "width"); }
    catch (e) { return "width"; }
  };
  function applyFit() {
    const mode = frame.classList.contains("zoomed") ? "zoom" : fitMode();
    viewer.classList.toggle("fit-page", mode === "page");
    if (fitWidth) fitWidth.setAttribute("aria-pressed", mode === "width" ? "true" : "false");
    if (fitPage) fitPage.setAttribute("aria-pressed", mode === "page" ? "true" : "false");
    const size = PAGE_SIZES[page - 1];
    if (mode !== "page" || !size) { img.style.width = ""; img.style.height = ""; return; }
    const room = window.innerHeight - pager.offsetHeight - 12;
    const scale = Math.min(frame.clientWidth / size[0], room / size[1]);
    img.style.width = Math.floor(size[0] * scale) + "px";
    img.style.height = Math.floor(size[1] * scale) + "px";
  }
  function showWholePage() {  // the page just under the pager, which stays at the top
    if (fitMode() !== "page") return;
    const top = frame.getBoundingClientRect().top + window.scrollY - pager.offsetHeight - 6;
    window.scrollTo(0, Math.max(0, top));
  }
  function chooseFit(mode) {
    try { localStorage.setItem(fitKey(), mode); } catch (e) { /* not remembered */ }
    frame.classList.remove("zoomed");
    applyFit();
    showWholePage();
  }
  if (fitWidth) fitWidth.addEventListener("click", () => chooseFit("width"));
  if (fitPage) fitPage.addEventListener("click", () => chooseFit("page"));
  window.addEventListener("resize", applyFit);

  prev.addEventListener("click", () => step(-1));
  next.addEventListener("click", () => step(1));
  document.addEventListener("keydown", (e) => {
    if (e.key === "ArrowRight" || e.key === "PageDown") step(1);
    if (e.key === "ArrowLeft" || e.key === "PageUp") step(-1);
  });
  if (follow) follow.addEventListener("change", () => setFollowing(follow.checked, true));
  // Thumbnails are made up to the page shown and as the strip is scrolled, THUMBS at a time,
  // and each image loads when it comes into view: a long document costs what is looked at.
  const thumbnails = document.getElementById("thumbnails");
  const THUMBS = 24;
  function makeThumbs(upTo) {
    const made = document.createDocumentFragment();
    for (let n = thumbnails.children.length + 1; n <= Math.min(upTo, pageCount); n++) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.page = String(n);
      const image = document.createElement("img");
      image.loading = "lazy";
      image.alt = "";
      image.src = src(n) + "&w=" + THUMB_WIDTH;
      const label = document.createElement("span");
      label.textContent = String(n);
      button.append(image, label);
      made.append(button);
    }
    thumbnails.append(made);
  }
  function markThumb(n) {
    if (!thumbnails) return;
    makeThumbs(n + THUMBS);
    const before = thumbnails.querySelector('[aria-current="true"]');
    if (before) before.removeAttribute("aria-current");
    const thumb = thumbnails.children[n - 1];
    thumb.setAttribute("aria-current", "true");
    // scroll the strip only, never the page
    thumbnails.scrollLeft = thumb.offsetLeft - thumbnails.offsetLeft - thumbnails.clientWidth / 2;
  }
  if (thumbnails) {
    thumbnails.addEventListener("scroll", () => {
      if (thumbnails.scrollLeft + thumbnails.clientWidth > thumbnails.scrollWidth - 300) {
        makeThumbs(thumbnails.children.length + THUMBS);
      }
    }, { passive: true });
    thumbnails.addEventListener("click", (event) => {
      const thumb = event.target.closest("button[data-page]");
      if (!thumb) return;
      if (following && presenting === "off") setFollowing(false, false);
      show(Number(thumb.dataset.page));
    });
  }
  // Touch: a horizontal swipe turns the page (and detaches from the presenter); a double tap zooms.
  const zoom = () => { frame.classList.toggle("zoomed"); applyFit(); };
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
    if (now - lastTap < 300) { zoom(); lastTap = 0; } else lastTap = now;
  });
  frame.addEventListener("dblclick", zoom);
  if (present && canLead) present.addEventListener("click", () => startPresenting(present));
  if (stop && canLead) stop.addEventListener("click", stopPresenting);
  document.addEventListener("meeting-online", () => {
    if (presenting === "on") sendPage();
  });
  document.addEventListener("meeting-state", (event) => {
    const state = event.detail;
    const doc = state.documents.find((d) => d.id === docId);
    if (newer && doc && doc.version > version) newer.hidden = false;
    const p = state.presenter;
    const shownHere = p !== null && p.document_id === docId;
    if (presenting === "starting" && shownHere) {
      presenting = "on";
      if (p.page !== page) sendPage();
    } else if (presenting === "on" && !shownHere) {
      setPresenting("off");  // stopped, or another document presented
    } else if (presenting === "on" && resumed) {
      sentPages.add(p.page);
    } else if (presenting === "on" && p.page !== page && !sentPages.has(p.page)) {
      setPresenting("off");  // another window leads the room on this document: say so here
    }
    if (shownHere) resumed = false;
    followPresenter(state);
    renderPresenting();
  });
  // The service worker took over after this page loaded: ask for the pages again, through it,
  // so that they are kept for reading offline.
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      // the width the browser takes from the srcset: the smallest at least as wide as the
      // screen in device pixels (the current page's image says which it took)
      const needed = window.innerWidth * (window.devicePixelRatio || 1);
      const width = WIDTHS.find((w) => w >= needed) || WIDTHS[WIDTHS.length - 1];
      if (img.currentSrc) fetch(img.currentSrc).catch(() => {});
      for (let k = page + (img.currentSrc ? 1 : 0); k <= Math.min(page + 2, pageCount); k++) {
        fetch(src(k) + "&w=" + width).catch(() => {});
      }
    });
  }
  show(page);
  showWholePage();
  if (askedToPresent && presenting === "off") startPresenting(present);
})();
