import { digitsOf, toAsciiDigits } from './digits';

/**
 * 全国地方公共団体コード (JIS X 0402): five digits plus a check digit
 * (11 − ((6a + 5b + 4c + 3d + 2e) mod 11)) mod 10. A remainder of 0 gives 1, of 1 gives 0.
 */
export function municipalityCheckDigit(firstFive: string): number {
	const weights = [6, 5, 4, 3, 2];
	const sum = digitsOf(firstFive).reduce((acc, d, i) => acc + d * weights[i]!, 0);
	return (11 - (sum % 11)) % 10;
}

export function isValidMunicipalityCode(code: string): boolean {
	const c = toAsciiDigits(code);
	if (!/^\d{6}$/.test(c)) return false;
	return municipalityCheckDigit(c.slice(0, 5)) === Number(c[5]);
}
