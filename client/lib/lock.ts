/**
 * Locks the station after a period without input and whenever the page is hidden (screen off,
 * app switched), so an unattended tablet shows nothing and holds no key in memory.
 */
export function watchForLock(lock: () => void, idleMs: number): () => void {
	let timer = setTimeout(lock, idleMs);
	const activity = () => {
		clearTimeout(timer);
		timer = setTimeout(lock, idleMs);
	};
	const visibility = () => {
		if (document.visibilityState === 'hidden') lock();
	};
	const events = ['pointerdown', 'keydown', 'touchstart'] as const;
	for (const e of events) window.addEventListener(e, activity, { passive: true });
	document.addEventListener('visibilitychange', visibility);
	return () => {
		clearTimeout(timer);
		for (const e of events) window.removeEventListener(e, activity);
		document.removeEventListener('visibilitychange', visibility);
	};
}
