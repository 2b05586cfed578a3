import { createHash } from 'node:crypto';
import { parse } from 'csv-parse';
import { containsMyNumber, stringContainsMyNumber } from '#shared/index';
import { decodeCsvFile, type CsvEncoding } from '../csv/decode';
import {
	COLUMNS,
	readDate,
	readEligibleDoses,
	readMunicipality,
	readTicketNumber,
	todayInJapan,
	type ColumnKey,
	type LineError
} from './format';

/** A valid line of the register file, ready to stage. */
export interface RegisterRow {
	line: number;
	municipality: string;
	ticketNumber: string;
	eligibleDoses: number[];
	movedOutOn: string | null;
	deceasedOn: string | null;
}

export interface ParsedRegister {
	ok: true;
	encoding: CsvEncoding;
	sha256: Buffer;
	/** Data lines (the header and blank lines not counted). */
	totalRows: number;
	rows: RegisterRow[];
	/** Every problem, in line order. */
	errors: LineError[];
	/** Lines with at least one problem (not staged). */
	errorRows: number;
	ignoredColumns: string[];
	/** Valid rows per municipality code. */
	municipalities: Record<string, number>;
}

/** Why a whole file is refused; nothing of it is stored. */
export type FileErrorCode = 'ENCODING' | 'MY_NUMBER' | 'CSV_MALFORMED' | 'BAD_HEADER' | 'EMPTY_FILE';
export interface FileError {
	ok: false;
	code: FileErrorCode;
	message: string;
}

const refuse = (code: FileErrorCode, message: string): FileError => ({ ok: false, code, message });

const myNumberRefusal = (line: number) =>
	refuse(
		'MY_NUMBER',
		`${line}行目に個人番号（マイナンバー）と思われる数字があります。個人番号を含むファイルは取り込めません。ファイル全体を取り込んでいません（何も保存していません）。`
	);

function headerIndex(
	header: string[]
): { ok: true; index: Record<ColumnKey, number | null>; ignored: string[] } | FileError {
	const names = header.map((h) => h.normalize('NFKC').trim());
	const index = {} as Record<ColumnKey, number | null>;
	const used = new Set<number>();
	const missing: string[] = [];
	for (const [key, col] of Object.entries(COLUMNS) as [ColumnKey, (typeof COLUMNS)[ColumnKey]][]) {
		const accepted: readonly string[] = [col.header, ...col.aliases];
		const found = names.flatMap((n, i) => (accepted.includes(n) ? [i] : []));
		if (found.length > 1) return refuse('BAD_HEADER', `見出し行に「${col.header}」の列が${found.length}つあります。`);
		index[key] = found[0] ?? null;
		if (found[0] !== undefined) used.add(found[0]);
		else if (col.required) missing.push(`「${col.header}」`);
	}
	if (missing.length > 0) {
		return refuse(
			'BAD_HEADER',
			`1行目（見出し行）に${missing.join('')}の列がありません。見出しは 券番号,市町村コード,接種可能回数,転出日,死亡日 です。`
		);
	}
	return { ok: true, index, ignored: names.filter((n, i) => !used.has(i) && n !== '') };
}

type CsvRecord = { record: string[]; info: { lines: number } };

/** Characters parsed between two yields to the event loop. */
const CHUNK_CHARS = 64 * 1024;
/** Records checked between two yields. */
const YIELD_EVERY = 2000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * csv-parse's stream fed a slice at a time, yielding between slices: a 100,000-row file takes
 * seconds to parse, and the same process serves the devices' sync, which must not stall.
 */
async function readRecords(text: string): Promise<CsvRecord[]> {
	// With info: true each record comes with the line where it ended.
	const parser = parse({ info: true, relax_column_count: true, skip_empty_lines: true, bom: false });
	const records: CsvRecord[] = [];
	parser.on('readable', () => {
		let r: CsvRecord | null;
		while ((r = parser.read() as CsvRecord | null) !== null) records.push(r);
	});
	const done = new Promise<void>((resolve, reject) => {
		parser.on('end', resolve);
		parser.on('error', reject);
	});
	done.catch(() => undefined); // observed below; this keeps an early error from counting as unhandled
	for (let i = 0; i < text.length && !parser.destroyed;) {
		let end = Math.min(i + CHUNK_CHARS, text.length);
		// Never split a surrogate pair: the stream encodes each slice to UTF-8 on its own.
		if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
		parser.write(text.slice(i, end));
		i = end;
		await yieldToEventLoop();
	}
	if (!parser.destroyed) parser.end();
	await done;
	return records;
}

