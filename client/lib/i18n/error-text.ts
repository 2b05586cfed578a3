import { errorMessage } from '#shared/errors/catalogue';
import { i18n } from './locale.svelte';

/**
 * Codes whose server message names the particular lines, codes, fields or municipality at fault
 * (for INVALID_EVENT, every problem of the record): on a Japanese screen that Japanese detail
 * follows the code's text (in English only the text).
 */
const DETAILED = new Set([
	'NAMES_MISSING',
	'NOTHING_TO_EXPORT',
	'BAD_HEADER',
	'CSV_MALFORMED',
	'ENCODING',
	'MY_NUMBER',
	'REASON_TOO_LONG',
	'INVALID_EVENT',
	'FIELD_NOT_EDITABLE'
]);
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/**
 * What a screen says for an error code from the server: its one text from the shared catalogue
 * (shared/errors/catalogue.ts) in the current language, never the bare code nor the server's
 * English message.
 */
export function errorTextOf(code: string, serverMessage?: string): string {
	const text = errorMessage(code, i18n.locale);
	if (
		i18n.locale === 'ja' &&
		serverMessage &&
		DETAILED.has(code) &&
		JAPANESE.test(serverMessage) &&
		serverMessage !== text
	)
		return `${text}（${serverMessage}）`;
	return text;
}
