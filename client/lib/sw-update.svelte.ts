/**
 * Registers the service worker and offers a new version when one has been deployed. The new
 * version waits (service-worker.ts does not skip waiting by itself) until the operator accepts,
 * at a moment of their choosing: every record is already in IndexedDB, so the reload that
 * follows loses nothing saved.
 */
class ServiceWorkerUpdate {
	available = $state(false);
	private waiting: ServiceWorker | null = null;

	async register(): Promise<void> {
		if (!('serviceWorker' in navigator)) return;
		const reg = await navigator.serviceWorker.register('/service-worker.js', {
			type: import.meta.env.DEV ? 'module' : 'classic'
		});
		const offer = (worker: ServiceWorker | null) => {
			// Only an update: the very first install has no controller to replace.
			if (worker && navigator.serviceWorker.controller) {
				this.waiting = worker;
				this.available = true;
			}
		};
		offer(reg.waiting);
		reg.addEventListener('updatefound', () => {
			const installing = reg.installing;
			installing?.addEventListener('statechange', () => {
				if (installing.state === 'installed') offer(installing);
			});
		});
		let reloading = false;
		navigator.serviceWorker.addEventListener('controllerchange', () => {
			if (reloading || !this.waiting) return;
			reloading = true;
			location.reload();
		});
	}

	apply(): void {
		this.waiting?.postMessage('SKIP_WAITING');
	}
}

export const swUpdate = new ServiceWorkerUpdate();
