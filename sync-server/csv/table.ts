import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { containsMyNumber } from '#shared/index';
import { decodeCsvFile, type CsvEncoding } from './decode';

export type CsvTable = { ok: true; sha256: string; encoding: CsvEncoding; table: string[][] };
export type CsvTableRefusal = {
	ok: false;
	code: 'ENCODING' | 'CSV_MALFORMED' | 'MY_NUMBER' | 'EMPTY_FILE';
	message: string;
};

/**
 * A small uploaded CSV file (lots, the vaccine catalogue) as rows of cells, or the refusal of
 * the whole file: an encoding that is neither UTF-8 nor Shift_JIS, CSV that does not parse, a
 * My Number anywhere (containsMyNumber reads full-width digits too; nothing of it is kept or echoed, the
 * refusal names the line only), or nothing in it. The large register import streams instead
 * (sync-server/register/parse.ts) with the same decoding.
 */
export function readCsvTable(bytes: Uint8Array): CsvTable | CsvTableRefusal {
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	const decoded = decodeCsvFile(bytes);
	if (!decoded.ok)
		return {
			ok: false,
			code: 'ENCODING',
			message: 'ファイルの文字コードを判別できません。UTF-8 または Shift_JIS のCSVにしてください。'
		};
	let table: string[][];
	try {
		table = parse(decoded.text, { relax_column_count: true, skip_empty_lines: false, bom: false }) as string[][];
	} catch (e) {
		const line = (e as { lines?: number }).lines;
		return {
			ok: false,
			code: 'CSV_MALFORMED',
			message: `CSVの形式が正しくありません${line ? `（${line}行目付近）` : ''}。引用符（"）の対応を確認してください。`
		};
	}
	const mine = table.findIndex((row) => row.some((cell) => containsMyNumber(cell)));
	if (mine !== -1) {
		return {
			ok: false,
			code: 'MY_NUMBER',
			message: `${mine + 1}行目に個人番号（マイナンバー）と思われる数字があります。個人番号を含むファイルは取り込めません（何も保存していません）。`
		};
	}
	if (!table.some((row) => row.some((c) => c.trim() !== '')))
		return { ok: false, code: 'EMPTY_FILE', message: 'ファイルが空です。' };
	return { ok: true, sha256, encoding: decoded.encoding, table };
}

export interface CsvColumn {
	header: string;
	aliases: readonly string[];
	/** Missing from the header line refuses the file (default true). */
	required?: boolean;
}

/**
 * Where each column is in the header line (the first row), matched by its header or an alias
 * after NFKC (full-width letters, as Excel on Japanese Windows writes them, match); -1 for an
 * optional column that is absent. Refuses the file naming every required column it lacks.
 */
export function findColumns<K extends string>(
	table: string[][],
	columns: Readonly<Record<K, CsvColumn>>
): { ok: true; index: Record<K, number> } | { ok: false; code: 'BAD_HEADER'; message: string } {
	const header = table[0]!.map((h) => h.normalize('NFKC').trim());
	const index = {} as Record<K, number>;
	const missing: string[] = [];
	for (const [key, col] of Object.entries(columns) as [K, CsvColumn][]) {
		const wanted = [col.header, ...col.aliases].map((h) => h.normalize('NFKC'));
		const i = header.findIndex((h) => wanted.includes(h));
		if (i === -1 && col.required !== false) missing.push(`「${col.header}」`);
		index[key] = i;
	}
	if (missing.length > 0) {
		const all = (Object.values(columns) as CsvColumn[]).map((c) => c.header).join(',');
		return {
			ok: false,
			code: 'BAD_HEADER',
			message: `1行目（見出し行）に${missing.join('')}の列がありません。見出しは ${all} です。`
		};
	}
	return { ok: true, index };
}
