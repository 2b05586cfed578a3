/**
 * True when the browser refused a write for lack of space (the origin's storage quota).
 * IndexedDB reports it as a QuotaExceededError DOMException; Dexie passes it on under the same
 * name, or as the inner error of the AbortError of the transaction it broke.
 */
export function isQuotaExceeded(error: unknown): boolean {
	for (
		let e: unknown = error, depth = 0;
		e && typeof e === 'object' && depth < 5;
		e = (e as { inner?: unknown }).inner, depth++
	) {
		if ((e as { name?: unknown }).name === 'QuotaExceededError') return true;
	}
	return false;
}
