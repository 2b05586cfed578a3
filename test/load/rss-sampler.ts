import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, from /proc (Linux); null once it is gone. */
export function rssBytes(pid: number): number | null {
	try {
		const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) * 1024 : null;
	} catch {
		return null;
	}
}

/**
 * Samples another process's RSS every `everyMs` until stopped. A sampler, not a wait: the
 * test's progress never depends on it.
 */
export function sampleRss(pid: number, everyMs = 100): { stop(): { peak: number; samples: number } } {
	let peak = 0;
	let samples = 0;
	const take = () => {
		const rss = rssBytes(pid);
		if (rss === null) return;
		samples++;
		peak = Math.max(peak, rss);
	};
	take();
	const timer = setInterval(take, everyMs);
	return {
		stop: () => {
			clearInterval(timer);
			take();
			return { peak, samples };
		}
	};
}
