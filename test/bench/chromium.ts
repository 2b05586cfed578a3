/**
 * In-browser figures for `npm run bench`: the real station in Debian's Chromium against the
 * real server (in this process), with 10,000 doses of the day already stored on the device.
 *
 * - scan-to-saved: from the Enter of a wedge scan to today's list showing the new row saved,
 *   offline; the confirmation is pressed the moment it appears (no human pause);
 * - offline cold start: a new browser process on a profile with the service worker installed,
 *   no network; time from navigation to the unlock screen, and from pressing unlock to the
 *   ticket field (the PIN's key derivation and the day's 10,000 records opened).
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClientIfStale } from '../../sync-server/cli/build-client';
import { CHROMIUM_LAUNCH } from '../e2e/chromium';
import { enrolStation, fillSession, PIN, STAFF, unlockStation } from '../e2e/station-steps';
import { wedgeScan } from '../e2e/wedge';
import { seederBundle } from './seed-bundle';
import { startTestServer } from '../helpers/in-process-server';
import { issueEnrolmentCode, ROOT } from '../helpers/server-process';

type Print = (name: string, value: number, unit: string) => void;

const STORED = 10_000;
/** A morning's worth: the list a station holds early in the day. */
const STORED_EARLY = 300;
const WARMUP = 5;
/** Scans timed per figure: enough that a p95 is not one GC pause (with 40 it was the second-slowest scan). */
const SAMPLES = 200;

const CONTEXT = {
	...CHROMIUM_LAUNCH,
	locale: 'ja-JP',
	timezoneId: 'Asia/Tokyo',
	viewport: { width: 1280, height: 800 }
};