/**
 * Decodes, parses and checks a whole register file. A My Number anywhere (any cell, the header
 * included) refuses the whole file before anything is kept; the refusal names the line only.
 */
export async function parseRegisterFile(
	bytes: Uint8Array,
	now: Date = new Date()
): Promise<ParsedRegister | FileError> {
	const decoded = decodeCsvFile(bytes);
	if (!decoded.ok)
		return refuse('ENCODING', '文字コードを判別できません。UTF-8（BOM付き可）か Shift_JIS の CSV にしてください。');

	let records: CsvRecord[];
	try {
		records = await readRecords(decoded.text);
	} catch (e) {
		// A file that is not CSV may still carry a My Number: that refusal comes first.
		const lines = decoded.text.split(/\r\n|\n|\r/);
		const at = lines.findIndex((l) => stringContainsMyNumber(l));
		if (at >= 0) return myNumberRefusal(at + 1);
		const line = (e as { lines?: unknown }).lines;
		return refuse(
			'CSV_MALFORMED',
			`CSV として読めません${typeof line === 'number' ? `（${line}行目付近。引用符 " の対応を確認してください）` : ''}。`
		);
	}

	// The My Number check runs over every cell of every line before anything else is looked at.
	for (let i = 0; i < records.length; i++) {
		if (containsMyNumber(records[i]!.record)) return myNumberRefusal(records[i]!.info.lines);
		if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
	}

	const [head, ...data] = records;
	if (!head) return refuse('EMPTY_FILE', 'ファイルが空です。');
	const header = headerIndex(head.record);
	if (!header.ok) return header;
	if (data.length === 0) return refuse('EMPTY_FILE', '見出し行だけで、データの行がありません。');

	const today = todayInJapan(now);
	const label = (key: ColumnKey) => COLUMNS[key].header;
	const rows: RegisterRow[] = [];
	const errors: LineError[] = [];
	const municipalities: Record<string, number> = {};
	const firstLineOf = new Map<string, number>();
	let errorRows = 0;

	for (const [i, { record, info }] of data.entries()) {
		if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
		const line = info.lines;
		const lineErrors: LineError[] = [];
		if (record.length !== head.record.length) {
			lineErrors.push({
				line,
				column: null,
				code: 'COLUMN_COUNT',
				message: `列の数が見出し行と違います（見出し ${head.record.length} 列、この行 ${record.length} 列）。`
			});
		}
		const cell = (key: ColumnKey) => {
			const i = header.index[key];
			return i === null ? '' : (record[i] ?? '');
		};
		const check = <T>(
			key: ColumnKey,
			r: { ok: true; value: T } | { ok: false; code: LineError['code']; message: string }
		): T | undefined => {
			if (r.ok) return r.value;
			lineErrors.push({ line, column: label(key), code: r.code, message: r.message });
			return undefined;
		};
		const ticketNumber = check('ticketNumber', readTicketNumber(cell('ticketNumber')));
		const municipality = check('municipality', readMunicipality(cell('municipality')));
		const eligibleDoses = check('eligibleDoses', readEligibleDoses(cell('eligibleDoses')));
		const movedOutOn = check('movedOutOn', readDate(cell('movedOutOn'), label('movedOutOn'), today));
		const deceasedOn = check('deceasedOn', readDate(cell('deceasedOn'), label('deceasedOn'), today));
		if (ticketNumber !== undefined && municipality !== undefined) {
			// One ticket twice in a file is ambiguous (which line wins?), so the later one is an error.
			const key = municipality + ticketNumber;
			const first = firstLineOf.get(key);
			if (first !== undefined)
				lineErrors.push({
					line,
					column: label('ticketNumber'),
					code: 'DUPLICATE_TICKET',
					message: `この券番号は${first}行目にもあります（同じ市町村コード）。`
				});
			else firstLineOf.set(key, line);
		}
		if (
			lineErrors.length > 0 ||
			ticketNumber === undefined ||
			municipality === undefined ||
			eligibleDoses === undefined ||
			movedOutOn === undefined ||
			deceasedOn === undefined
		) {
			errorRows++;
			errors.push(...lineErrors);
			continue;
		}
		rows.push({ line, municipality, ticketNumber, eligibleDoses, movedOutOn, deceasedOn });
		municipalities[municipality] = (municipalities[municipality] ?? 0) + 1;
	}

	return {
		ok: true,
		encoding: decoded.encoding,
		sha256: createHash('sha256').update(bytes).digest(),
		totalRows: data.length,
		rows,
		errors,
		errorRows,
		ignoredColumns: header.ignored,
		municipalities
	};
}
