import fc from 'fast-check';
import { municipalityCheckDigit } from '../municipality';
import { myNumberCheckDigit } from '../my-number';

/** fast-check generators shared by the domain tests. Test-only: not exported from shared/index.ts. */

export const digitString = (min: number, max = min) =>
	fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** Valid My Numbers: eleven random digits and their check digit. */
export const validMyNumber = digitString(11).map((eleven) => eleven + myNumberCheckDigit(eleven));

/** Valid 市町村コード: prefecture 01–47, three digits, check digit. */
export const municipalityCode = fc
	.tuple(fc.integer({ min: 1, max: 47 }), fc.integer({ min: 0, max: 999 }))
	.map(([pref, rest]) => {
		const five = String(pref).padStart(2, '0') + String(rest).padStart(3, '0');
		return five + municipalityCheckDigit(five);
	});

/** Replace ASCII digits by full-width ones. */
export const fullWidthDigits = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
