import { errorTextOf } from '$lib/i18n/error-text';
import { ApiError } from './api';

/** What an API failure says to the user: its code's text from the shared catalogue (error-text.ts). */
export const errorText = (e: unknown): string => (e instanceof ApiError ? errorTextOf(e.code, e.message) : String(e));

/**
 * The one line of feedback an office page shows after an action: what was done, or what went
 * wrong and why. Shown by StatusMessage.svelte (role=status, or role=alert for a failure, so a
 * screen reader announces it).
 */
export class StatusLine {
	current = $state<{ error: boolean; text: string } | null>(null);

	done(text: string): void {
		this.current = { error: false, text };
	}

	/** An error from the API, or a message of the page's own. */
	failed(reason: unknown): void {
		this.current = { error: true, text: errorText(reason) };
	}

	clear(): void {
		this.current = null;
	}
}
