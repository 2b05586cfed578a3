/** Strings of the lot master page (lots, products, site and doctor names). Japanese first. */
export const lotsJa = {
	title: 'ロットの管理',
	intro:
		'納品されたロット（製品・ロット番号・有効期限・納品先）を登録します。各会場の端末は自分の会場に納品されたロットを、接続中ならすぐに、そうでなければ次に接続したときに受け取ります。',
	lotsTitle: 'ロット一覧',
	noLots: 'ロットはまだ登録されていません。',
	product: '製品',
	lot: 'ロット番号',
	expiry: '有効期限',
	sites: '納品先（会場・医療機関コード、空白区切り）',
	sitesShort: '納品先',
	actions: '操作',
	edit: '編集',
	editLabel: (lot: string) => `ロット ${lot} を編集`,
	delete: '削除',
	deleteLabel: (lot: string) => `ロット ${lot} を削除`,
	deleteTitle: 'ロットを削除しますか？',
	deleteHelp: (lot: string) =>
		`ロット ${lot} を一覧から削除します。接続中の端末からもすぐに消えます。このロットの記録がある場合は削除できません（有効期限や納品先を訂正してください）。`,
	confirmDelete: '削除する',
	deleted: (lot: string) => `ロット ${lot} を削除しました。`,
	save: '保存する',
	cancel: 'やめる',
	saved: (lot: string) => `ロット ${lot} を保存しました。`,
	unchanged: '変更はありません。',
	newTitle: 'ロットを追加',
	add: '追加する',
	importTitle: 'CSVから取り込む',
	importFormat:
		'見出し行：製品,ロット番号,有効期限,納品先（製品は製品コードかGTIN、有効期限は YYYY-MM-DD か YYYY/MM/DD、納品先は空白区切りの会場コード）。同じロットの行は納品先をまとめます。文字コードは UTF-8（BOM付き可）か Shift_JIS。',
	imported: (i: number, u: number, n: number) => `取り込みました（追加 ${i} 件、変更 ${u} 件、変更なし ${n} 件）。`,
	productsTitle: '製品（ワクチンカタログ）',
	productsNote: '製品とGTINは「製品」のページで登録・変更します。端末とサーバーは同じ版のカタログで記録を検査します。',
	productsLink: '製品の管理へ',
	code: 'コード',
	name: '名称',
	maker: '製造販売業者',
	gtins: 'GTIN',
	namesMoved: '会場・医療機関の名称と医師の氏名（出力に使います）は ',
	namesLink: '会場・医師',
	namesTitle: '会場・医師',
	namesIntro:
		'接種会場・医療機関の名称と医師の氏名です。端末はコードだけを記録し、台帳への出力でここの名称に置き換えます。',
	sitesTitle: '会場・医療機関の名称',
	sitesNote: '出力（接種会場名）に使います。VRS形式に書けるのは30文字までです。',
	doctorsTitle: '医師の氏名',
	doctorsNote:
		'出力（接種医師名）に使います。VRS形式に書けるのは20文字までです。氏名はサーバーだけに保存し、端末には送りません。',
	labels: { sites: ['会場・医療機関コード', '会場・医療機関名'], doctors: ['医師コード', '医師の氏名'] } as Record<
		'sites' | 'doctors',
		[string, string]
	>,
	setName: '登録する',
	nameSaved: (code: string) => `${code} を登録しました。`
};

export type LotsMessages = typeof lotsJa;

export const lotsEn: LotsMessages = {
	title: 'Lots',
	intro:
		"Register delivered lots (product, lot number, expiry, sites delivered to). Each site's devices receive their lots at once if connected, otherwise at their next connection.",
	lotsTitle: 'Lots',
	noLots: 'No lots yet.',
	product: 'Product',
	lot: 'Lot number',
	expiry: 'Expiry',
	sites: 'Delivered to (site codes, space separated)',
	sitesShort: 'Delivered to',
	actions: 'Actions',
	edit: 'Edit',
	editLabel: (lot: string) => `Edit lot ${lot}`,
	delete: 'Delete',
	deleteLabel: (lot: string) => `Delete lot ${lot}`,
	deleteTitle: 'Delete this lot?',
	deleteHelp: (lot: string) =>
		`Lot ${lot} is removed from the list, and from connected devices at once. A lot that records name cannot be deleted (correct its expiry or sites instead).`,
	confirmDelete: 'Delete',
	deleted: (lot: string) => `Lot ${lot} deleted.`,
	save: 'Save',
	cancel: 'Cancel',
	saved: (lot: string) => `Lot ${lot} saved.`,
	unchanged: 'Nothing changed.',
	newTitle: 'Add a lot',
	add: 'Add',
	importTitle: 'Import from CSV',
	importFormat:
		'Header: 製品,ロット番号,有効期限,納品先 (product code or GTIN; YYYY-MM-DD or YYYY/MM/DD; space-separated site codes). Lines of one lot are merged. UTF-8 (BOM allowed) or Shift_JIS.',
	imported: (i: number, u: number, n: number) => `Imported (${i} added, ${u} changed, ${n} unchanged).`,
	productsTitle: 'Products (vaccine catalogue)',
	productsNote:
		'Products and GTINs are registered and changed on the Products page; devices and server check records against the same catalogue version.',
	productsLink: 'Go to products',
	code: 'Code',
	name: 'Name',
	maker: 'Maker',
	gtins: 'GTINs',
	namesMoved: 'Site and doctor names (used in exports) are on ',
	namesLink: 'Sites and doctors',
	namesTitle: 'Sites and doctors',
	namesIntro:
		'Names of vaccination sites, clinics and doctors. Devices record codes only; exports to the ledger write these names.',
	sitesTitle: 'Site names',
	sitesNote: 'Used in exports (接種会場名); the VRS layout holds at most 30 characters.',
	doctorsTitle: 'Doctor names',
	doctorsNote:
		'Used in exports (接種医師名); the VRS layout holds at most 20 characters. Names stay on the server; devices never receive them.',
	labels: { sites: ['Site code', 'Site name'], doctors: ['Doctor code', 'Doctor name'] },
	setName: 'Save',
	nameSaved: (code: string) => `${code} saved.`
};
