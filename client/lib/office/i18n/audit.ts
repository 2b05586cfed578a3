/** Strings of the audit log viewer, and the audit actions in words. Japanese first. */

/** Known actions (codes written by the server's appendAudit calls). */
const ACTIONS_JA: Record<string, string> = {
	'login.ok': 'ログイン',
	'login.fail': 'ログイン失敗',
	'login.locked': 'ログインのロック',
	logout: 'ログアウト',
	'user.create': '利用者の追加',
	'user.update': '利用者の変更',
	'user.password': 'パスワードの再設定',
	'user.unlock': '利用者のロック解除',
	'user.totp.enable': '2段階認証の設定',
	'user.totp.disable': '2段階認証の解除',
	'device.enrolment.issue': '端末の登録コード発行',
	'device.revoke': '端末の無効化',
	'device.retire': '端末の使用終了',
	'server.keys.rotate': 'サーバー鍵の更新',
	'register.preview': '接種券台帳の取込確認',
	'register.import': '接種券台帳の取込',
	'register.discard': '接種券台帳の取込取消',
	'register.refused': '接種券台帳の取込拒否',
	'register.view': '接種券台帳の照会',
	'lot.put': 'ロットの登録・変更',
	'lot.import': 'ロットの一括取込',
	'lot.delete': 'ロットの削除',
	'site.put': '会場の登録・変更',
	'doctor.put': '医師の登録・変更',
	'ticket.view': '接種券の履歴の閲覧',
	'reconcile.run': '照合の実行',
	'reconcile.accept': '照合：了承（メモ付き）',
	'reconcile.report': '照合：他自治体へ報告',
	'reconcile.void': '照合：記録の取消',
	'reconcile.correct': '照合：記録の訂正',
	'batch.check': 'バッチの確認',
	'batch.approve': 'バッチの承認',
	'batch.close': 'バッチの代理締め（端末に代わって）',
	'export.download': '出力ファイルのダウンロード'
};
/** Families of actions, for codes that carry a variable part (`export.<layout>`) and the filter. */
const FAMILIES_JA: Record<string, string> = {
	'login.': 'ログイン',
	'user.': '利用者',
	'device.': '端末',
	'server.': 'サーバー',
	'register.': '接種券台帳',
	'lot.': 'ロット',
	'ticket.': '接種券の閲覧',
	'reconcile.': '照合',
	'batch.': 'バッチ',
	'export.': '出力'
};

const ACTIONS_EN: Record<string, string> = {
	'login.ok': 'Sign-in',
	'login.fail': 'Failed sign-in',
	'login.locked': 'Sign-in locked',
	logout: 'Sign-out',
	'user.create': 'User added',
	'user.update': 'User changed',
	'user.password': 'Password reset',
	'user.unlock': 'User unlocked',
	'user.totp.enable': 'Second factor set up',
	'user.totp.disable': 'Second factor removed',
	'device.enrolment.issue': 'Enrolment code issued',
	'device.revoke': 'Device revoked',
	'device.retire': 'Device retired',
	'server.keys.rotate': 'Server keys rotated',
	'register.preview': 'Register import checked',
	'register.import': 'Register imported',
	'register.discard': 'Register import discarded',
	'register.refused': 'Register file refused',
	'register.view': 'Register looked up',
	'lot.put': 'Lot saved',
	'lot.import': 'Lots imported',
	'lot.delete': 'Lot deleted',
	'site.put': 'Site saved',
	'doctor.put': 'Doctor saved',
	'ticket.view': 'Ticket history viewed',
	'reconcile.run': 'Rules run',
	'reconcile.accept': 'Queue: accepted',
	'reconcile.report': 'Queue: reported to municipality',
	'reconcile.void': 'Queue: record voided',
	'reconcile.correct': 'Queue: record corrected',
	'batch.check': 'Batch checked',
	'batch.approve': 'Batch approved',
	'batch.close': 'Batch closed for its device',
	'export.download': 'Export downloaded'
};
const FAMILIES_EN: Record<string, string> = {
	'login.': 'Sign-in',
	'user.': 'Users',
	'device.': 'Devices',
	'server.': 'Server',
	'register.': 'Ticket register',
	'lot.': 'Lots',
	'ticket.': 'Ticket views',
	'reconcile.': 'Reconciliation',
	'batch.': 'Batches',
	'export.': 'Exports'
};

/** The action in words: its own label, else its family's with the code, else the code itself. */
function label(actions: Record<string, string>, families: Record<string, string>, action: string): string {
	if (actions[action]) return actions[action];
	const family = Object.keys(families).find((f) => action.startsWith(f));
	return family ? `${families[family]}（${action.slice(family.length)}）` : action;
}

export const auditJa = {
	title: '監査ログ',
	filters: '絞り込み',
	action: '操作の種類',
	anyAction: 'すべての操作',
	actor: '操作者',
	anyActor: 'すべての操作者',
	target: '対象（完全一致）',
	from: '開始日',
	to: '終了日（その日を含む）',
	search: '表示する',
	reset: '条件をクリア',
	more: 'さらに古い記録を表示',
	none: '条件に合う記録はありません。',
	seq: '番号',
	at: '日時（日本時間）',
	what: '操作',
	details: '詳細',
	system: 'システム',
	verifyTitle: '改ざんの検査',
	verifyHelp: '監査ログは1件ごとに前の記録のハッシュを含みます。すべての記録を先頭から検査します。',
	verify: 'ハッシュチェーンを検査する',
	verifying: '検査中…',
	intact: (n: number) => `改ざんは検出されませんでした（${n} 件すべて一致）。`,
	broken: (seq: number, reason: string) =>
		`改ざんを検出しました：${seq} 番の記録が一致しません（${reason}）。この記録以降は信頼できません。`,
	reasons: {
		hash: '内容が書き換えられています',
		link: '前の記録とのつながりが切れています',
		gap: '記録が欠落しています'
	} as Record<string, string>,
	families: FAMILIES_JA,
	actionLabel: (action: string) => label(ACTIONS_JA, FAMILIES_JA, action)
};

export type AuditMessages = typeof auditJa;

export const auditEn: AuditMessages = {
	title: 'Audit log',
	filters: 'Filters',
	action: 'Kind of action',
	anyAction: 'All actions',
	actor: 'By',
	anyActor: 'Anyone',
	target: 'Target (exact)',
	from: 'From',
	to: 'To (inclusive)',
	search: 'Show',
	reset: 'Clear',
	more: 'Show older entries',
	none: 'No entries match.',
	seq: 'No.',
	at: 'Time (JST)',
	what: 'Action',
	details: 'Details',
	system: 'System',
	verifyTitle: 'Tamper check',
	verifyHelp: 'Each entry holds the hash of the one before it. The check walks the whole log from the first entry.',
	verify: 'Check the hash chain',
	verifying: 'Checking…',
	intact: (n: number) => `No tampering found (all ${n} entries match).`,
	broken: (seq: number, reason: string) =>
		`Tampering found: entry ${seq} does not match (${reason}). Nothing from there on can be trusted.`,
	reasons: {
		hash: 'its content was changed',
		link: 'its link to the previous entry is broken',
		gap: 'entries are missing'
	} as Record<string, string>,
	families: FAMILIES_EN,
	actionLabel: (action: string) => label(ACTIONS_EN, FAMILIES_EN, action)
};
