import { catalogues, type Locale, type Messages } from './messages';

const STORAGE_KEY = 'locale';

/** The chosen language; Japanese unless the operator switched. */
class LocaleState {
	locale = $state<Locale>('ja');

	constructor() {
		if (typeof localStorage !== 'undefined' && localStorage.getItem(STORAGE_KEY) === 'en') this.locale = 'en';
	}

	get t(): Messages {
		return catalogues[this.locale];
	}

	toggle(): void {
		this.locale = this.locale === 'ja' ? 'en' : 'ja';
		localStorage.setItem(STORAGE_KEY, this.locale);
		document.documentElement.lang = this.locale;
	}
}

export const i18n = new LocaleState();
