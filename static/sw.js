"use strict";
// Service worker: keeps the app shell and every page image a tablet has seen, so an open
// document stays readable while the Wi-Fi is down. Page images with ?version= never change.
const SHELL = "shell-v1";
const PAGES = "pages-v1";
const HTML = "html-v1";
const SHELL_FILES = ["/static/app.css", "/static/app.js", "/static/live.js", "/static/meeting.js",
                     "/static/viewer.js"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => ![SHELL, PAGES, HTML].includes(k)).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

async function cacheFirst(request, name) {
  const cache = await caches.open(name);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

async function networkFirst(request, name) {
  const cache = await caches.open(name);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const hit = await cache.match(request, { ignoreSearch: false });
    if (hit) return hit;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (/^\/api\/documents\/\d+\/pages\/\d+$/.test(url.pathname) && url.searchParams.has("version")) {
    event.respondWith(cacheFirst(request, PAGES));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(networkFirst(request, SHELL));
  } else if (request.mode === "navigate" && (url.pathname.startsWith("/meetings/") || url.pathname === "/")) {
    event.respondWith(networkFirst(request, HTML));
  }
});
