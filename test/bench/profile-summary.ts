/**
 * Where a CPU profile's time went: `node --import tsx test/bench/profile-summary.ts a.cpuprofile`
 * prints the functions with the most self time and the most total (inclusive) time, as shares
 * of the busy time (idle and the profiler's own samples left out). Used on the profiles the
 * Chromium bench writes with BENCH_CHROMIUM_PROFILE.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

function label(n: ProfileNode): string {
	const file = n.callFrame.url.split('/').pop() ?? '';
	return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
}

export function summarise(profile: Profile, top = 25): string[] {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const self = new Map<number, number>();
	profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
	const selfByLabel = new Map<string, number>();
	const totalByLabel = new Map<string, number>();
	let busy = 0;
	let gc = 0;
	for (const [id, us] of self) {
		const node = byId.get(id)!;
		const name = node.callFrame.functionName;
		if (name === '(garbage collector)') gc += us;
		if (name === '(idle)' || name === '(program)') continue;
		busy += us;
		selfByLabel.set(label(node), (selfByLabel.get(label(node)) ?? 0) + us);
		// Inclusive: each distinct frame on the stack once.
		const seen = new Set<string>();
		for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
			const l = label(byId.get(at)!);
			if (seen.has(l) || IDLE.has(byId.get(at)!.callFrame.functionName)) continue;
			seen.add(l);
			totalByLabel.set(l, (totalByLabel.get(l) ?? 0) + us);
		}
	}
	const rows = (m: Map<string, number>) =>
		[...m]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(
				([l, us]) => `${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${l}`
			);
	return [
		`busy ${(busy / 1000).toFixed(0)} ms (garbage collection ${((100 * gc) / busy).toFixed(1)} %)`,
		'-- self',
		...rows(selfByLabel),
		'-- total',
		...rows(totalByLabel)
	];
}

const TOP = Number(process.env.TOP ?? 25);
for (const file of process.argv.slice(2)) {
	console.log(`# ${file}`);
	for (const line of summarise(JSON.parse(await readFile(file, 'utf8')) as Profile, TOP)) console.log(line);
}
