import {
	findProduct,
	INJECTION_SITE_LABELS,
	NOT_VACCINATED_REASON_LABELS,
	ROUTE_LABELS,
	type CorrectedRecord,
	type VaccineCatalog
} from '#shared/index';
import {
	DOSES_COLUMNS,
	FULL_COLUMNS,
	VRS_DOSE_COLUMNS,
	VRS_TEXT_LIMITS,
	vrsColumns,
	type ExportLayout,
	type VrsDoseColumn
} from '#shared/office/exports';

/**
 * The rows of each export layout, from the current records of the exported batches. Pure: the
 * same records and names always give the same rows (so an export is reproducible and testable).
 *
 * What each layout holds:
 *  - vrs (VRS 予防接種台帳向け出力, see vrsTable): one line per ticket (municipality code and
 *    券番号 together) of one municipality, every active dose in its dose-number group.
 *  - doses (接種一覧): one line per vaccinated dose whose current record is active. 接種不適当
 *    records are not doses and voided records are not in the ledger, so neither appears. Dates
 *    `YYYY/MM/DD`, times `YYYY/MM/DD HH:MM:SS`, 接種自治体コード the batch's (deployment's).
 *  - full: every record of the batches — doses and 接種不適当, active and voided (状態 取消) —
 *    so the file's count matches the ledger and the paper 予診票 tally.
 * Dates and times are Japan time.
 */

/** One current record of an exported batch, as read from the ledger. */
export interface ExportRecord {
	recordId: string;
	currentEventId: string;
	versions: number;
	status: 'active' | 'voided';
	batchId: string;
	deviceId: string;
	serviceDay: string;
	/** The batch's (deployment's) municipality: 接種自治体. */
	batchMunicipality: string;
	/** When the record was first recorded on the device (JST, `YYYY/MM/DD HH:MM:SS`). */
	firstRecordedAt: string;
	/** 接種日時 (JST, `YYYY/MM/DD HH:MM:SS`). */
	givenAtJst: string;
	operator: string;
	record: CorrectedRecord;
}

export interface NameMasters {
	sites: ReadonlyMap<string, string>;
	doctors: ReadonlyMap<string, string>;
}

export interface MissingNames {
	sites: string[];
	doctors: string[];
}

const slashDate = (iso: string) => iso.replaceAll('-', '/');
const yesNo = (b: boolean) => (b ? '1' : '0');

function makerName(catalog: VaccineCatalog, maker: string): string {
	return catalog.makers[maker]?.name ?? maker;
}

/** The records a layout writes (see above): vrs and doses, the active doses; full, every record. */
export function recordsOf(layout: ExportLayout, records: readonly ExportRecord[]): ExportRecord[] {
	return layout === 'full' ? [...records] : records.filter((r) => r.status === 'active' && r.record.type === 'dose');
}

/** Site and doctor codes the layout needs a name for and the masters do not have. */
export function missingNames(layout: ExportLayout, records: readonly ExportRecord[], names: NameMasters): MissingNames {
	const sites = new Set<string>();
	const doctors = new Set<string>();
	for (const { record } of recordsOf(layout, records)) {
		if (!names.sites.has(record.siteCode)) sites.add(record.siteCode);
		const codes =
			record.type === 'dose'
				? [record.vaccinatingDoctor, ...(layout === 'full' ? [record.screeningDoctor] : [])]
				: layout === 'full'
					? [record.screeningDoctor]
					: [];
		for (const c of codes) if (!names.doctors.has(c)) doctors.add(c);
	}
	return { sites: [...sites].sort(), doctors: [...doctors].sort() };
}

function dosesRow(r: ExportRecord, names: NameMasters, catalog: VaccineCatalog): string[] {
	if (r.record.type !== 'dose') throw new Error('dose-list rows are doses');
	const rec = r.record;
	return [
		r.firstRecordedAt,
		r.givenAtJst.slice(0, 10),
		rec.ticketNumber,
		r.batchMunicipality,
		names.sites.get(rec.siteCode)!,
		names.doctors.get(rec.vaccinatingDoctor)!,
		makerName(catalog, rec.vaccine.maker),
		rec.vaccine.lot
	];
}

