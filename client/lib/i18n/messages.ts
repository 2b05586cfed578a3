import { errorMessage } from '#shared/errors/catalogue';

/** Message catalogues. Japanese is the product language; English is for visiting staff. Server error codes get their text from the shared catalogue. */
export const ja = {
	appTitle: '接種記録',
	language: 'English',
	enrolTitle: '端末の登録',
	enrolHelp: '保健センターが発行した登録コードを貼り付けてください。',
	enrolCodeLabel: '登録コード',
	enrolScan: '登録用QRコードをカメラで読み取る',
	enrolButton: 'この端末を登録する',
	enrolInvalidCode: '登録コードの形式が正しくありません。',
	enrolNetwork: 'サーバーに接続できません。ネットワークを確認してください。',
	enrolled: '登録済み端末',
	firstOperatorHelp: 'この端末を使う最初の担当者の担当者コードと暗証番号（6〜12桁の数字）を設定します。',
	staffCode: '担当者コード',
	pin: '暗証番号',
	pinAgain: '暗証番号（確認）',
	credentials: {
		STAFF_CODE: '担当者コードは英数字と _ - の20文字以内で入力してください。',
		PIN_FORMAT: '暗証番号は6〜12桁の数字で入力してください。',
		PIN_MISMATCH: '確認用の暗証番号が一致しません。',
		MY_NUMBER: '個人番号（マイナンバー）と思われる数字は使用できません。'
	},
	unlockTitle: 'ロック中',
	lockInfo: {
		device: '端末',
		site: '会場コード',
		notReceipted: 'サーバー未受領の記録',
		count: (n: number) => `${n} 件（この端末にだけあります。ネットワークに接続して送信してください）`,
		none: 'なし（すべてサーバーに保存済み）'
	},
	unlock: 'ロック解除',
	unlockFailed: '担当者コードまたは暗証番号が正しくありません。',
	pinFormat: (min: number) => `暗証番号は${min}〜12桁の数字で入力してください。`,
	pinWait: (wait: string) => `暗証番号の誤りが続いたため、${wait}後まで入力できません。`,
	pinEraseWarning: (left: number) =>
		`あと${left}回誤ると、サーバーに受領済みの記録と鍵をこの端末から消去します（未送信の記録は消去しません）。`,
	pinKept:
		'暗証番号の誤りが続いたため、サーバーに受領済みの記録をこの端末から消去しました。未送信の記録があるため、それを開く鍵は残しています。保健センターに連絡してください。',
	pinErased:
		'暗証番号の誤りが続いたため、この端末の鍵と記録を消去しました（記録はすべてサーバーに受領済みでした）。保健センターで新しい登録コードを発行してもらい、登録し直してください。',
	duration: (ms: number) => {
		const s = Math.ceil(ms / 1000);
		return s >= 60 ? `${Math.floor(s / 60)}分${s % 60 > 0 ? `${s % 60}秒` : ''}` : `${s}秒`;
	},
	lock: 'ロック',
	operators: {
		open: '担当者を追加',
		title: 'この端末の担当者を追加',
		add: '追加する',
		exists: 'この担当者コードは登録済みです。'
	},
	openElsewhere:
		'この端末の接種記録は、このブラウザーの別のタブ（またはウィンドウ）で開いています。記録と送信が二重にならないよう、このタブでは動かしません。別のタブを使うか、そのタブを閉じてください（閉じると、このタブで続けられます）。',
	storageNotPersisted:
		'このブラウザーは記録の保存領域を「消去しない」設定にできませんでした（ブラウザーが拒否しました）。端末の空き容量が少なくなると、未送信の記録が消える可能性があります。こまめにネットワークに接続して送信し、可能ならこのアプリをホーム画面に追加（インストール）してください。',
	revoked: 'この端末は無効化されたため、端末内のデータを消去しました。保健センターに連絡してください。',
	offlineExpired:
		'サーバーに接続できない期間が上限を超えたため、記録を停止しています。ネットワークに接続すると再開します。',
	serverKeyRefused:
		'サーバーが新しい鍵を示しましたが、この端末が信頼している鍵による署名を確認できなかったため、受け入れず同期を停止しました。記録は端末内に保存されています。保健センター（システム管理者）に連絡してください。',
	clockSkew: (minutes: number, ahead: boolean) =>
		`この端末の時計がサーバーと5分以上ずれています（端末が約${minutes}分${ahead ? '進んで' : '遅れて'}います）。記録の日時が正しくならないため、端末の日付と時刻の設定を確認してください。`,
	session: {
		title: '本日の接種設定',
		product: 'ワクチン',
		lotScan: 'ロット（バイアル・箱のバーコード）',
		lotMaster: '納品されたロットから選ぶ',
		lotHelp: 'バイアルまたは箱のGS1バーコードを読み取ってください。',
		lotWhich:
			'手元のバイアルまたは箱のバーコードを読み取ってください（読み取ると、使うロットそのものを確かめられます）。読み取れないときだけ、下の「納品されたロットから選ぶ」を使ってください。',
		lotRead: '読み取る',
		lotConfirm: 'このロットで記録を始めることを確認しました',
		lotConfirmRequired: 'ロットの注意を確認し、「確認しました」にチェックを入れてください。',
		doctorHelp: 'この会場で使われたコードから選ぶか、入力してください。',
		lotChosen: (lot: string, expiry: string) => `ロット ${lot}（有効期限 ${expiry}）`,
		catalogVersion: (n: number) =>
			n === 0
				? 'ワクチンの一覧：端末に内蔵のもの（保健センターからはまだ受け取っていません）'
				: `ワクチンの一覧：保健センターから受け取ったもの（第${n}版）`,
		lotErrors: {
			GS1: 'バーコードを読み取れませんでした。',
			LOT_MISSING: 'ロット番号と有効期限を含むバーコードを読み取ってください。',
			PRODUCT_UNKNOWN: '登録されていない製品のバーコードです。',
			PRODUCT_MISMATCH: '選択したワクチンと異なる製品のロットです。',
			LOT_EXPIRED: '有効期限切れのロットです。使用できません。'
		},
		volume: '接種量',
		site: '接種部位',
		route: '接種方法',
		screeningDoctor: '予診医コード',
		vaccinatingDoctor: '接種医コード',
		codeFormat: 'コードは英数字と _ - の20文字以内で入力してください。',
		lotRequired: 'ロットを読み取ってください。',
		start: 'この設定で記録を始める',
		change: '設定を変更',
		summary: (product: string, lot: string) => `${product} / ロット ${lot}`
	},
	notVaccinated: {
		toggle: '接種不適当',
		title: '接種不適当（予診の結果、接種せず）',
		reason: '理由',
		note: '補足（「その他」の場合は必須）',
		noteRequired: '「その他」の場合は補足を入力してください。',
		save: '接種不適当として記録'
	},
	list: {
		search: '券番号で検索',
		more: (n: number) => `ほか ${n} 件（券番号で検索できます）`,
		type: { dose: '接種', 'not-vaccinated': '接種不適当' },
		voided: '取消済',
		corrected: '訂正済',
		void: '取消',
		correct: '訂正',
		reason: '理由',
		apply: '確定',
		cancel: 'やめる',
		recordTitle: '記録の内容',
		kind: '種別',
		state: '送信状態',
		close: '閉じる',
		totals: '製品・ロット別の接種数',
		totalLine: (product: string, lot: string, n: number) => `${product}　ロット ${lot}：${n} 件`
	},
	close: {
		title: '本日の締め',
		open: '本日の締め',
		back: '記録に戻る',
		tally: '予診票の枚数',
		doses: '接種済',
		notVaccinated: '接種不適当',
		voided: '取消（数えません）',
		recordsTotal: '記録（取消を除く）',
		count: (n: number) => `${n} 件`,
		mismatch: (paper: number, records: number) =>
			`予診票 ${paper} 枚と記録 ${records} 件が一致しません。確認してから締めてください。`,
		review: '確認へ進む',
		confirmTitle: '本日の記録を締めますか？',
		confirmText: (paper: number, records: number) => `予診票 ${paper} 枚、記録 ${records} 件で締めます。`,
		afterClose: '締めた後は記録できません。誤って締めたときは、この画面で理由を入力して再開できます。',
		change: '枚数を直す',
		confirm: '締める',
		closed: '本日の記録は締め済みです。',
		closedWith: (paper: number) => `（予診票 ${paper} 枚）`,
		reopenTitle: '締めを取り消して記録を再開する',
		reopenHelp:
			'誤って締めたとき、または締めた後に接種するときに使います。再開は記録として残り、保健センターにも届きます。再開した後にもう一度締めてください。',
		reopenReason: '再開する理由',
		reopen: '記録を再開する',
		reasonRequired: '再開する理由を入力してください。',
		failed: '保存できませんでした。もう一度お試しください。',
		tallyFormat: '予診票の枚数を0以上の整数で入力してください。'
	},
	update: { available: '新しいバージョンがあります。記録はすべて保存済みです。', apply: '更新する' },
	camera: {
		start: 'カメラで読み取る',
		stop: 'カメラを止める',
		viewfinder: 'カメラの映像（接種券のQRコードまたはバーコードを写してください）',
		unavailable: 'カメラを使用できません。スキャナーか手入力で読み取ってください。'
	},
	readTicket: '接種券の読み取り',
	ticketLabel: '接種券番号（18桁）',
	ticketHelp: 'QRコードまたはOCR行の数字を入力、またはスキャンしてください。',
	toConfirm: '確認へ進む',
	typeAgain: '手入力の場合は、確認のためもう一度入力してください。',
	typedMismatch: '1回目の入力と一致しません。もう一度最初から入力してください。',
	ticketError: {
		TICKET_FORMAT: '接種券番号の形式が正しくありません（18桁、または券番号10桁）。',
		MUNICIPALITY_CHECK_DIGIT: '市町村コードの検査数字が一致しません。読み取り誤りの可能性があります。',
		MUNICIPALITY_REQUIRED: '券番号のみのバーコードです。市町村コードが必要です。',
		MY_NUMBER: '個人番号（マイナンバー）と思われる数字は入力できません。接種券の番号を入力してください。'
	},
	confirmTitle: '内容の確認',
	confirmHelp: '接種券の番号と一致しているか、声に出して確認してください。',
	ticketNumber: '券番号',
	municipality: '市町村コード',
	homeMunicipality: '当自治体',
	otherMunicipality: '他自治体',
	doseNumber: '接種回数',
	doseNth: (n: number) => `${n}回目`,
	givenAt: '接種日時',
	lot: 'ロット',
	refusedBecause: (code: string) => `サーバーが受付を拒否しました：${errorMessage(code, 'ja')}`,
	refused: {
		title: '受付拒否された記録',
		help: 'サーバーが受け付けなかった記録です。この端末にだけ残っています。接種した方の予診票で確かめ、今日の接種であればもう一度記録してください。保健センターでも記録し直せます。',
		again: 'もう一度記録する',
		recorded: '記録し直しました',
		reason: '理由',
		day: (day: string) => `実施日 ${day}`
	},
	warnings: {
		RECORDED_HERE: 'この接種券・接種回数は、この端末で記録済みです。二重登録に注意してください。',
		RECORDED_AT_VENUE: 'この接種券・接種回数は、この会場の別の受付で記録済みです。二重登録に注意してください。',
		OTHER_MUNICIPALITY: '他自治体の接種券です。内容を確認してから記録してください。',
		DOSE_DIGIT: '接種券の回数が、これまでの記録から見た次の回数と一致しません。',
		LOT_EXPIRES_TODAY: 'このロットは本日が有効期限です。',
		LOT_NOT_DELIVERED:
			'このロットは、この会場に納品されたロットとして登録されていません（ロット台帳にない、または別の会場のロットです）。',
		LOT_OTHER_PRODUCT:
			'このロット番号は、この会場に納品された別のワクチンのロットです。ワクチンの選択とバイアルを確認してください。',
		LOT_EXPIRY_DIFFERS: 'バーコードの有効期限が、ロット台帳の有効期限と異なります。'
	},
	save: '記録する',
	back: '戻る',
	saved: '記録しました',
	savedNotVaccinated: '接種不適当として記録しました',
	saveFailed: '保存できませんでした。もう一度お試しください。',
	storageFull:
		'端末の保存容量が足りないため、この方の記録は保存されていません（何も記録されていません）。紙に記録するか、容量が空いてからもう一度「記録する」を押してください。ネットワークに接続して同期し、解決しない場合は責任者に連絡してください。',
	todayList: '本日の記録',
	noRecords: 'まだ記録はありません。',
	total: (n: number) => `計 ${n} 件`,
	state: {
		local: '端末内（未送信）',
		sent: '送信済（受領待ち）',
		receipted: '受領済',
		refused: '受付拒否'
	},
	sync: {
		online: 'オンライン',
		offline: 'オフライン',
		connecting: '接続中…',
		stopped: '同期停止',
		// Connected, but nothing sent is receipted (server stuck, or refusing for a while).
		stalled: 'サーバーが応答していません',
		full: 'サーバーの容量不足で保留中',
		stalledHint: '記録はこの端末に保存されています。記録を続けてください。自動で再送します。',
		waiting: (n: number) => `未受領 ${n} 件`,
		allSafe: 'すべてサーバーに保存済み',
		refused: (n: number) => `受付拒否 ${n} 件（この端末だけに保存）`,
		lastReceipt: (t: string) => `最終受領 ${t}`,
		progress: '送信の進み具合'
	}
};

