// Service worker: keeps the page shell (HTML, script, style, wasm, icons) so the page opens
// without the network; audio and the API always go to the server.  The list and the version
// are filled in by clients/web/build.mjs.
const VERSION = '__VERSION__';
const SHELL = __SHELL__;
const CACHE = `tolk-shell-${VERSION}`;

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('tolk-shell-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// Network first (a fresh page when the server is there), the cached shell when it is not.
self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname.startsWith('/ws/') || url.pathname.startsWith('/api/')) return;
  const key = e.request.mode === 'navigate' ? './' : e.request;
  e.respondWith(fetch(e.request).catch(() => caches.match(key, { ignoreSearch: true })));
});
