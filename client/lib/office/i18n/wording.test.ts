import { describe, expect, it } from 'vitest';
import { ja as stationJa } from '../../i18n/messages';
import { auditJa } from './audit';
import { csvImportJa } from './csv-import';
import { dashboardJa } from './dashboard';
import { devicesJa } from './devices';
import { exportsJa } from './exports';
import { lotsJa } from './lots';
import { productsJa } from './products';
import { reconcileJa } from './reconcile';
import { registerJa } from './register';
import { shellJa } from './shell';

/** Every string of a catalogue; a function's own text holds its literal strings. */
function strings(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (typeof value === 'function') return [String(value)];
	if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
	return [];
}

const ALL_JA = {
	stationJa,
	auditJa,
	csvImportJa,
	dashboardJa,
	devicesJa,
	exportsJa,
	lotsJa,
	productsJa,
	reconcileJa,
	registerJa,
	shellJa
};

describe('one word for one thing across the station and the office', () => {
	it('"stop without doing it" is やめる everywhere, never キャンセル', () => {
		const found = Object.entries(ALL_JA).flatMap(([name, cat]) =>
			strings(cat)
				.filter((s) => s.includes('キャンセル'))
				.map((s) => `${name}: ${s}`)
		);
		expect(found).toEqual([]);
	});

	it('staff 了承 a queue item; only a supervisor 承認 a batch', () => {
		const queue = [
			reconcileJa.statuses.accepted,
			reconcileJa.queue.accept,
			reconcileJa.queue.note,
			auditJa.actionLabel('reconcile.accept')
		];
		for (const s of queue) {
			expect(s).toContain('了承');
			expect(s).not.toContain('承認');
		}
		expect(reconcileJa.states.approved).toContain('承認');
		expect(auditJa.actionLabel('batch.approve')).toContain('承認');
	});
});
