import { describe, expect, it } from 'vitest';
import { DEFAULT_VACCINE_CATALOG } from '#shared/index';
import { readLot } from './session';

const gtin = (code: string) => DEFAULT_VACCINE_CATALOG.products.find((p) => p.code === code)!.gtins[0]!;
const now = '2026-11-22T01:00:00.000Z';

describe('reading the lot from a vial or carton (GS1)', () => {
	it('takes a lot of the chosen product, unexpired', () => {
		expect(
			readLot(`(01)${gtin('comirnaty')}(17)301231(10)FK7789`, 'comirnaty', now, DEFAULT_VACCINE_CATALOG)
		).toMatchObject({ ok: true, lot: 'FK7789', expiry: '2030-12-31' });
	});
	it('refuses an expired lot, another product, an unknown GTIN, a code without lot or expiry, garbage', () => {
		expect(readLot(`(01)${gtin('comirnaty')}(17)261121(10)FK7789`, 'comirnaty', now, DEFAULT_VACCINE_CATALOG)).toEqual({
			ok: false,
			code: 'LOT_EXPIRED'
		});
		expect(readLot(`(01)${gtin('spikevax')}(17)301231(10)MD0001`, 'comirnaty', now, DEFAULT_VACCINE_CATALOG)).toEqual({
			ok: false,
			code: 'PRODUCT_MISMATCH'
		});
		expect(readLot('(01)09520000009999(17)301231(10)XX0001', 'comirnaty', now, DEFAULT_VACCINE_CATALOG)).toMatchObject({
			ok: false
		});
		expect(readLot(`(01)${gtin('comirnaty')}(10)FK7789`, 'comirnaty', now, DEFAULT_VACCINE_CATALOG)).toEqual({
			ok: false,
			code: 'LOT_MISSING'
		});
		expect(readLot('hello', 'comirnaty', now, DEFAULT_VACCINE_CATALOG)).toMatchObject({ ok: false, code: 'GS1' });
	});
	it('reads GTINs of the catalogue the station holds, not only the built-in one', () => {
		const added = '09520000009014';
		const code = `(01)${added}(17)301231(10)FK9001`;
		expect(readLot(code, 'comirnaty', now, DEFAULT_VACCINE_CATALOG)).toEqual({ ok: false, code: 'PRODUCT_UNKNOWN' });
		const stored = {
			...DEFAULT_VACCINE_CATALOG,
			products: DEFAULT_VACCINE_CATALOG.products.map((p) =>
				p.code === 'comirnaty' ? { ...p, gtins: [...p.gtins, added] } : p
			)
		};
		expect(readLot(code, 'comirnaty', now, stored)).toMatchObject({ ok: true, lot: 'FK9001' });
	});
});
