/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

/**
 * Precaches the whole app under a versioned cache and serves it cache-first, so a tablet in a
 * basement starts the app with no network. A new version waits until the app asks it to take
 * over (after the operator accepts the update), so nothing in progress is lost.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `app-${version}`;
const APP_SHELL = '/';
const PRECACHE = [...build, ...files, APP_SHELL];
const NEVER_CACHED = ['/api/', '/sync', '/healthz', '/readyz'];

sw.addEventListener('install', (event) => {
	event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('message', (event) => {
	if (event.data === 'SKIP_WAITING') void sw.skipWaiting();
});

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin || NEVER_CACHED.some((p) => url.pathname.startsWith(p))) return;
	event.respondWith(
		(async () => {
			const cache = await caches.open(CACHE);
			// Client-side routes all load the same shell.
			const key = request.mode === 'navigate' ? APP_SHELL : request;
			const cached = await cache.match(key);
			if (cached) return cached;
			return fetch(request);
		})()
	);
});
