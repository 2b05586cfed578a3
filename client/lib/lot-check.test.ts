import { describe, expect, it } from 'vitest';
import { lotWarnings } from './lot-check';

const master = [
	{ product: 'comirnaty', lot: 'LM2024', expiry: '2030-06-30' },
	{ product: 'spikevax', lot: 'MD0001', expiry: '2030-06-30' }
];

describe('lot warnings from the lot master the station holds', () => {
	it('none for a lot delivered here, of this product, with the master expiry', () => {
		expect(lotWarnings({ product: 'comirnaty', lot: 'LM2024', expiry: '2030-06-30' }, master)).toEqual([]);
	});
	it('none when the station holds no lot master at all', () => {
		expect(lotWarnings({ product: 'comirnaty', lot: 'ANY', expiry: '2030-06-30' }, [])).toEqual([]);
	});
	it('a lot not among this site lots (not in the master, or delivered elsewhere)', () => {
		expect(lotWarnings({ product: 'comirnaty', lot: 'FK7789', expiry: '2030-12-31' }, master)).toEqual([
			'LOT_NOT_DELIVERED'
		]);
	});
	it("another product's lot under this product", () => {
		expect(lotWarnings({ product: 'comirnaty', lot: 'MD0001', expiry: '2030-06-30' }, master)).toEqual([
			'LOT_OTHER_PRODUCT'
		]);
	});
	it('a known lot whose vial expiry differs from the master', () => {
		expect(lotWarnings({ product: 'comirnaty', lot: 'LM2024', expiry: '2030-12-31' }, master)).toEqual([
			'LOT_EXPIRY_DIFFERS'
		]);
	});
});
