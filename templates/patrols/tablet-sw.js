// The patrol tablet's service worker (scope /patrols/): a page reloaded with no network
// still opens. Network first, always; only when the network fails does it answer from the
// cache the tablet page filled itself (the page and its scripts and styles, see tablet.js).
// The API is never cached: the queue in IndexedDB is what waits for the network.
"use strict";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  event.respondWith(fetch(request).catch(function () {
    return caches.match(request, { ignoreSearch: false, ignoreVary: true }).then(function (cached) {
      return cached || Response.error();
    });
  }));
});
