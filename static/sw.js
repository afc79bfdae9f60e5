"use strict";
// Service worker: keeps the app shell, the pages a tablet has opened and every page image it
// has seen, so that an open document, and any page already seen, reloads while the Wi-Fi is
// down. Page images with ?version= never change.
//
// What is kept belongs to one user: pages come with X-Meeting-User, and when another user's
// page arrives (or a page sends to /login: signed out) everything of the previous one is
// dropped; the pages drop it too on sign-out and before a sign-in (api.js). Each meeting's
// pages and images are kept apart ("meeting-<id>"), so that a meeting the user may no longer
// see (its page answers 404 or 403) is dropped alone.
const SHELL = "shell-v2";
const OWNER = "owner-v1";      // who the kept pages are of: one entry, "/__owner"
const COMMON = "pages-common"; // pages outside a meeting: my meetings, tasks, search…
const SHELL_FILES = ["/static/app.css", "/static/api.js", "/static/app.js", "/static/live.js",
                     "/static/meeting.js", "/static/viewer.js", "/static/console.js",
                     "/static/tracker.js"];
const MEETING_PATH = /^\/meetings\/(\d+)(\/|$)/;
// Page images, and each document's page sizes (the viewer's): with ?version= they never change.
const PAGE_IMAGE = /^\/api\/documents\/\d+\/(pages\/\d+|page-sizes)$/;
const NOT_KEPT = ["/login", "/pair", "/sw.js", "/health"];
const EARLIER = ["shell-v1", "pages-v1", "html-v1"];  // the first version's caches

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  // Caches of earlier versions of this worker go (the first one kept pages of no known owner);
  // the pages open while it was installed are kept too, as if they had come through it.
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => EARLIER.includes(k) || (k.startsWith("shell-") && k !== SHELL))
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim())
    .then(() => self.clients.matchAll({ type: "window" }))
    .then((open) => Promise.all(open.map((client) => keepOpenPage(client.url)))));
});

function meetingCache(id) { return "meeting-" + id; }

async function owner() {
  const hit = await (await caches.open(OWNER)).match("/__owner");
  return hit ? hit.text() : null;
}

// The kept pages are of `user` (null: nobody is signed in): another user's are dropped.
async function setOwner(user) {
  if (await owner() === user) return;
  const keys = await caches.keys();
  await Promise.all(keys.filter((k) => k !== SHELL && k !== OWNER).map((k) => caches.delete(k)));
  const store = await caches.open(OWNER);
  if (user === null) await store.delete("/__owner");
  else await store.put("/__owner", new Response(user));
}

// Which cache a request's page or image belongs in: its meeting's, from its address or from
// the address of the page that asked for it (a page image's referrer is the viewer).
function cacheFor(url, referrer) {
  const match = MEETING_PATH.exec(url.pathname) || (referrer ? MEETING_PATH.exec(new URL(referrer).pathname) : null);
  return match ? meetingCache(match[1]) : COMMON;
}

async function pageImage(request, url) {
  const name = cacheFor(url, request.referrer);
  if (await owner() !== null) {
    const hit = await (await caches.open(name)).match(request);
    if (hit) return hit;
  }
  const response = await fetch(request);
  if (response.ok && await owner() !== null) (await caches.open(name)).put(request, response.clone());
  return response;
}

async function staticFile(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const hit = await cache.match(request);
    if (hit) return hit;
    throw error;
  }
}

// A page: from the network, kept for reading offline (under its full address and, so that a
// reload after the address changed still finds it, under its path alone); offline, the kept
// copy, or a page saying it was not kept.
async function navigation(request, url) {
  const name = cacheFor(url, null);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return (await kept(url, name)) || notKept();
  }
  const landed = new URL(response.url || url.href);
  if (response.redirected && landed.pathname === "/login") {
    await setOwner(null);  // signed out, or the session ended
    return response;
  }
  const match = MEETING_PATH.exec(url.pathname);
  if (match && (response.status === 403 || response.status === 404)) {
    await caches.delete(meetingCache(match[1]));  // no longer theirs
    return response;
  }
  const user = response.headers.get("X-Meeting-User");
  if (response.ok && user && !response.redirected) {
    await setOwner(user);
    const cache = await caches.open(name);
    await cache.put(request.url, response.clone());
    if (url.search) await cache.put(url.origin + url.pathname, response.clone());
  }
  return response;
}

async function keepOpenPage(address) {
  const url = new URL(address);
  if (url.origin !== location.origin || url.pathname.startsWith("/api/") || NOT_KEPT.includes(url.pathname)) return;
  try {
    await navigation(new Request(url.href, { credentials: "same-origin" }), url);
  } catch (error) {
    // offline already: nothing to keep
  }
}

async function kept(url, name) {
  if (await owner() === null) return null;
  const cache = await caches.open(name);
  return (await cache.match(url.href)) || (await cache.match(url.origin + url.pathname)) || null;
}

function notKept() {
  const body = `<!doctype html><html lang="vi"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Mất kết nối mạng</title>
<link rel="stylesheet" href="/static/app.css">
<main><section class="card narrow" id="offline-page"><h1>Mất kết nối mạng</h1>
<p>Trang này chưa được lưu trên máy để đọc khi không có mạng. Vui lòng thử lại khi có mạng.</p>
<p lang="en">You are offline, and this page was not kept on this device. Try again when the connection returns.</p>
<p><a class="button" href="">Thử lại · Try again</a></p></section></main></html>`;
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (PAGE_IMAGE.test(url.pathname) && url.searchParams.has("version")) {
    event.respondWith(pageImage(request, url));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate" && !url.pathname.startsWith("/api/")
             && !NOT_KEPT.includes(url.pathname)) {
    event.respondWith(navigation(request, url));
  }
});
