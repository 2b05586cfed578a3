/** Strings of the devices page (enrolment, list, retire, revoke). Japanese first. */
export const devicesJa = {
	title: '端末',
	enrolTitle: '端末の登録コードを発行',
	setting: '設置場所の種類',
	settings: { mass: '集団接種会場', clinic: '医療機関' },
	siteCode: '会場コード・医療機関コード',
	label: '端末の名前（例：会場1 受付A）',
	issue: '登録コードを発行する',
	issued: (label: string) =>
		`「${label}」の登録コードを発行しました。端末の「登録コード」に読み取らせるか貼り付けてください。`,
	qr: '登録コードのQRコード',
	code: '登録コード',
	expires: (t: string) => `有効期限：${t}（1回限り）`,
	copy: 'コードをコピー',
	copied: 'コピーしました。',
	listTitle: '登録済みの端末',
	refresh: '最新の情報に更新',
	none: '登録済みの端末はありません。',
	status: '状態',
	statuses: { active: '使用中', retired: '使用終了', revoked: '無効化済' } as Record<string, string>,
	site: '会場',
	lastContact: '最終接続',
	never: '未接続',
	unreceipted: '未受領の記録（端末の報告）',
	notReported: '未報告',
	reported: (n: number, t: string) => `${n} 件（${t} 時点）`,
	actions: '操作',
	retire: '使用終了にする',
	revoke: '無効化する',
	retireTitle: '端末の使用を終了しますか？',
	retireHelp: (label: string) => `「${label}」は残りの記録を送信した後、停止します。新しい記録はできなくなります。`,
	revokeTitle: '端末を無効化しますか？',
	revokeHelp: (label: string) =>
		`「${label}」は直ちに切断され、次に接続したときに端末内の鍵と記録を消去します。未送信の記録は失われます。紛失・盗難のときに使います。`,
	revokeUnreceipted: (n: number) => `この端末は未受領の記録を ${n} 件持っていると報告しています。`,
	confirmRetire: '使用終了にする',
	confirmRevoke: '無効化する',
	cancel: 'やめる',
	retired: (label: string) => `「${label}」を使用終了にしました。`,
	revoked: (label: string) => `「${label}」を無効化しました。`,
	stillOpen: (n: number) =>
		`締められていないバッチが ${n} 件あります。下の一覧から、責任者が紙の予診票の枚数で締めてください。`,
	revokeOpenBatches: (n: number) =>
		` この端末には締められていないバッチが ${n} 件あります。無効化した端末は締めを送れないため、無効化の後、責任者が紙の予診票の枚数でバッチを締めます。`,
	retireOpenBatches: (n: number) =>
		` この端末には締められていないバッチが ${n} 件あります。端末から締めが届かないときは、責任者が紙の予診票の枚数で締めます。`,
	unclosedTitle: '締められていないバッチ（無効化・使用終了した端末）',
	unclosedHelp:
		'これらの端末からは締め（予診票の枚数）が届かない可能性があります。責任者がバッチを開き、「端末に代わって締める」で紙の予診票の枚数と理由を入力して締めてください。締めた後に端末から届いた記録も受け付けます。',
	serviceDay: '実施日',
	records: '台帳の記録数',
	closeBatch: 'バッチを開いて締める'
};

export type DevicesMessages = typeof devicesJa;

export const devicesEn: DevicesMessages = {
	title: 'Devices',
	enrolTitle: 'Issue an enrolment code',
	setting: 'Kind of site',
	settings: { mass: 'Mass-vaccination venue', clinic: 'Clinic' },
	siteCode: 'Venue or clinic code',
	label: 'Device name (e.g. Venue 1 desk A)',
	issue: 'Issue code',
	issued: (label: string) =>
		`Enrolment code for "${label}" issued. Scan it on the device or paste it into its enrolment code field.`,
	qr: 'QR code of the enrolment code',
	code: 'Enrolment code',
	expires: (t: string) => `Valid until ${t} (single use)`,
	copy: 'Copy code',
	copied: 'Copied.',
	listTitle: 'Enrolled devices',
	refresh: 'Refresh',
	none: 'No device is enrolled.',
	status: 'Status',
	statuses: { active: 'Active', retired: 'Retired', revoked: 'Revoked' } as Record<string, string>,
	site: 'Site',
	lastContact: 'Last contact',
	never: 'Never',
	unreceipted: 'Not yet receipted (as reported)',
	notReported: 'Not reported',
	reported: (n: number, t: string) => `${n} (as of ${t})`,
	actions: 'Actions',
	retire: 'Retire',
	revoke: 'Revoke',
	retireTitle: 'Retire this device?',
	retireHelp: (label: string) => `"${label}" uploads what it still holds, then stops. It can record nothing new.`,
	revokeTitle: 'Revoke this device?',
	revokeHelp: (label: string) =>
		`"${label}" is cut off now and erases its keys and records at its next contact. Anything not uploaded is lost. For lost or stolen devices.`,
	revokeUnreceipted: (n: number) => `This device reported holding ${n} records not yet receipted.`,
	confirmRetire: 'Retire',
	confirmRevoke: 'Revoke',
	cancel: 'Cancel',
	retired: (label: string) => `"${label}" retired.`,
	revoked: (label: string) => `"${label}" revoked.`,
	stillOpen: (n: number) =>
		` ${n} of its batches are not closed: a supervisor closes each with the paper tally (list below).`,
	revokeOpenBatches: (n: number) =>
		` This device has ${n} batches not closed. A revoked device cannot send its close: after revoking, a supervisor closes them with the paper tally.`,
	retireOpenBatches: (n: number) =>
		` This device has ${n} batches not closed. If its close does not arrive, a supervisor closes them with the paper tally.`,
	unclosedTitle: 'Batches not closed (revoked or retired devices)',
	unclosedHelp:
		'These devices may never send their close (paper tally). A supervisor opens each batch and uses “Close for the device” with the counted paper forms and the reason. Records the device sends afterwards are still accepted.',
	serviceDay: 'Service day',
	records: 'Records in the ledger',
	closeBatch: 'Open the batch to close it'
};
