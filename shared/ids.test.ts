import { describe, expect, it } from 'vitest';
import { containsMyNumber } from './domain/my-number';
import { newId } from './ids';

describe('newId', () => {
	it('makes UUIDv7s that never contain a My Number', () => {
		// Without the redraw, about one in 3,000 UUIDs would trip the guard; 20,000 make the
		// chance of missing a regression negligible.
		const ids = Array.from({ length: 20_000 }, newId);
		expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id))).toBe(
			true
		);
		expect(ids.some((id) => containsMyNumber(`/api/admin/devices/${id}/revoke`))).toBe(false);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('is needed: inside a path or a sentence, a UUID whose last group is a valid My Number trips the guard', () => {
		// A whole value that is one UUID is read as an identifier; ids also travel inside paths,
		// log lines and audit targets, where the guard reads the digits.
		expect(containsMyNumber('01936f4e-1c2a-7b3d-8e4f-123456789018')).toBe(false);
		expect(containsMyNumber('/api/admin/devices/01936f4e-1c2a-7b3d-8e4f-123456789018/revoke')).toBe(true);
	});
});
