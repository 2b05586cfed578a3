import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { containsMyNumber } from '../../shared/index';
import { decodeCsvFile, type CsvEncoding } from './decode';

export type CsvTable = { ok: true; sha256: string; encoding: CsvEncoding; table: string[][] };
export type CsvTableRefusal = { ok: false; code: 'ENCODING' | 'CSV_MALFORMED' | 'MY_NUMBER' | 'EMPTY_FILE'; message: string };

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
	if (!decoded.ok) return { ok: false, code: 'ENCODING', message: 'ファイルの文字コードを判別できません。UTF-8 または Shift_JIS のCSVにしてください。' };
	let table: string[][];
	try {
		table = parse(decoded.text, { relax_column_count: true, skip_empty_lines: false, bom: false }) as string[][];
	} catch (e) {
		const line = (e as { lines?: number }).lines;
		return { ok: false, code: 'CSV_MALFORMED', message: `CSVの形式が正しくありません${line ? `（${line}行目付近）` : ''}。引用符（"）の対応を確認してください。` };
	}
	const mine = table.findIndex((row) => row.some((cell) => containsMyNumber(cell)));
	if (mine !== -1) {
		return { ok: false, code: 'MY_NUMBER', message: `${mine + 1}行目に個人番号（マイナンバー）と思われる数字があります。個人番号を含むファイルは取り込めません（何も保存していません）。` };
	}
	if (!table.some((row) => row.some((c) => c.trim() !== ''))) return { ok: false, code: 'EMPTY_FILE', message: 'ファイルが空です。' };
	return { ok: true, sha256, encoding: decoded.encoding, table };
}
