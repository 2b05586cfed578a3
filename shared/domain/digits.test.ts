import { describe, expect, it } from 'vitest';
import { compactDigits, toAsciiDigits, toHalfWidth } from './digits';

describe('digit normalisation', () => {
	it('turns full-width digits into ASCII and leaves the rest', () => {
		expect(toAsciiDigits('０１２３４５６７８９ａ')).toBe('0123456789ａ');
	});
	it('turns every full-width ASCII form and the ideographic space into ASCII', () => {
		expect(toHalfWidth('（０１）ＡＢｃ－　！～')).toBe('(01)ABc- !~');
		expect(toHalfWidth('接種券')).toBe('接種券');
	});
	it('drops spaces and dashes people put between digit groups', () => {
		expect(compactDigits('１２ 34-56‐78−90ー12　34')).toBe('1234567890' + '1234');
	});
});
