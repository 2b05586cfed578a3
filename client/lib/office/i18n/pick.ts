import { i18n } from '$lib/i18n/locale.svelte';

/** The office pages keep their strings per feature; this picks the catalogue of the current language. Use inside $derived. */
export function pick<T>(ja: T, en: T): T {
	return i18n.locale === 'ja' ? ja : en;
}
