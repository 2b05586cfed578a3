import { ERROR_TEXT } from '#shared/errors/catalogue';
/** Strings of the products page (the vaccine catalogue: products, makers, GTINs). Japanese first. */
export const productsJa = {
	title: 'ワクチン製品の管理',
	intro:
		'製品（名称・製造販売業者・GTIN・接種量・部位・方法・最大接種回数・接種間隔）を登録・変更します。変更するたびに新しい版として保存され、各端末は最新の版を、接続中ならすぐに、そうでなければ次に接続したときに受け取ります。記録が参照するため製品は削除できません（GTINなどは外せます）。',
	version: (n: number) => `現在の版：${n}`,
	productsTitle: '製品一覧',
	code: '製品コード',
	name: '製品名',
	maker: '製造販売業者',
	gtins: 'GTIN',
	volumes: '接種量（mL）',
	sites: '接種部位',
	routes: '接種方法',
	maxDose: '最大接種回数',
	intervals: '接種間隔（前回からの最短日数）',
	intervalFor: (n: number) => `${n}回目`,
	days: '日',
	actions: '操作',
	edit: '編集',
	editLabel: (name: string) => `${name} を編集`,
	editTitle: (name: string) => `製品を編集：${name}`,
	newTitle: '製品を追加',
	newProduct: '製品を追加する',
	volumesHelp: '複数ある場合は空白で区切ります（例：0.3 0.2）。',
	gtinAdd: 'GTINを追加',
	gtinNew: '追加するGTIN（13桁または14桁）',
	gtinRemove: (g: string) => `GTIN ${g} を外す`,
	gtinInvalid: ERROR_TEXT.GTIN_INVALID.ja,
	gtinDuplicate: 'このGTINはすでに入力されています。',
	gtinTaken: (name: string) => `このGTINは「${name}」に登録されています。`,
	noGtins: 'GTINなし',
	save: '保存する',
	cancel: 'やめる',
	saved: (name: string, v: number) => `${name} を保存しました（版 ${v}）。`,
	unchanged: '変更はありません。',
	stale: '他の人が先に変更を保存しました。最新の内容を読み込みました。もう一度変更してください。',
	makersTitle: '製造販売業者',
	makerCode: '製造販売業者コード',
	makerName: '製造販売業者名',
	makerHelp:
		'新しいコードで追加、既存のコードで名称を変更します。名称は出力（ワクチンメーカー）に使い、VRS形式に書けるのは20文字までです。',
	makerSave: '登録する',
	makerSaved: (code: string, v: number) => `製造販売業者 ${code} を登録しました（版 ${v}）。`,
	importTitle: 'CSVから取り込む',
	importFormat:
		'見出し行：製品コード,製品名,製造販売業者コード,製造販売業者名,GTIN,接種量mL,部位,方法,最大接種回数,接種間隔日。1行に1製品。GTIN・接種量・部位・方法・接種間隔日は「;」区切りで複数。部位は 左上腕・右上腕・左大腿・右大腿、方法は 筋肉内注射・皮下注射。接種間隔日は2回目から最大接種回数までの日数を順に（例：21;90;90）。製造販売業者名を書くと業者を追加・名称変更します。ファイルにない製品は変わりません。文字コードは UTF-8（BOM付き可）か Shift_JIS。',
	imported: (i: number, u: number, n: number, v: number) =>
		`取り込みました（追加 ${i} 件、変更 ${u} 件、変更なし ${n} 件、版 ${v}）。`,
	siteLabels: {
		'left-deltoid': '左上腕（三角筋）',
		'right-deltoid': '右上腕（三角筋）',
		'left-thigh': '左大腿（前外側部）',
		'right-thigh': '右大腿（前外側部）'
	} as Record<string, string>,
	routeLabels: { intramuscular: '筋肉内注射', subcutaneous: '皮下注射' } as Record<string, string>
};

export type ProductsMessages = typeof productsJa;

export const productsEn: ProductsMessages = {
	title: 'Vaccine products',
	intro:
		'Register and change products (name, maker, GTINs, dose volumes, sites, routes, highest dose number, intervals). Each change is stored as a new version; every device receives the newest at once if connected, otherwise at its next connection. Products cannot be deleted because records refer to them (GTINs and the like can be removed).',
	version: (n: number) => `Current version: ${n}`,
	productsTitle: 'Products',
	code: 'Product code',
	name: 'Product name',
	maker: 'Maker',
	gtins: 'GTINs',
	volumes: 'Dose volumes (mL)',
	sites: 'Injection sites',
	routes: 'Routes',
	maxDose: 'Highest dose number',
	intervals: 'Intervals (minimum days since the previous dose)',
	intervalFor: (n: number) => `Dose ${n}`,
	days: 'days',
	actions: 'Actions',
	edit: 'Edit',
	editLabel: (name: string) => `Edit ${name}`,
	editTitle: (name: string) => `Edit product: ${name}`,
	newTitle: 'Add a product',
	newProduct: 'Add a product',
	volumesHelp: 'Separate several with spaces (e.g. 0.3 0.2).',
	gtinAdd: 'Add GTIN',
	gtinNew: 'GTIN to add (13 or 14 digits)',
	gtinRemove: (g: string) => `Remove GTIN ${g}`,
	gtinInvalid: ERROR_TEXT.GTIN_INVALID.en,
	gtinDuplicate: 'This GTIN is already listed.',
	gtinTaken: (name: string) => `This GTIN belongs to "${name}".`,
	noGtins: 'No GTIN',
	save: 'Save',
	cancel: 'Cancel',
	saved: (name: string, v: number) => `${name} saved (version ${v}).`,
	unchanged: 'Nothing changed.',
	stale: 'Someone saved a change first. The newest catalogue is loaded; please make your change again.',
	makersTitle: 'Makers',
	makerCode: 'Maker code',
	makerName: 'Maker name',
	makerHelp:
		'A new code adds a maker; an existing code renames it. The name goes into exports (ワクチンメーカー); the VRS layout holds at most 20 characters.',
	makerSave: 'Save',
	makerSaved: (code: string, v: number) => `Maker ${code} saved (version ${v}).`,
	importTitle: 'Import from CSV',
	importFormat:
		'Header: 製品コード,製品名,製造販売業者コード,製造販売業者名,GTIN,接種量mL,部位,方法,最大接種回数,接種間隔日. One product per line. GTINs, volumes, sites, routes and intervals take several values separated by ";". Sites: 左上腕・右上腕・左大腿・右大腿 (or left-deltoid…); routes: 筋肉内注射・皮下注射. Intervals: the days before doses 2 up to the highest dose number, in order (e.g. 21;90;90). A maker name adds or renames the maker. Products not in the file stay as they are. UTF-8 (BOM allowed) or Shift_JIS.',
	imported: (i: number, u: number, n: number, v: number) =>
		`Imported (${i} added, ${u} changed, ${n} unchanged; version ${v}).`,
	siteLabels: {
		'left-deltoid': 'Left upper arm (deltoid)',
		'right-deltoid': 'Right upper arm (deltoid)',
		'left-thigh': 'Left thigh (anterolateral)',
		'right-thigh': 'Right thigh (anterolateral)'
	},
	routeLabels: { intramuscular: 'Intramuscular', subcutaneous: 'Subcutaneous' }
};
