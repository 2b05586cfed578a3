import { describe, expect, it } from 'vitest';
import { UPDATE_REFUSAL_CODES } from '#shared/protocol/refusals';
import { reconcileEn, reconcileJa } from './i18n/reconcile';
import { detailText, refusalText } from './reconcile-types';

describe('refused updates in the office pages', () => {
	it('every refusal code the server sends has its Japanese and English text', () => {
		for (const code of UPDATE_REFUSAL_CODES) {
			expect(reconcileJa.refusalCodes[code], code).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
			expect(reconcileEn.refusalCodes[code], code).toBeTruthy();
		}
	});

	it("a refused-update item's code is shown as its text, not the bare code; other details as they are", () => {
		const item = { details: { refusedUpdateId: 7, code: 'SERVICE_DAY_FUTURE', eventIds: ['a', 'b'] } };
		expect(detailText(item, reconcileJa.detailKeys, reconcileJa.refusalCodes)).toBe(
			'拒否番号: 7 / 拒否の理由: 実施日が未来の日付です。端末の日付・時計の誤りの可能性があります。 / イベントID: a, b'
		);
		// A code this page does not know (a newer server) is shown bare, never dropped.
		expect(refusalText('SOMETHING_NEW', reconcileJa.refusalCodes)).toBe('SOMETHING_NEW');
	});
});
