/**
 * Normalisation shared by every entry path. Scanners and people produce full-width digits
 * (０-９), ideographic spaces and assorted dashes; the rules below compare ASCII digits only.
 */
const FULL_WIDTH_ZERO = 0xff10;

/** Replace full-width digits with ASCII digits; leaves every other character alone. */
export function toAsciiDigits(value: string): string {
	return value.replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - FULL_WIDTH_ZERO + 48));
}

/** Separators people put between digit groups: spaces (incl. ideographic) and dashes. */
export const DIGIT_GROUP_SEPARATORS = /[\s\u3000\-\u2010-\u2015\u2212\uff0d\u30fc]/g;

/** Full-width to ASCII, then drop group separators. */
export function compactDigits(value: string): string {
	return toAsciiDigits(value).replace(DIGIT_GROUP_SEPARATORS, '');
}

export function digitsOf(value: string): number[] {
	return Array.from(value, (c) => c.charCodeAt(0) - 48);
}
