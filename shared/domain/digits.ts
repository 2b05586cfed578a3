/**
 * Normalisation shared by every entry path. Scanners and people produce full-width digits
 * (０-９), full-width letters, ideographic spaces and assorted dashes; the rules compare ASCII.
 */
const FULL_WIDTH_ZERO = 0xff10;
const FULL_WIDTH_OFFSET = 0xfee0; // U+FF01..U+FF5E map to U+0021..U+007E

/** Replace full-width digits with ASCII digits; leaves every other character alone. */
export function toAsciiDigits(value: string): string {
	return value.replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - FULL_WIDTH_ZERO + 48));
}

/**
 * Replace every full-width ASCII character (digits, letters, punctuation) with its ASCII form and
 * the ideographic space with a space. Other characters are left alone.
 */
export function toHalfWidth(value: string): string {
	return value
		.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - FULL_WIDTH_OFFSET))
		.replace(/\u3000/g, ' ');
}

/** Separators people put between digit groups: spaces (incl. ideographic) and dashes. */
export const DIGIT_GROUP_SEPARATORS = /[\s\u3000\-\u2010-\u2015\u2212\uff0d\u30fc\uff70]/g;

/** Full-width to ASCII, then drop group separators. */
export function compactDigits(value: string): string {
	return toAsciiDigits(value).replace(DIGIT_GROUP_SEPARATORS, '');
}

/** Numeric values of a string of ASCII digits. */
export function digitsOf(value: string): number[] {
	return Array.from(value, (c) => c.charCodeAt(0) - 48);
}
