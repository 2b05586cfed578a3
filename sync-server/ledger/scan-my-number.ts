import { locateMyNumber, redactMyNumbers, stringContainsMyNumber } from '#shared/index';
import type { SqlExecutor } from './sql';

/*
 * `npm run ledger -- scan-my-number`: reads every text, character, array and JSON column of
 * every table of the ledger (the audit log included) with the same guard as the front doors,
 * so that an operator who ran an older version — whose guard missed disguised numbers — learns
 * which rows to purge. A finding names the table, the row's key and the column (and the path
 * inside a JSON value), never the value; a key that itself holds a My Number is redacted.
 * Binary columns (raw signed updates, keys) are not read: their projections are.
 */

export interface MyNumberFinding {
	table: string;
	/** The row's primary key values joined by '/', redacted. */
	rowKey: string;
	/** The column, with the path inside a JSON value when there is one (`details.name`). */
	column: string;
}

export interface ScanSummary {
	tables: number;
	rows: number;
	findings: number;
}

const TEXT_TYPES = new Set([
	'text',
	'character varying',
	'character',
	'json',
	'jsonb',
	'ARRAY',
	'USER-DEFINED',
	'name',
	'citext'
]);
const PAGE = 2000;
const SAFE_KEY = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function tablesAndColumns(db: SqlExecutor): Promise<Map<string, { columns: string[]; key: string[] }>> {
	const { rows: cols } = await db.query<{ table_name: string; column_name: string; data_type: string }>(
		`SELECT c.table_name, c.column_name, c.data_type
		   FROM information_schema.columns c
		   JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		  WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		  ORDER BY c.table_name, c.ordinal_position`
	);
	const { rows: keys } = await db.query<{ table_name: string; column_name: string }>(
		`SELECT cl.relname AS table_name, a.attname AS column_name
		   FROM pg_index i
		   JOIN pg_class cl ON cl.oid = i.indrelid
		   JOIN pg_namespace n ON n.oid = cl.relnamespace AND n.nspname = current_schema()
		   JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
		   JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum = k.attnum
		  WHERE i.indisprimary
		  ORDER BY cl.relname, k.ord`
	);
	const tables = new Map<string, { columns: string[]; key: string[] }>();
	for (const c of cols) {
		const t = tables.get(c.table_name) ?? { columns: [], key: [] };
		if (TEXT_TYPES.has(c.data_type)) t.columns.push(c.column_name);
		tables.set(c.table_name, t);
	}
	for (const k of keys) tables.get(k.table_name)?.key.push(k.column_name);
	return tables;
}

function findingIn(value: unknown, column: string): string | null {
	if (value === null || value === undefined) return null;
	if (typeof value === 'string') return stringContainsMyNumber(value) ? column : null;
	const at = locateMyNumber(value);
	if (at === null) return null;
	if (at === '') return column;
	return at.split('.').every((k) => SAFE_KEY.test(k) || /^\d+$/.test(k)) ? `${column}.${at}` : column;
}

/**
 * Walks the ledger page by page (keyset on the primary key, or on ctid for a table without
 * one) and reports each finding as it is found.
 */
export async function scanLedgerForMyNumbers(
	db: SqlExecutor,
	onFinding: (f: MyNumberFinding) => void
): Promise<ScanSummary> {
	const summary: ScanSummary = { tables: 0, rows: 0, findings: 0 };
	for (const [table, { columns, key }] of await tablesAndColumns(db)) {
		summary.tables++;
		if (columns.length === 0) continue;
		// Keys are read as text so that a bigint or timestamp key pages and prints the same way.
		const keyCols = key.length > 0 ? key : ['ctid'];
		const keyExprs = keyCols.map((k) => (k === 'ctid' ? 'ctid' : ident(k)));
		const select = `SELECT ${keyExprs.map((k, i) => `${k} AS "__k${i}", ${k}::text AS "__t${i}"`).join(', ')}, ${columns.map(ident).join(', ')} FROM ${ident(table)}`;
		let after: unknown[] | null = null;
		for (;;) {
			const where: string = after
				? ` WHERE (${keyExprs.join(', ')}) > (${after.map((_, i) => `$${i + 1}`).join(', ')})`
				: '';
			const { rows }: { rows: Record<string, unknown>[] } = await db.query(
				`${select}${where} ORDER BY ${keyExprs.join(', ')} LIMIT ${PAGE}`,
				after ?? []
			);
			for (const row of rows) {
				summary.rows++;
				for (const column of columns) {
					const found = findingIn(row[column], column);
					if (found === null) continue;
					summary.findings++;
					const rowKey = keyCols.map((_, i) => redactMyNumbers(String(row[`__t${i}`]))).join('/');
					onFinding({ table, rowKey, column: found });
				}
			}
			if (rows.length < PAGE) break;
			const last: Record<string, unknown> = rows[rows.length - 1]!;
			after = keyCols.map((_, i) => last[`__k${i}`]);
		}
	}
	return summary;
}
