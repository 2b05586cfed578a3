import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldForReading } from '#shared/domain/reading';
import { newId } from '#shared/ids';
import { audit } from '../../sync-server/audit/audit-log';
import type { Ledger } from '../../sync-server/ledger/ledger';
import { openLedger } from '../../sync-server/ledger/open';
import { scanLedgerForMyNumbers, type MyNumberFinding } from '../../sync-server/ledger/scan-my-number';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { removeTestKeyFile, testKeyFile } from '../helpers/key-file';
import { ROOT } from '../helpers/server-process';

const run = promisify(execFile);

/** 987654321093 passes the check; each planted value writes it as the old guard let through. */
const DIGITS = '987654321093';
const PLANTED = {
	userName: '保健 9876.5432.1093',
	siteName: '会場 987\u200b654\u200b321\u200b093',
	doctorName: '医師 ٩٨٧٦٥٤٣٢١٠٩٣',
	label: 'tablet 98-76-54-32-10-93',
	lot: '9876/5432/1093',
	auditFile: 'lots_987654_321093.csv',
	auditTarget: '九八七六五四三二一〇九三'
};

/** Digits of any script, folded, with everything else dropped: what a reader would recover. */
const recoverable = (text: string) => foldForReading(text).text.replace(/\D/g, '');

/** Rows as a version with the old guard stored them: the values went in through its open doors. */
async function plant(ledger: Ledger): Promise<void> {
	const db = ledger.db;
	await db.query(
		`INSERT INTO office_users (id, username, display_name, role, password_hash) VALUES ($1, 'planted', $2, 'staff', 'x')`,
		[newId(), PLANTED.userName]
	);
	await db.query(`INSERT INTO sites (code, name) VALUES ('V901', $1)`, [PLANTED.siteName]);
	await db.query(`INSERT INTO doctors (code, name) VALUES ('D901', $1)`, [PLANTED.doctorName]);
	await db.query(
		`INSERT INTO enrolments (id, secret_hash, municipality, setting, site_code, label, expires_at) VALUES ($1, '\\x00', '131016', 'mass', 'V001', $2, now())`,
		[newId(), PLANTED.label]
	);
	await db.query(`INSERT INTO lots (product, lot, expiry, sites) VALUES ('comirnaty', $1, '2030-12-31', '["V001"]')`, [
		PLANTED.lot
	]);
	await audit(db, {
		actor: { id: null, name: 'old-version' },
		action: 'lots.import',
		target: PLANTED.auditTarget,
		detail: { fileName: PLANTED.auditFile, rows: 3 }
	});
}

const EXPECTED: [table: string, column: string][] = [
	['office_users', 'display_name'],
	['sites', 'name'],
	['doctors', 'name'],
	['enrolments', 'label'],
	['lots', 'lot'],
	['audit_log', 'target'],
	['audit_log', 'detail.fileName']
];

describe.each(BACKENDS)('npm run ledger -- scan-my-number on %s', (backend) => {
	let dataDir: string;
	let pg: TestDatabase | null = null;
	let ledger: Ledger;
	let env: Record<string, string>;
	beforeEach(async () => {
		dataDir = await mkdtemp(join(tmpdir(), 'vacc-scan-'));
		pg = backend === 'postgres' ? await createTestDatabase() : null;
		ledger = await openLedger({ databaseUrl: pg?.url, dataDir });
		env = { DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) };
		env.SERVER_KEY_FILE = testKeyFile(env, dataDir);
	});
	afterEach(async () => {
		await ledger.db.close().catch(() => undefined);
		await pg?.drop();
		await rm(dataDir, { recursive: true, force: true });
		await removeTestKeyFile(env.SERVER_KEY_FILE!);
	});

	it('finds every value an older version stored, names table, row and column, never the value', async () => {
		await plant(ledger);
		const findings: MyNumberFinding[] = [];
		const summary = await scanLedgerForMyNumbers(ledger.db, (f) => findings.push(f));
		expect(findings.map((f) => [f.table, f.column]).sort()).toEqual([...EXPECTED].sort());
		expect(summary.findings).toBe(EXPECTED.length);
		// The lot is part of its row's key: the key is printed redacted.
		expect(findings.find((f) => f.table === 'lots')!.rowKey).toBe('comirnaty/[個人番号]');
		for (const f of findings) expect(recoverable(JSON.stringify(f))).not.toContain(DIGITS);
	});

	it('as a command: prints the findings without the value and exits 1; exits 0 on a clean ledger', async () => {
		const cli = async () => {
			try {
				const r = await run(
					process.execPath,
					['--import', 'tsx', join(ROOT, 'sync-server/cli/ledger.ts'), 'scan-my-number'],
					{ cwd: ROOT, env: { ...process.env, ...env } }
				);
				return { code: 0, out: r.stdout + r.stderr };
			} catch (e) {
				const err = e as { code: number; stdout: string; stderr: string };
				return { code: err.code, out: err.stdout + err.stderr };
			}
		};
		// The embedded ledger belongs to one process at a time: the command opens it itself.
		await audit(ledger.db, {
			actor: { id: null, name: 'test' },
			action: 'lots.import',
			target: 'V001',
			detail: { at: '2026/12/05 10:30', gtin: '04987123456789' }
		});
		await ledger.db.close();
		const clean = await cli();
		expect(clean).toMatchObject({ code: 0, out: expect.stringContaining('no My Number found') });

		ledger = await openLedger({ databaseUrl: pg?.url, dataDir });
		await plant(ledger);
		await ledger.db.close();
		const dirty = await cli();
		expect(dirty.code).toBe(1);
		for (const [table, column] of EXPECTED)
			expect(dirty.out).toMatch(new RegExp(`^${table}\\t[^\\t]+\\t${column.replace('.', '\\.')}$`, 'm'));
		expect(recoverable(dirty.out)).not.toContain(DIGITS);
	});
});
