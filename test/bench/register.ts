/**
 * The ticket register import at the scale of a city: a 100,000-row CSV uploaded, previewed and
 * committed through the real HTTP API, as the back office does it. Prints
 * `bench register_import_100k_rows_<backend> <seconds> s` (upload to committed).
 */
import { OfficeClient } from '../helpers/office-client';

const ROWS = 100_000;

/** A register of `rows` tickets of 新宿区, a fiftieth of them moved out. */
export function registerCsv(rows: number): string {
	const lines = ['券番号,市町村コード,接種可能回数,転出日,死亡日'];
	for (let i = 0; i < rows; i++)
		lines.push(
			`${String(i).padStart(10, '0')},131041,${i % 3 === 0 ? '1-3' : '"1,2"'},${i % 50 === 0 ? '2025/06/01' : ''},`
		);
	return lines.join('\r\n') + '\r\n';
}

export async function benchRegisterImport(
	url: string,
	backend: string,
	print: (name: string, value: number, unit: string) => void
): Promise<void> {
	const office = await OfficeClient.login(url);
	const file = registerCsv(ROWS);
	const started = performance.now();
	const uploaded = await office.request('/api/office/register/imports?name=bench.csv', {
		method: 'POST',
		body: file,
		headers: { 'content-type': 'text/csv' }
	});
	if (uploaded.status !== 201) throw new Error(`register upload: ${uploaded.status} ${await uploaded.text()}`);
	const { import: preview } = (await uploaded.json()) as { import: { id: string; validRows: number } };
	if (preview.validRows !== ROWS) throw new Error(`register preview: ${preview.validRows}/${ROWS} valid rows`);
	const done = await office.json<{ import: { committedRows: number } }>(
		'POST',
		`/api/office/register/imports/${preview.id}/commit`,
		{}
	);
	if (done.import.committedRows !== ROWS) throw new Error(`register commit: ${done.import.committedRows}/${ROWS} rows`);
	print(`register_import_100k_rows_${backend}`, (performance.now() - started) / 1000, 's');
}
