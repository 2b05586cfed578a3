/**
 * Export vocabulary shared by the server and the back-office page: file layouts, encodings and
 * the columns of each layout (the header row, in order).
 */

/**
 * - vrs: the national ledger export (VRS 予防接種台帳向け出力) as published in 接種記録データの確認方法:
 *   one line per ticket of one municipality, 個別宛名番号 then eight columns per dose number.
 * - doses (接種一覧): one line per active dose, eight columns (the first 'vrs' layout, kept as is).
 * - full (全項目): every record of the batches, every field.
 */
export const EXPORT_LAYOUTS = ['vrs', 'doses', 'full'] as const;
export type ExportLayout = (typeof EXPORT_LAYOUTS)[number];

/** UTF-8 with a BOM (so Excel opens it as UTF-8), or Shift_JIS (Windows-31J, as Japanese Windows writes it). */
export const EXPORT_ENCODINGS = ['utf-8-bom', 'shift_jis'] as const;
export type ExportEncoding = (typeof EXPORT_ENCODINGS)[number];

/** The eight columns of one dose in the VRS layout, each prefixed `n回目` in the header. */
export const VRS_DOSE_COLUMNS = [
	'接種履歴登録日時',
	'接種日',
	'券番号',
	'接種自治体コード',
	'接種会場名',
	'接種医師名',
	'ワクチンメーカー',
	'ワクチンロット番号'
] as const;
export type VrsDoseColumn = (typeof VRS_DOSE_COLUMNS)[number];

/** The VRS layout's first column, left empty: the municipal health system fills it in. */
export const VRS_PERSON_COLUMN = '個別宛名番号';

/** Longest text (in characters) each VRS text column may hold, as published. */
export const VRS_TEXT_LIMITS: Readonly<Partial<Record<VrsDoseColumn, number>>> = {
	接種会場名: 30,
	接種医師名: 20,
	ワクチンメーカー: 20,
	ワクチンロット番号: 20
};

/** The VRS header for doses 1..maxDose: 個別宛名番号, 1回目接種履歴登録日時, …, N回目ワクチンロット番号. */
export function vrsColumns(maxDose: number): string[] {
	const out = [VRS_PERSON_COLUMN];
	for (let n = 1; n <= maxDose; n++) for (const c of VRS_DOSE_COLUMNS) out.push(`${n}回目${c}`);
	return out;
}

/** The dose list (接種一覧): one line per current active dose record, the same eight columns. */
export const DOSES_COLUMNS = VRS_DOSE_COLUMNS;

/** The full layout: every record of the batches (doses, 接種不適当, voided ones marked), every field. */
export const FULL_COLUMNS = [
	'記録ID',
	'現在の版のイベントID',
	'版数',
	'状態',
	'結果',
	'バッチID',
	'端末ID',
	'実施日',
	'接種自治体コード',
	'市町村コード',
	'券番号',
	'券種',
	'接種券の回数',
	'接種回数',
	'接種日時',
	'接種区分',
	'会場・医療機関コード',
	'会場・医療機関名',
	'他自治体',
	'予診医コード',
	'予診医名',
	'製品コード',
	'製品名',
	'ワクチンメーカー',
	'ワクチンロット番号',
	'有効期限',
	'接種量(mL)',
	'接種部位',
	'接種方法',
	'接種医コード',
	'接種医師名',
	'接種済証発行',
	'接種不適当の理由',
	'理由の補足',
	'接種履歴登録日時',
	'操作者'
] as const;

/** The export API's answers: written by sync-server/exports/store.ts, read by the exports page. */

export interface ExportFilter {
	from?: string | undefined;
	to?: string | undefined;
	siteCode?: string | undefined;
	/** Also take batches already exported (an explicit re-export, regenerated from today's records). */
	includeExported?: boolean | undefined;
	/** VRS layout only: whose tickets the file holds (default: the deployment's municipality). */
	municipality?: string | undefined;
}

export interface ExportableBatch {
	id: string;
	serviceDay: string;
	siteCode: string;
	deviceId: string;
	state: 'approved' | 'exported';
	doses: number;
	notVaccinated: number;
	voided: number;
	/** VRS layout only: the batch's active doses on tickets of the chosen municipality. */
	municipalityDoses?: number | undefined;
}

/** VRS layout: a municipality whose tickets have doses waiting for its file, and how much. */
export interface VrsMunicipality {
	code: string;
	/** Lines its file would have now (tickets). */
	lines: number;
	/** Batches holding those doses. */
	batches: number;
}

/** What an export with a filter would take (GET /api/office/exports/pending). */
export interface ExportPending {
	batches: ExportableBatch[];
	/** Lines of the file (VRS: tickets; otherwise records). */
	rows: number;
	missing: { sites: string[]; doctors: string[] };
	/** VRS layout only: the municipality of the file. */
	municipality?: string | undefined;
	/** VRS layout only: the deployment's municipality (the default). */
	home?: string | undefined;
	/** VRS layout only: every municipality with doses waiting (same filter), with its line count. */
	municipalities?: VrsMunicipality[] | undefined;
}

export interface ExportSummary {
	id: string;
	layout: ExportLayout;
	encoding: ExportEncoding;
	params: ExportFilter;
	reexport: boolean;
	batchIds: string[];
	rows: number;
	fileName: string;
	sha256: string;
	/** VRS layout: the municipality whose tickets the file holds; null for the other layouts. */
	municipality: string | null;
	createdBy: string;
	createdAt: string;
}
