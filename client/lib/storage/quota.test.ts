import { describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { isQuotaExceeded } from './quota';

describe('isQuotaExceeded', () => {
	it('recognises the DOMException IndexedDB raises and the errors Dexie wraps it in', () => {
		const dom = new DOMException('quota', 'QuotaExceededError');
		expect(isQuotaExceeded(dom)).toBe(true);
		expect(isQuotaExceeded(new Dexie.QuotaExceededError('quota'))).toBe(true);
		expect(isQuotaExceeded(new Dexie.AbortError('aborted', dom))).toBe(true);
	});

	it('does not take other failures for a full disk', () => {
		expect(isQuotaExceeded(new Dexie.AbortError('aborted'))).toBe(false);
		expect(isQuotaExceeded(new Dexie.ConstraintError('duplicate'))).toBe(false);
		expect(isQuotaExceeded(new Error('station locked'))).toBe(false);
		expect(isQuotaExceeded(null)).toBe(false);
	});
});