function fullRow(r: ExportRecord, names: NameMasters, catalog: VaccineCatalog): string[] {
	const rec = r.record;
	const dose = rec.type === 'dose' ? rec : null;
	const screening = rec.type === 'not-vaccinated' ? rec : null;
	const product = dose ? findProduct(catalog, dose.vaccine.product) : undefined;
	return [
		r.recordId,
		r.currentEventId,
		String(r.versions),
		r.status === 'active' ? '有効' : '取消',
		dose ? '接種済' : '接種不適当',
		r.batchId,
		r.deviceId,
		slashDate(r.serviceDay),
		r.batchMunicipality,
		rec.municipality,
		rec.ticketNumber,
		rec.ticketKind ?? '',
		rec.ticketDose === null ? '' : String(rec.ticketDose),
		String(rec.doseNumber),
		r.givenAtJst,
		rec.setting === 'mass' ? '集団' : '個別',
		rec.siteCode,
		names.sites.get(rec.siteCode)!,
		yesNo(rec.otherMunicipality),
		rec.screeningDoctor,
		names.doctors.get(rec.screeningDoctor)!,
		dose?.vaccine.product ?? '',
		product?.name ?? '',
		dose ? makerName(catalog, dose.vaccine.maker) : '',
		dose?.vaccine.lot ?? '',
		dose ? slashDate(dose.vaccine.expiry) : '',
		dose ? String(dose.vaccine.volumeMl) : '',
		dose ? INJECTION_SITE_LABELS[dose.injectionSite] : '',
		dose ? ROUTE_LABELS[dose.route] : '',
		dose?.vaccinatingDoctor ?? '',
		dose ? names.doctors.get(dose.vaccinatingDoctor)! : '',
		dose ? yesNo(dose.certificateIssued) : '',
		screening ? NOT_VACCINATED_REASON_LABELS[screening.reason] : '',
		screening?.reasonNote ?? '',
		r.firstRecordedAt,
		r.operator
	];
}

/** Header and rows of the dose list (doses) or full layout. Call missingNames first: every name must be known. */
export function layoutTable(
	layout: Exclude<ExportLayout, 'vrs'>,
	records: readonly ExportRecord[],
	names: NameMasters,
	/** The current stored vaccine catalogue (maker and product names), see sync-server/catalog. */
	catalog: VaccineCatalog
): { header: readonly string[]; rows: string[][] } {
	const chosen = recordsOf(layout, records);
	return layout === 'doses'
		? { header: DOSES_COLUMNS, rows: chosen.map((r) => dosesRow(r, names, catalog)) }
		: { header: FULL_COLUMNS, rows: chosen.map((r) => fullRow(r, names, catalog)) };
}

/** Why a VRS file cannot be written as asked; `message` says what to fix, in Japanese. */
export type VrsRefusal =
	| {
			code: 'DUPLICATE_DOSE';
			municipality: string;
			ticketNumber: string;
			doseNumber: number;
			recordIds: string[];
			message: string;
	  }
	| {
			code: 'DOSE_BEYOND_CATALOG';
			municipality: string;
			ticketNumber: string;
			doseNumber: number;
			maxDose: number;
			message: string;
	  }
	| {
			code: 'TOO_LONG';
			/** 1-based line of the file (the header is line 1). */
			line: number;
			column: string;
			length: number;
			limit: number;
			/** Which master holds the value: a site, a doctor, a maker (by code) or the record's lot. */
			source: { kind: 'site' | 'doctor' | 'maker' | 'lot'; code: string };
			message: string;
	  };

/** What to fix, by source, for a text longer than its VRS column allows. */
function tooLongFix(kind: 'site' | 'doctor' | 'maker' | 'lot', code: string, limit: number): string {
	switch (kind) {
		case 'site':
			return `「会場・医師」画面の「会場・医療機関の名称」で ${code} の名称を${limit}文字以内にしてください。`;
		case 'doctor':
			return `「会場・医師」画面の「医師の氏名」で ${code} の氏名を${limit}文字以内にしてください。`;
		case 'maker':
			return `「製品」画面の「製造販売業者」で ${code} の名称を${limit}文字以内にしてください。`;
		case 'lot':
			return `記録のロット番号を照合キューまたは接種券の履歴で訂正してください（${limit}文字以内）。`;
	}
}

const compactDate = (jst: string) => jst.slice(0, 10).replaceAll('/', '');
const compactDateTime = (jst: string) => jst.replace(/[/: ]/g, '');
const chars = (s: string) => [...s].length;

