import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { encodeCsv, toCp932Text, UnencodableError } from './encode';

describe('export CSV encoding', () => {
	it('writes UTF-8 with a BOM, CRLF after every line, and quotes only fields that need it', () => {
		const bytes = encodeCsv(
			['a', 'b'],
			[
				['1', 'x,y'],
				['"q"', '改\n行']
			],
			'utf-8-bom'
		);
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(bytes.subarray(3).toString('utf8')).toBe('a,b\r\n1,"x,y"\r\n"""q""","改\n行"\r\n');
	});

	it('writes Shift_JIS (CP932), with JIS characters in their CP932 spelling', () => {
		const bytes = encodeCsv(['会場'], [['体育館〜第1−2'], ['髙橋①']], 'shift_jis');
		expect(bytes.equals(iconv.encode('会場\r\n体育館～第1－2\r\n髙橋①\r\n', 'cp932'))).toBe(true);
		// 〜 (U+301C) became CP932's 0x8160, never '?'.
		expect(bytes.includes(Buffer.from([0x81, 0x60]))).toBe(true);
		expect(bytes.includes(0x3f)).toBe(false);
	});

	it('refuses a character Shift_JIS lacks, naming line, column and code point', () => {
		expect(() =>
			encodeCsv(
				['接種会場名', '接種医師名'],
				[
					['A', 'B'],
					['C', '𠮷田']
				],
				'shift_jis'
			)
		).toThrow(UnencodableError);
		try {
			encodeCsv(
				['接種会場名', '接種医師名'],
				[
					['A', 'B'],
					['C', '𠮷田']
				],
				'shift_jis'
			);
		} catch (e) {
			expect(e).toMatchObject({ line: 3, column: '接種医師名', codePoint: 'U+20BB7' });
		}
		expect(toCp932Text('é')).toEqual({ ok: false, codePoint: 'U+00E9' });
		expect(toCp932Text('?')).toEqual({ ok: true, text: '?' });
		// The same text is fine in UTF-8.
		expect(
			encodeCsv(['x'], [['𠮷田']], 'utf-8-bom')
				.subarray(3)
				.toString('utf8')
		).toBe('x\r\n𠮷田\r\n');
	});
});
