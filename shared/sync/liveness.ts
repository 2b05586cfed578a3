/**
 * The device's liveness check on a connection (as y-websocket does with its
 * messageReconnectTimeout): every `intervalMs` it sends a ping (MSG_PING); anything heard from
 * the server counts as life. Silence for two intervals means the link is dead — a Wi-Fi link
 * can die with the socket still "open" — and `onDead` is called once so the caller can drop the
 * connection and reconnect, instead of showing online. Kept apart from DeviceSync so the sync
 * engine's own states stay its business.
 */
export class Liveness {
	private lastHeard: number;
	private readonly timer: ReturnType<typeof setInterval>;
	private done = false;

	constructor(private readonly opts: { intervalMs: number; ping: () => void; onDead: () => void; now?: () => number }) {
		this.lastHeard = this.now();
		this.timer = setInterval(() => this.tick(), opts.intervalMs);
	}

	private now(): number {
		return this.opts.now?.() ?? Date.now();
	}

	/** Something arrived from the server. */
	heard(): void {
		this.lastHeard = this.now();
	}

	stop(): void {
		this.done = true;
		clearInterval(this.timer);
	}

	private tick(): void {
		if (this.done) return;
		if (this.now() - this.lastHeard >= 2 * this.opts.intervalMs) {
			this.stop();
			this.opts.onDead();
			return;
		}
		try {
			this.opts.ping();
		} catch {
			// A socket closing under us: its close event ends this check.
		}
	}
}