/** A browser for the bench; tsx names the functions it compiles with a helper the page lacks. */
async function launch(profile: string, offline = false): Promise<BrowserContext> {
	const context = await chromium.launchPersistentContext(profile, { ...CONTEXT, offline });
	await context.addInitScript('globalThis.__name = (f) => f;');
	return context;
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * A keyboard-wedge burst (the scanner's keys, then Enter, stamped as a scanner's are: see
 * test/e2e/wedge.ts) into the station's window-wide wedge listener; in the page, the
 * confirmation pressed the moment it appears, and the time from the page's handling of the Enter
 * to the new row in today's list.
 */
async function scanAndTime(page: Page, ticket: string): Promise<number> {
	await page.evaluate(
		({ grouped }) => {
			const w = window as unknown as { scanTimed?: Promise<number> };
			w.scanTimed = new Promise<number>((ok) => {
				let pressed = false;
				let enterAt = 0;
				const onEnter = (e: KeyboardEvent) => {
					if (e.key !== 'Enter') return;
					enterAt = performance.now();
					removeEventListener('keydown', onEnter, true);
				};
				addEventListener('keydown', onEnter, true);
				const observer = new MutationObserver(() => {
					if (!pressed) {
						const save = [...document.querySelectorAll<HTMLButtonElement>('.confirm button.primary')].find(
							(b) => !b.disabled
						);
						if (save) {
							pressed = true;
							save.click();
						}
						return;
					}
					if (document.querySelector('.records li .ticket')?.textContent === grouped) {
						observer.disconnect();
						ok(performance.now() - enterAt);
					}
				});
				observer.observe(document.body, { childList: true, subtree: true, characterData: true });
			});
			(document.activeElement as HTMLElement | null)?.blur();
		},
		{ grouped: groupForList(ticket) }
	);
	await wedgeScan(page, ticket);
	return page.evaluate(() => (window as unknown as { scanTimed: Promise<number> }).scanTimed);
}

/** How today's list prints a ticket number (groupTicketNumber, joined by spaces). */
function groupForList(ticket: string): string {
	const n = ticket.slice(8);
	return `${n.slice(0, 4)} ${n.slice(4, 7)} ${n.slice(7)}`;
}

/**
 * The samples after the warm-ups, sorted. With `profile` (a file path), the page's CPU is
 * profiled over the samples through the DevTools protocol and written there (.cpuprofile, for
 * DevTools' Performance panel or test/bench/profile-summary.ts).
 */
async function scanToSaved(page: Page, firstTicket = 900_000_000, profile?: string): Promise<number[]> {
	const times: number[] = [];
	const cdp = profile ? await page.context().newCDPSession(page) : null;
	for (let i = 0; i < WARMUP + SAMPLES; i++) {
		if (cdp && i === WARMUP) {
			await cdp.send('Profiler.enable');
			await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
			await cdp.send('Profiler.start');
		}
		const ticket = `111310160${String(firstTicket + i)}`;
		const ms = await scanAndTime(page, ticket);
		if (i >= WARMUP) times.push(ms);
	}
	if (cdp && profile) {
		const { profile: data } = await cdp.send('Profiler.stop');
		await writeFile(profile, JSON.stringify(data));
		await cdp.detach();
	}
	return times.sort((a, b) => a - b);
}

/** In every new document: when the unlock button appears, and when the ticket field does after unlocking. */
async function stampStartup(context: BrowserContext): Promise<void> {
	await context.addInitScript(() => {
		const w = window as unknown as { unlockScreenAt?: number; unlockPressedAt?: number; readyAt?: number };
		new MutationObserver(() => {
			if (w.unlockScreenAt === undefined) {
				const button = document.querySelector<HTMLButtonElement>('form button.primary[type="submit"]');
				if (button && document.getElementById('unlock-staff') && !button.disabled) {
					w.unlockScreenAt = performance.now();
					button.addEventListener('click', () => (w.unlockPressedAt ??= performance.now()), { capture: true });
				}
			}
			if (w.unlockPressedAt !== undefined && w.readyAt === undefined && document.getElementById('ticket'))
				w.readyAt = performance.now();
		}).observe(document, { childList: true, subtree: true });
	});
}

/**
 * `profileDir`: when set (BENCH_CHROMIUM_PROFILE in run.ts), the scan-to-saved samples are
 * profiled and written there as scan-300.cpuprofile and scan-10000.cpuprofile. The figures of a
 * profiled run are slower than an unprofiled one's: take figures and profiles apart.
 */
export async function chromiumFigures(print: Print, profileDir?: string): Promise<void> {
	await buildClientIfStale(ROOT, () => undefined);
	const server = await startTestServer({ LOG_LEVEL: 'warn', STATIC_DIR: join(ROOT, 'build') });
	const profile = await mkdtemp(join(tmpdir(), 'vacc-bench-chromium-'));
	try {
		// Enrol, set up the day, let the service worker install, then store the day's 10,000 doses.
		let context = await launch(profile);
		let page = context.pages()[0] ?? (await context.newPage());
		await page.goto(server.url);
		await enrolStation(page, await issueEnrolmentCode(server.url));
		await fillSession(page);
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		await context.setOffline(true);
		const seeder = await seederBundle();
		const seed = async (count: number, offset: number) => {
			const stored = await page.evaluate(
				`${seeder}; seedStation(${JSON.stringify(STAFF)}, ${JSON.stringify(PIN)}, ${count}, ${offset})`
			);
			await page.reload();
			await unlockStation(page);
			await page.locator('#ticket').waitFor({ timeout: 120_000 });
			return stored as number;
		};
		// Early in the day, then the same station with the rest of a 10,000-dose day.
		let stored = await seed(STORED_EARLY, 0);
		if (stored !== STORED_EARLY) throw new Error(`seeded ${String(stored)} events`);
		const early = await scanToSaved(page, 800_000_000, profileDir && join(profileDir, 'scan-300.cpuprofile'));
		print('chromium_scan_to_saved_300_stored_p50', percentile(early, 50), 'ms');
		print('chromium_scan_to_saved_300_stored_p95', percentile(early, 95), 'ms');
		stored = await seed(STORED - STORED_EARLY - WARMUP - SAMPLES, STORED_EARLY);
		if (stored !== STORED) throw new Error(`seeded ${String(stored)} events`);

		const times = await scanToSaved(page, 900_000_000, profileDir && join(profileDir, 'scan-10000.cpuprofile'));
		print('chromium_scan_to_saved_10000_stored_p50', percentile(times, 50), 'ms');
		print('chromium_scan_to_saved_10000_stored_p95', percentile(times, 95), 'ms');
		await context.close();

		// Offline cold start: a new browser process on the same profile, network off from the start.
		context = await launch(profile, true);
		await stampStartup(context);
		page = context.pages()[0] ?? (await context.newPage());
		await page.goto(server.url);
		await page.getByRole('button', { name: 'ロック解除' }).waitFor({ timeout: 120_000 });
		await unlockStation(page);
		await page.locator('#ticket').waitFor({ timeout: 120_000 });
		const marks = await page.evaluate(() => {
			const w = window as unknown as { unlockScreenAt: number; unlockPressedAt: number; readyAt: number };
			return { unlockScreenAt: w.unlockScreenAt, unlockPressedAt: w.unlockPressedAt, readyAt: w.readyAt };
		});
		print('chromium_offline_cold_start_to_unlock_screen', marks.unlockScreenAt, 'ms');
		print('chromium_unlock_to_ready_10000_stored', marks.readyAt - marks.unlockPressedAt, 'ms');
		await context.close();
	} finally {
		await server.dispose();
		await rm(profile, { recursive: true, force: true });
	}
}
