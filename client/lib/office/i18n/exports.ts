/** Strings of the exports page. Japanese first; English for visiting staff. */
export const exportsJa = {
	title: '出力（健康管理システム・VRS）',
	intro:
		'承認済みのバッチの記録をCSVで出力します。出力したバッチは「出力済」になります。出力したファイルは保存され、履歴からいつでも同じ内容で再ダウンロードできます。',
	formTitle: '出力の条件',
	layout: 'ファイルの形式',
	layouts: {
		vrs: 'VRS形式（予防接種台帳向け・接種券ごとに1行）',
		doses: '接種一覧（接種済のみ・1接種1行・8項目）',
		full: '全項目（接種不適当・取消を含むすべての記録）'
	} as Record<string, string>,
	vrsNote:
		'VRS形式は、接種券（市町村コードと券番号）ごとに1行で、1回目から最大接種回数までの各回に8項目（接種履歴登録日時・接種日・券番号・接種自治体コード・接種会場名・接種医師名・ワクチンメーカー・ワクチンロット番号）を書きます。個別宛名番号は空欄です（健康管理システムで付けます）。差分ではなく台帳の写しです：ファイルに入る接種券については、以前に出力した回も含めて、出力済みのバッチと今回のバッチにある有効な接種をすべて毎回書き出します。接種自治体コードは接種券の市町村なので、他の市町村の接種券はその市町村を選んで別のファイルに出力します（出力済みのバッチにあっても、その市町村のVRS形式にまだ出していない接種は対象に残ります）。',
	municipality: '市町村（接種券の市町村コード）',
	municipalityOption: (code: string, lines: number, home: boolean) =>
		`${code}${home ? '（この自治体）' : ''}：${lines}行`,
	municipalityDoses: 'この市町村の接種',
	encoding: '文字コード',
	encodings: { shift_jis: 'Shift_JIS', 'utf-8-bom': 'UTF-8（BOM付き）' } as Record<string, string>,
	from: '実施日（から）',
	to: '実施日（まで）',
	siteCode: '会場・医療機関コード（空欄はすべて）',
	includeExported: '出力済みのバッチも含める（再出力）',
	pendingTitle: '出力の対象になるバッチ',
	noBatches: '条件に合う承認済みのバッチはありません。',
	noVrsBatches: (code: string) =>
		`市町村コード ${code} の接種券で、まだVRS形式で出力していない接種を含むバッチはありません。`,
	rows: (n: number) => `出力する行数：${n}`,
	vrsRows: (n: number) => `出力する行数（接種券の数）：${n}`,
	rowCount: '行数',
	layoutShort: { vrs: 'VRS形式', doses: '接種一覧', full: '全項目' } as Record<string, string>,
	serviceDay: '実施日',
	site: '会場・医療機関',
	device: '端末',
	state: '状態',
	states: { approved: '承認済', exported: '出力済' } as Record<string, string>,
	doses: '接種済',
	notVaccinated: '接種不適当',
	voided: '取消',
	missing: (sites: string, doctors: string) =>
		`名称が未登録のコードがあるため出力できません（会場・医療機関：${sites || 'なし'}／医師：${doctors || 'なし'}）。「会場・医師」の画面で名称を登録してください。`,
	export: '出力してダウンロード',
	exporting: '出力中…',
	done: (name: string) => `${name} を出力しました。`,
	historyTitle: '出力の履歴',
	noHistory: 'まだ出力していません。',
	at: '日時',
	by: '出力者',
	reexport: '再出力',
	hash: 'SHA-256',
	fileName: 'ファイル名',
	download: '再ダウンロード',
	downloadLabel: (name: string, at: string) => `${at} の ${name} を再ダウンロード`
};

export type ExportsMessages = typeof exportsJa;

export const exportsEn: ExportsMessages = {
	title: 'Exports (health system, VRS)',
	intro:
		'Exports the records of approved batches as CSV. Exported batches become "exported". Every file is kept and can be downloaded again, byte for byte, from the history.',
	formTitle: 'What to export',
	layout: 'File layout',
	layouts: {
		vrs: 'VRS layout (national ledger: one line per ticket)',
		doses: 'Dose list (doses only, one line per dose, 8 columns)',
		full: 'Every field (all records, including not vaccinated and voided)'
	},
	vrsNote:
		"The VRS layout has one line per ticket (municipality code and ticket number) with eight columns for each dose number from 1 to the catalogue's highest (registered at, dose date, ticket number, municipality code, site name, doctor name, maker, lot). 個別宛名番号 is left empty (the health system fills it). It is a snapshot of the ledger, not a difference: for every ticket in the file it writes all active doses from exported batches and this export's batches, including doses exported before. 接種自治体コード is the ticket's municipality, so another municipality's tickets go in a file of their own: choose that municipality (its doses stay waiting even in batches already exported until they are in a VRS file for it).",
	municipality: "Municipality (the tickets' code)",
	municipalityOption: (code: string, lines: number, home: boolean) => `${code}${home ? ' (ours)' : ''}: ${lines} lines`,
	municipalityDoses: 'Doses of this municipality',
	encoding: 'Encoding',
	encodings: { shift_jis: 'Shift_JIS', 'utf-8-bom': 'UTF-8 (with BOM)' },
	from: 'Service day from',
	to: 'Service day to',
	siteCode: 'Site code (blank: all)',
	includeExported: 'Include batches already exported (re-export)',
	pendingTitle: 'Batches this export takes',
	noBatches: 'No approved batch matches.',
	noVrsBatches: (code: string) => `No batch holds a dose on a ticket of ${code} that is not yet in a VRS file for it.`,
	rows: (n: number) => `Rows to export: ${n}`,
	vrsRows: (n: number) => `Lines to export (tickets): ${n}`,
	rowCount: 'Rows',
	layoutShort: { vrs: 'VRS', doses: 'Dose list', full: 'Every field' },
	serviceDay: 'Service day',
	site: 'Site',
	device: 'Device',
	state: 'State',
	states: { approved: 'Approved', exported: 'Exported' },
	doses: 'Doses',
	notVaccinated: 'Not vaccinated',
	voided: 'Voided',
	missing: (sites: string, doctors: string) =>
		`Some codes have no name (sites: ${sites || 'none'}; doctors: ${doctors || 'none'}). Add them on the Lots page.`,
	export: 'Export and download',
	exporting: 'Exporting…',
	done: (name: string) => `${name} exported.`,
	historyTitle: 'Export history',
	noHistory: 'Nothing exported yet.',
	at: 'When',
	by: 'By',
	reexport: 'Re-export',
	hash: 'SHA-256',
	fileName: 'File name',
	download: 'Download again',
	downloadLabel: (name: string, at: string) => `Download ${name} of ${at} again`
};
