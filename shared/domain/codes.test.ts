import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { Code, isCode, isUuid, UUID_V7_PATTERN, Uuid } from './codes';

describe('codes and ids', () => {
	it('accepts a code of 1–20 ASCII letters, digits, _ or -', () => {
		for (const ok of ['A', 'dr-01', 'SITE_1310160001', 'x'.repeat(20)]) expect(isCode(ok)).toBe(true);
		for (const bad of ['', 'x'.repeat(21), '会場', 'ＡＢＣ', 'a b', 'a/b', 7, null]) expect(isCode(bad)).toBe(false);
		expect(v.safeParse(Code, '会場').issues?.[0]?.message).toBe('コードは英数字と _ - の20文字以内です');
	});

	it('accepts a lowercase UUID and, for events, only a UUIDv7', () => {
		const v7 = '0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
		const v4 = '9b2c3d4e-5f60-4a1b-9c2d-3e4f5a6b7c8d';
		expect(isUuid(v7) && isUuid(v4)).toBe(true);
		expect(isUuid(v4.toUpperCase())).toBe(false);
		expect(UUID_V7_PATTERN.test(v7)).toBe(true);
		expect(UUID_V7_PATTERN.test(v4)).toBe(false);
		expect(v.safeParse(Uuid, 'not-a-uuid').success).toBe(false);
	});
});
