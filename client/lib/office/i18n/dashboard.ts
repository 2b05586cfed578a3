/** Strings of the dashboard. Japanese first. */
export const dashboardJa = {
	title: 'ダッシュボード',
	day: (d: string) => `${d}（日本時間）の状況`,
	refresh: '最新の情報に更新',
	byHour: '会場別・時間帯別の接種数（本日）',
	hour: (h: number) => `${h}時`,
	hourColumn: '時間帯',
	byLot: 'ロット別の接種数（本日）',
	lot: 'ロット',
	doses: '接種数',
	devices: '端末の同期状況',
	device: '端末',
	lagMinutes: '最終接続からの経過（分）',
	unreceipted: '未受領の記録（端末の報告）',
	notReported: '未報告',
	openItems: '照合キューの未処理（理由別）',
	reason: '理由',
	items: '件数',
	noQueue: '照合キューはまだありません。',
	empty: 'データはまだありません。',
	table: '数値の表',
	summary: (title: string, parts: string[]) => (parts.length ? `${title}：${parts.join('、')}` : `${title}：データなし`)
};

export type DashboardMessages = typeof dashboardJa;

export const dashboardEn: DashboardMessages = {
	title: 'Dashboard',
	day: (d: string) => `${d} (JST)`,
	refresh: 'Refresh',
	byHour: 'Doses per venue and hour (today)',
	hour: (h: number) => `${h}:00`,
	hourColumn: 'Hour',
	byLot: 'Doses per lot (today)',
	lot: 'Lot',
	doses: 'Doses',
	devices: 'Device sync',
	device: 'Device',
	lagMinutes: 'Minutes since last contact',
	unreceipted: 'Not yet receipted (as reported)',
	notReported: 'Not reported',
	openItems: 'Open queue items by reason',
	reason: 'Reason',
	items: 'Items',
	noQueue: 'There is no review queue yet.',
	empty: 'No data yet.',
	table: 'Figures as a table',
	summary: (title: string, parts: string[]) => (parts.length ? `${title}: ${parts.join(', ')}` : `${title}: no data`)
};
