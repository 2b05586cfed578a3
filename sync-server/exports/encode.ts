import iconv from 'iconv-lite';
import { stringify } from 'csv-stringify/sync';
import type { ExportEncoding } from '#shared/office/exports';

/**
 * CSV bytes for municipal systems and Excel: CRLF line endings, fields quoted only when they
 * need it, and either UTF-8 with a BOM or Shift_JIS.
 *
 * Shift_JIS means Windows-31J (CP932), which is what Japanese Windows and the systems fed by it
 * read as "Shift_JIS". A few JIS X 0208 characters have two Unicode spellings: text typed on a
 * Mac or Linux gives 〜 (U+301C), − (U+2212) and the like, while CP932 encodes the same JIS
 * character as ～ (U+FF5E), － (U+FF0D). Those are replaced by their CP932 spelling (the same
 * character on paper). Any other character CP932 has no code for is an error naming the line,
 * the column and the code point — never a silent '?'.
 */

/** JIS X 0208 characters whose Unicode spelling differs between JIS and CP932 mappings. */
const CP932_SPELLING: Readonly<Record<string, string>> = {
	'\u301c': '\uff5e', // WAVE DASH → FULLWIDTH TILDE
	'\u2212': '\uff0d', // MINUS SIGN → FULLWIDTH HYPHEN-MINUS
	'\u2016': '\u2225', // DOUBLE VERTICAL LINE → PARALLEL TO
	'\u2014': '\u2015', // EM DASH → HORIZONTAL BAR
	'\u00a2': '\uffe0', // CENT SIGN
	'\u00a3': '\uffe1', // POUND SIGN
	'\u00ac': '\uffe2' // NOT SIGN
};

export class UnencodableError extends Error {
	constructor(
		/** 1-based line of the file (the header is line 1). */
		readonly line: number,
		readonly column: string,
		/** `U+XXXX`. */
		readonly codePoint: string
	) {
		super(
			`${line}行目「${column}」の文字 ${codePoint} はShift_JISで表せません。UTF-8（BOM付き）で出力するか、元の値を修正してください。`
		);
	}
}

const encodable = new Map<string, boolean>();
function sjisCanEncode(ch: string): boolean {
	let ok = encodable.get(ch);
	if (ok === undefined) {
		ok = iconv.decode(iconv.encode(ch, 'cp932'), 'cp932') === ch;
		encodable.set(ch, ok);
	}
	return ok;
}

/** The value in CP932 spelling, or the first character that has no CP932 code. */
export function toCp932Text(value: string): { ok: true; text: string } | { ok: false; codePoint: string } {
	let out = '';
	for (const ch of value) {
		const mapped = CP932_SPELLING[ch] ?? ch;
		if (!sjisCanEncode(mapped))
			return { ok: false, codePoint: `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` };
		out += mapped;
	}
	return { ok: true, text: out };
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The file: header and rows as CSV in the chosen encoding. Throws UnencodableError (Shift_JIS only). */
export function encodeCsv(
	header: readonly string[],
	rows: readonly (readonly string[])[],
	encoding: ExportEncoding
): Buffer {
	let table: string[][] = [[...header], ...rows.map((r) => [...r])];
	if (encoding === 'shift_jis') {
		table = table.map((row, i) =>
			row.map((cell, j) => {
				const r = toCp932Text(cell);
				if (!r.ok) throw new UnencodableError(i + 1, header[j]!, r.codePoint);
				return r.text;
			})
		);
	}
	// A line break inside a field (a free-text reason note) must be quoted even when it is a bare LF.
	const text = stringify(table, { record_delimiter: 'windows', eof: true, quoted_match: /[\r\n]/ });
	return encoding === 'shift_jis' ? iconv.encode(text, 'cp932') : Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')]);
}
