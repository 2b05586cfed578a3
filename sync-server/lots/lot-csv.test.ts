import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VACCINE_CATALOG } from '#shared/index';
import { parseLotFile } from './lot-csv';

const enc = (s: string) => new TextEncoder().encode(s);

describe('lot master CSV', () => {
	it('reads product codes or GTINs, both date forms and site lists, and merges lines of one lot', () => {
		const r = parseLotFile(
			enc(
				'\uFEFF製品コード,ロット,有効期限,納品先会場コード\ncomirnaty,A1,2030-01-31,V001、V002\n09520000001018,A1,2030/1/31,"V003;V001"\n'
			),
			DEFAULT_VACCINE_CATALOG
		);
		expect(r).toMatchObject({ ok: true, encoding: 'utf-8-bom', totalLines: 2, errors: [] });
		if (!r.ok) return;
		expect(r.lots).toEqual([
			{ product: 'comirnaty', lot: 'A1', expiry: '2030-01-31', sites: ['V001', 'V002', 'V003'], lines: [2, 3] }
		]);
	});

	it('detects Shift_JIS and a UTF-8 BOM', () => {
		const text = '製品,ロット番号,有効期限,納品先\r\nspikevax,M1,2030-02-28,V001\r\n';
		expect(parseLotFile(iconv.encode(text, 'cp932'), DEFAULT_VACCINE_CATALOG)).toMatchObject({
			ok: true,
			encoding: 'shift_jis'
		});
		expect(parseLotFile(new Uint8Array([0xef, 0xbb, 0xbf, ...enc(text)]), DEFAULT_VACCINE_CATALOG)).toMatchObject({
			ok: true,
			encoding: 'utf-8-bom'
		});
	});

	it('names line and column of every problem without echoing the cell', () => {
		const r = parseLotFile(
			enc('製品,ロット番号,有効期限,納品先\nsecret-product,LOT 1,2030-02-29,\n'),
			DEFAULT_VACCINE_CATALOG
		);
		expect(r.ok && r.errors.map((e) => [e.line, e.column, e.code])).toEqual([
			[2, '製品', 'PRODUCT_UNKNOWN'],
			[2, 'ロット番号', 'LOT_FORMAT'],
			[2, '有効期限', 'DATE_FORMAT'],
			[2, '納品先', 'SITES_REQUIRED']
		]);
		expect(JSON.stringify(r)).not.toContain('secret-product');
	});

	it('refuses the whole file for a My Number, in any cell, even in an unknown column', () => {
		const r = parseLotFile(
			enc('製品,ロット番号,有効期限,納品先,備考\ncomirnaty,A1,2030-01-31,V001,123456789018\n'),
			DEFAULT_VACCINE_CATALOG
		);
		expect(r).toMatchObject({ ok: false, code: 'MY_NUMBER' });
		expect(JSON.stringify(r)).not.toContain('123456789018');
		// Typed in full-width digits, as a Japanese IME gives them.
		const wide = parseLotFile(
			enc('製品,ロット番号,有効期限,納品先,備考\ncomirnaty,A1,2030-01-31,V001,１２３４５６７８９０１８\n'),
			DEFAULT_VACCINE_CATALOG
		);
		expect(wide).toMatchObject({ ok: false, code: 'MY_NUMBER', message: expect.stringContaining('2行目') });
	});
});
