import { foldForReading } from '#shared/domain/reading';

/**
 * One My Number (123456789018: check digit 8 is valid) written the ways the old guard let
 * through and a person still reads as that number: other groupings and separators, invisible
 * characters between digits, digits of other scripts, kanji numerals. ASCII_DISGUISES are the
 * ones an HTTP header can carry (header values are bytes).
 */
export const DIGITS = '123456789018';

export const ASCII_DISGUISES = [
	'123456789018',
	'1234.5678.9018',
	'1234/5678/9018',
	'1234,5678,9018',
	'1234_5678_9018',
	'1234--5678--9018',
	'123-456-789-018',
	'123456-789018',
	'12-34-56-78-90-18'
];

export const DISGUISES = [
	...ASCII_DISGUISES,
	'１２３４　５６７８　９０１８',
	'1234\u200b5678\u200b9018',
	'123456\u2060789018',
	'1234\u00ad5678\u00ad9018',
	'١٢٣٤٥٦٧٨٩٠١٨',
	'१२३४५६७८९०१८',
	'一二三四五六七八九〇一八',
	'メモ1234ー5678ー9018です'
];

/** The digits a reader could recover from a text, in any script: folded, everything else dropped. */
export const recoverableDigits = (text: string) => foldForReading(text).text.replace(/\D/g, '');

/** True when a text (a log, a response, a table dump) still holds the number in any writing. */
export const holdsTheNumber = (text: string) => recoverableDigits(text).includes(DIGITS);
