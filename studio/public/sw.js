// Strata's service worker: makes the app installable as a PWA and keeps the app shell
// available when the network drops. API calls always go to the network (never cached).
const SHELL = 'strata-shell-v1';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          const copy = response.clone();
          void caches.open(SHELL).then((cache) => cache.put('/index.html', copy));
          return response;
        })
        .catch(() => caches.match('/index.html')),
    );
  } else if (url.pathname.startsWith('/assets/')) {
    // Hashed assets never change: cache first.
    event.respondWith(
      caches.match(request).then((hit) => hit ?? fetch(request).then((response) => {
        const copy = response.clone();
        void caches.open(SHELL).then((cache) => cache.put(request, copy));
        return response;
      })),
    );
  }
});
