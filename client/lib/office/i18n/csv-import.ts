/** Strings of a CSV import (choose a file, check the preview, import): lots, the vaccine catalogue. Japanese first. */
export const csvImportJa = {
	file: 'CSVファイル',
	previewTitle: '取り込み前の確認',
	line: '行',
	column: '列',
	message: '内容',
	errorsTitle: (n: number) => `エラー ${n} 件（修正するまで取り込めません）`,
	action: '処理',
	actions_: { insert: '追加', update: '変更', unchanged: '変更なし' } as Record<string, string>,
	commit: '取り込む'
};

export const csvImportEn: typeof csvImportJa = {
	file: 'CSV file',
	previewTitle: 'Check before importing',
	line: 'Line',
	column: 'Column',
	message: 'Problem',
	errorsTitle: (n: number) => `${n} errors (fix them to import)`,
	action: 'Action',
	actions_: { insert: 'Add', update: 'Change', unchanged: 'Unchanged' },
	commit: 'Import'
};
