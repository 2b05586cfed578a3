import type { UpdateRefusalCode } from '../protocol/refusals';

/**
 * The one text of every error code the server sends (HTTP API `error.code`, a device update's
 * refusal, an import's line error), in Japanese and English, shown by the station and the office
 * alike. It lives in shared/ because the codes are the wire contract between the server and both
 * clients (the refusal codes are already defined here, in protocol/refusals.ts): one list next to
 * the contract, pure data, usable by every side; client/lib/i18n would have hidden it from the
 * server and its tests. A screen shows this text, never the bare code, and never a second wording
 * of its own. errors.test.ts walks the server's source and fails when a code it sends is missing.
 */
export interface ErrorText {
	ja: string;
	en: string;
}

export const ERROR_TEXT = {
	// Requests in general
	BAD_JSON: { ja: '送信された内容を読み取れませんでした。', en: 'The request body could not be read.' },
	BAD_REQUEST: { ja: '入力内容が正しくありません。', en: 'The request is not valid.' },
	BAD_QUERY: { ja: '検索条件が正しくありません。', en: 'The search conditions are not valid.' },
	BAD_PATH: { ja: 'アドレス（URL）が正しくありません。', en: 'The address (URL) is not valid.' },
	BODY_TOO_LARGE: { ja: '送信された内容が大きすぎます。', en: 'The request is too large.' },
	NOT_FOUND: { ja: '見つかりません。', en: 'Not found.' },
	INTERNAL: {
		ja: 'サーバーで問題が起きました。しばらくしてからもう一度お試しください。',
		en: 'The server ran into a problem. Try again shortly.'
	},
	RATE_LIMITED: {
		ja: '短い間に操作が多すぎます。しばらく待ってからもう一度お試しください。',
		en: 'Too many attempts in a short time. Wait a moment and try again.'
	},
	MY_NUMBER: {
		ja: '個人番号（マイナンバー）と思われる数字が含まれているため、受け付けられません。',
		en: 'It contains what looks like an Individual Number (My Number) and cannot be accepted.'
	},
	// Office sign-in, session and users
	SESSION_REQUIRED: { ja: 'ログインしてください（セッションが無いか、期限切れです）。', en: 'Please sign in.' },
	CSRF: { ja: '画面の有効期限が切れました。画面を読み込み直してください。', en: 'This page has expired. Reload it.' },
	FORBIDDEN: { ja: 'この操作の権限がありません。', en: 'You are not allowed to do this.' },
	INVALID_CREDENTIALS: { ja: 'ユーザー名またはパスワードが正しくありません。', en: 'User name or password is wrong.' },
	TOTP_REQUIRED: {
		ja: '認証アプリの6桁の確認コードを入力してください。',
		en: 'Enter the 6-digit code from your authenticator app.'
	},
	TOTP_INVALID: {
		ja: '確認コードが正しくないか、使用済みです。',
		en: 'The authentication code is wrong or was already used.'
	},
	ACCOUNT_LOCKED: {
		ja: 'ログインの失敗が続いたため、このアカウントは一時的にロックされています。',
		en: 'Too many failed sign-ins: this account is locked for a while.'
	},
	ACCOUNT_DISABLED: {
		ja: 'このアカウントは無効になっています。管理者に連絡してください。',
		en: 'This account is disabled. Contact the administrator.'
	},
	SETUP_DONE: { ja: '初期設定は完了しています。', en: 'The first setup is already done.' },
	SETUP_TOKEN: { ja: '初期設定トークンが正しくありません。', en: 'The setup code is wrong.' },
	USERNAME_TAKEN: { ja: 'このユーザー名は使われています。', en: 'This user name is already taken.' },
	USER_UNKNOWN: { ja: 'そのユーザーは登録されていません。', en: 'No such user.' },
	SELF_CHANGE: { ja: '自分自身の権限や状態は変更できません。', en: 'You cannot change your own role or status.' },
	PASSWORD_TOO_SHORT: {
		ja: 'パスワードは12文字以上にしてください。',
		en: 'The password must be at least 12 characters.'
	},
	PASSWORD_TOO_LONG: { ja: 'パスワードが長すぎます。', en: 'The password is too long.' },
	PASSWORD_MY_NUMBER: {
		ja: '個人番号（マイナンバー）と思われる数字はパスワードに使えません。',
		en: 'A number that looks like an Individual Number (My Number) cannot be used in a password.'
	},
	// Devices and enrolment
	DEVICE_UNKNOWN: { ja: 'その端末は登録されていません。', en: 'No such device.' },
	DEVICE_STATUS: {
		ja: '端末の今の状態では、この操作はできません。',
		en: 'The device is not in a state that allows this.'
	},
	DEVICE_RETIRED: { ja: '端末の使用終了後の日付の記録です。', en: 'The record is dated after the device was retired.' },
	DEVICE_REVOKED: { ja: 'この端末は無効化されています。', en: 'This device has been revoked.' },
	ENROLMENT_UNKNOWN: { ja: 'この登録コードは見つかりません。', en: 'This enrolment code is not known.' },
	ENROLMENT_USED: {
		ja: 'この登録コードはすでに使われています。新しいコードを発行してください。',
		en: 'This enrolment code was already used. Issue a new one.'
	},
	ENROLMENT_EXPIRED: {
		ja: 'この登録コードは有効期限切れです。新しいコードを発行してください。',
		en: 'This enrolment code has expired. Issue a new one.'
	},
	// A device's update refused by the server (UPDATE_REFUSAL_CODES)
	UPDATE_MALFORMED: { ja: '送信データを読み取れません。', en: 'The update cannot be read.' },
	UPDATE_DELETES: {
		ja: '記録を削除する送信です。記録は追記のみです。',
		en: 'The update deletes records; records can only be added.'
	},
	UPDATE_SHAPE: { ja: '記録以外のデータを書き込む送信です。', en: 'The update writes something other than records.' },
	UPDATE_MISSING_BASE: {
		ja: 'サーバーに無い記録を前提にした送信です。',
		en: 'The update builds on records the server does not hold.'
	},
	EVENT_SCHEMA: {
		ja: '記録の製品・項目が規定に合いません。',
		en: "The record's product or fields do not meet the rules."
	},
	EVENT_NOT_OF_BATCH: {
		ja: '記録の端末・会場・実施日がバッチと一致しません。',
		en: "The record's device, site or day does not match its batch."
	},
	EVENT_DUPLICATE_ID: { ja: '同じ記録IDが二度使われています。', en: 'The same record id is used twice.' },
	EVENT_REPLACES_FOREIGN: {
		ja: '訂正・取消の対象がこのバッチにありません。',
		en: 'The correction or void names a record outside this batch.'
	},
	SERVICE_DAY_FUTURE: {
		ja: '実施日が未来の日付です。端末の日付・時計の誤りの可能性があります。',
		en: 'The service day is in the future: the device date or clock may be wrong.'
	},
	NOT_YOUR_BATCH: { ja: '他の端末のバッチへの送信です。', en: "The update is for another device's batch." },
	BAD_SIGNATURE: { ja: '端末の署名を確認できません。', en: "The device's signature does not verify." },
	SYNC_MALFORMED: { ja: '同期のデータを読み取れません。', en: 'The sync message cannot be read.' },
	// The ledger cannot store now; the device keeps the records and offers them again (retryable)
	LEDGER_FULL: {
		ja: 'サーバーの記憶領域が不足しているため、いまは保存できません。記録は端末に残り、空きができしだい送信されます。',
		en: 'The server is out of storage and cannot store now. The records stay on the device and are sent once space is freed.'
	},
	LEDGER_UNAVAILABLE: {
		ja: 'サーバーのデータベースが応答していません。記録は端末に残り、復旧しだい送信されます。',
		en: "The server's database is not answering. The records stay on the device and are sent once it is back."
	},
	// Batches, reconciliation and office records
	BATCH_UNKNOWN: { ja: 'そのバッチは見つかりません。', en: 'No such batch.' },
	BATCH_NOT_OPEN: { ja: 'このバッチは締め済みです。', en: 'This batch is already closed.' },
	BATCH_NOT_RECEIVED: { ja: '受領済のバッチだけを確認済にできます。', en: 'Only a received batch can be checked.' },
	BATCH_NOT_CHECKED: { ja: '確認済のバッチだけを承認できます。', en: 'Only a checked batch can be approved.' },
	BATCH_HAS_OPEN_ITEMS: {
		ja: 'このバッチには未処理の確認事項があります。先に処理してください。',
		en: 'This batch has open queue items. Deal with them first.'
	},
	TALLY_INVALID: {
		ja: '予診票の枚数を0以上の整数で入力してください。',
		en: 'Enter the number of paper forms (0 or more).'
	},
	REASON_REQUIRED: {
		ja: '端末に代わって締める理由を入力してください（紛失・故障など）。',
		en: 'Enter why the batch is closed for its device (lost, broken…).'
	},
	REASON_TOO_LONG: { ja: '理由が長すぎます。', en: 'The reason is too long.' },
	ITEM_UNKNOWN: { ja: 'その確認事項は見つかりません。', en: 'No such queue item.' },
	ITEM_NOT_OPEN: { ja: 'この確認事項は処理済みです。', en: 'This queue item was already dealt with.' },
	ITEM_HAS_NO_RECORD: {
		ja: 'この確認事項には訂正・取消できる記録がありません（了承で処理してください）。',
		en: 'This queue item has no record to correct or void (accept it instead).'
	},
	NOT_REPORTABLE: {
		ja: '他自治体の接種券の確認事項だけを「報告済」にできます。',
		en: "Only another municipality's ticket can be marked as reported."
	},
	RECORD_UNKNOWN: { ja: 'その記録は見つかりません。', en: 'No such record.' },
	RECORD_VOIDED: { ja: 'この記録は取消済みです。', en: 'This record is voided.' },
	NO_CHANGE: { ja: '変更された項目がありません。', en: 'Nothing was changed.' },
	INVALID_EVENT: { ja: '記録の内容が規定に合いません。', en: 'The record does not meet the rules.' },
	NOT_REFUSED_ITEM: {
		ja: '受付拒否された記録の確認事項だけを記録し直し・却下できます。',
		en: 'Only a refused record can be recorded again or dismissed.'
	},
	REFUSED_UNKNOWN: { ja: 'その受付拒否された記録は見つかりません。', en: 'No such refused record.' },
	REFUSED_CONTENT_WITHHELD: {
		ja: 'この受付拒否には記録の内容が保存されていません。予診票から新しく記録するか、却下してください。',
		en: 'The content of this refused record was not kept. Record it anew from the paper form, or dismiss it.'
	},
	REFUSED_NOT_A_RECORD: {
		ja: '接種・接種不適当の記録ではないため、記録し直せません。却下してください。',
		en: 'This is not a dose or screening record and cannot be recorded again. Dismiss it.'
	},
	REFUSED_ALREADY_RECORDED: {
		ja: 'この受付拒否された記録はすでに記録し直されています。',
		en: 'This refused record was already recorded again.'
	},
	FIELD_NOT_EDITABLE: { ja: 'この項目は変更できません。', en: 'This field cannot be changed.' },
	// Tickets and the register
	BAD_TICKET: { ja: '接種券番号の形式が正しくありません。', en: 'The ticket number is not valid.' },
	BAD_TICKET_NUMBER: { ja: '券番号は10桁の数字で入力してください。', en: 'The ticket number must be 10 digits.' },
	BAD_MUNICIPALITY: {
		ja: '市町村コードが正しくありません（6桁、検査数字を含む）。',
		en: 'The municipality code is not valid (6 digits with its check digit).'
	},
	NOT_IN_REGISTER: {
		ja: 'この券番号は台帳にありません（未発行か、台帳が未取り込みです）。',
		en: 'Not in the ticket register.'
	},
	TICKET_FORMAT: { ja: '券番号の形式が正しくありません。', en: 'The ticket number is not valid.' },
	MUNICIPALITY_FORMAT: {
		ja: '市町村コードは6桁の数字で入力してください。',
		en: 'The municipality code must be 6 digits.'
	},
	MUNICIPALITY_CHECK_DIGIT: {
		ja: '市町村コードの検査数字が一致しません。',
		en: 'The municipality code check digit does not match.'
	},
	DOSES_FORMAT: { ja: '接種可能回数は数字で入力してください。', en: 'The doses allowed must be a number.' },
	DOSES_RANGE: { ja: '接種可能回数が範囲外です。', en: 'The doses allowed are out of range.' },
	DATE_FORMAT: { ja: '日付の形式が正しくありません（YYYY-MM-DD）。', en: 'The date is not valid (YYYY-MM-DD).' },
	DATE_FUTURE: { ja: '未来の日付は入力できません。', en: 'The date cannot be in the future.' },
	DUPLICATE_TICKET: { ja: '同じ接種券がファイル内に二度あります。', en: 'The same ticket appears twice in the file.' },
	COLUMN_COUNT: { ja: '列の数が見出し行と合いません。', en: 'The number of columns differs from the header row.' },
	// Files and imports
	BAD_FILE_NAME: { ja: 'ファイル名が正しくありません。', en: 'The file name is not valid.' },
	FILE_TOO_LARGE: { ja: 'ファイルが大きすぎます。', en: 'The file is too large.' },
	FILE_CHANGED: {
		ja: 'プレビューしたファイルと内容が異なります。もう一度プレビューしてください。',
		en: 'The file changed after the preview. Load and preview it again.'
	},
	EMPTY_FILE: { ja: 'ファイルが空です。', en: 'The file is empty.' },
	ENCODING: {
		ja: 'ファイルの文字コードを読み取れません（UTF-8 または Shift_JIS）。',
		en: 'The file encoding cannot be read (UTF-8 or Shift_JIS).'
	},
	CSV_MALFORMED: { ja: 'CSVの形式が正しくありません。', en: 'The CSV is malformed.' },
	BAD_HEADER: { ja: '見出し行（1行目）の列名が正しくありません。', en: 'The header row (line 1) is not as expected.' },
	LINE_ERRORS: {
		ja: 'ファイルに誤りのある行があります。一覧を確認してください。',
		en: 'Some lines of the file have errors. See the list.'
	},
	HAS_ERRORS: {
		ja: '誤りのある行があるため取り込めません。',
		en: 'The file has lines with errors and cannot be imported.'
	},
	IMPORT_UNKNOWN: { ja: 'その取込は見つかりません。', en: 'No such import.' },
	IMPORT_NOT_PREVIEWED: { ja: '取り込む前に内容を確認してください。', en: 'Preview the import before applying it.' },
	IMPORT_DISCARDED: { ja: 'この取込は取り消されています。', en: 'This import was discarded.' },
	// Lots, sites, doctors and the vaccine catalogue
	LOT_UNKNOWN: { ja: 'そのロットは登録されていません。', en: 'No such lot.' },
	LOT_IN_USE: {
		ja: 'このロットの記録があるため削除できません。有効期限や納品先を訂正してください。',
		en: 'Records name this lot, so it cannot be deleted. Correct its expiry or sites instead.'
	},
	LOT_FORMAT: {
		ja: 'ロット番号は英数字記号20文字以内です。',
		en: 'A lot number is up to 20 letters, digits or symbols.'
	},
	EXPIRY_CONFLICT: {
		ja: '同じロットに異なる有効期限が書かれています。',
		en: 'The same lot has different expiry dates.'
	},
	SITES_REQUIRED: {
		ja: '納品先の会場・医療機関コードを1つ以上入力してください。',
		en: 'Enter at least one delivery site code.'
	},
	SITE_FORMAT: { ja: '会場・医療機関コードの形式が正しくありません。', en: 'The site code is not valid.' },
	PRODUCT_UNKNOWN: { ja: '登録されていない製品です。', en: 'Unknown product.' },
	PRODUCT_DUPLICATE: { ja: '同じ製品コードが二度あります。', en: 'The same product code appears twice.' },
	CATALOG_STALE: {
		ja: '他の人がワクチンの一覧を更新しました。読み込み直してからもう一度お試しください。',
		en: 'Someone else updated the vaccine list. Reload and try again.'
	},
	CATALOG_INVALID: {
		ja: 'ワクチン製品の設定として正しくありません。',
		en: 'The vaccine product settings are not valid.'
	},
	CODE_FORMAT: { ja: 'コードは英数字と _ - の20文字以内です。', en: 'Codes are up to 20 letters, digits, _ or -.' },
	NAME_REQUIRED: { ja: '名称を入力してください（100文字以内）。', en: 'Enter a name.' },
	GTIN_INVALID: {
		ja: 'GTINが正しくありません（13桁または14桁の数字で、最後の検査数字が一致すること）。',
		en: 'Not a valid GTIN (13 or 14 digits with a matching check digit).'
	},
	GTIN_DUPLICATE: { ja: '同じGTINが2回入力されています。', en: 'The same GTIN appears twice.' },
	GTIN_TAKEN: { ja: 'このGTINは別の製品に登録されています。', en: 'This GTIN belongs to another product.' },
	VOLUMES_INVALID: {
		ja: '接種量（mL）は0より大きく5以下の数値を1つ以上入力してください。',
		en: 'The dose volumes are not valid.'
	},
	SITES_INVALID: { ja: '接種部位を1つ以上選んでください。', en: 'The injection sites are not valid.' },
	ROUTES_INVALID: { ja: '接種方法を1つ以上選んでください。', en: 'The routes are not valid.' },
	MAX_DOSE_INVALID: { ja: '最大接種回数が範囲外です。', en: 'The maximum dose number is not valid.' },
	INTERVALS_INVALID: {
		ja: '接種間隔（日）は2回目から最大接種回数まで、0〜3650の整数ですべて入力してください。',
		en: 'The dose intervals are not valid.'
	},
	MAKER_UNKNOWN: { ja: '製造販売業者が登録されていません。先に製造販売業者を登録してください。', en: 'No such maker.' },
	MAKER_NAME_CONFLICT: {
		ja: '同じ製造販売業者コードに別の名称が書かれています。',
		en: 'The same maker code has different names.'
	},
	// Exports
	EXPORT_UNKNOWN: { ja: 'その出力ファイルは見つかりません。', en: 'No such export.' },
	NOTHING_TO_EXPORT: {
		ja: '出力できる記録がありません（条件を確認してください）。',
		en: 'Nothing to export (check the conditions).'
	},
	NAMES_MISSING: {
		ja: '名称が未登録のコードがあります。「会場・医師」の画面で登録してください。',
		en: 'Some codes have no name. Add them on the Sites and doctors page.'
	},
	UNENCODABLE: { ja: 'Shift_JIS で書けない文字があります。', en: 'Some characters cannot be written in Shift_JIS.' },
	TOO_LONG: {
		ja: '項目が出力形式の長さの上限を超えています。',
		en: 'A field is longer than the export layout allows.'
	},
	DUPLICATE_DOSE: {
		ja: '同じ接種券・同じ回数の記録が二つあります。',
		en: 'Two records have the same ticket and dose.'
	},
	DOSE_BEYOND_CATALOG: {
		ja: '接種回数が出力形式の上限を超えています。',
		en: 'The dose number is beyond what the layout carries.'
	},
	// Said by the office's own client, not the server
	NETWORK: {
		ja: 'サーバーに接続できません。ネットワークを確認してください。',
		en: 'Cannot reach the server. Check the network.'
	},
	HTTP_ERROR: { ja: 'サーバーから予期しない応答がありました。', en: 'The server answered unexpectedly.' }
} satisfies Record<string, ErrorText>;

export type ErrorCode = keyof typeof ERROR_TEXT;

// Every refusal code has its text: a new one fails to compile here until it gets one.
const refusalTexts: Record<UpdateRefusalCode, ErrorText> = ERROR_TEXT;
void refusalTexts;

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_TEXT, code);

/** The text of a code in a language; a code unknown to this version gets the generic text, never the bare code. */
export function errorMessage(code: string, locale: 'ja' | 'en'): string {
	return (isErrorCode(code) ? ERROR_TEXT[code] : ERROR_TEXT.HTTP_ERROR)[locale];
}
