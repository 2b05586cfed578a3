/**
 * Text of an uploaded CSV file (the ticket register, lots, the vaccine catalogue). Municipal
 * health systems and wholesalers export UTF-8 (often with a BOM, as Excel writes it) or
 * Shift_JIS (older systems, and Excel's "CSV" on Japanese Windows).
 * UTF-8 is tried strictly first: Shift_JIS bytes are almost never valid UTF-8, so a strict
 * decode that succeeds is trustworthy. Shift_JIS is decoded strictly too, so a file in some
 * third encoding is refused instead of being stored as mojibake.
 */
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'shift_jis';

export type Decoded = { ok: true; encoding: CsvEncoding; text: string } | { ok: false };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function tryDecode(label: string, bytes: Uint8Array): string | null {
	try {
		// ignoreBOM: we strip a UTF-8 BOM ourselves and want to report that we saw it.
		return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
	} catch {
		return null;
	}
}

export function decodeCsvFile(bytes: Uint8Array): Decoded {
	if (UTF8_BOM.every((b, i) => bytes[i] === b)) {
		const text = tryDecode('utf-8', bytes.subarray(3));
		return text === null ? { ok: false } : { ok: true, encoding: 'utf-8-bom', text };
	}
	// A UTF-16 BOM (Excel's "Unicode text") is neither; refuse rather than guess.
	if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return { ok: false };
	const utf8 = tryDecode('utf-8', bytes);
	if (utf8 !== null) return { ok: true, encoding: 'utf-8', text: utf8 };
	const sjis = tryDecode('shift_jis', bytes);
	return sjis === null ? { ok: false } : { ok: true, encoding: 'shift_jis', text: sjis };
}
