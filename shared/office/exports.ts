/**
 * Export vocabulary shared by the server and the back-office page: file layouts, encodings and
 * the columns of each layout (the header row, in order).
 */
export const EXPORT_LAYOUTS = ['vrs', 'full'] as const;
export type ExportLayout = (typeof EXPORT_LAYOUTS)[number];

/** UTF-8 with a BOM (so Excel opens it as UTF-8), or Shift_JIS (Windows-31J, as Japanese Windows writes it). */
export const EXPORT_ENCODINGS = ['utf-8-bom', 'shift_jis'] as const;
export type ExportEncoding = (typeof EXPORT_ENCODINGS)[number];

/** The VRS ledger layout: vaccinated doses only, one line per current active dose record. */
export const VRS_COLUMNS = ['接種履歴登録日時', '接種日', '券番号', '接種自治体コード', '接種会場名', '接種医師名', 'ワクチンメーカー', 'ワクチンロット番号'] as const;

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
	createdBy: string;
	createdAt: string;
}