export type Messages = typeof ja;

export const en: Messages = {
	appTitle: 'Vaccination record',
	language: '日本語',
	enrolTitle: 'Enrol this device',
	enrolHelp: 'Paste the enrolment code issued by the health centre.',
	enrolCodeLabel: 'Enrolment code',
	enrolScan: 'Scan the enrolment QR code with the camera',
	enrolButton: 'Enrol this device',
	enrolInvalidCode: 'The enrolment code is not valid.',
	enrolNetwork: 'Cannot reach the server. Check the network.',
	enrolled: 'Enrolled device',
	firstOperatorHelp: 'Set the staff code and PIN (6–12 digits) of the first person using this device.',
	staffCode: 'Staff code',
	pin: 'PIN',
	pinAgain: 'PIN (again)',
	credentials: {
		STAFF_CODE: 'Staff codes are up to 20 letters, digits, _ or -.',
		PIN_FORMAT: 'The PIN must be 6 to 12 digits.',
		PIN_MISMATCH: 'The two PINs differ.',
		MY_NUMBER: 'An Individual Number (My Number) cannot be used.'
	},
	unlockTitle: 'Locked',
	lockInfo: {
		device: 'Device',
		site: 'Site code',
		notReceipted: 'Records not receipted by the server',
		count: (n: number) => `${n} (only on this device: connect to the network to send them)`,
		none: 'None (all stored on the server)'
	},
	unlock: 'Unlock',
	unlockFailed: 'Staff code or PIN is wrong.',
	pinFormat: (min: number) => `The PIN must be ${min} to 12 digits.`,
	pinWait: (wait: string) => `Too many wrong PINs: try again in ${wait}.`,
	pinEraseWarning: (left: number) =>
		`${left} more wrong PIN${left === 1 ? '' : 's'} and this device erases its keys and the records the server has receipted (records not yet sent are kept).`,
	pinKept:
		'Too many wrong PINs: the records the server has receipted were erased from this device. Records not yet sent remain, and so does the key that opens them. Contact the health centre.',
	pinErased:
		'Too many wrong PINs: this device erased its keys and records (the server had receipted all of them). Ask the health centre for a new enrolment code and enrol it again.',
	duration: (ms: number) => {
		const s = Math.ceil(ms / 1000);
		return s >= 60 ? `${Math.floor(s / 60)} min${s % 60 > 0 ? ` ${s % 60} s` : ''}` : `${s} s`;
	},
	lock: 'Lock',
	operators: {
		open: 'Add a person',
		title: 'Add a person to this device',
		add: 'Add',
		exists: 'This staff code is already on this device.'
	},
	openElsewhere:
		'The station is already open in another tab or window of this browser. This tab stays idle so records and sync are not doubled. Use the other tab, or close it to continue here.',
	storageNotPersisted:
		'The browser refused to keep this app’s storage from being cleared. If the device runs short of space, records not yet sent could be lost. Connect to the network often to send them and, if possible, install the app (add it to the home screen).',
	revoked: 'This device was revoked and its local data has been erased. Contact the health centre.',
	offlineExpired:
		'This device has not reached the server for longer than allowed, so recording is paused. It resumes once the network is back.',
	serverKeyRefused:
		'The server offered new keys that are not signed by the key this device trusts, so they were refused and sync has stopped. Records stay saved on this device. Contact the health centre (system administrator).',
	clockSkew: (minutes: number, ahead: boolean) =>
		`This device's clock differs from the server's by more than 5 minutes (it is about ${minutes} minutes ${ahead ? 'ahead' : 'behind'}). Records would carry wrong times: check the device's date and time settings.`,
	session: {
		title: "Today's vaccination settings",
		product: 'Vaccine',
		lotScan: 'Lot (vial or carton barcode)',
		lotMaster: 'Choose from the lots delivered here',
		lotHelp: 'Scan the GS1 barcode on the vial or carton.',
		lotWhich:
			'Scan the barcode of the vial or carton in your hand (scanning checks the very lot you use). Only when it cannot be read, choose from "Choose from the lots delivered here" below.',
		lotRead: 'Read',
		lotConfirm: 'I have checked and will record with this lot',
		lotConfirmRequired: 'Read the lot warning and tick the confirmation box.',
		doctorHelp: 'Choose a code used at this site, or type one.',
		lotChosen: (lot: string, expiry: string) => `Lot ${lot} (expires ${expiry})`,
		catalogVersion: (n: number) =>
			n === 0
				? 'Vaccine list: built into this device (not yet received from the health centre)'
				: `Vaccine list: received from the health centre (edition ${n})`,
		lotErrors: {
			GS1: 'The barcode could not be read.',
			LOT_MISSING: 'Scan a barcode that carries the lot and expiry.',
			PRODUCT_UNKNOWN: 'The barcode is of an unknown product.',
			PRODUCT_MISMATCH: 'This lot belongs to a different product than the one chosen.',
			LOT_EXPIRED: 'This lot has expired and must not be used.'
		},
		volume: 'Dose volume',
		site: 'Injection site',
		route: 'Route',
		screeningDoctor: 'Screening doctor code',
		vaccinatingDoctor: 'Vaccinating doctor code',
		codeFormat: 'Codes are up to 20 letters, digits, _ or -.',
		lotRequired: 'Scan the lot first.',
		start: 'Start recording with these settings',
		change: 'Change settings',
		summary: (product: string, lot: string) => `${product} / lot ${lot}`
	},
	notVaccinated: {
		toggle: 'Not vaccinated',
		title: 'Not vaccinated (after screening)',
		reason: 'Reason',
		note: "Note (required for 'other')",
		noteRequired: "Add a note when the reason is 'other'.",
		save: 'Save as not vaccinated'
	},
	list: {
		search: 'Search by ticket number',
		more: (n: number) => `${n} more (search by ticket number)`,
		type: { dose: 'Dose', 'not-vaccinated': 'Not vaccinated' },
		voided: 'Voided',
		corrected: 'Corrected',
		void: 'Void',
		correct: 'Correct',
		reason: 'Reason',
		apply: 'Confirm',
		cancel: 'Cancel',
		recordTitle: 'Record',
		kind: 'Kind',
		state: 'Sync state',
		close: 'Close',
		totals: 'Doses by product and lot',
		totalLine: (product: string, lot: string, n: number) => `${product} lot ${lot}: ${n}`
	},
	close: {
		title: 'Close the day',
		open: 'Close the day',
		back: 'Back to recording',
		tally: 'Paper screening forms',
		doses: 'Vaccinated',
		notVaccinated: 'Not vaccinated',
		voided: 'Voided (not counted)',
		recordsTotal: 'Records (excluding voided)',
		count: (n: number) => `${n}`,
		mismatch: (paper: number, records: number) =>
			`${paper} paper forms and ${records} records differ. Check before closing.`,
		review: 'Continue to check',
		confirmTitle: "Close today's records?",
		confirmText: (paper: number, records: number) => `Closing with ${paper} paper forms and ${records} records.`,
		afterClose:
			'Nothing can be recorded after the close. A day closed by mistake can be reopened here, with the reason.',
		change: 'Change the count',
		confirm: 'Close',
		closed: "Today's records are closed.",
		closedWith: (paper: number) => `(${paper} paper forms)`,
		reopenTitle: 'Reopen the day and record again',
		reopenHelp:
			'For a day closed by mistake, or doses after the close. The reopen is kept as a record and reaches the health centre. Close the day again afterwards.',
		reopenReason: 'Reason for reopening',
		reopen: 'Reopen recording',
		reasonRequired: 'Enter the reason for reopening.',
		failed: 'Could not save. Try again.',
		tallyFormat: 'Enter the number of paper forms (0 or more).'
	},
	update: { available: 'A new version is available. Every record is saved.', apply: 'Update' },
	camera: {
		start: 'Scan with the camera',
		stop: 'Stop the camera',
		viewfinder: 'Camera view (show the ticket’s QR code or barcode)',
		unavailable: 'The camera is not available. Use the scanner or type the number.'
	},
	readTicket: 'Read the ticket',
	ticketLabel: 'Ticket number (18 digits)',
	ticketHelp: 'Type or scan the digits of the QR code or the OCR line.',
	toConfirm: 'Continue to check',
	typeAgain: 'Typed by hand: enter the number once more to confirm.',
	typedMismatch: 'The two entries differ. Start again.',
	ticketError: {
		TICKET_FORMAT: 'The ticket number must be 18 digits (or the 10-digit ticket number).',
		MUNICIPALITY_CHECK_DIGIT: 'The municipality code check digit does not match: probably a misread.',
		MUNICIPALITY_REQUIRED: 'This barcode carries only the ticket number; a municipality code is needed.',
		MY_NUMBER: 'This looks like an Individual Number (My Number), which must not be entered. Enter the ticket number.'
	},
	confirmTitle: 'Check the record',
	confirmHelp: 'Read the number aloud and compare it with the ticket.',
	ticketNumber: 'Ticket number',
	municipality: 'Municipality code',
	homeMunicipality: 'this municipality',
	otherMunicipality: 'another municipality',
	doseNumber: 'Dose',
	doseNth: (n: number) => `Dose ${n}`,
	givenAt: 'Given at',
	lot: 'Lot',
	refusedBecause: (code: string) => `The server refused this record: ${errorMessage(code, 'en')}`,
	refused: {
		title: 'Refused records',
		help: 'The server did not accept these records; they are kept only on this device. Check the paper screening form and, for a dose given today, record it again. The health centre can record them again too.',
		again: 'Record again',
		recorded: 'Recorded again',
		reason: 'Reason',
		day: (day: string) => `Service day ${day}`
	},
	warnings: {
		RECORDED_HERE: 'This ticket and dose are already recorded on this device. Beware of a double record.',
		RECORDED_AT_VENUE:
			'This ticket and dose are already recorded at another table of this venue. Beware of a double record.',
		OTHER_MUNICIPALITY: "This ticket is another municipality's. Check before saving.",
		DOSE_DIGIT: "The ticket's dose digit does not follow the doses recorded so far.",
		LOT_EXPIRES_TODAY: 'This lot expires today.',
		LOT_NOT_DELIVERED:
			'This lot is not registered as delivered to this site (not in the lot master, or delivered to another site).',
		LOT_OTHER_PRODUCT:
			"This lot number is another vaccine's lot delivered here. Check the vaccine chosen and the vial.",
		LOT_EXPIRY_DIFFERS: "The barcode's expiry differs from the lot master's."
	},
	save: 'Save record',
	back: 'Back',
	saved: 'Saved',
	savedNotVaccinated: 'Saved as not vaccinated',
	saveFailed: 'Could not save. Please try again.',
	storageFull:
		'The device is out of storage space, so nothing was saved for this person. Record it on paper, or press Save record again once space is free. Connect to the network to sync, and call your supervisor if it persists.',
	todayList: "Today's records",
	noRecords: 'No records yet.',
	total: (n: number) => `${n} in total`,
	state: { local: 'On device (not sent)', sent: 'Sent (awaiting receipt)', receipted: 'Receipted', refused: 'Refused' },
	sync: {
		online: 'Online',
		offline: 'Offline',
		connecting: 'Connecting…',
		stopped: 'Sync stopped',
		stalled: 'Server not responding',
		full: 'Held: server storage full',
		stalledHint: 'Records are saved on this device. Keep recording; they are sent again by themselves.',
		waiting: (n: number) => `${n} not receipted`,
		allSafe: 'All stored on the server',
		refused: (n: number) => `${n} refused (only on this device)`,
		lastReceipt: (t: string) => `last receipt ${t}`,
		progress: 'Sync progress'
	}
};

export type Locale = 'ja' | 'en';
export const catalogues: Record<Locale, Messages> = { ja, en };
