import { digitsOf, toAsciiDigits } from './digits';

/**
 * 全国地方公共団体コード (JIS X 0402): five digits plus a check digit
 * (11 − ((6a + 5b + 4c + 3d + 2e) mod 11)) mod 10. A remainder of 0 gives 1, of 1 gives 0.
 * The first two digits are the prefecture code (JIS X 0401, 01 北海道 … 47 沖縄県).
 */
const WEIGHTS = [6, 5, 4, 3, 2];

/** Check digit for the first five digits of a code. Throws on anything but five ASCII digits. */
export function municipalityCheckDigit(firstFive: string): number {
	if (!/^\d{5}$/.test(firstFive)) throw new RangeError('municipalityCheckDigit needs five digits');
	const sum = digitsOf(firstFive).reduce((acc, d, i) => acc + d * WEIGHTS[i]!, 0);
	return (11 - (sum % 11)) % 10;
}

/** Six digits (full-width accepted), prefecture 01–47, and a matching check digit. */
export function isValidMunicipalityCode(code: string): boolean {
	const c = toAsciiDigits(code);
	if (!/^\d{6}$/.test(c)) return false;
	const prefecture = Number(c.slice(0, 2));
	if (prefecture < 1 || prefecture > 47) return false;
	return municipalityCheckDigit(c.slice(0, 5)) === Number(c[5]);
}
