import { randomInt } from 'node:crypto';

/**
 * A seeded pseudo-random generator (mulberry32), so a fault test's "random" moments can be
 * replayed: the seed is printed in the test name, and FAULT_SEED=<seed> runs the same again.
 */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** FAULT_SEED from the environment, or a fresh one. */
export function faultSeed(): number {
	const fromEnv = process.env.FAULT_SEED;
	return fromEnv ? Number(fromEnv) : randomInt(1, 2 ** 31);
}
