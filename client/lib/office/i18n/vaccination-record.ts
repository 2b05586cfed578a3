/** Strings of the 接種記録の証明 page (a paper for a resident). Japanese first; the paper itself is Japanese. */
export const recordJa = {
	title: '接種記録の証明',
	back: '接種券の履歴に戻る',
	print: '印刷する',
	help: 'A4用紙1枚に印刷します。氏名・住所・生年月日は、本人確認のうえ手書きで記入してください（この台帳には保存していません）。印刷は監査ログに記録されます。',
	lead: '下記のとおり予防接種を行ったことを証明します。',
	person: '接種を受けた方',
	name: '氏名',
	address: '住所',
	birthDate: '生年月日',
	birthDateHint: '　　　　年　　月　　日',
	ticket: '接種券番号',
	doses: '接種記録',
	doseNumber: '回数',
	givenOn: '接種年月日',
	makerLot: 'メーカー／Lot No.',
	site: '接種会場',
	nth: (n: number) => `${n}回目`,
	none: 'この接種券の接種記録はありません。',
	attest: '以上',
	printedOn: (date: string) => `発行日　${date}`,
	municipalityCode: (code: string) => `市町村コード ${code}`,
	note: '氏名・住所・生年月日は発行時に職員が本人確認のうえ記入したものです。記録は発行日時点の予防接種台帳によります。'
};

export const recordEn: typeof recordJa = {
	...recordJa,
	back: 'Back to the ticket history',
	print: 'Print',
	help: 'Prints on one A4 sheet (in Japanese: it is a paper for a resident). Name, address and birth date are written by hand after checking identity (the ledger holds none of them). Each print is audited.'
};
