import {
	findProduct,
	INJECTION_SITE_LABELS,
	NOT_VACCINATED_REASON_LABELS,
	ROUTE_LABELS,
	type CorrectedRecord,
	type VaccineCatalog
} from '../../shared/index';
import { FULL_COLUMNS, VRS_COLUMNS, type ExportLayout } from '../../shared/office/exports';

/**
 * The rows of each export layout, from the current records of the exported batches. Pure: the
 * same records and names always give the same rows (so an export is reproducible and testable).
 *
 * What each layout holds:
 *  - vrs: one line per vaccinated dose whose current record is active. 接種不適当 records are
 *    not doses and voided records are not in the ledger, so neither appears.
 *  - full: every record of the batches — doses and 接種不適当, active and voided (状態 取消) —
 *    so the file's count matches the ledger and the paper 予診票 tally.
 * Dates and times are Japan time, `YYYY/MM/DD` and `YYYY/MM/DD HH:MM:SS`.
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

/** The records a layout writes (see above). */
export function recordsOf(layout: ExportLayout, records: readonly ExportRecord[]): ExportRecord[] {
	return layout === 'vrs' ? records.filter((r) => r.status === 'active' && r.record.type === 'dose') : [...records];
}

/** Site and doctor codes the layout needs a name for and the masters do not have. */
export function missingNames(layout: ExportLayout, records: readonly ExportRecord[], names: NameMasters): MissingNames {
	const sites = new Set<string>();
	const doctors = new Set<string>();
	for (const { record } of recordsOf(layout, records)) {
		if (!names.sites.has(record.siteCode)) sites.add(record.siteCode);
		const codes = record.type === 'dose' ? [record.vaccinatingDoctor, ...(layout === 'full' ? [record.screeningDoctor] : [])] : layout === 'full' ? [record.screeningDoctor] : [];
		for (const c of codes) if (!names.doctors.has(c)) doctors.add(c);
	}
	return { sites: [...sites].sort(), doctors: [...doctors].sort() };
}

function vrsRow(r: ExportRecord, names: NameMasters, catalog: VaccineCatalog): string[] {
	if (r.record.type !== 'dose') throw new Error('VRS rows are doses');
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

/** Header and rows of a layout. Call missingNames first: every name must be known. */
export function layoutTable(
	layout: ExportLayout,
	records: readonly ExportRecord[],
	names: NameMasters,
	/** The current stored vaccine catalogue (maker and product names), see sync-server/catalog. */
	catalog: VaccineCatalog
): { header: readonly string[]; rows: string[][] } {
	const chosen = recordsOf(layout, records);
	return layout === 'vrs'
		? { header: VRS_COLUMNS, rows: chosen.map((r) => vrsRow(r, names, catalog)) }
		: { header: FULL_COLUMNS, rows: chosen.map((r) => fullRow(r, names, catalog)) };
}
