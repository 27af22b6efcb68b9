// Dugnad's service worker. Served by /sw.js, which puts `const DUGNAD = {version, shell, offline}` in
// front of this file (see core/web/member_pages/app.py).
//
// It keeps only the app's static files and the offline page, never a page that may hold personal data:
// pages always come from the network, and when the network is gone the offline page is shown instead.
/* global DUGNAD */
const CACHE = `dugnad-${DUGNAD.version}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(DUGNAD.shell);
      // Fetched without cookies: the copy we keep is the page as a visitor sees it.
      const offline = await fetch(DUGNAD.offline, { credentials: "omit", cache: "reload" });
      if (offline.ok) await cache.put(DUGNAD.offline, offline);
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith("dugnad-") && name !== CACHE).map((name) => caches.delete(name)));
      await self.clients.claim();
    })()
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Pages: the network only; the offline page when there is none.
    event.respondWith(
      fetch(request).catch(async () => (await caches.match(DUGNAD.offline)) || Response.error())
    );
    return;
  }
  if (DUGNAD.shell.includes(url.pathname)) {
    // The app's own static files: from the cache first, refreshed when a new worker comes.
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
  // Everything else (the API, theme.css, uploads) goes to the network untouched.
});