/**
 * The VRS ledger file (VRS 予防接種台帳向け出力, as published in 接種記録データの確認方法): one line
 * per ticket — a ticket is its municipality code and 券番号 together — with 個別宛名番号 left empty
 * (the municipal health system fills it), then for each dose number n = 1..maxDose the eight
 * columns n回目接種履歴登録日時 (`YYYYMMDDHHMMSS`, Japan time), n回目接種日 (`YYYYMMDD`), n回目券番号,
 * n回目接種自治体コード (the ticket's own municipality), n回目接種会場名 (≤ 30 characters),
 * n回目接種医師名 (≤ 20), n回目ワクチンメーカー (≤ 20), n回目ワクチンロット番号 (≤ 20). Dose numbers not
 * given stay empty. Lines in order of municipality and 券番号.
 *
 * `records` are the doses the file holds (the caller chooses them: every active dose of each
 * ticket in the export, see store.ts); only active doses are written. Refused, with what to fix:
 * two active doses of one ticket with one dose number (they cannot share a group), a dose number
 * above the catalogue's, and a text longer than its column allows. Call missingNames first.
 */
export function vrsTable(
	records: readonly ExportRecord[],
	names: NameMasters,
	catalog: VaccineCatalog
): { ok: true; header: string[]; rows: string[][] } | { ok: false; refusal: VrsRefusal } {
	const maxDose = catalog.maxDoseNumber;
	const tickets = new Map<string, Map<number, ExportRecord>>();
	for (const r of recordsOf('vrs', records)) {
		const rec = r.record;
		const key = `${rec.municipality}-${rec.ticketNumber}`;
		if (rec.doseNumber > maxDose) {
			return {
				ok: false,
				refusal: {
					code: 'DOSE_BEYOND_CATALOG',
					municipality: rec.municipality,
					ticketNumber: rec.ticketNumber,
					doseNumber: rec.doseNumber,
					maxDose,
					message: `接種券 ${key} の${rec.doseNumber}回目の記録は、ワクチンカタログの最大接種回数（${maxDose}回）を超えています。照合キューまたは接種券の履歴で記録を訂正してください。`
				}
			};
		}
		let doses = tickets.get(key);
		if (!doses) tickets.set(key, (doses = new Map()));
		const other = doses.get(rec.doseNumber);
		if (other) {
			const recordIds = [other.recordId, r.recordId].sort();
			return {
				ok: false,
				refusal: {
					code: 'DUPLICATE_DOSE',
					municipality: rec.municipality,
					ticketNumber: rec.ticketNumber,
					doseNumber: rec.doseNumber,
					recordIds,
					message: `接種券 ${key} の${rec.doseNumber}回目に有効な記録が2件あります（記録ID ${recordIds.join('、')}）。VRS形式では1行の同じ回の欄に2件は書けません。照合キューで一方を取消または訂正してから出力してください。`
				}
			};
		}
		doses.set(rec.doseNumber, r);
	}
	const header = vrsColumns(maxDose);
	const rows: string[][] = [];
	for (const key of [...tickets.keys()].sort()) {
		const line = rows.length + 2;
		const row = [''];
		const doses = tickets.get(key)!;
		for (let n = 1; n <= maxDose; n++) {
			const r = doses.get(n);
			if (!r || r.record.type !== 'dose') {
				row.push(...VRS_DOSE_COLUMNS.map(() => ''));
				continue;
			}
			const rec = r.record;
			const texts: Record<
				VrsDoseColumn,
				{ value: string; source?: { kind: 'site' | 'doctor' | 'maker' | 'lot'; code: string } }
			> = {
				接種履歴登録日時: { value: compactDateTime(r.firstRecordedAt) },
				接種日: { value: compactDate(r.givenAtJst) },
				券番号: { value: rec.ticketNumber },
				接種自治体コード: { value: rec.municipality },
				接種会場名: { value: names.sites.get(rec.siteCode)!, source: { kind: 'site', code: rec.siteCode } },
				接種医師名: {
					value: names.doctors.get(rec.vaccinatingDoctor)!,
					source: { kind: 'doctor', code: rec.vaccinatingDoctor }
				},
				ワクチンメーカー: {
					value: makerName(catalog, rec.vaccine.maker),
					source: { kind: 'maker', code: rec.vaccine.maker }
				},
				ワクチンロット番号: { value: rec.vaccine.lot, source: { kind: 'lot', code: rec.vaccine.lot } }
			};
			for (const c of VRS_DOSE_COLUMNS) {
				const { value, source } = texts[c];
				const limit = VRS_TEXT_LIMITS[c];
				if (limit !== undefined && source && chars(value) > limit) {
					const column = `${n}回目${c}`;
					return {
						ok: false,
						refusal: {
							code: 'TOO_LONG',
							line,
							column,
							length: chars(value),
							limit,
							source,
							message: `${line}行目「${column}」は${chars(value)}文字で、VRS形式の上限（${limit}文字）を超えています。${tooLongFix(source.kind, source.code, limit)}`
						}
					};
				}
				row.push(value);
			}
		}
		rows.push(row);
	}
	return { ok: true, header, rows };
}
