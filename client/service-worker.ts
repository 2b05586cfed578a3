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
/** The install's screenshots are for the browser's install dialog, not for the app offline. */
const NOT_FOR_THE_APP = ['/screenshots/'];
const PRECACHE = [...build, ...files.filter((f) => !NOT_FOR_THE_APP.some((p) => f.startsWith(p))), APP_SHELL];
const NEVER_CACHED = ['/api/', '/sync', '/healthz', '/readyz'];

/**
 * The back office's own files (its pages, chart.js), listed at build time by
 * client/build/office-only-files.ts: a tablet does not download them. The office is used online,
 * so its pages load from the network like any uncached file.
 */
async function officeOnly(): Promise<Set<string>> {
	const res = await fetch('/_app/office-only.json', { cache: 'no-store' });
	// No list (the dev server builds none): precache everything rather than fail the install,
	// which would leave the station without its offline copy.
	if (!res.ok) return new Set();
	return new Set(((await res.json()) as string[]).map((f) => `/${f}`));
}

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const office = await officeOnly();
			const cache = await caches.open(CACHE);
			await cache.addAll(PRECACHE.filter((f) => !office.has(f)));
		})()
	);
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
