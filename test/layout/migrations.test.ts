import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server-process';

/**
 * The migrator records each migration by its number: two files with one number would leave the
 * second unapplied on every database that already ran the first. Numbers are unique and dense.
 */
describe('ledger migrations', () => {
	it('are numbered 0001, 0002, … with no number used twice and no gap', () => {
		const files = readdirSync(join(ROOT, 'sync-server/ledger/migrations'))
			.filter((f) => f.endsWith('.sql'))
			.sort();
		expect(
			files.every((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)),
			files.join(', ')
		).toBe(true);
		expect(files.map((f) => Number(f.slice(0, 4)))).toEqual(files.map((_, i) => i + 1));
	});
});
