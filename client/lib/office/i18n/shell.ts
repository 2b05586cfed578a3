/** Strings of the office shell, login and accounts. Japanese first; English for visiting staff. */
export const shellJa = {
	title: '接種記録 保健センター',
	nav: {
		dashboard: 'ダッシュボード',
		batches: 'バッチ',
		queue: '照合キュー',
		tickets: '接種券の履歴',
		register: '接種券台帳',
		lots: 'ロット',
		names: '会場・医師',
		products: '製品',
		exports: '出力',
		devices: '端末',
		audit: '監査ログ',
		users: '利用者',
		account: 'アカウント'
	},
	roles: { staff: '担当者', supervisor: '責任者', admin: '管理者' },
	logout: 'ログアウト',
	login: {
		title: 'ログイン',
		username: 'ユーザー名',
		password: 'パスワード',
		totp: '確認コード（認証アプリの6桁）',
		submit: 'ログイン',
		lockedUntil: (t: string) => `${t} まで再試行できません。`
	},
	setup: {
		title: '初期設定：最初の管理者を作成',
		help: 'サーバーの起動時に表示されたリンクから開いてください。作成後、このリンクは使えなくなります。',
		displayName: '氏名（表示名）',
		passwordAgain: 'パスワード（確認）',
		mismatch: '確認用のパスワードが一致しません。',
		noToken: '初期設定トークンがありません。サーバーの起動時に表示されたリンクを開いてください。',
		done: '管理者を作成しました。ログインしてください。',
		create: '作成する'
	},
	users: {
		title: '利用者',
		newTitle: '利用者を追加',
		displayName: '氏名（表示名）',
		role: '役割',
		initialPassword: '初期パスワード（12文字以上）',
		add: '追加する',
		added: (u: string) => `${u} を追加しました。`,
		state: '状態',
		active: '有効',
		disabled: '無効',
		locked: 'ロック中',
		actions: '操作',
		disable: '無効にする',
		enable: '有効にする',
		unlock: 'ロック解除',
		resetPassword: 'パスワード再設定',
		newPassword: (u: string) => `${u} の新しいパスワード（12文字以上）`,
		totpOff: '2段階認証を解除',
		saved: '保存しました。'
	},
	account: {
		title: 'アカウント',
		changePassword: 'パスワードの変更',
		current: '現在のパスワード',
		next: '新しいパスワード（12文字以上）',
		change: '変更する',
		changed: 'パスワードを変更しました。もう一度ログインしてください。',
		totpTitle: '2段階認証（TOTP）',
		totpOn: '2段階認証は有効です。',
		totpOff: '2段階認証は設定されていません。',
		totpBegin: '設定を始める',
		totpScan: '認証アプリでQRコードを読み取るか、次のキーを入力してください。',
		totpCode: '認証アプリに表示された6桁',
		totpConfirm: '確認して有効にする',
		totpDone: '2段階認証を有効にしました。次回から確認コードが必要です。'
	}
};

export type ShellMessages = typeof shellJa;

export const shellEn: ShellMessages = {
	title: 'Vaccination records — health centre',
	nav: {
		dashboard: 'Dashboard',
		batches: 'Batches',
		queue: 'Queue',
		tickets: 'Ticket history',
		register: 'Ticket register',
		lots: 'Lots',
		names: 'Sites and doctors',
		products: 'Products',
		exports: 'Exports',
		devices: 'Devices',
		audit: 'Audit log',
		users: 'Users',
		account: 'Account'
	},
	roles: { staff: 'Staff', supervisor: 'Supervisor', admin: 'Admin' },
	logout: 'Sign out',
	login: {
		title: 'Sign in',
		username: 'Username',
		password: 'Password',
		totp: 'Verification code (6 digits from the authenticator app)',
		submit: 'Sign in',
		lockedUntil: (t: string) => `Locked until ${t}.`
	},
	setup: {
		title: 'First run: create the first administrator',
		help: 'Open this page from the link the server printed at start-up. The link stops working once the account exists.',
		displayName: 'Full name (display name)',
		passwordAgain: 'Password (again)',
		mismatch: 'The passwords do not match.',
		noToken: 'No setup token. Open the link the server printed at start-up.',
		done: 'The administrator has been created. Please sign in.',
		create: 'Create'
	},
	users: {
		title: 'Users',
		newTitle: 'Add a user',
		displayName: 'Full name (display name)',
		role: 'Role',
		initialPassword: 'Initial password (12+ characters)',
		add: 'Add',
		added: (u: string) => `${u} added.`,
		state: 'State',
		active: 'Active',
		disabled: 'Disabled',
		locked: 'Locked',
		actions: 'Actions',
		disable: 'Disable',
		enable: 'Enable',
		unlock: 'Unlock',
		resetPassword: 'Reset password',
		newPassword: (u: string) => `New password for ${u} (12+ characters)`,
		totpOff: 'Remove second factor',
		saved: 'Saved.'
	},
	account: {
		title: 'Account',
		changePassword: 'Change password',
		current: 'Current password',
		next: 'New password (12+ characters)',
		change: 'Change',
		changed: 'Password changed. Please sign in again.',
		totpTitle: 'Second factor (TOTP)',
		totpOn: 'The second factor is on.',
		totpOff: 'No second factor is set up.',
		totpBegin: 'Set up',
		totpScan: 'Scan the QR code with an authenticator app, or enter this key.',
		totpCode: 'The 6 digits the app shows',
		totpConfirm: 'Confirm and turn on',
		totpDone: 'Second factor on. Sign-ins will ask for a code.'
	}
};
