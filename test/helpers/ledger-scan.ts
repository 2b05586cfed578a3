import type { SqlExecutor } from '../../sync-server/ledger/sql';

/** Something that must not be in the ledger, in every form it could be stored in. */
export interface Needle {
	label: string;
	/** Searched for in bytea values. */
	bytes: Uint8Array[];
	/** Searched for in every other value as text, case-insensitively (hex and base32 have no case). */
	texts: string[];
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Raw bytes, and as base64, base64url and hex (as text, and as text stored in a bytea). */
export function bytesNeedle(label: string, raw: Uint8Array): Needle {
	const b = Buffer.from(raw);
	const texts = [
		b.toString('base64'),
		b.toString('base64').replace(/=+$/, ''),
		b.toString('base64url'),
		b.toString('hex')
	];
	return { label, bytes: [raw, ...texts.map(utf8)], texts };
}

/** A secret that is text (a TOTP secret in base32): the text, and its UTF-8 bytes in a bytea. */
export function textNeedle(label: string, text: string): Needle {
	return { label, bytes: [utf8(text), utf8(text.toLowerCase())], texts: [text] };
}

/**
 * Reads every column of every table of the ledger (information_schema) and names each needle
 * found, with where. bytea values are searched as bytes; everything else cast to text.
 */
export async function findInLedger(
	db: SqlExecutor,
	needles: Needle[]
): Promise<{ columns: string[]; found: string[] }> {
	const { rows } = await db.query<{ table_name: string; column_name: string; data_type: string }>(
		`SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
		 JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		 WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`
	);
	const found = new Set<string>();
	const columns: string[] = [];
	for (const col of rows) {
		const where = `${col.table_name}.${col.column_name}`;
		columns.push(`${where} ${col.data_type}`);
		const id = (s: string) => `"${s.replace(/"/g, '""')}"`;
		const bytea = col.data_type === 'bytea';
		const values = await db.query<{ v: Uint8Array | string }>(
			`SELECT ${id(col.column_name)}${bytea ? '' : '::text'} AS v FROM ${id(col.table_name)} WHERE ${id(col.column_name)} IS NOT NULL`
		);
		for (const { v } of values.rows) {
			if (bytea) {
				const hay = Buffer.from(v as Uint8Array);
				for (const n of needles)
					if (n.bytes.some((b) => b.length > 0 && hay.includes(Buffer.from(b)))) found.add(`${n.label} in ${where}`);
			} else {
				const hay = String(v).toLowerCase();
				for (const n of needles)
					if (n.texts.some((t) => t.length > 0 && hay.includes(t.toLowerCase()))) found.add(`${n.label} in ${where}`);
			}
		}
	}
	return { columns, found: [...found].sort() };
}
